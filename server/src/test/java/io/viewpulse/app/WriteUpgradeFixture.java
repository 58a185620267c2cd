package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.LiveScript;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** One-off: writes the data directory of the upgrade test with the code as it was before the store seam. */
class WriteUpgradeFixture {
  @Test
  void write() throws Exception {
    Path dir = Path.of(System.getProperty("fixture.dir"));
    MutableClock clock = new MutableClock(T0);
    ObjectNode expected = Http.JSON.createObjectNode();
    try (TestServer s = new TestServer(dir, clock, false, "dbip")) {
      expected.put("accountId", s.accountId);
      expected.put("secretKey", s.secretKey);
      expected.put("corsKey", s.corsKey);
      var other = s.otherAccount("second");
      expected.put("otherAccountId", other.key().accountId());
      expected.put("otherKey", other.token());
      var revoked = s.vp.keys().createKey(s.accountId, "revoked one", null);
      s.vp.keys().revoke(revoked.key().id());
      expected.put("revokedKey", revoked.token());
      s.asset("fixture-a1");
      s.vp.catalog().create(s.accountId, new io.viewpulse.catalog.Catalog.NewMedia(
          io.viewpulse.model.Media.Kind.ASSET, "with creator", "fixture-a2", "alice", null, null));
      s.vp.catalog().create(other.key().accountId(), new io.viewpulse.catalog.Catalog.NewMedia(
          io.viewpulse.model.Media.Kind.ASSET, "other's", "fixture-b1", null, null, null));
      LiveScript.createChannel(s);
      String[] uas = {Beacons.CHROME_LINUX, Beacons.SAFARI_IPHONE, Beacons.FIREFOX_WINDOWS};
      String[] ips = {"192.0.2.10", "198.51.100.20", "203.0.113.30"};
      // nine finished views over three hours, one still open
      for (int i = 0; i < 10; i++) {
        String pb = i % 3 == 2 ? "fixture-a2" : "fixture-a1";
        var at = T0.plusSeconds(i * 1200L);
        clock.set(at);
        var b = Beacons.session("fx-" + i, pb).userAgent(uas[i % 3]).uid("viewer-" + (i % 4)).play(at)
            .firstFrame(at.plusMillis(300 + 100 * i))
            .heartbeat("hb-" + i, at.plusSeconds(10), 9_000 + i * 1000, i == 4 ? 1500 : 0, 0, i == 7 ? 1 : 0,
                300L + 100 * i);
        if (i == 7) {
          b.error(at.plusSeconds(9), "offline", "stream is offline");
        }
        if (i < 9) {
          b.ended(at.plusSeconds(11));
        }
        Http.Response r = s.beacon(b.json(), ips[i % 3]);
        if (r.status() != 200) {
          throw new IllegalStateException(r.body());
        }
        s.flush();
      }
      var otherAt = T0.plusSeconds(3 * 3600);
      clock.set(otherAt);
      s.beacon(Beacons.session("fx-b", "fixture-b1").play(otherAt).firstFrame(otherAt.plusMillis(500))
          .heartbeat("hb-b", otherAt.plusSeconds(5), 4_000, 0, 0, 0, 500L).ended(otherAt.plusSeconds(6)).json(),
          "192.0.2.10");
      // the live channel's script moved to after the views: a minute of live statistics closes, one stays open
      for (int r = LiveScript.FIRST; r <= 95; r += 5) {
        LiveScript.step(s, 3 * 3600 + r);
      }
      s.flush();
      s.vp.rollUp();
      clock.set(T0.plusSeconds(3 * 3600 + 95));
      expected.put("clock", clock.instant().toString());
      for (String q : new String[] {
          "/api/data/views/query?breakdownBy[]=playbackId&breakdownBy[]=browser",
          "/api/data/views/query?timeStep=hour",
          "/api/data/views/query?breakdownBy[]=country",
          "/api/data/views/query/creator?assetId=" + s.vp.catalog().byPlaybackId("fixture-a2").get().id()
              + "&breakdownBy[]=deviceType",
          "/api/data/views/now",
          "/api/data/usage/query?timeStep=hour",
          "/api/asset",
          "/api/stream",
          "/api/v4/monitoring/stream_stats_enhanced/" + LiveScript.CHAN + "/series?from="
              + T0.plusSeconds(3 * 3600) + "&to=" + T0.plusSeconds(3 * 3600 + 600)}) {
        Http.Response r = s.query(q);
        if (r.status() != 200) {
          throw new IllegalStateException(q + ": " + r.body());
        }
        expected.set(q, r.json());
      }
      Http.Response total = s.http.getWithKey("/api/data/views/query/total/fixture-b1", other.token());
      expected.set("/api/data/views/query/total/fixture-b1", total.json());
    }
    Files.writeString(dir.resolve("expected.json"),
        Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(expected));
  }
}
