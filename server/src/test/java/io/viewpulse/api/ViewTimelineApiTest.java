package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
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
 * One view opened with its timeline ({@code GET /api/data/views/{viewId}}) through the real server, on both stores:
 * a scripted session of Viewpulse's collector with every kind of event, its exact timeline, another account's key
 * refused, the retention (by the controlled clock) and the erasure of its viewer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class ViewTimelineApiTest {
  /** The timeline of session t1, as the API answers it. */
  private static final String T1 = "{\"events\":["
      + "{\"type\":\"play\",\"at\":\"2026-03-02T10:00:00Z\",\"offsetMs\":0},"
      + "{\"type\":\"first-frame\",\"at\":\"2026-03-02T10:00:03Z\",\"offsetMs\":3000},"
      + "{\"type\":\"stall\",\"at\":\"2026-03-02T10:00:08Z\",\"offsetMs\":8000,\"durationMs\":800,\"count\":1},"
      + "{\"type\":\"seek\",\"at\":\"2026-03-02T10:00:09Z\",\"offsetMs\":9000,\"latencyMs\":350},"
      + "{\"type\":\"rendition\",\"at\":\"2026-03-02T10:00:15Z\",\"offsetMs\":15000,"
      + "\"from\":{\"bitrateBps\":1000000,\"width\":640,\"height\":360},"
      + "\"to\":{\"bitrateBps\":4000000,\"width\":1920,\"height\":1080}},"
      + "{\"type\":\"pause\",\"at\":\"2026-03-02T10:00:16Z\",\"offsetMs\":16000},"
      + "{\"type\":\"error\",\"at\":\"2026-03-02T10:00:17Z\",\"offsetMs\":17000,\"fatal\":true,"
      + "\"category\":\"network\",\"message\":\"boom\"},"
      + "{\"type\":\"error\",\"at\":\"2026-03-02T10:00:17.500Z\",\"offsetMs\":17500,\"fatal\":false,"
      + "\"category\":\"offline\",\"message\":\"stream is offline\"},"
      + "{\"type\":\"end\",\"at\":\"2026-03-02T10:00:20Z\",\"offsetMs\":20000,\"cause\":\"ended\"}],\"dropped\":0}";

  @Parameter
  TestStores.Engine engine;
  private TestServer s;
  private String viewId;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    s.asset("pbA");
    s.clock.set(T0.plusSeconds(21));
    ok(s.beacon(Beacons.session("t1", "pbA").uid("ann").play(T0)
        .heartbeat("h1", T0.plusSeconds(3), 1500, 0, 500, 0, 500L)
        .heartbeat("h2", T0.plusSeconds(8), 4000, 800, 0, 0, null)
        .seek(T0.plusSeconds(9), 350)
        .heartbeat("v1", T0.plusSeconds(10), 1000, 0, 0, 0, null).with("video_width_px", 640)
        .with("video_height_px", 360).with("bitrate_bps", 1_000_000)
        .heartbeat("v2", T0.plusSeconds(15), 5000, 0, 0, 0, null).with("video_width_px", 1920)
        .with("video_height_px", 1080).with("bitrate_bps", 4_000_000)
        .pause(T0.plusSeconds(16))
        .error(T0.plusSeconds(17), "network", "boom")
        .warning(T0.plusMillis(17_500), "offline")
        .ended(T0.plusSeconds(20)).json(), "192.0.2.10"));
    // a CMCD player's play states (dash.js): started, rebuffering before the first frame (startup), playing, a
    // rebuffering of 1.5 s, paused, ended
    s.asset("pbC");
    String d = "sid=\"c-dash\",cid=\"pbC\",v=2,sf=d,st=v,e=ps,";
    long c0 = T0.plusSeconds(3600).toEpochMilli();
    s.clock.set(T0.plusSeconds(3600 + 30));
    ok(s.http.post("/analytics/cmcd", String.join("\n", d + "sta=s,sn=0,ts=" + c0, d + "sta=r,sn=1,ts=" + (c0 + 200),
        d + "sta=p,sn=2,ts=" + (c0 + 600), d + "sta=r,sn=3,ts=" + (c0 + 12_600), d + "sta=p,sn=4,ts=" + (c0 + 14_100),
        d + "sta=a,sn=5,ts=" + (c0 + 16_000), d + "sta=e,sn=6,ts=" + (c0 + 20_100)) + "\n", "Content-Type",
        "application/cmcd", "User-Agent", Beacons.CHROME_LINUX, "X-Forwarded-For", "192.0.2.11", "Origin",
        "https://www.example.com"));
    s.clock.set(T0.plusSeconds(4 * 3600));
    s.flush();
    JsonNode views = get("/api/data/views?playbackId=pbA").get("views");
    assertThat(views).hasSize(1);
    viewId = views.get(0).get("viewId").asText();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private JsonNode get(String pathAndQuery) {
    Http.Response r = s.query(pathAndQuery);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  @Order(1)
  void aViewOpensWithItsFieldsAndEveryEventAtItsPlayersTime() {
    JsonNode v = get("/api/data/views/" + viewId);
    assertThat(v.get("view").get("viewId").asText()).isEqualTo(viewId);
    assertThat(v.get("view").get("playbackId").asText()).isEqualTo("pbA");
    assertThat(v.get("view").get("startedAt").asLong()).isEqualTo(T0.toEpochMilli());
    assertThat(v.get("view").get("ttffMs").asInt()).isEqualTo(500);
    assertThat(v.get("view").get("failed").asBoolean()).isTrue();
    assertThat(v.get("timeline").toString()).isEqualTo(T1);
  }

  /** The Java client reads the same timeline. */
  @Test
  @Order(1)
  void theJavaClientOpensTheView() {
    io.viewpulse.client.Viewpulse client = io.viewpulse.client.Viewpulse.builder()
        .baseUrl("http://127.0.0.1:" + s.vp.port()).apiKey(s.secretKey).build();
    io.viewpulse.client.ViewTimeline t = client.getView(viewId);
    assertThat(t.view().viewId()).isEqualTo(viewId);
    assertThat(t.view().quality()).as("a fatal error after the first frame, a warning, a stall, a seek, 1 s at"
        + " 1 Mbit/s and 5 s at 4 Mbit/s, no sizes of the player, no switches counted by the player")
        .isEqualTo(new io.viewpulse.client.View.Quality(io.viewpulse.client.View.FAILED_AFTER_START, 1, 1, 1, 350.0,
            3_500_000.0, null, null, null, 0, 0, null, 0, 0));
    assertThat(t.view().quality().failed()).isTrue();
    assertThat(t.dropped()).isZero();
    assertThat(t.events()).extracting(io.viewpulse.client.ViewTimeline.Event::type).containsExactly("play",
        "first-frame", "stall", "seek", "rendition", "pause", "error", "error", "end");
    assertThat(t.events().get(2)).isEqualTo(new io.viewpulse.client.ViewTimeline.Event("stall",
        T0.plusSeconds(8), 8000, 800L, 1, null, null, null, null, null, null, null));
    assertThat(t.events().get(4).to()).isEqualTo(new io.viewpulse.client.ViewTimeline.Rendition(4_000_000L, 1920,
        1080));
    assertThat(t.events().get(6)).extracting(e -> e.fatal(), e -> e.category(), e -> e.message())
        .containsExactly(true, "network", "boom");
    assertThatThrownBy(() -> client.getView("12345")).isInstanceOf(io.viewpulse.client.ViewpulseException.class)
        .hasMessageContaining("no view 12345 in this account");
  }

  /** A CMCD player's timeline comes from its play states: a rebuffering after the first frame is one stall. */
  @Test
  @Order(1)
  void aCmcdViewsTimelineComesFromItsPlayStates() {
    String id = get("/api/data/views?playbackId=pbC").get("views").get(0).get("viewId").asText();
    assertThat(get("/api/data/views/" + id).get("timeline").toString()).isEqualTo("{\"events\":["
        + "{\"type\":\"play\",\"at\":\"2026-03-02T11:00:00Z\",\"offsetMs\":0},"
        + "{\"type\":\"first-frame\",\"at\":\"2026-03-02T11:00:00.600Z\",\"offsetMs\":600},"
        + "{\"type\":\"stall\",\"at\":\"2026-03-02T11:00:12.600Z\",\"offsetMs\":12600,\"durationMs\":1500,"
        + "\"count\":1},"
        + "{\"type\":\"pause\",\"at\":\"2026-03-02T11:00:16Z\",\"offsetMs\":16000},"
        + "{\"type\":\"end\",\"at\":\"2026-03-02T11:00:20.100Z\",\"offsetMs\":20100,\"cause\":\"ended\"}],"
        + "\"dropped\":0}");
  }

  @Test
  @Order(2)
  void anotherAccountsKeyAndAnUnknownIdFindNoView() {
    String other = s.otherAccount("other").token();
    Http.Response r = s.http.getWithKey("/api/data/views/" + viewId, other);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("{\"errors\":[\"no view " + viewId + " in this account\"]}");
    String unknown = viewId.equals("12345") ? "12346" : "12345";
    assertThat(s.query("/api/data/views/" + unknown).body())
        .isEqualTo("{\"errors\":[\"no view " + unknown + " in this account\"]}");
    Http.Response tooLong = s.query("/api/data/views/9999999999999999999");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.body()).isEqualTo("{\"errors\":[\"invalid view id: 9999999999999999999 (expected a view id as"
        + " the views list gives it)\"]}");
  }

  /**
   * Past the retention (30 days by start) a view keeps its fields and shows no timeline; the drop empties the stored
   * timelines (on ClickHouse a whole month of them, once the month is past the retention), so that with the clock
   * back the timeline is gone for good.
   */
  @Test
  @Order(3)
  void pastTheRetentionTheTimelineIsDroppedAndTheViewStays() {
    Instant now = s.clock.instant();
    s.clock.set(T0.plus(Duration.ofDays(30)).plusSeconds(1));
    JsonNode v = get("/api/data/views/" + viewId);
    assertThat(v.get("timeline").toString()).isEqualTo("{\"events\":[],\"dropped\":0}");
    assertThat(v.get("view").get("playbackId").asText()).isEqualTo("pbA");
    s.clock.set(now);
    s.vp.dropOldTimelines();
    assertThat(get("/api/data/views/" + viewId).get("timeline").toString()).as("nothing past the retention yet")
        .isEqualTo(T1);
    s.clock.set(T0.plus(Duration.ofDays(62)));
    s.vp.dropOldTimelines();
    s.clock.set(now);
    assertThat(get("/api/data/views/" + viewId).get("timeline").toString())
        .isEqualTo("{\"events\":[],\"dropped\":0}");
    assertThat(get("/api/data/views?playbackId=pbA").get("views")).hasSize(1);
  }

  @Test
  @Order(4)
  void erasingTheViewerErasesTheViewAndItsTimeline() {
    Http.Response r = s.http.send("DELETE", "/api/data/viewers/ann", null, "Authorization", "Bearer " + s.secretKey);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("views").asLong()).isEqualTo(1);
    assertThat(s.query("/api/data/views/" + viewId).status()).isEqualTo(404);
  }

  /**
   * An account with a timeline period of its own (shorter than the server's 30 days) stops showing a view's timeline
   * once it is older than that, and the run of its retention drops it; the view stays.
   */
  @Test
  @Order(5)
  void anAccountsOwnTimelinePeriodHidesAndDropsOlderTimelines() {
    // a view of its own (the earlier tests dropped the others' timelines): played and ended at T0 + 2 h
    Instant at = T0.plusSeconds(2 * 3600);
    s.asset("pbR");
    ok(s.beacon(Beacons.session("r1", "pbR").uid("rita").play(at).ended(at.plusSeconds(5)).json(), "192.0.2.12"));
    s.flush();
    String cmcd = get("/api/data/views?playbackId=pbR").get("views").get(0).get("viewId").asText();
    assertThat(get("/api/data/views/" + cmcd).get("timeline").toString()).isEqualTo("{\"events\":["
        + "{\"type\":\"play\",\"at\":\"2026-03-02T12:00:00Z\",\"offsetMs\":0},"
        + "{\"type\":\"end\",\"at\":\"2026-03-02T12:00:05Z\",\"offsetMs\":5000,\"cause\":\"ended\"}],"
        + "\"dropped\":0}");
    Http.Response set = s.http.send("PUT", "/admin/retention", "{\"account\": \"" + s.accountId
        + "\", \"timelineDays\": 1}", "Authorization", "Bearer " + s.vp.adminToken(), "Content-Type",
        "application/json");
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    Instant now = s.clock.instant();
    s.clock.set(at.plus(Duration.ofDays(1)).plusSeconds(1));
    assertThat(get("/api/data/views/" + cmcd).get("timeline").toString()).as("past the account's day")
        .isEqualTo("{\"events\":[],\"dropped\":0}");
    s.vp.enforceRetention();
    s.clock.set(now);
    assertThat(get("/api/data/views/" + cmcd).get("timeline").toString()).as("dropped for good")
        .isEqualTo("{\"events\":[],\"dropped\":0}");
    assertThat(get("/api/data/views?playbackId=pbR").get("views")).hasSize(1);
  }
}
