package io.viewpulse.testing;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

/**
 * Sessions playing now whose quality so far is known exactly: three of {@link #PLAYING}, none ended, and one of
 * {@link #ENDED} that ended (not playing now). The realtime quality API test and the Java client's both play them.
 *
 * <pre>
 * o-play       Chrome: play, first frame (TTFF 200), plays 4.8 s at 2 Mb/s, then 4 s at 1 Mb/s and stalls 1 s
 * o-startfail  Chrome: play, a fatal error before a frame (waited 1 s)
 * o-waiting    Safari: play, waits 2 s for a frame
 * o-ended      {@link #ENDED}, Chrome: play, first frame, plays 4.8 s, ends
 * </pre>
 */
public final class OpenSessions {
  /** The video of the three sessions playing now. */
  public static final String PLAYING = "pbN";
  /** The video of the ended session. */
  public static final String ENDED = "pbM";

  private OpenSessions() {}

  /**
   * Creates both videos in {@code s}, plays the sessions into it (its clock set to each beacon's time), then sets the
   * clock to {@link TestServer#T0} + 12 s and writes the sessions' snapshots to the store, so that they are there
   * before the first query, not whenever the sessionizer's next tick writes them.
   */
  public static void play(TestServer s) {
    s.asset(PLAYING);
    s.asset(ENDED);
    Instant t = T0;
    send(s, Beacons.session("o-ended", ENDED).play(t).heartbeat("e1", t.plusSeconds(5), 4800, 0, 200, 0, 200L)
        .ended(t.plusSeconds(5)), t.plusSeconds(5));
    send(s, Beacons.session("o-play", PLAYING).play(t)
        .heartbeat("p1", t.plusSeconds(5), 4800, 0, 200, 0, 200L).with("bitrate_bps", 2_000_000)
        .heartbeat("p2", t.plusSeconds(10), 4000, 1000, 0, 0, null).with("bitrate_bps", 1_000_000),
        t.plusSeconds(10));
    send(s, Beacons.session("o-startfail", PLAYING).play(t.plusSeconds(1))
        .error(t.plusSeconds(2), "unknown", "media error 4")
        .heartbeat("s1", t.plusSeconds(2), 0, 0, 1000, 1, null), t.plusSeconds(2));
    send(s, Beacons.session("o-waiting", PLAYING).userAgent(Beacons.SAFARI_IPHONE).play(t.plusSeconds(2))
        .heartbeat("w1", t.plusSeconds(4), 0, 0, 2000, 0, null), t.plusSeconds(4));
    s.clock.set(T0.plusSeconds(12));
    s.flush();
  }

  private static void send(TestServer s, Beacons b, Instant at) {
    s.clock.set(at);
    Http.Response r = s.beacon(b.json(), "192.0.2.10");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
