package io.viewpulse.ingest;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Where viewers are: GeoIP layouts, proxies, CDN headers; and that their addresses are never kept. */
class GeoEnrichmentTest {
  private static final String GEO = "/api/data/views/query?breakdownBy[]=continent&breakdownBy[]=country"
      + "&breakdownBy[]=subdivision&breakdownBy[]=timezone&breakdownBy[]=geohash";

  private static String place(JsonNode row) {
    return row.path("continent").asText(null) + "/" + row.path("country").asText(null) + "/"
        + row.path("subdivision").asText(null) + "/" + row.path("timezone").asText(null) + "/"
        + row.path("geohash").asText(null);
  }

  private static TestServer server(String layout, String cdn, List<String> proxies) {
    return new TestServer(TestServer.newTempDir(), new MutableClock(T0), true, layout, cdn, proxies);
  }

  @Test
  void theGeoLite2LayoutGivesItsOwnZoneAndRegion() {
    try (TestServer s = server("geolite2", "none", List.of("127.0.0.1/32"))) {
      s.asset("pb");
      s.beacon(Beacons.session("a", "pb").play(T0).json(), "192.0.2.200");
      assertThat(s.query(GEO).json()).extracting(GeoEnrichmentTest::place)
          .containsExactly("North America/US/California/America/Los_Angeles/9q9");
    }
  }

  @Test
  void forwardedForIsIgnoredFromAnUntrustedPeer() {
    try (TestServer s = server("dbip", "none", List.of())) {
      s.asset("pb");
      s.beacon(Beacons.session("a", "pb").play(T0).json(), "192.0.2.200");
      assertThat(s.query(GEO).json()).extracting(GeoEnrichmentTest::place)
          .containsExactly("null/null/null/null/null");
    }
  }

  @Test
  void forwardedForIsReadRightToLeftSkippingTrustedProxies() {
    try (TestServer s = server("dbip", "none", List.of("127.0.0.1/32", "10.0.0.0/8"))) {
      s.asset("pb");
      // the left-most entry is whatever the client claimed; the first untrusted hop from the right is the viewer
      s.beacon(Beacons.session("a", "pb").play(T0).json(), "198.51.100.1, 203.0.113.9, 10.1.2.3");
      assertThat(s.query(GEO).json()).extracting(n -> n.path("country").asText()).containsExactly("GB");
    }
  }

  @Test
  void aTrustedCdnsHeadersWin() {
    try (TestServer s = server("dbip", "cloudfront", List.of())) {
      s.asset("pb");
      s.http.post("/analytics/log", Beacons.session("a", "pb").play(T0).json(),
          "CloudFront-Viewer-Address", "192.0.2.7:51234", "CloudFront-Viewer-Country", "CA",
          "CloudFront-Viewer-Country-Region", "QC", "CloudFront-Viewer-Country-Region-Name", "Quebec",
          "CloudFront-Viewer-Time-Zone", "America/Toronto", "CloudFront-Viewer-Latitude", "45.50",
          "CloudFront-Viewer-Longitude", "-73.57");
      assertThat(s.query(GEO).json()).extracting(GeoEnrichmentTest::place)
          .containsExactly("North America/CA/Quebec/America/Toronto/f25");
    }
    try (TestServer s = server("dbip", "cloudflare", List.of())) {
      s.asset("pb");
      s.http.post("/analytics/log", Beacons.session("a", "pb").play(T0).json(),
          "CF-Connecting-IP", "203.0.113.50", "CF-IPCountry", "FR");
      assertThat(s.query(GEO).json()).extracting(GeoEnrichmentTest::place)
          .containsExactly("Europe/FR/null/Europe/Paris/null");
    }
  }

  @Test
  void aCdnsClientAddressIsLocatedWhenItSendsNoGeoHeaders() {
    try (TestServer s = server("dbip", "fastly", List.of())) {
      s.asset("pb");
      s.http.post("/analytics/log", Beacons.session("a", "pb").play(T0).json(), "Fastly-Client-IP", "2001:db8::77");
      assertThat(s.query(GEO).json()).extracting(n -> n.path("country").asText()).containsExactly("JP");
    }
  }

  @Test
  void rawAddressesNeverReachStorageOrLogs() throws IOException {
    String ip = "198.51.100.123";
    Path dir;
    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        logged.add(new java.util.logging.SimpleFormatter().format(r));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    java.util.logging.Level level = root.getLevel();
    root.setLevel(java.util.logging.Level.ALL);
    root.addHandler(capture);
    try (TestServer s = server("dbip", "none", List.of("127.0.0.1/32"))) {
      dir = s.dataDir;
      s.asset("pb");
      Http.Response r = s.beacon(Beacons.session("a", "pb").play(T0).json(), ip);
      assertThat(r.status()).isEqualTo(200);
      assertThat(s.query(GEO).json().get(0).path("country").asText()).isEqualTo("DE");
      s.flush();
      assertThat(filesContaining(dir, ip)).isEmpty();
      assertThat(filesContaining(dir, "Safari/537.36")).as("nor raw user agents").isEmpty();
      assertThat(s.beacon("{\"session_id\":", ip).status()).isEqualTo(400);
      assertThat(s.beacon(Beacons.session("b", "nobody").play(T0).json(), ip).status()).isEqualTo(404);
    } finally {
      root.removeHandler(capture);
      root.setLevel(level);
    }
    assertThat(logged).isNotEmpty();
    assertThat(logged).noneMatch(line -> line.contains(ip));
  }

  private static List<Path> filesContaining(Path dir, String needle) throws IOException {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(p -> {
        try {
          byte[] all = Files.readAllBytes(p);
          outer:
          for (int i = 0; i + n.length <= all.length; i++) {
            for (int j = 0; j < n.length; j++) {
              if (all[i + j] != n[j]) {
                continue outer;
              }
            }
            return true;
          }
          return false;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }
}
