package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.RawHttp;
import io.viewpulse.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What is served to this machine only, and which host names are answered. The tests run on loopback: a peer from
 * elsewhere is played by the server's loopback check, which a switch turns off (what the server then refuses is what
 * it refuses a peer on another machine).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalOnlyTest {
  static final String METRICS_LOCAL_ONLY = "/metrics answers this machine only (a loopback peer, not relayed by a"
      + " proxy): to scrape it from elsewhere, start Viewpulse with --metrics-token-file <file> and send"
      + " Authorization: Bearer <the token in it>";
  private static final String TOKEN = "scrape-7c1e9a0b4d2f6e83";
  private final AtomicBoolean remote = new AtomicBoolean();
  private TestServer open;
  private TestServer tokened;
  private TestServer named;
  private Path tokenFile;

  @BeforeAll
  void start() throws IOException {
    tokenFile = Files.createTempFile("viewpulse-metrics", ".token");
    Files.writeString(tokenFile, TOKEN);
    open = new TestServer(c -> c.withLoopbackPeer(a -> !remote.get() && LocalRequests.isLoopbackAddress(a)));
    tokened = new TestServer(c -> c.withMetricsTokenFile(tokenFile)
        .withLoopbackPeer(a -> !remote.get() && LocalRequests.isLoopbackAddress(a)));
    named = new TestServer(c -> c.withPublicHosts(List.of("viewpulse.example.com", "stats.example.org")));
  }

  @AfterAll
  void stop() throws IOException {
    remote.set(false);
    open.close();
    tokened.close();
    named.close();
    Files.deleteIfExists(tokenFile);
  }

  private Http.Response fromElsewhere(TestServer s, String path, String... headers) {
    remote.set(true);
    try {
      return s.http.get(path, headers);
    } finally {
      remote.set(false);
    }
  }

  private static RawHttp.Reply withHost(TestServer s, String path, String host, String... headers) throws IOException {
    StringBuilder b = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    try (RawHttp http = new RawHttp(s.vp.port(), 10_000)) {
      return http.exchange(b.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String error(RawHttp.Reply r) throws IOException {
    return Http.JSON.readTree(r.body()).path("errors").path(0).asText();
  }

  @Test
  void withoutATokenMetricsAnswerThisMachineOnly() throws IOException {
    assertThat(open.http.get("/metrics").body()).contains("viewpulse_sessions_open");
    assertThat(withHost(open, "/metrics", "localhost:" + open.vp.port()).status()).isEqualTo(200);

    Http.Response elsewhere = fromElsewhere(open, "/metrics");
    assertThat(elsewhere.status() + " " + elsewhere.error()).isEqualTo("403 " + METRICS_LOCAL_ONLY);
    assertThat(elsewhere.body()).doesNotContain("viewpulse_");
    Http.Response proxied = open.http.get("/metrics", "X-Forwarded-For", "198.51.100.4");
    assertThat(proxied.status() + " " + proxied.error()).as("relayed by a proxy on this machine")
        .isEqualTo("403 " + METRICS_LOCAL_ONLY);
    RawHttp.Reply rebound = withHost(open, "/metrics", "attacker.example:" + open.vp.port());
    assertThat(rebound.status() + " " + error(rebound)).as("a page whose name was rebound to 127.0.0.1")
        .isEqualTo("403 " + METRICS_LOCAL_ONLY);
  }

  @Test
  void theAdminRoutesAnswerThisMachineOnly() throws IOException {
    String admin = "Bearer " + open.vp.adminToken();
    String localOnly = "the admin routes answer this machine only (the command line on the server's machine, over"
        + " loopback), not a peer elsewhere or a request relayed by a proxy";
    assertThat(open.http.get("/admin/accounts", "Authorization", admin).status()).isEqualTo(200);
    Http.Response elsewhere = fromElsewhere(open, "/admin/accounts", "Authorization", admin);
    assertThat(elsewhere.status() + " " + elsewhere.error()).isEqualTo("403 " + localOnly);
    Http.Response proxied = open.http.get("/admin/accounts", "Authorization", admin, "Forwarded", "for=198.51.100.4");
    assertThat(proxied.status() + " " + proxied.error()).isEqualTo("403 " + localOnly);
    RawHttp.Reply rebound = withHost(open, "/admin/accounts", "attacker.example", "Authorization: " + admin);
    assertThat(rebound.status() + " " + error(rebound)).isEqualTo("403 " + localOnly);
  }

  @Test
  void withATokenMetricsAnswerWhoeverPresentsItFromAnywhere() {
    assertThat(fromElsewhere(tokened, "/metrics", "Authorization", "Bearer " + TOKEN).body())
        .contains("viewpulse_sessions_open");
    assertThat(fromElsewhere(tokened, "/metrics").status()).isEqualTo(401);
    assertThat(tokened.http.get("/metrics").status()).as("this machine needs it too").isEqualTo(401);
  }

  @Test
  void withPublicHostNamesAnotherHostIsAnswered421() throws IOException {
    String refused = "this server does not answer for the host the request names: it answers for"
        + " stats.example.org, viewpulse.example.com (and loopback names and addresses)";
    for (String host : List.of("attacker.example", "attacker.example:" + named.vp.port(), "viewpulse.example.com.evil",
        "example.com", "192.0.2.1:8080")) {
      RawHttp.Reply r = withHost(named, "/healthz", host);
      assertThat(r.status() + " " + error(r)).as(host).isEqualTo("421 " + refused);
    }
    RawHttp.Reply api = withHost(named, "/api/asset", "attacker.example", "Authorization: Bearer " + named.secretKey);
    assertThat(api.status()).as("before any route").isEqualTo(421);
    for (String host : List.of("viewpulse.example.com", "VIEWPULSE.example.com:443", "viewpulse.example.com.",
        "stats.example.org:8080", "localhost:" + named.vp.port(), "app.localhost", "127.0.0.1", "127.0.0.2:80",
        "[::1]:" + named.vp.port())) {
      RawHttp.Reply r = withHost(named, "/healthz", host);
      assertThat(r.status() + " " + Http.JSON.readTree(r.body()).get("status").asText()).as(host).isEqualTo("200 ok");
    }
  }
}
