package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Browsers ask for gzip with every request, each beacon included: small answers go uncompressed anyway (a compressed
 * acknowledgement is larger and costs a deflater per beacon), large ones are compressed.
 */
class CompressionTest {
  private static final String BROWSER = "gzip, deflate, br, zstd";
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static TestServer s;

  @BeforeAll
  static void start() {
    s = new TestServer();
    s.asset("pb1");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder b) throws Exception {
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.vp.port() + path));
  }

  @Test
  void aBeaconsAcknowledgementGoesUncompressedToABrowser() throws Exception {
    String beacon = Beacons.session("gz-1", "pb1").play(TestServer.T0).json();
    HttpResponse<byte[]> r = send(to("/analytics/log").header("Accept-Encoding", BROWSER)
        .header("Content-Type", "text/plain;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(beacon)));
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"accepted\":1,\"dropped\":{}}");
  }

  @Test
  void aSmallAnswerGoesUncompressed() throws Exception {
    HttpResponse<byte[]> r = send(to("/healthz").header("Accept-Encoding", BROWSER).GET());
    assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"ok\",\"store\":\"ok\",\"eventLog\":\"ok\",\"sessions\":\"ok\",\"beaconsAwaitingStore\":0,\"partitionsOwned\":1,\"geoip\":\"on\",\"networkDimensions\":\"off: no ASN database\"}");
  }

  @Test
  void aLargeAnswerIsGzippedForAClientThatAsksAndPlainForOneThatDoesNot() throws Exception {
    byte[] doc = Files.readAllBytes(Path.of("src/main/resources/io/viewpulse/web/openapi.json"));
    HttpResponse<byte[]> gz = send(to("/api/openapi.json").header("Accept-Encoding", "gzip").GET());
    assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes()).isEqualTo(doc);
    assertThat(gz.body().length).as("JSON shrinks at least threefold even at the fastest level")
        .isLessThan(doc.length / 3);
    HttpResponse<byte[]> plain = send(to("/api/openapi.json").GET());
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(plain.body()).isEqualTo(doc);
  }
}
