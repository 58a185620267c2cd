package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two servers started at once on one empty data directory: the embedded store lets one process hold its file, so
 * exactly one of them creates the schema and serves; the other stops at once with a message saying why, having
 * changed nothing.
 */
class TwoServersOneStoreTest {
  private final Path data = TestServer.newTempDir();

  @AfterEach
  void clean() {
    TestServer.deleteTree(data);
  }

  @Test
  void oneServesAndTheOtherStopsSayingTheStoreIsHeld() throws Exception {
    try (ServerProcess a = new ServerProcess(data, List.of("-Xmx256m")).tagged("a");
        ServerProcess b = new ServerProcess(data, List.of("-Xmx256m")).tagged("b")) {
      a.launch();
      b.launch();
      boolean aUp = a.awaitListening();
      boolean bUp = b.awaitListening();
      assertThat(aUp ^ bUp).as("exactly one serves:\n" + a.output() + "\n" + b.output()).isTrue();
      ServerProcess up = aUp ? a : b;
      ServerProcess down = aUp ? b : a;
      assertThat(down.exitCode()).isEqualTo(1);
      assertThat(down.output()).contains("viewpulse: cannot open the store under").contains("lock");
      assertThat(up.get("/healthz", null).statusCode()).isEqualTo(200);
      up.stop();
    }
    // the survivor's schema is whole: a third start finds it current and serves
    try (ServerProcess c = new ServerProcess(data, List.of("-Xmx256m")).tagged("c")) {
      c.start();
      assertThat(c.get("/healthz", null).statusCode()).isEqualTo(200);
      assertThat(c.output()).doesNotContain("store schema migrated");
      c.stop();
    }
  }
}
