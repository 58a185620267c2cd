package io.viewpulse.testing;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import java.time.Instant;

/**
 * Two viewers of a live channel and what its origin reports, played against a server on its controlled clock, one
 * step every 5 s.
 *
 * <pre>
 * chan1 (channel)  A  192.0.2.10 us:ca Chrome/Linux  plays from 10:00:00, a heartbeat of 5 s every 5 s until 10:02:00
 *                  B  198.51.100.20 de:by iPhone     plays from 10:00:30 until 10:02:30
 *                  slate: B ad_slate 7 12.5 s, A mcs 1 4 s, B mcs 1 2 s, ending 10:01:15-10:01:30, reported at
 *                  10:01:30
 *                  auth failures: one reported by the origin (10:01:15), one player access-control error (10:01:40)
 * </pre>
 */
public final class LiveScript {
  public static final String CHAN = "114n9q6a847ieldd8bb8dbf67afef96b";
  /** The steps, in seconds after {@link TestServer#T0}. */
  public static final int FIRST = 5;
  public static final int LAST = 150;

  /** The channel's minute 10:01, as the Uplynk route serves it. */
  public static final String MINUTE_2 = """
      {"@id": "/api/v4/monitoring/stream_stats_enhanced/114n9q6a847ieldd8bb8dbf67afef96b",
       "@type": "StreamStats",
       "id": "114n9q6a847ieldd8bb8dbf67afef96b",
       "stats": {"auth_failures": 2,
         "concurrent": {"sessions": 2, "total_time": 120.0, "ad_slate": {"7": {"time": 12.5, "sessions": 1}},
                        "mcs": {"1": {"time": 6.0, "sessions": 2}}},
         "new": {"sessions": 0, "total_time": 0.0, "ad_slate": {}, "mcs": {}},
         "domains": [{"domain": "live.example.com", "sessions": 2, "mcs": 2, "ad_slate": 1}],
         "locations": [{"location": "de:by", "sessions": 1, "mcs": 1, "ad_slate": 1},
                       {"location": "us:ca", "sessions": 1, "mcs": 1, "ad_slate": 0}],
         "platforms": [{"platform": "ios", "sessions": 1, "mcs": 1, "ad_slate": 1},
                       {"platform": "linux", "sessions": 1, "mcs": 1, "ad_slate": 0}],
         "type": "channel"},
       "ts": 1772445720000,
       "ts_iso": "2026-03-02T10:02:00.000000Z"}""";

  private LiveScript() {}

  /** Creates the channel in the server's first account. */
  public static void createChannel(TestServer s) {
    s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, CHAN, "Channel 1", "chanpb", null,
        null, "channel"));
  }

  /** Sets the clock to {@code T0 + r} seconds and sends what happens then; every request must be acknowledged. */
  public static void step(TestServer s, long r) {
    Instant at = T0.plusSeconds(r);
    s.clock.set(at);
    if (r <= 120) {
      Beacons a = Beacons.session("sess-a", "chanpb").live(true);
      if (r == 5) {
        a.play(T0);
      }
      ok(s.beacon(a.heartbeat("a" + r, at, 5000, 0, 0, 0, r == 5 ? 150L : null).json()
          .replace("https://cdn.example.com", "https://live.example.com"), "192.0.2.10"));
    }
    if (r >= 35) {
      Beacons b = Beacons.session("sess-b", "chanpb").live(true).userAgent(Beacons.SAFARI_IPHONE);
      if (r == 35) {
        b.play(T0.plusSeconds(30));
      }
      ok(s.beacon(b.heartbeat("b" + r, at, 5000, 0, 0, 0, r == 35 ? 200L : null).json()
          .replace("https://cdn.example.com", "https://live.example.com"), "198.51.100.20"));
    }
    if (r == 90) {
      ok(s.http.post("/api/live/events", """
          {"events": [
            {"type": "slate", "stream_id": "%s", "session_id": "sess-b", "kind": "ad_slate", "reason": "7",
             "seconds": 12.5, "timestamp": %d},
            {"type": "auth_failure", "stream_id": "%s", "timestamp": %d},
            {"type": "slate", "stream_id": "%s", "session_id": "sess-a", "kind": "mcs", "reason": 1,
             "seconds": 4, "timestamp": %d},
            {"type": "slate", "stream_id": "%s", "session_id": "sess-b", "kind": "mcs", "reason": "1",
             "seconds": 2, "timestamp": %d}]}""".formatted(CHAN, ms(75), CHAN, ms(75), CHAN, ms(80), CHAN, ms(90)),
          "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json"));
    }
    if (r == 100) {
      ok(s.beacon(Beacons.session("sess-c", "chanpb").live(true).error(at, "access-control", "denied").json(),
          "203.0.113.5"));
    }
  }

  private static long ms(long seconds) {
    return T0.plusSeconds(seconds).toEpochMilli();
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
