package io.viewpulse.testing;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

/**
 * The eight scripted sessions whose quality metrics are known exactly (QualityMetricsApiTest's table says what each
 * does and what it counts as), on the videos pbQ and pbR, a minute apart from {@link TestServer#T0}. The API test and
 * the dashboard's test both play them, so that the dashboard is checked against the figures the API test proves.
 */
public final class QualitySessions {
  /** The user agents of the sessions' three browsers; null keeps the default one of {@link Beacons}. */
  public record Browsers(String chrome, String firefox, String safari) {
    public static final Browsers DEFAULT = new Browsers(null, null, null);
  }

  private QualitySessions() {}

  /** Plays the sessions into {@code s} (its clock set to each beacon's time); the videos must exist. */
  public static void play(TestServer s, Browsers b) {
    Instant t = T0;
    ended(s, ua(Beacons.session("q-played", "pbQ"), b.chrome()).play(t)
        .heartbeat("a1", t.plusSeconds(5), 4800, 0, 200, 0, 200L)
        .heartbeat("a2", t.plusSeconds(10), 5200, 0, 0, 0, null).ended(t.plusSeconds(10)), t.plusSeconds(10));
    t = T0.plusSeconds(60);
    last(s, ua(Beacons.session("q-startfail", "pbQ"), b.chrome()).play(t)
        .error(t.plusSeconds(1), "unknown", "media error 4")
        .heartbeat("b1", t.plusSeconds(2), 0, 0, 1000, 1, null), t.plusSeconds(2));
    t = T0.plusSeconds(120);
    ended(s, ua(Beacons.session("q-playfail", "pbQ"), b.firefox()).play(t)
        .heartbeat("c1", t.plusSeconds(5), 5000, 0, 0, 0, 150L)
        .error(t.plusSeconds(6), "offline", "stream is offline").heartbeat("c2", t.plusSeconds(7), 0, 0, 0, 1, null)
        .ended(t.plusSeconds(7)), t.plusSeconds(7));
    t = T0.plusSeconds(180);
    ended(s, ua(Beacons.session("q-fallback", "pbR"), b.firefox()).play(t)
        .error(t.plusMillis(500), "fallback", "webrtc has bframes")
        .heartbeat("d1", t.plusSeconds(5), 4000, 0, 300, 1, 300L).warning(t.plusSeconds(6), "offline")
        .heartbeat("d2", t.plusSeconds(10), 1000, 0, 0, 0, null).ended(t.plusSeconds(10)), t.plusSeconds(10));
    t = T0.plusSeconds(240);
    last(s, ua(Beacons.session("q-ebvs", "pbR"), b.safari()).play(t)
        .heartbeat("e1", t.plusSeconds(3), 0, 0, 3000, 0, null), t.plusSeconds(3));
    t = T0.plusSeconds(300);
    last(s, ua(Beacons.session("q-ebvs-warn", "pbR"), b.safari()).play(t).warning(t.plusSeconds(1), "offline")
        .heartbeat("f1", t.plusSeconds(2), 0, 0, 2000, 0, null), t.plusSeconds(2));
    t = T0.plusSeconds(360);
    ended(s, ua(Beacons.session("q-unreported", "pbR"), b.chrome()).play(t)
        .heartbeat("g1", t.plusSeconds(5), 5000, 0, 0, 0, 100L)
        .heartbeat("g2", t.plusSeconds(6), 0, 0, 0, 1, null).ended(t.plusSeconds(6)), t.plusSeconds(6));
    t = T0.plusSeconds(420);
    ended(s, ua(Beacons.session("q-rebuffer", "pbQ"), b.chrome()).play(t)
        .heartbeat("r1", t.plusSeconds(5), 4000, 0, 250, 0, 250L)
        .with("video_width_px", 1280).with("video_height_px", 720).with("player_width_px", 1280)
        .with("player_height_px", 720).with("bitrate_bps", 2_000_000).with("dropped_frames", 2)
        .with("total_frames", 120)
        .heartbeat("r2", t.plusSeconds(10), 4000, 1000, 0, 0, null).with("player_width_px", 1920)
        .with("player_height_px", 1080).with("bitrate_bps", 1_000_000).with("rendition_down_count", 1)
        .with("total_frames", 100)
        .seek(t.plusSeconds(11), 400)
        .heartbeat("r3", t.plusSeconds(16), 5000, 0, 500, 0, null).with("video_width_px", 3840)
        .with("video_height_px", 2160).with("bitrate_bps", 8_000_000).with("rendition_up_count", 1)
        .with("dropped_frames", 3).with("total_frames", 130)
        .seek(t.plusSeconds(16), 600)
        .ended(t.plusSeconds(16)), t.plusSeconds(16));
  }

  private static Beacons ua(Beacons b, String userAgent) {
    return userAgent == null ? b : b.userAgent(userAgent);
  }

  private static void ended(TestServer s, Beacons b, Instant at) {
    s.clock.set(at);
    Http.Response r = s.beacon(b.json(), "192.0.2.10");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static void last(TestServer s, Beacons b, Instant at) {
    s.clock.set(at);
    Http.Response r = s.lastBeacon(b.json(), "192.0.2.10");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
