package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server ships Netty's epoll transport for the platforms it is built for, and serves on it. */
class TransportTest {

  @Test
  void onLinuxTheServerServesOnEpoll() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    assumeTrue(os.contains("linux") && Set.of("amd64", "x86_64", "aarch64").contains(System.getProperty("os.arch")),
        "epoll is shipped for Linux on x86-64 and ARM64 only");
    try (TestServer s = new TestServer()) {
      assertThat(s.vp.nativeTransport()).isTrue();
      Http.Response health = s.http.get("/healthz");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    }
  }
}
