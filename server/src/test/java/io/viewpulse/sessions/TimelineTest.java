package io.viewpulse.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Beacon;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.EventType;
import io.viewpulse.model.Heartbeat;
import io.viewpulse.model.PlayerEvent;
import io.viewpulse.model.Timeline;
import io.viewpulse.model.Timeline.Event;
import io.viewpulse.model.Timeline.Kind;
import io.viewpulse.model.Timeline.Rendition;
import io.viewpulse.model.VideoSample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A view's timeline, event by event, from each collector's events, bounded, and in the session's snapshot. */
class TimelineTest {
  private final ViewState s = new ViewState("k", new Beacon("acc", "m", "pb", null, null, "sess", "v", false,
      "example.com", null, Dimensions.UNKNOWN, null, false, 0, List.of()));

  private static PlayerEvent ev(EventType t, long ts) {
    return new PlayerEvent(null, t, ts, null, null, null);
  }

  private static PlayerEvent hb(String id, long ts, long playing, int stalls, long stalledMs, int waits,
      long waitingMs, Long ttff, VideoSample v) {
    return new PlayerEvent(id, EventType.HEARTBEAT, ts, new Heartbeat(0, 0, stalls, waits, 0, 0, stalledMs, playing,
        waitingMs, ttff, ttff == null ? null : ttff + 50, null), null, null, null, v);
  }

  private static PlayerEvent state(String letter, long ts) {
    return new PlayerEvent(null, EventType.PLAY_STATE, ts, null, letter, null);
  }

  static Event at(Kind k, long ts) {
    return new Event(k, ts, -1, 0, null, null, false, null, null);
  }

  static Event stall(long ts, long ms, int count) {
    return new Event(Kind.STALL, ts, ms, count, null, null, false, null, null);
  }

  static Event seek(long ts, long latency) {
    return new Event(Kind.SEEK, ts, latency, 0, null, null, false, null, null);
  }

  static Event error(long ts, boolean fatal, String category, String message) {
    return new Event(Kind.ERROR, ts, -1, 0, null, null, fatal, category, message);
  }

  static Event end(long ts, String cause) {
    return new Event(Kind.END, ts, -1, 0, null, null, false, cause, null);
  }

  private Timeline timeline(ViewState v) {
    return Timeline.decode(v.timelineBytes());
  }

  /** Livepeer's protocol and Viewpulse's collector: events, and heartbeats' first frame, stalls and renditions. */
  @Test
  void aBeaconSessionsTimelineHasEveryEventAtItsPlayersTime() {
    s.apply(ev(EventType.PLAY, 1000));
    s.apply(hb("h1", 3000, 1500, 0, 0, 1, 500, 500L, null));
    s.apply(hb("h2", 8000, 4000, 1, 800, 0, 0, null, null));
    s.apply(new PlayerEvent(null, EventType.SEEK, 9000, null, null, null, 350L));
    s.apply(hb("v1", 10000, 2000, 0, 0, 0, 0, null, new VideoSample(640, 360, 1280, 720, 1_000_000L, 0, 0, 0, 0)));
    s.apply(hb("v2", 15000, 5000, 0, 0, 0, 0, null,
        new VideoSample(1920, 1080, null, null, 4_000_000L, 0, 0, 1, 0)));
    // arrives after later events: placed at its own time
    s.apply(ev(EventType.PAUSE, 14000));
    s.apply(new PlayerEvent(null, EventType.ERROR, 17000, null, "network", "x".repeat(150)));
    s.apply(new PlayerEvent(null, EventType.WARNING, 17500, null, "buffer", "slow"));
    s.apply(new PlayerEvent(null, EventType.ERROR, 18000, null, "fallback", "switched"));
    s.apply(ev(EventType.ENDED, 20000));
    assertThat(timeline(s)).isEqualTo(new Timeline(List.of(
        at(Kind.PLAY, 1000),
        at(Kind.FIRST_FRAME, 3000),
        stall(8000, 800, 1),
        seek(9000, 350),
        at(Kind.PAUSE, 14000),
        new Event(Kind.RENDITION, 15000, -1, 0, new Rendition(1_000_000, 640, 360), new Rendition(4_000_000, 1920,
            1080), false, null, null),
        error(17000, true, "network", "x".repeat(Timeline.MAX_MESSAGE)),
        error(17500, false, "buffer", "slow"),
        error(18000, false, "fallback", "switched"),
        end(20000, "ended")), 0));
  }

