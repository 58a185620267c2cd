package io.viewpulse.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Beacon;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.EventType;
import io.viewpulse.model.Heartbeat;
import io.viewpulse.model.PlayerEvent;
import io.viewpulse.model.ViewRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What CMCD play states (sta) make of a view: intervals between reports, startup, stalls, the end. */
class PlayStateTest {
  private final ViewState s = new ViewState("k", new Beacon("acc", "m", "pb", null, null, "sess", "v", false,
      null, null, Dimensions.UNKNOWN, null, false, 0, List.of()));

  private static PlayerEvent state(char st, long ts) {
    return new PlayerEvent(null, EventType.PLAY_STATE, ts, null, String.valueOf(st), null);
  }

  private static PlayerEvent state(char st, long ts, long msd) {
    return new PlayerEvent(null, EventType.PLAY_STATE, ts, new Heartbeat(0, 0, 0, 0, 0, 0, 0, 0, 0, msd, null, null),
        String.valueOf(st), null);
  }

  @Test
  void timeBetweenReportsBelongsToTheEarlierState() {
    s.apply(state('s', 1_000));
    s.apply(state('p', 1_500));
    s.apply(state('p', 11_500));
    s.apply(state('r', 16_000));
    s.apply(state('p', 18_000));
    s.apply(state('a', 21_000));
    s.apply(state('p', 26_000));
    s.apply(state('k', 27_000));
    s.apply(state('p', 27_400));
    s.apply(state('e', 31_400));
    ViewRecord v = s.toView();
    assertThat(v.playtimeMs()).as("10 000 + 4 500 + 3 000 + 1 000 + 4 000").isEqualTo(22_500);
    assertThat(v.rebufferMs()).as("the r interval; seeking is not rebuffering").isEqualTo(2_000);
    assertThat(v.ttffMs()).as("s to the first p").isEqualTo(500);
    assertThat(v.firstFrame()).isTrue();
    assertThat(v.ended()).isTrue();
    assertThat(v.startedAtMs()).isEqualTo(1_000);
    assertThat(s.playIntent).isTrue();
  }

  @Test
  void rebufferingBeforeTheFirstFrameIsStartupAsShakaReportsIt() {
    s.apply(state('r', 2_000));
    s.apply(state('p', 2_800));
    s.apply(state('p', 12_800));
    ViewRecord v = s.toView();
    assertThat(v.ttffMs()).isEqualTo(800);
    assertThat(v.rebufferMs()).isZero();
    assertThat(v.playtimeMs()).isEqualTo(10_000);
  }

  @Test
  void aMediaStartDelayCountsOnlyWhenReportedOnOrAfterTheFirstFrame() {
    s.apply(state('s', 1_000, 40));
    assertThat(s.ttffMs).as("an msd while starting (dash.js 5.2) is no start delay").isEqualTo(-1);
    s.apply(state('p', 1_700));
    assertThat(s.ttffMs).as("derived from s to p").isEqualTo(700);
    s.apply(state('p', 2_000, 650));
    assertThat(s.ttffMs).as("the player's msd replaces the derived one").isEqualTo(650);
    s.apply(state('p', 3_000, 900));
    assertThat(s.ttffMs).as("the first msd stays").isEqualTo(650);
  }

  @Test
  void aReportOlderThanTheKnownStateChangesNothingSoAResentOneCountsOnce() {
    s.apply(state('s', 1_000));
    s.apply(state('p', 1_500));
    s.apply(state('a', 5_500));
    assertThat(s.apply(state('r', 3_000))).as("overtaken by a later report").isFalse();
    assertThat(s.apply(state('p', 1_500))).isFalse();
    s.apply(state('a', 5_500));
    s.apply(state('p', 9_500));
    s.apply(state('q', 10_500));
    ViewRecord v = s.toView();
    assertThat(v.playtimeMs()).isEqualTo(5_000);
    assertThat(v.rebufferMs()).isZero();
    assertThat(v.ended()).isTrue();
  }

