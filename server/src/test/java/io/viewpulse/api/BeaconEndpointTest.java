package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code /analytics/log}: what players get back, and that bad input never reaches the views. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BeaconEndpointTest {
  private TestServer s;

  @BeforeAll
  void start() {
    s = new TestServer();
    s.asset("pb1");
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private long views() {
    return s.query("/api/data/views/query").json().get(0).get("viewCount").asLong();
  }

  private long metric(String name, String tag) {
    String line = s.http.get("/metrics").body().lines()
        .filter(l -> l.startsWith(name) && (tag == null || l.contains(tag))).findFirst().orElse(null);
    return line == null ? 0 : (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  @Test
  void playersDiscoverTheReportingHostWithAGet() {
    Http.Response r = s.http.get("/analytics/log", "Origin", "https://www.example.com");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://www.example.com");
  }

  @Test
  void aRedirectedDiscoveryWithANullOriginIsAllowed() {
    assertThat(s.http.get("/analytics/log", "Origin", "null").header("Access-Control-Allow-Origin"))
        .isEqualTo("null");
  }

  @Test
  void aBeaconIsAcknowledgedWithCorsHeadersSoThePlayerDoesNotResendIt() {
    Http.Response r = s.beacon(Beacons.session("ok-1", "pb1").play(T0).json(), "192.0.2.1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://www.example.com");
    assertThat(r.header("Access-Control-Allow-Credentials")).as("no cookies are used").isNull();
    assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
  }

  @Test
  void aPreflightIsAnswered() {
    Http.Response r = s.http.options("/analytics/log", "Origin", "https://x.example", "Access-Control-Request-Method",
        "POST", "Access-Control-Request-Headers", "content-type");
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("content-type");
    assertThat(r.header("Access-Control-Allow-Methods")).contains("POST");
  }

  @Test
  void malformedJsonIsA400ThatSaysSo() {
    long before = views();
    Http.Response r = s.beacon("{\"session_id\": ", "192.0.2.1");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).startsWith("body is not valid JSON");
    assertThat(s.beacon("[1,2]", "192.0.2.1").error()).isEqualTo("body must be a JSON object");
    assertThat(views()).isEqualTo(before);
  }

  @Test
  void wrongTypesAndMissingFieldsAreNamed() {
    assertThat(s.beacon(Beacons.session("x", "pb1").without("session_id").json(), "192.0.2.1").error())
        .isEqualTo("session_id is required");
    assertThat(s.beacon("{\"session_id\":\"x\",\"playback_id\":\"pb1\",\"events\":{}}", "192.0.2.1").error())
        .isEqualTo("events must be an array");
    assertThat(s.beacon("{\"session_id\":\"x\",\"playback_id\":\"pb1\",\"live\":\"yes\",\"events\":[]}",
        "192.0.2.1").error()).isEqualTo("live must be true or false");
    assertThat(s.beacon("{\"session_id\":\"x\",\"playback_id\":\"pb1\",\"events\":[{\"type\":\"play\","
        + "\"timestamp\":\"soon\"}]}", "192.0.2.1").error())
        .isEqualTo("events[0].timestamp must be an integer (Unix milliseconds)");
    assertThat(s.beacon("{\"session_id\":\"x\",\"playback_id\":\"pb1\",\"events\":[{\"type\":\"heartbeat\","
        + "\"timestamp\":1,\"time_playing_ms\":\"lots\"}]}", "192.0.2.1").error())
        .isEqualTo("events[0].time_playing_ms must be a number");
    assertThat(s.beacon("{\"session_id\":\"x\",\"events\":[]}", "192.0.2.1").error())
        .isEqualTo("playback_id is required (or a source_url it can be read from)");
  }

  @Test
  void aViewerIdLongerThan256CharactersIsKeptAsItsHashNotRefused() throws Exception {
    String jwt = "eyJhbGciOiJIUzI1NiJ9." + "x".repeat(400) + ".sig";
    Http.Response r = s.beacon(Beacons.session("long-uid", "pb1").uid(jwt).play(T0).json(),
        "192.0.2.1");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    s.flush();
    JsonNode v = s.query("/api/data/views/query?breakdownBy[]=viewerId&playbackId=pb1").json();
    assertThat(v).extracting(n -> n.get("viewerId").asText()).contains("sha256:" + sha256(jwt))
        .noneMatch(id -> id.contains("eyJ"));
    assertThat(s.beacon(Beacons.session("x", "pb1").uid("a\u0001b").json(), "192.0.2.1").error())
        .isEqualTo("uid must be a non-blank string without control characters");
  }

  /**
   * Session and viewer ids longer than 64 characters are kept as fixed-length hashes (so an open session's heap is
   * bounded), distinct ones stay distinct, and ids up to 64 characters are kept as sent.
   */
  @Test
  void longIdsAreKeptAsHashesThatKeepDistinctIdsApart() throws Exception {
    s.asset("pb-long-ids");
    String common = "S".repeat(127);
    String uid65 = "v".repeat(65);
    String uid64 = "w".repeat(64);
    for (String[] viewer : new String[][] {{common + "1", uid65}, {common + "2", uid64}}) {
      assertThat(s.beacon(Beacons.session(viewer[0], "pb-long-ids").uid(viewer[1]).play(T0)
          .heartbeat(null, T0.plusSeconds(5), 5_000, 0, 0, 0, 200L).json(), "192.0.2.1").status()).isEqualTo(200);
    }
    JsonNode v = s.query("/api/data/views/query?breakdownBy[]=viewerId&playbackId=pb-long-ids").json();
    assertThat(v).extracting(n -> n.get("viewerId").asText())
        .containsExactlyInAnyOrder("sha256:" + sha256(uid65), uid64);
    assertThat(v).extracting(n -> n.get("viewCount").asLong()).containsExactly(1L, 1L);
  }

  private static String sha256(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void thePlaybackIdIsReadFromTheSourceUrlWhenAbsent() {
    s.clock.set(T0);
    String body = Beacons.session("from-url", "ignored").without("playback_id").play(T0).json()
        .replace("recordings/ignored/", "recordings/pb1/");
    assertThat(s.beacon(body, "192.0.2.1").status()).isEqualTo(200);
  }

  @Test
  void aBodyOver64KiBIsA413() {
    long before = metric("viewpulse_beacons_rejected_total", "body_too_large");
    byte[] big = new byte[64 * 1024 + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    Http.Response r = s.http.post("/analytics/log", big, "Content-Type", "text/plain");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.error()).isEqualTo("body is larger than 65536 bytes (the sendBeacon limit)");
    assertThat(metric("viewpulse_beacons_rejected_total", "body_too_large")).isEqualTo(before + 1);
  }

  @Test
  void anUnknownPlaybackIdIsA404ThatStoresNothingAndIsCounted() {
    long before = views();
    long counted = metric("viewpulse_beacons_rejected_total", "unknown_playback_id");
    Http.Response r = s.beacon(Beacons.session("nobody", "not-registered").play(T0).json(), "192.0.2.1");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("no asset or stream has playback id not-registered");
    assertThat(views()).isEqualTo(before);
    assertThat(metric("viewpulse_beacons_rejected_total", "unknown_playback_id")).isEqualTo(counted + 1);
  }

  @Test
  void unknownEventTypesAreIgnoredAndCounted() {
    s.clock.set(T0);
    long counted = metric("viewpulse_events_dropped_total", "unknown_event_type");
    Http.Response r = s.beacon(Beacons.session("unknown-types", "pb1").custom("teleport", T0).play(T0).json(),
        "192.0.2.1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
    assertThat(r.json().get("dropped").get("unknown_event_type").asInt()).isEqualTo(1);
    assertThat(metric("viewpulse_events_dropped_total", "unknown_event_type")).isEqualTo(counted + 1);
  }

  @Test
  void absurdValuesDropTheEventNotTheBeacon() {
    s.clock.set(T0);
    Beacons b = Beacons.session("absurd", "pb1").play(T0)
        .heartbeat("neg", T0, -5, 0, 0, 0, null)
        .heartbeat("huge", T0, 90_000_000_000L, 0, 0, 0, null)
        .play(T0.plusSeconds(3600))
        .play(T0.minusSeconds(30 * 86400));
    Http.Response r = s.beacon(b.json(), "192.0.2.1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
    assertThat(r.json().get("dropped").get("absurd_value").asInt()).isEqualTo(2);
    assertThat(r.json().get("dropped").get("timestamp_in_future").asInt()).isEqualTo(1);
    assertThat(r.json().get("dropped").get("timestamp_too_old").asInt()).isEqualTo(1);
    var row = s.query("/api/data/views/query?playbackId=pb1&breakdownBy[]=viewerId").json();
    assertThat(row.toString()).doesNotContain("90000000");
  }

  @Test
  void unknownRoutesAnswerJson() {
    Http.Response r = s.http.get("/nope");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("no route GET /nope");
  }
}