  @Test
  void aHeartbeatResentWithMoreStallsAddsOnlyTheNewOnes() {
    s.apply(ev(EventType.PLAY, 1000));
    s.apply(hb("h1", 3000, 1500, 0, 0, 1, 500, 500L, null));
    s.apply(hb("h2", 8000, 4000, 1, 800, 0, 0, null, null));
    s.apply(hb("h2", 8000, 4000, 1, 800, 0, 0, null, null));
    s.apply(hb("h2", 9000, 5000, 2, 1100, 0, 0, null, null));
    s.timedOut = true;
    assertThat(timeline(s).events()).containsExactly(at(Kind.PLAY, 1000), at(Kind.FIRST_FRAME, 3000),
        stall(8000, 800, 1), stall(9000, 300, 1), end(9000, "timeout"));
  }

  /** CMCD: the play states' transitions; a rebuffering after the first frame is a stall as long as it lasted. */
  @Test
  void aCmcdSessionsTimelineComesFromItsPlayStates() {
    for (PlayerEvent e : List.of(state("s", 1000), state("p", 1500), state("p", 3000), state("r", 5000),
        state("r", 5400), state("p", 5800), state("k", 7000), state("p", 7200), state("a", 9000),
        state("e", 12000))) {
      s.apply(e);
    }
    assertThat(timeline(s).events()).containsExactly(at(Kind.PLAY, 1000), at(Kind.FIRST_FRAME, 1500),
        stall(5000, 800, 1), seek(7000, -1), at(Kind.PAUSE, 9000), end(12000, "ended"));
  }

  @Test
  void aSessionKeepsAtMostItsBoundAndCountsWhatItDropped() {
    s.apply(ev(EventType.PLAY, 1000));
    for (int i = 0; i < 1000; i++) {
      s.apply(new PlayerEvent(null, EventType.ERROR, 1000 + i * 10L, null, null, "m".repeat(300)));
    }
    assertThat(s.timeline.size()).isLessThanOrEqualTo(Timeline.MAX_BYTES);
    s.lastOfPage = true;
    Timeline t = timeline(s);
    // play (2 bytes), then errors of 105 bytes each (kind, offset, fatal, no category, 100 characters): four fit
    assertThat(t.events()).hasSize(1 + 4 + 1);
    assertThat(t.dropped()).isEqualTo(996);
    assertThat(t.events().get(1)).isEqualTo(error(1000, true, null, "m".repeat(100)));
    assertThat(t.events().get(5)).as("the end is always kept").isEqualTo(end(10990, "page"));
  }

  @Test
  void theTimelineSurvivesTheSnapshotAndAVersion8StateStartsWithAnEmptyOne() {
    s.apply(ev(EventType.PLAY, 1000));
    s.apply(new PlayerEvent(null, EventType.SEEK, 2000, null, null, null, 120L));
    ViewState back = StateCodec.decode(StateCodec.encode(s));
    back.apply(ev(EventType.ENDED, 3000));
    assertThat(timeline(back).events()).containsExactly(at(Kind.PLAY, 1000), seek(2000, 120), end(3000, "ended"));
    byte[] v9 = StateCodec.encode(s);
    byte[] v8 = java.util.Arrays.copyOf(v9, v9.length - StateCodec.timelineBytes(s));
    v8[0] = 8;
    ViewState old = StateCodec.decode(v8);
    assertThat(old.toView()).isEqualTo(s.toView());
    old.apply(ev(EventType.ENDED, 3000));
    assertThat(timeline(old).events()).containsExactly(end(3000, "ended"));
  }
}
