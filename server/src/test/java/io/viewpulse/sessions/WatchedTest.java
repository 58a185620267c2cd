package io.viewpulse.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Beacon;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.EventType;
import io.viewpulse.model.Heartbeat;
import io.viewpulse.model.PlayerEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which percents of an on-demand video a view watched, and how often, heartbeat by heartbeat. */
class WatchedTest {
  private static final long DURATION = 100_000;

  private static ViewState state(boolean live) {
    return new ViewState("k", new Beacon("acc", "m", "pb", null, null, "sess", "v", live, null, null,
        Dimensions.UNKNOWN, null, false, 0, List.of()));
  }

  private static PlayerEvent hb(String id, long ts, long playing, Long duration, Long position, Long offset) {
    return new PlayerEvent(id, EventType.HEARTBEAT, ts, new Heartbeat(0, 0, 0, 0, 0, 0, 0, playing, 0, null, null,
        duration, position, offset), null, null);
  }

  /** Counts per percent: {@code count} over {@code [from, to)} of each run given as from, to, count. */
  private static byte[] counts(int... runs) {
    byte[] c = new byte[Watched.BUCKETS];
    for (int i = 0; i < runs.length; i += 3) {
      for (int b = runs[i]; b < runs[i + 1]; b++) {
        c[b] = (byte) runs[i + 2];
      }
    }
    return c;
  }

  @Test
  void playheadsMarkTheirWindowsAReSendOnlyWhatItAddsAndAReplayCountsAgain() {
    ViewState s = state(false);
    s.apply(hb("h1", 10_000, 10_000, DURATION, 10_000L, null));
    s.apply(hb("h2", 20_000, 10_000, null, 20_000L, null));
    assertThat(s.watchedBytes()).isEqualTo(counts(0, 20, 1));
    // h2 re-sent with h3 merged into it: cumulative playing time, the newer playhead
    s.apply(hb("h2", 25_000, 15_000, null, 25_000L, null));
    assertThat(s.watchedBytes()).isEqualTo(counts(0, 25, 1));
    // the same version again changes nothing
    s.apply(hb("h2", 25_000, 15_000, null, 25_000L, null));
    // a replay from the start
    s.apply(hb("h4", 31_000, 5_000, null, 5_000L, null));
    assertThat(s.watchedBytes()).isEqualTo(counts(0, 5, 2, 5, 25, 1));
  }

  @Test
  void withoutPlayheadsTheWindowIsTheOffsetPlusThePlayingTimeSoFar() {
    // Livepeer's player: the offset once, the duration, playing time; no playhead
    ViewState s = state(false);
    s.apply(hb("h1", 10_000, 10_000, DURATION, null, 30_000L));
    s.apply(hb("h2", 20_000, 10_000, DURATION, null, null));
    assertThat(s.watchedBytes()).isEqualTo(counts(30, 50, 1));
    s.apply(hb("h2", 22_000, 12_500, DURATION, null, null));
    assertThat(s.watchedBytes()).isEqualTo(counts(30, 53, 1));
  }

  @Test
  void theEndOfTheVideoIsThePercentItEndsInAndAPartialPercentCounts() {
    ViewState s = state(false);
    s.apply(hb("h1", 10_000, 1_500, 3_000L, 3_000L, null));
    assertThat(s.watchedBytes()).isEqualTo(counts(50, 100, 1));
  }

  @Test
  void liveViewsAndViewsOfUnknownDurationWatchNothing() {
    ViewState live = state(true);
    live.apply(hb("h1", 10_000, 10_000, DURATION, 10_000L, null));
    assertThat(live.watchedBytes()).isNull();
    ViewState unknown = state(false);
    unknown.apply(hb("h1", 10_000, 10_000, null, 10_000L, null));
    assertThat(unknown.watchedBytes()).isNull();
  }

  @Test
  void countsSaturate() {
    ViewState s = state(false);
    for (int i = 0; i < 300; i++) {
      s.apply(hb("h" + i, 1_000L * (i + 1), 1_000, DURATION, 1_000L, null));
    }
    assertThat(s.watchedBytes()).isEqualTo(counts(0, 1, (byte) 255));
  }

  @Test
  void whatWasWatchedSurvivesTheSnapshotAndAVersion10StateStartsWithNothing() {
    ViewState s = state(false);
    s.apply(hb("h1", 10_000, 10_000, DURATION, 10_000L, null));
    byte[] v11 = StateCodec.encode(s);
    assertThat(v11[0]).isEqualTo((byte) 11);
    ViewState back = StateCodec.decode(v11);
    assertThat(back.watchedBytes()).isEqualTo(counts(0, 10, 1));
    // the re-send of a heartbeat remembered across the snapshot marks only what it adds
    back.apply(hb("h1", 12_000, 12_000, null, 12_000L, null));
    assertThat(back.watchedBytes()).isEqualTo(counts(0, 12, 1));

    byte[] v10 = java.util.Arrays.copyOf(v11, v11.length - StateCodec.watchedBytes(s));
    v10[0] = 10;
    ViewState old = StateCodec.decode(v10);
    assertThat(old.toView()).isEqualTo(s.toView());
    assertThat(old.watchedBytes()).isNull();
    old.apply(hb("h2", 20_000, 10_000, DURATION, 20_000L, null));
    assertThat(old.watchedBytes()).isEqualTo(counts(10, 20, 1));
  }

  @Test
  void percentsWatchedOnceSurviveTheSnapshotAndCountAgainAfterIt() {
    ViewState s = state(false);
    s.apply(hb("h1", 10_000, 10_000, DURATION, 10_000L, null));
    s.apply(hb("h2", 20_000, 10_000, null, 80_000L, null));
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    assertThat(back.watchedBytes()).isEqualTo(s.watchedBytes()).isEqualTo(counts(0, 10, 1, 70, 80, 1));
    assertThat(StateCodec.encode(back)).isEqualTo(StateCodec.encode(s));
    // a replay of the start and a seek back over the end count twice, after the snapshot as before it
    for (ViewState v : List.of(s, back)) {
      v.apply(hb("h3", 25_000, 5_000, null, 5_000L, null));
      v.apply(hb("h4", 30_000, 5_000, null, 80_000L, null));
      assertThat(v.watchedBytes()).isEqualTo(counts(0, 5, 2, 5, 10, 1, 70, 75, 1, 75, 80, 2));
    }
    ViewState again = StateCodec.decode(StateCodec.encode(back));
    again.apply(hb("h5", 35_000, 1_000, null, 1_000L, null));
    assertThat(again.watchedBytes()).isEqualTo(counts(0, 1, 3, 1, 5, 2, 5, 10, 1, 70, 75, 1, 75, 80, 2));
  }
}
