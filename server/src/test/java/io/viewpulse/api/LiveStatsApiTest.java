package io.viewpulse.api;

import static io.viewpulse.testing.LiveScript.CHAN;
import static io.viewpulse.testing.LiveScript.MINUTE_2;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.LiveScript;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import io.viewpulse.testing.Uplynk;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Live statistics through the real server: player beacons and server-reported slate ({@link LiveScript}), then the
 * Uplynk v4 routes. A second stream, ev1 (an event), has no viewers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class LiveStatsApiTest {
  @Parameter
  TestStores.Engine engine;

  private TestServer s;
  private String otherStream;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    LiveScript.createChannel(s);
    s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, "ev1", "Event 1", "evpb", null, null,
        "event"));
    var other = s.otherAccount("other");
    otherStream = s.vp.catalog().create(other.key().accountId(), new Catalog.NewMedia(Media.Kind.STREAM, "theirs",
        "Theirs", "theirpb", null, null, "channel")).id();
    for (long r = LiveScript.FIRST; r <= LiveScript.LAST; r += 5) {
      LiveScript.step(s, r);
    }
    s.clock.set(T0.plusSeconds(136));
    s.flush();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private JsonNode get(String path) {
    Http.Response r = s.http.getWithKey(path, s.secretKey);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  @Order(1)
  void aStreamAnswersItsLastCompleteMinute() throws Exception {
    assertThat(get("/api/v4/monitoring/stream_stats_enhanced/" + CHAN)).isEqualTo(Http.JSON.readTree(MINUTE_2));
  }

  @Test
  @Order(1)
  void severalStreamsAnswerACollectionWithNullsForStreamsWithoutData() throws Exception {
    String ids = "[\"" + CHAN + "\", \"ev1\", \"nope\", \"" + otherStream + "\"]";
    for (String body : new String[] {"{\"stream_ids\": " + ids + "}",
        "{\"stream_ids\": " + Http.JSON.writeValueAsString(ids) + "}"}) {
      Http.Response r = s.http.post("/api/v4/monitoring/stream_stats_enhanced", body,
          "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode c = r.json();
      assertThat(c.get("@id").asText()).isEqualTo("/api/v4/monitoring/stream_stats_enhanced");
      assertThat(c.get("@type").asText()).isEqualTo("Collection");
      assertThat(c.get("total_items").asInt()).isEqualTo(4);
      assertThat(c.get("items").get(0)).isEqualTo(Http.JSON.readTree(MINUTE_2));
      for (int i = 1; i < 4; i++) {
        JsonNode empty = c.get("items").get(i);
        assertThat(empty.get("@type").asText()).isEqualTo("StreamStats");
        assertThat(empty.get("stats").isNull()).isTrue();
        assertThat(empty.get("ts").isNull()).isTrue();
        assertThat(empty.get("ts_iso").isNull()).isTrue();
      }
      assertThat(c.get("items").get(3).get("id").asText()).as("another account's id reveals nothing")
          .isEqualTo(otherStream);
    }
  }

  @Test
  @Order(1)
  void anIdAskedForTwiceIsAnsweredOnceInTheOrderFirstAsked() throws Exception {
    Http.Response r = s.http.post("/api/v4/monitoring/stream_stats_enhanced",
        "{\"stream_ids\": [\"nope\", \"" + CHAN + "\", \"nope\", \"" + CHAN + "\"]}",
        "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode c = r.json();
    assertThat(c.get("total_items").asInt()).isEqualTo(2);
    assertThat(c.get("items").get(0).get("id").asText()).isEqualTo("nope");
    assertThat(c.get("items").get(1)).isEqualTo(Http.JSON.readTree(MINUTE_2));
  }

  @Test
  @Order(1)
  void theDeprecatedRoutesAnswerTheSameWithADeprecationHeader() throws Exception {
    Http.Response r = s.http.getWithKey("/api/v4/monitoring/stream_stats/" + CHAN, s.secretKey);
    assertThat(r.header("Deprecation")).isEqualTo("true");
    assertThat(r.header("Link")).isEqualTo("</api/v4/monitoring/stream_stats_enhanced/" + CHAN
        + ">; rel=\"successor-version\"");
    assertThat(r.json().get("stats")).isEqualTo(Http.JSON.readTree(MINUTE_2).get("stats"));
    assertThat(r.json().get("@id").asText()).isEqualTo("/api/v4/monitoring/stream_stats/" + CHAN);
    Http.Response many = s.http.post("/api/v4/monitoring/stream_stats", "{\"stream_ids\": [\"" + CHAN + "\"]}",
        "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json");
    assertThat(many.header("Deprecation")).isEqualTo("true");
    assertThat(many.json().get("total_items").asInt()).isEqualTo(1);
  }

  @Test
  @Order(1)
  void aSeriesGivesEveryClosedMinute() {
    JsonNode series = get("/api/v4/monitoring/stream_stats_enhanced/" + CHAN + "/series?from=" + T0 + "&to="
        + T0.plusSeconds(600));
    assertThat(series.get("items")).extracting(i -> i.get("ts_iso").asText() + " " + i.at("/stats/concurrent/sessions")
        .asInt() + "+" + i.at("/stats/new/sessions").asInt() + " " + i.at("/stats/concurrent/total_time").asDouble())
        .containsExactly("2026-03-02T10:01:00.000000Z 1+1 60.0", "2026-03-02T10:02:00.000000Z 2+0 120.0");
    Http.Response tooLong = s.http.getWithKey("/api/v4/monitoring/stream_stats_enhanced/" + CHAN + "/series?from="
        + T0 + "&to=" + T0.plus(Duration.ofHours(25)), s.secretKey);
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.error()).isEqualTo("a series spans at most 24 hours per call");
  }

  @Test
  @Order(1)
  void signedRequestsAreAccepted() throws Exception {
    long now = s.clock.instant().getEpochSecond();
    Uplynk.Signed sig = Uplynk.sign(s.accountId, s.secretKey, now, null);
    Http.Response r = s.http.get("/api/v4/monitoring/stream_stats_enhanced/" + CHAN + "?" + sig.query());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(Http.JSON.readTree(MINUTE_2));

    // the same parameters in the same second: a nonce tells the two requests' signatures apart
    Uplynk.Signed form = Uplynk.sign(s.accountId, s.secretKey, now, "\"_nonce\": 1");
    Http.Response v2 = s.http.post("/api/v4/monitoring/stream_stats_enhanced", form.query() + "&stream_ids="
        + java.net.URLEncoder.encode("[\"" + CHAN + "\"]", "UTF-8"),
        "Content-Type", "application/x-www-form-urlencoded");
    assertThat(v2.status()).as(v2.body() + " " + form).isEqualTo(200);
    assertThat(v2.json().get("items").get(0).get("stats").get("auth_failures").asInt()).isEqualTo(2);
  }

  @Test
  @Order(1)
  void everyBadSignatureIsRefusedWithItsReason() {
    long now = s.clock.instant().getEpochSecond();
    String path = "/api/v4/monitoring/stream_stats_enhanced/" + CHAN + "?";
    Uplynk.Signed wrongKey = Uplynk.sign(s.accountId, "not-the-secret", now, null);
    assertThat(s.http.get(path + wrongKey.query()).error()).startsWith("bad signature");
    Uplynk.Signed old = Uplynk.sign(s.accountId, s.secretKey, now - 301, null);
    assertThat(s.http.get(path + old.query()).error())
        .isEqualTo("_timestamp is 301 s away from the server's clock; at most 300 s is accepted");
    Uplynk.Signed stranger = Uplynk.sign("0000", s.secretKey, now, null);
    assertThat(s.http.get(path + stranger.query()).error()).isEqualTo("unknown _owner 0000");
    Uplynk.Signed once = Uplynk.sign(s.accountId, s.secretKey, now - 1, null);
    assertThat(s.http.get(path + once.query()).status()).isEqualTo(200);
    Http.Response replay = s.http.get(path + once.query());
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.error()).isEqualTo(SignatureBindingTest.REPLAYED);
    Http.Response disguised = s.http.get(path + once.query() + "&cache_buster=1");
    assertThat(disguised.error()).as("an unsigned parameter does not make it a new request")
        .isEqualTo(SignatureBindingTest.REPLAYED);
    assertThat(s.http.get(path + "msg=bm90IHpsaWI%3D&sig=00").error()).startsWith("msg must be base64 of zlib");
    assertThat(s.http.get(path).status()).isEqualTo(401);
    Http.Response cors = s.http.getWithKey(path, s.corsKey);
    assertThat(cors.status()).isEqualTo(403);
  }

  @Test
  @Order(1)
  void everyMalformedListOfStreamIdsIsRefusedWithItsReason() {
    java.util.Map<String, String> refusals = new java.util.LinkedHashMap<>();
    refusals.put("{}", "stream_ids is required: a JSON list of live channel or live event ids");
    refusals.put("{\"stream_ids\": \"chan1\"}", "stream_ids is a string that does not hold a JSON list");
    refusals.put("{\"stream_ids\": {\"a\": 1}}", "stream_ids must be a list of ids");
    refusals.put("{\"stream_ids\": [1, 2]}", "stream_ids must hold ids as strings of 1 to 128 characters");
    refusals.put("{\"stream_ids\": [\"\"]}", "stream_ids must hold ids as strings of 1 to 128 characters");
    refusals.put("{\"stream_ids\": " + Http.JSON.valueToTree(java.util.stream.IntStream.range(0, 1001).mapToObj(i -> "s" + i).toList()) + "}",
        "at most 1000 stream ids per request, got 1001");
    refusals.put("[\"" + CHAN + "\"]", "body must be a JSON object");
    refusals.put("{\"stream_ids\": [", "body is not valid JSON");
    refusals.forEach((body, error) -> {
      Http.Response r = s.http.post("/api/v4/monitoring/stream_stats_enhanced", body,
          "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json");
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.error()).as(body).isEqualTo(error);
    });
  }

  @Test
  @Order(1)
  void aSignatureIsAcceptedUpTo300SecondsEitherSideOfTheServersClock() {
    long now = s.clock.instant().getEpochSecond();
    String path = "/api/v4/monitoring/stream_stats_enhanced/" + CHAN + "?";
    for (long skew : new long[] {-300, 300}) {
      Http.Response r = s.http.get(path + Uplynk.sign(s.accountId, s.secretKey, now + skew, null).query());
      assertThat(r.status()).as("%d s", skew).isEqualTo(200);
    }
    Http.Response ahead = s.http.get(path + Uplynk.sign(s.accountId, s.secretKey, now + 301, null).query());
    assertThat(ahead.status()).isEqualTo(401);
    assertThat(ahead.error()).isEqualTo("_timestamp is 301 s away from the server's clock; at most 300 s is accepted");
  }

  @Test
  @Order(1)
  void serverEventsAreCheckedWhole() {
    Http.Response r = s.http.post("/api/live/events", "{\"events\": [{\"type\": \"slate\", \"stream_id\": \"" + CHAN
        + "\", \"session_id\": \"x\", \"kind\": \"banner\", \"reason\": \"1\", \"seconds\": 1}]}",
        "Authorization", "Bearer " + s.secretKey);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("events[0].kind must be ad_slate or mcs, got 'banner'");
    Http.Response foreign = s.http.post("/api/live/events", "{\"events\": [{\"type\": \"auth_failure\", "
        + "\"stream_id\": \"" + otherStream + "\"}]}", "Authorization", "Bearer " + s.secretKey);
    assertThat(foreign.error()).isEqualTo("events[0].stream_id: no stream " + otherStream + " in this account");
  }

  @Test
  @Order(2)
  void statisticsStayAvailableFor24HoursAfterTheLastViewer() {
    // the last minute with viewers is 10:02-10:03
    s.clock.set(T0.plus(Duration.ofHours(24)).plusSeconds(180));
    s.flush();
    assertThat(get("/api/v4/monitoring/stream_stats_enhanced/" + CHAN).get("ts_iso").asText())
        .isEqualTo("2026-03-02T10:03:00.000000Z");
    s.clock.set(T0.plus(Duration.ofHours(24)).plusSeconds(300));
    assertThat(get("/api/v4/monitoring/stream_stats_enhanced/" + CHAN).get("stats").isNull()).isTrue();
  }

  @Test
  @Order(3)
  void minutesAreDeletedOnce48HoursOlderThanTheNewestOne() {
    String series = "/api/v4/monitoring/stream_stats_enhanced/" + CHAN + "/series?from=" + T0 + "&to="
        + T0.plusSeconds(600);
    assertThat(get(series).get("items")).hasSize(3);
    // a viewer of the event, 48 hours and 2 minutes later: its minute is written, and the oldest ones go
    Instant later = T0.plus(Duration.ofHours(48)).plusSeconds(120);
    s.clock.set(later);
    Http.Response r = s.beacon(Beacons.session("sess-late", "evpb").live(true).play(later)
        .heartbeat("late", later, 5000, 0, 0, 0, 100L).json(), "192.0.2.10");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    s.clock.set(later.plusSeconds(90));
    s.flush();
    assertThat(get(series).get("items")).extracting(i -> i.get("ts_iso").asText())
        .as("the new minute is 10:01 two days later: 10:00 is more than 48 hours older, 10:01 and 10:02 are not")
        .containsExactly("2026-03-02T10:02:00.000000Z", "2026-03-02T10:03:00.000000Z");
  }
}
