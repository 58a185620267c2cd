package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.Tenants;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two accounts with views of their own; each key sees exactly its own account's numbers on every data route, and
 * account A's ids in B's requests find nothing (404 for an id, zero for a filter), never A's numbers.
 *
 * <pre>
 * every session: play at 10:00:00, a 5 s heartbeat every 5 s until 10:02:00 (2.0 minutes played), queried at 10:02:16
 * A  a-video  3 sessions (creator-a, ipfs CID)   a-live (channel)  1 session     4 views, 8.0 minutes
 * B  b-video  1 session  (creator-b)             b-live (channel)  2 sessions    3 views, 6.0 minutes
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class TenantIsolationTest {
  @Parameter
  TestStores.Engine engine;

  private TestServer s;
  private Tenants t;

  @BeforeParameterizedClassInvocation
  void watch() {
    s = new TestServer(engine);
    t = Tenants.create(s.http, s.vp.adminToken(), s.clock::millis);
    List<String[]> sessions = List.of(new String[] {"a1", "a-video", "203.0.113.11"},
        new String[] {"a2", "a-video", "203.0.113.12"}, new String[] {"a3", "a-video", "2001:db8::13"},
        new String[] {"a4", "a-live", "203.0.113.14"}, new String[] {"b1", "b-video", "203.0.113.21"},
        new String[] {"b2", "b-live", "2001:db8::22"}, new String[] {"b3", "b-live", "203.0.113.23"});
    for (int r = 5; r <= 120; r += 5) {
      Instant at = T0.plusSeconds(r);
      s.clock.set(at);
      for (String[] v : sessions) {
        Beacons b = Beacons.session("s-" + v[0], v[1]).live(v[1].endsWith("-live"));
        if (r == 5) {
          b.play(T0);
        }
        b.heartbeat(v[0] + "-" + r, at, 5000, 0, 0, 0, r == 5 ? 150L : null);
        Http.Response ack = s.beacon(b.json(), v[2]);
        assertThat(ack.status()).as(ack.body()).isEqualTo(200);
      }
    }
    s.clock.set(T0.plusSeconds(136));
    s.flush();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private JsonNode get(String key, String path) {
    Http.Response r = s.http.getWithKey(path, key);
    assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
    return r.json();
  }

  private Http.Response refused(String key, String path) {
    return s.http.getWithKey(path, key);
  }

  /** The one row of a query without breakdown: views and minutes. */
  private static String views(JsonNode rows) {
    assertThat(rows).hasSize(1);
    return rows.get(0).get("viewCount").asInt() + " views, " + rows.get(0).get("playtimeMins").asDouble() + " min";
  }

  private static List<String> byPlaybackId(JsonNode rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.get("playbackId").asText() + "=" + r.get("viewCount").asInt()));
    return out;
  }

  @Test
  void eachKeySeesExactlyItsOwnAccountsViews() {
    assertThat(views(get(t.a.secret(), "/api/data/views/query"))).isEqualTo("4 views, 8.0 min");
    assertThat(views(get(t.b.secret(), "/api/data/views/query"))).isEqualTo("3 views, 6.0 min");
    assertThat(byPlaybackId(get(t.a.secret(), "/api/data/views/query?breakdownBy[]=playbackId")))
        .containsExactly("a-video=3", "a-live=1");
    assertThat(byPlaybackId(get(t.b.secret(), "/api/data/views/query?breakdownBy[]=playbackId")))
        .containsExactly("b-live=2", "b-video=1");
    assertThat(views(get(t.a.secret(), "/api/data/views/query?assetId=" + t.a.assetId())))
        .isEqualTo("3 views, 6.0 min");
    assertThat(views(get(t.b.secret(), "/api/data/views/query?streamId=" + t.b.streamId())))
        .isEqualTo("2 views, 4.0 min");
  }

  @Test
  void filtersNamingTheOtherAccountsThingsFindNothing() {
    String b = t.b.secret();
    for (String filter : new String[] {"playbackId=a-video", "playbackId=a-live", "creatorId=creator-a",
        "playbackId=ipfs://" + Tenants.CID, "playbackId=" + Tenants.CID, "filters[]=playbackId:a-video"}) {
      assertThat(views(get(b, "/api/data/views/query?" + filter))).as(filter).isEqualTo("0 views, 0.0 min");
    }
    assertThat(views(get(t.a.secret(), "/api/data/views/query?creatorId=creator-a"))).isEqualTo("3 views, 6.0 min");
  }

  @Test
  void theOtherAccountsAssetOrStreamIdIsNotFound() {
    String b = t.b.secret();
    for (String route : new String[] {"/api/data/views/query", "/api/data/views/query/creator"}) {
      Http.Response asset = refused(b, route + "?assetId=" + t.a.assetId());
      assertThat(asset.status()).isEqualTo(404);
      assertThat(asset.error()).isEqualTo("asset not found");
      Http.Response stream = refused(b, route + "?streamId=" + t.a.streamId());
      assertThat(stream.status()).isEqualTo(404);
      assertThat(stream.error()).isEqualTo("stream not found");
    }
    assertThat(views(get(t.a.secret(), "/api/data/views/query/creator?assetId=" + t.a.assetId())))
        .isEqualTo("3 views, 6.0 min");
    assertThat(views(get(b, "/api/data/views/query/creator?streamId=" + t.b.streamId())))
        .isEqualTo("2 views, 4.0 min");
  }

  @Test
  void totalsArePublicByDesignAsLivepeersPublicViewership() throws Exception {
    // documented: any valid key reads any playback id's all-time views (and a dStorage id's across accounts)
    JsonNode expected = Http.JSON.readTree("{\"playbackId\":\"a-video\",\"viewCount\":3,\"playtimeMins\":6.0}");
    assertThat(get(t.a.secret(), "/api/data/views/query/total/a-video")).isEqualTo(expected);
    assertThat(get(t.b.secret(), "/api/data/views/query/total/a-video")).isEqualTo(expected);
    assertThat(get(t.b.secret(), "/api/data/views/query/total/b-video")).isEqualTo(Http.JSON.readTree(
        "{\"playbackId\":\"b-video\",\"viewCount\":1,\"playtimeMins\":2.0}"));
  }

  @Test
  void viewsPlayingNowAreTheCallersOnly() {
    assertThat(get(t.a.secret(), "/api/data/views/now").get(0).get("viewCount").asInt()).isEqualTo(4);
    assertThat(get(t.b.secret(), "/api/data/views/now").get(0).get("viewCount").asInt()).isEqualTo(3);
    assertThat(byPlaybackId(get(t.b.secret(), "/api/data/views/now?breakdownBy[]=playbackId")))
        .containsExactly("b-live=2", "b-video=1");
    for (String filter : new String[] {"playbackId=a-video", "creatorId=creator-a"}) {
      assertThat(get(t.b.secret(), "/api/data/views/now?" + filter).toString())
          .isEqualTo("[{\"viewCount\":0,\"errorRate\":0.0}]");
    }
  }

  @Test
  void usageIsTheCallersOnly() {
    assertThat(get(t.a.secret(), "/api/data/usage/query").get("DeliveryUsageMins").asDouble()).isEqualTo(8.0);
    assertThat(get(t.b.secret(), "/api/data/usage/query").get("DeliveryUsageMins").asDouble()).isEqualTo(6.0);
    JsonNode theirs = get(t.b.secret(), "/api/data/usage/query?creatorId=creator-a");
    assertThat(theirs.get("UserID").asText()).isEqualTo(t.b.id());
    assertThat(theirs.get("DeliveryUsageMins").asDouble()).isZero();
    List<String> creators = new ArrayList<>();
    get(t.b.secret(), "/api/data/usage/query?breakdownBy[]=creatorId&timeStep=day")
        .forEach(r -> creators.add(r.path("CreatorID").asText("none") + "=" + r.get("DeliveryUsageMins").asDouble()));
    assertThat(creators).containsExactly("creator-b=2.0", "none=4.0");
    Http.Response asA = refused(t.b.secret(), "/api/data/usage/query?userId=" + t.a.id());
    assertThat(asA.status()).isEqualTo(403);
    assertThat(asA.error()).isEqualTo("only admins can query usage for other users");
  }

  @Test
  void assetsAndStreamsAreListedFoundAndDeletedOnlyByTheirAccount() {
    String b = t.b.secret();
    assertThat(ids(get(b, "/api/asset"))).containsExactly(t.b.assetId());
    assertThat(ids(get(b, "/api/stream"))).containsExactly(t.b.streamId());
    assertThat(get(b, "/api/asset?search=video%20a")).isEmpty();
    assertThat(get(b, "/api/stream?search=a-live")).isEmpty();
    for (String path : new String[] {"/api/asset/" + t.a.assetId(), "/api/stream/" + t.a.streamId()}) {
      String kind = path.split("/")[2];
      assertThat(refused(b, path).error()).isEqualTo(kind + " not found");
      Http.Response deleted = s.http.delete(path, "Authorization", "Bearer " + b);
      assertThat(deleted.status()).isEqualTo(404);
      assertThat(deleted.error()).isEqualTo(kind + " not found");
      assertThat(get(t.a.secret(), path).get("id").asText()).isEqualTo(path.substring(path.lastIndexOf('/') + 1));
    }
  }

  @Test
  void savedViewsAreListedFoundAndDeletedOnlyByTheirAccount() {
    String mine = t.savedView();
    String b = t.b.secret();
    assertThat(ids(get(t.a.secret(), "/api/saved-view"))).contains(mine);
    assertThat(ids(get(b, "/api/saved-view"))).doesNotContain(mine);
    String path = "/api/saved-view/" + mine;
    assertThat(refused(b, path).status()).isEqualTo(404);
    assertThat(refused(b, path).error()).isEqualTo("saved view not found");
    Http.Response deleted = s.http.delete(path, "Authorization", "Bearer " + b);
    assertThat(deleted.status()).isEqualTo(404);
    assertThat(deleted.error()).isEqualTo("saved view not found");
    assertThat(get(t.a.secret(), path).get("id").asText()).isEqualTo(mine);
  }

  @Test
  void liveStatisticsOfTheOtherAccountsStreamsAreNullsAndNotFound() {
    String enhanced = "/api/v4/monitoring/stream_stats_enhanced/";
    assertThat(concurrent(get(t.a.secret(), enhanced + t.a.streamId()))).isEqualTo("1 sessions, 60.0 s");
    assertThat(concurrent(get(t.b.secret(), enhanced + t.b.streamId()))).isEqualTo("2 sessions, 120.0 s");
    for (String base : new String[] {enhanced, "/api/v4/monitoring/stream_stats/"}) {
      JsonNode theirs = get(t.b.secret(), base + t.a.streamId());
      assertThat(theirs.get("stats").isNull() && theirs.get("ts").isNull() && theirs.get("ts_iso").isNull()).isTrue();
    }
    Http.Response many = s.http.post("/api/v4/monitoring/stream_stats_enhanced", "{\"stream_ids\": [\""
        + t.a.streamId() + "\", \"" + t.b.streamId() + "\"]}", "Authorization", "Bearer " + t.b.secret(),
        "Content-Type", "application/json");
    assertThat(many.json().get("items").get(0).get("stats").isNull()).isTrue();
    assertThat(concurrent(many.json().get("items").get(1))).isEqualTo("2 sessions, 120.0 s");
    Http.Response series = refused(t.b.secret(), enhanced + t.a.streamId() + "/series");
    assertThat(series.status()).isEqualTo(404);
    assertThat(series.error()).isEqualTo("stream not found");
    assertThat(get(t.a.secret(), enhanced + t.a.streamId() + "/series").get("total_items").asInt()).isEqualTo(2);
  }

  @Test
  void aSignedRequestOfTheOtherAccountSeesNoneOfThisAccountsStreams() {
    String path = "/api/v4/monitoring/stream_stats_enhanced/" + t.a.streamId() + "?"
        + t.sign(t.b.id(), t.b.secret(), 0).query();
    assertThat(s.http.get(path).json().get("stats").isNull()).isTrue();
    String mine = "/api/v4/monitoring/stream_stats_enhanced/" + t.a.streamId() + "?"
        + t.sign(t.a.id(), t.a.secret(), 0).query();
    assertThat(concurrent(s.http.get(mine).json())).isEqualTo("1 sessions, 60.0 s");
  }

  @Test
  void theDashboardSignedInAsBShowsNothingOfA() {
    // the calls the dashboard's pages make (views.js, media.js), with B's key and A's ids where a page takes one
    String b = t.b.secret();
    String range = "from=" + T0.minusSeconds(86_400).toEpochMilli() + "&to=" + T0.plusSeconds(3600).toEpochMilli();
    assertThat(views(get(b, "/api/data/views/query?" + range))).isEqualTo("3 views, 6.0 min");
    assertThat(get(b, "/api/data/views/query?" + range + "&timeStep=hour").get(0).get("viewCount").asInt())
        .isEqualTo(3);
    List<String> countries = new ArrayList<>();
    get(b, "/api/data/views/query?" + range + "&breakdownBy[]=country")
        .forEach(r -> countries.add(r.get("country").asText() + "=" + r.get("viewCount").asInt()));
    assertThat(countries).containsExactly("GB=2", "JP=1");
    assertThat(refused(b, "/api/data/views/query?" + range + "&timeStep=hour&assetId=" + t.a.assetId()).status())
        .isEqualTo(404);
    assertThat(get(b, "/api/asset?search=").size() + get(b, "/api/stream?search=").size()).isEqualTo(2);
    assertThat(refused(b, "/api/stream/" + t.a.streamId()).status()).isEqualTo(404);
  }

  private static String concurrent(JsonNode item) {
    JsonNode c = item.get("stats").get("concurrent");
    return c.get("sessions").asInt() + " sessions, " + c.get("total_time").asDouble() + " s";
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("id").asText()));
    return out;
  }
}