  @Test
  void aStartDelayOnAReportThatArrivesLateStillCounts() {
    s.apply(state('r', 1_000));
    s.apply(state('p', 1_229));
    s.apply(state('a', 13_351));
    s.apply(state('e', 13_351));
    assertThat(s.apply(state('e', 13_349, 300))).as("its msd counts, its state does not").isTrue();
    assertThat(s.apply(state('e', 13_349, 400))).isFalse();
    ViewRecord v = s.toView();
    assertThat(v.ttffMs()).isEqualTo(300);
    assertThat(v.playtimeMs()).isEqualTo(12_122);
  }

  @Test
  void oneIntervalCountsAtMostTheIdleTimeout() {
    s.apply(state('p', 0));
    s.apply(state('p', 3 * 3_600_000L));
    assertThat(s.toView().playtimeMs()).isEqualTo(ViewState.MAX_STATE_INTERVAL_MS);
  }

  @Test
  void playingAgainAfterTheEndReopensTheView() {
    s.apply(state('s', 0));
    s.apply(state('p', 100));
    s.apply(state('e', 10_100));
    assertThat(s.ended()).isTrue();
    s.apply(state('p', 20_000));
    assertThat(s.ended()).isFalse();
    s.apply(state('q', 25_000));
    assertThat(s.toView().playtimeMs()).isEqualTo(15_000);
  }

  @Test
  void preloadingAndWaitingAloneAreNoViewAndAFatalStateIsOne() {
    s.apply(state('d', 0));
    s.apply(state('w', 1_000));
    assertThat(s.playIntent).isFalse();
    s.apply(state('f', 2_000));
    assertThat(s.playIntent).isTrue();
    assertThat(s.toView().firstFrame()).isFalse();
  }

  @Test
  void playingTimeOfAnIntervalIsWhatTheLiveMinutesGet() {
    s.apply(state('p', 0));
    s.apply(state('p', 30_000));
    assertThat(s.lastPlayingDelta).isEqualTo(30_000);
    s.apply(state('a', 40_000));
    assertThat(s.lastPlayingDelta).isEqualTo(10_000);
    s.apply(state('p', 50_000));
    assertThat(s.lastPlayingDelta).isZero();
  }

  @Test
  void thePlayStateSurvivesASnapshotAndAnOlderSnapshotReadsWithNone() {
    s.apply(state('s', 1_000));
    s.apply(state('r', 1_200));
    s.apply(state('p', 1_900));
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    assertThat(back.r().playState).isEqualTo('p');
    assertThat(back.r().playStateAt).isEqualTo(1_900);
    assertThat(back.r().startingAt).isEqualTo(1_000);
    assertThat(back.r().ttffDerived).isTrue();
    back.apply(state('a', 6_900));
    assertThat(back.toView().playtimeMs()).isEqualTo(5_000);

    // a version 6 snapshot: the same bytes without the custom dimensions (version 10), the timeline (version 9), the
    // quality facts (version 8) and the play state (version 7)
    byte[] v10 = StateCodec.encode(s);
    byte[] v6 = java.util.Arrays.copyOf(v10, v10.length - StateCodec.watchedBytes(s) - StateCodec.NO_TAIL_BYTES - StateCodec.timelineBytes(s)
        - StateCodec.QUALITY_BYTES - StateCodec.PLAY_STATE_BYTES);
    v6[0] = 6;
    ViewState old = StateCodec.decode(v6);
    assertThat(old.r().playState).isEqualTo((char) 0);
    assertThat(old.r().playStateAt).isEqualTo(ViewState.UNSET);
    assertThat(old.ttffMs).isEqualTo(900);
  }

  @Test
  void eachEntryIntoRebufferingAfterTheFirstFrameIsOneRebuffer() {
    s.apply(state('s', 1_000));
    s.apply(state('r', 1_200));
    s.apply(state('p', 1_900));
    s.apply(state('r', 5_000));
    s.apply(state('r', 6_000));
    s.apply(state('p', 7_000));
    s.apply(state('k', 9_000));
    s.apply(state('r', 9_500));
    s.apply(state('p', 10_000));
    assertThat(s.toView().quality().rebufferCount()).as("the startup's r is none; a repeated r report is the same")
        .isEqualTo(2);
    assertThat(s.toView().rebufferMs()).isEqualTo(2_500);
  }
}
