package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.RawHttp;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.Uplynk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A credential sent the wrong way (without its scheme, in a garbled signed request, in a query that does not decode)
 * is refused with a message that names the mistake and never repeats the credential.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoEchoTest {
  private static final String METRICS_TOKEN = "metrics-0d1f7b3c9e2a4f60";
  private TestServer s;
  private String admin;
  private Path tokenFile;

  @BeforeAll
  void start() throws IOException {
    tokenFile = Files.createTempFile("viewpulse-metrics", ".token");
    Files.writeString(tokenFile, METRICS_TOKEN);
    s = new TestServer(c -> c.withMetricsTokenFile(tokenFile));
    admin = s.vp.adminToken();
  }

  @AfterAll
  void stop() throws IOException {
    s.close();
    Files.deleteIfExists(tokenFile);
  }

  private RawHttp.Reply raw(String pathAndQuery, String... headers) throws IOException {
    StringBuilder b = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    try (RawHttp http = new RawHttp(s.vp.port(), 10_000)) {
      return http.exchange(b.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aKeyWithoutItsSchemeIsRefusedWithoutBeingRepeated() {
    List<String> answers = new ArrayList<>();
    for (String[] call : List.of(
        new String[] {"/api/asset", s.secretKey},
        new String[] {"/api/asset", s.secretKey + " " + s.secretKey},
        new String[] {"/api/data/views/query/creator?assetId=x", s.corsKey},
        new String[] {"/api/v4/monitoring/stream_stats_enhanced/x", s.secretKey},
        new String[] {"/admin/accounts", admin},
        new String[] {"/metrics", METRICS_TOKEN})) {
      Http.Response r = s.http.get(call[0], "Authorization", call[1]);
      assertThat(r.body()).as(call[0]).doesNotContain(s.secretKey).doesNotContain(s.corsKey).doesNotContain(admin)
          .doesNotContain(METRICS_TOKEN);
      answers.add(r.status() + " " + r.error());
    }
    String noScheme = "401 the Authorization header has no scheme: send Authorization: Bearer <API key>";
    assertThat(answers).containsExactly(noScheme, noScheme, noScheme, noScheme,
        "401 " + io.viewpulse.testing.AccessMatrix.ADMIN_ONLY,
        "401 /metrics needs the metrics token: Authorization: Bearer <the token in the server's"
            + " --metrics-token-file>");
    Http.Response basic = s.http.get("/api/asset", "Authorization", "Basic dXNlcjpwYXNz");
    assertThat(basic.error()).as("a scheme is named").isEqualTo("unsupported authorization header scheme: Basic");
  }

  @Test
  void aSignedRequestThatDoesNotDecodeIsRefusedWithoutRepeatingWhatItCarried() {
    String path = "/api/v4/monitoring/stream_stats_enhanced/x?";
    String notJson = Uplynk.zlibBase64(s.secretKey);
    String[][] cases = {
        {"msg=" + java.net.URLEncoder.encode(notJson, StandardCharsets.UTF_8) + "&sig=00",
            "msg must be base64 of zlib-compressed JSON (not JSON)"},
        {"msg=" + s.secretKey + "&sig=00", "msg must be base64 of zlib-compressed JSON (not zlib-compressed)"},
        {"msg=" + java.util.Base64.getEncoder().encodeToString(s.secretKey.getBytes(StandardCharsets.UTF_8))
            + "&sig=00", "msg must be base64 of zlib-compressed JSON (not zlib-compressed)"},
        {"msg=" + java.net.URLEncoder.encode(Uplynk.zlibBase64("[\"" + s.secretKey + "\"]"), StandardCharsets.UTF_8)
            + "&sig=00", "msg must be base64 of zlib-compressed JSON (not an object)"}};
    for (String[] c : cases) {
      Http.Response r = s.http.get(path + c[0]);
      assertThat(r.body()).doesNotContain(s.secretKey);
      if (c[0].startsWith("msg=" + s.secretKey)) {
        // a key is base64url: whether a MIME decoder takes what is left of it depends on the key's characters
        assertThat(r.status() + " " + r.error()).isIn("401 " + c[1],
            "401 msg must be base64 of zlib-compressed JSON (not base64)");
      } else {
        assertThat(r.status() + " " + r.error()).isEqualTo("401 " + c[1]);
      }
    }
  }

  @Test
  void aQueryThatDoesNotDecodeIsRefusedWithoutRepeatingItsValues() throws IOException {
    for (String query : List.of("?sig=" + s.secretKey + "%zz&msg=x", "?playbackId=" + s.secretKey + "%zz",
        "?key=" + s.secretKey + "%")) {
      for (String path : List.of("/api/v4/monitoring/stream_stats_enhanced/x", "/api/data/views/query",
          "/api/asset")) {
        RawHttp.Reply r = raw(path + query, "Authorization: Bearer " + s.secretKey);
        assertThat(r.text()).as(path + query).doesNotContain(s.secretKey.substring(3));
        assertThat(r.status() + " " + Http.JSON.readTree(r.body()).path("errors").path(0).asText())
            .as(path + query).isEqualTo("400 the query string is not valid percent-encoding: each % must be followed"
                + " by two hex digits");
      }
    }
  }
}
