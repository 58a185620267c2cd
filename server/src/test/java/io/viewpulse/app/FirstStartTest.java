package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What {@code viewpulse serve} prints (journald and container logs keep it), on a first start and on a restart: the
 * keys created at first start appear once, and never again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirstStartTest {
  private static final Pattern KEY = Pattern.compile("vp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
  private Path data;
  private ServerProcess server;
  private String first;
  private String second;

  @BeforeAll
  void startTwice() throws Exception {
    data = TestServer.newTempDir();
    server = new ServerProcess(data, List.of("-Xmx256m"));
    server.start();
    first = awaitBanner(0);
    server.stop();
    server.start();
    second = awaitBanner(1);
  }

  @AfterAll
  void stop() throws Exception {
    if (server.alive()) {
      server.stop();
    }
    TestServer.deleteTree(data);
  }

  /** The output of start {@code run} once its banner is out (at most 60 s after the server listens). */
  private String awaitBanner(int run) throws Exception {
    for (int i = 0; i < 600; i++) {
      String out = java.nio.file.Files.readString(data.resolve("server-" + run + ".out"));
      if (out.contains("Viewpulse is running on")) {
        // the banner is printed whole, by one call
        return out;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no banner: " + java.nio.file.Files.readString(data.resolve("server-" + run + ".out")));
  }

  private static List<String> keys(String text) {
    Matcher m = KEY.matcher(text);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  @Test
  void theFirstStartPrintsEachNewKeyOnceAndARestartPrintsNone() throws Exception {
    List<String> printed = keys(first);
    assertThat(printed).as(first).hasSize(2).doesNotHaveDuplicates();
    assertThat(first).contains("secret key " + printed.get(0)).contains("CORS key   " + printed.get(1))
        .contains("KEY=<the secret key above>").contains("-H \"Authorization: Bearer $KEY\"");
    // what was printed is the account's real secret key
    assertThat(server.get("/api/asset", printed.get(0)).statusCode()).isEqualTo(200);
    assertThat(keys(second)).as(second).isEmpty();
  }

  @Test
  void theBannerSaysWhoMayReadMetrics() {
    assertThat(first).contains("/metrics answers this machine only (loopback); to scrape it from elsewhere, restart"
        + " with --metrics-token-file <file>");
  }
}
