package io.viewpulse.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Minute statistics of scripted sessions across minute boundaries.
 *
 * <pre>
 * A  us:ca linux  started 10:00:00  beats every 5 s with 5 s of play from 10:00:05 to 10:02:00
 * B  de:by ios    started 10:00:30  beats every 5 s with 5 s of play from 10:00:35 to 10:02:30
 * slate, each ending at the time given: B ad_slate 7 12.5 s at 10:01:15; A mcs 1 4 s at 10:01:20; B mcs 1 2 s at
 *        10:01:30
 * auth failures at 10:01:15 and 10:01:40
 * </pre>
 */
class LiveStatsTest {
  static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
  static final LiveSession A = new LiveSession("a", "acc", "chan1", T0, "live.example.com", "us:ca", "linux");
  static final LiveSession B = new LiveSession("b", "acc", "chan1", T0 + 30_000, "live.example.com", "de:by", "ios");

  private final LiveStats live = new LiveStats(15_000);

  private void script() {
    for (long r = T0 + 5_000; r <= T0 + 150_000; r += 5_000) {
      step(live, r);
    }
  }

  /** What happens at {@code r}: the sessions' heartbeats, then slate and failures reported then. */
  private static void step(LiveStats live, long r) {
    {
      if (r <= T0 + 120_000) {
        live.played(A, r, 5_000);
      }
      if (r >= T0 + 35_000) {
        live.played(B, r, 5_000);
      }
      if (r == T0 + 75_000) {
        live.slate(B, "ad_slate", "7", 12.5, r, r);
      } else if (r == T0 + 80_000) {
        live.slate(A, "mcs", "1", 4.0, r, r);
      } else if (r == T0 + 90_000) {
        live.slate(B, "mcs", "1", 2.0, r, r);
      }
      if (r == T0 + 75_000 || r == T0 + 100_000) {
        live.authFailure("acc", "chan1", r, r);
      }
    }
  }

  @Test
  void aMinuteClosesOnlyAfterItsGrace() {
    script();
    assertThat(live.closeDue(T0 + 74_999)).isEmpty();
    assertThat(live.closeDue(T0 + 75_000)).extracting(MinuteRow::minuteStart).containsExactly(T0);
  }

  @Test
  void theFirstMinuteHasOneConcurrentAndOneNewSession() {
    script();
    MinuteRow m = live.closeDue(T0 + 75_000).get(0);
    assertThat(m.stats()).isEqualTo(new MinuteStats(0,
        new MinuteStats.Group(1, 60_000, Map.of(), Map.of()),
        new MinuteStats.Group(1, 30_000, Map.of(), Map.of()),
        Map.of("live.example.com", new MinuteStats.Share(1, 0, 0)),
        Map.of("us:ca", new MinuteStats.Share(1, 0, 0)),
        Map.of("linux", new MinuteStats.Share(1, 0, 0))));
  }

  @Test
  void theSecondMinuteCountsSlateByReasonAndAuthFailures() {
    script();
    live.closeDue(T0 + 75_000);
    List<MinuteRow> rows = live.closeDue(T0 + 135_000);
    assertThat(rows).extracting(MinuteRow::minuteStart, MinuteRow::streamId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(T0 + 60_000, "chan1"));
    assertThat(rows.get(0).stats()).isEqualTo(new MinuteStats(2,
        new MinuteStats.Group(2, 120_000, Map.of("7", new MinuteStats.Slate(12_500, 1)),
            Map.of("1", new MinuteStats.Slate(6_000, 2))),
        MinuteStats.Group.EMPTY,
        Map.of("live.example.com", new MinuteStats.Share(2, 2, 1)),
        Map.of("de:by", new MinuteStats.Share(1, 1, 1), "us:ca", new MinuteStats.Share(1, 1, 0)),
        Map.of("ios", new MinuteStats.Share(1, 1, 1), "linux", new MinuteStats.Share(1, 1, 0))));
  }

  @Test
  void playSpanningABoundaryIsSplitBetweenTheMinutes() {
    // 10 s of play reported at 10:01:04: 6 s in the first minute, 4 s in the second
    live.played(A, T0 + 64_000, 10_000);
    List<MinuteRow> rows = live.closeDue(T0 + 200_000);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).stats().concurrent().playMs()).isEqualTo(6_000);
    assertThat(rows.get(1).stats().concurrent().playMs()).isEqualTo(4_000);
  }

  @Test
  void playReportedLateCountsOnlyInMinutesStillOpen() {
    // a merged backlog of 90 s arrives at 10:02:20: 10:00 and 10:01 are closed, only 10:02's 20 s count
    live.played(A, T0 + 140_000, 90_000);
    assertThat(live.openSessionMinutes()).isEqualTo(1);
    List<MinuteRow> rows = live.closeDue(T0 + 300_000);
    assertThat(rows).extracting(MinuteRow::minuteStart).containsExactly(T0 + 120_000);
    assertThat(rows.get(0).stats().concurrent().playMs()).isEqualTo(20_000);
  }

  /**
   * The sessionizer's commit as the store keeps it: closed minutes become rows and lose their parts, the parts of
   * open minutes are appended.
   */
  private static final class Stored {
    final List<MinuteRow> rows = new java.util.ArrayList<>();
    final List<MinutePart> parts = new java.util.ArrayList<>();

    void commit(LiveStats live, long now) {
      List<MinuteRow> closed = live.closeDue(now);
      rows.addAll(closed);
      parts.addAll(live.changes());
      parts.removeIf(p -> closed.stream().anyMatch(
          m -> m.accountId().equals(p.accountId()) && m.streamId().equals(p.streamId())
              && m.minuteStart() == p.minuteStart()));
      live.committed();
    }

    java.util.Map<String, Long> newestClosed() {
      java.util.Map<String, Long> out = new java.util.HashMap<>();
      rows.forEach(m -> out.merge(MinutePart.streamKey(m.accountId(), m.streamId()), m.minuteStart(), Math::max));
      return out;
    }
  }

  @Test
  void openMinutesRebuiltFromTheirStoredPartsCloseAsIfNoRestartHappened() {
    script();
    List<MinuteRow> uninterrupted = live.closeDue(T0 + 300_000);
    assertThat(uninterrupted).hasSize(3);

    // a commit after every step; the process stops at 10:01:32, mid-minute, and a new one takes over
    LiveStats first = new LiveStats(15_000);
    Stored store = new Stored();
    long r = T0 + 5_000;
    for (; r <= T0 + 90_000; r += 5_000) {
      step(first, r);
      store.commit(first, r + 2_000);
    }
    assertThat(store.rows).extracting(MinuteRow::minuteStart).containsExactly(T0);
    assertThat(store.parts).extracting(MinutePart::minuteStart).containsOnly(T0 + 60_000);
    LiveStats second = new LiveStats(15_000);
    assertThat(second.restore(store.parts, store.newestClosed())).isZero();
    assertThat(second.openSessionMinutes()).isEqualTo(2);
    for (; r <= T0 + 150_000; r += 5_000) {
      step(second, r);
      store.commit(second, r + 2_000);
    }
    store.commit(second, T0 + 300_000);
    assertThat(store.rows).isEqualTo(uninterrupted);
  }

  @Test
  void aPartHoldsOnlyTheSessionsChangedSinceTheLastCommitAndALaterOneWins() {
    Stored store = new Stored();
    live.played(A, T0 + 10_000, 5_000);
    live.played(B, T0 + 10_000, 5_000);
    store.commit(live, T0 + 11_000);
    live.played(A, T0 + 15_000, 5_000);
    live.authFailure("acc", "chan1", T0 + 15_000, T0 + 15_000);
    store.commit(live, T0 + 16_000);
    store.commit(live, T0 + 17_000);
    assertThat(store.parts).as("nothing changed in the third commit").hasSize(2);
    assertThat(store.parts.get(1).state().length).isLessThan(store.parts.get(0).state().length);

    LiveStats restored = new LiveStats(15_000);
    restored.restore(store.parts, store.newestClosed());
    assertThat(restored.closeDue(T0 + 75_000)).isEqualTo(live.closeDue(T0 + 75_000));
  }

  @Test
  void aMinuteIsNeverOpenedAgainOnceItsRowIsWritten() {
    live.played(A, T0 + 50_000, 5_000);
    assertThat(live.closeDue(T0 + 75_000)).hasSize(1);
    // received within the grace but applied after the minute closed: its share of 10:00 is not counted
    live.played(A, T0 + 64_000, 10_000);
    List<MinuteRow> rows = live.closeDue(T0 + 200_000);
    assertThat(rows).extracting(MinuteRow::minuteStart).containsExactly(T0 + 60_000);
    assertThat(rows.get(0).stats().concurrent().playMs()).isEqualTo(4_000);

    // nor after a restart that knows the row from the store
    LiveStats restarted = new LiveStats(15_000);
    restarted.restore(List.of(), java.util.Map.of(MinutePart.streamKey("acc", "chan1"), T0 + 60_000));
    restarted.played(B, T0 + 124_000, 10_000);
    assertThat(restarted.closeDue(T0 + 300_000)).extracting(MinuteRow::minuteStart).containsExactly(T0 + 120_000);
  }

  @Test
  void aDamagedPartIsCountedAndLeavesItsMinuteAsItWas() {
    Stored store = new Stored();
    live.played(A, T0 + 10_000, 5_000);
    store.commit(live, T0 + 11_000);
    byte[] good = store.parts.get(0).state();
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
    byte[] otherVersion = good.clone();
    otherVersion[0] = 99;
    LiveStats restored = new LiveStats(15_000);
    int unreadable = restored.restore(List.of(store.parts.get(0), new MinutePart("acc", "chan1", T0, cut),
        new MinutePart("acc", "chan1", T0, otherVersion)), java.util.Map.of());
    assertThat(unreadable).isEqualTo(2);
    assertThat(restored.closeDue(T0 + 75_000)).isEqualTo(live.closeDue(T0 + 75_000));

    LiveStats onlyDamaged = new LiveStats(15_000);
    assertThat(onlyDamaged.restore(List.of(new MinutePart("acc", "chan1", T0, cut)), java.util.Map.of())).isEqualTo(1);
    assertThat(onlyDamaged.closeDue(T0 + 75_000)).as("no empty minute made up").isEmpty();
  }


  @Test
  void slateIsSplitOverTheMinutesItSpans() {
    // 12.5 s of ad slate ending at 10:01:05: 7.5 s in 10:00, 5 s in 10:01
    live.slate(A, "ad_slate", "7", 12.5, T0 + 65_000, T0 + 65_000);
    List<MinuteRow> rows = live.closeDue(T0 + 300_000);
    assertThat(rows).extracting(MinuteRow::minuteStart).containsExactly(T0, T0 + 60_000);
    assertThat(rows.get(0).stats().concurrent().adSlate()).isEqualTo(Map.of("7", new MinuteStats.Slate(7_500, 1)));
    assertThat(rows.get(1).stats().concurrent().adSlate()).isEqualTo(Map.of("7", new MinuteStats.Slate(5_000, 1)));
  }

  /** Session C (fr, android), started 10:00:30, beats every 5 s with 5 s of play until {@code end}. */
  private void cPlaysFrom30sUntil(long end) {
    LiveSession c = new LiveSession("c", "acc", "chan1", T0 + 30_000, "live.example.com", "fr:??", "android");
    for (long r = T0 + 35_000; r <= end; r += 5_000) {
      live.played(c, r, 5_000);
    }
  }

  @Test
  void aSessionShorterThanAMinuteIsNewInEveryMinuteItTouches() {
    // C plays from 10:00:30 to 10:01:10: 40 s in all, so never concurrent, though it started before 10:01
    cPlaysFrom30sUntil(T0 + 70_000);
    List<MinuteRow> rows = live.closeDue(T0 + 300_000);
    assertThat(rows).hasSize(2);
    for (MinuteRow row : rows) {
      assertThat(row.stats().concurrent().sessions()).isZero();
      assertThat(row.stats().fresh().sessions()).isEqualTo(1);
      assertThat(row.stats().locations()).as("breakdowns count concurrent sessions").isEmpty();
    }
    assertThat(rows.get(0).stats().fresh().playMs()).isEqualTo(30_000);
    assertThat(rows.get(1).stats().fresh().playMs()).isEqualTo(10_000);
  }

  @Test
  void aSessionIsConcurrentInTheMinuteItCompletesItsFirstMinute() {
    // C from 10:00:30 plays on until 10:01:40: 70 s by its last moment in 10:01
    cPlaysFrom30sUntil(T0 + 100_000);
    List<MinuteRow> rows = live.closeDue(T0 + 300_000);
    assertThat(rows.get(0).stats().fresh().sessions()).isEqualTo(1);
    assertThat(rows.get(1).stats().concurrent().sessions()).isEqualTo(1);
    assertThat(rows.get(1).stats().concurrent().playMs()).isEqualTo(40_000);
  }

  @Test
  void aBacklogPutsAtMostAMinuteOfPlayIntoAMinute() {
    // 20 minutes of play in one heartbeat at 10:10:00 (a player's merged backlog): only 10:09 is still open
    live.played(A, T0 + 600_000, 1_200_000);
    List<MinuteRow> rows = live.closeDue(T0 + 900_000);
    assertThat(rows).extracting(MinuteRow::minuteStart).containsExactly(T0 + 540_000);
    assertThat(rows.get(0).stats().concurrent().playMs()).isEqualTo(60_000);
  }

  @Test
  void aSessionNeverHasMoreThanAMinuteOfPlayInAMinute() {
    // two heartbeats claiming the same 40 s (a player's bug): the minute holds 60 s of it, not 80
    live.played(A, T0 + 50_000, 40_000);
    live.played(A, T0 + 50_000, 40_000);
    live.played(A, T0 + 55_000, 5_000);
    // A started at 10:00:00 and was last seen at 10:00:55: new in that minute
    assertThat(live.closeDue(T0 + 300_000).get(0).stats().fresh().playMs()).isEqualTo(60_000);
  }

  @Test
  void aHeartbeatsPlayEndsWhenItsPlayerSaysWithinTheDriftOfItsClock() {
    long r = T0 + 600_000;
    assertThat(LiveStats.playedUntil(r, r, r)).as("sent as made").isEqualTo(r);
    assertThat(LiveStats.playedUntil(r, r - 300_000, r - 300_000)).as("a clock 5 minutes slow").isEqualTo(r);
    assertThat(LiveStats.playedUntil(r, r - 300_000, r - 330_000)).as("30 s older than its beacon's newest event")
        .isEqualTo(r - 30_000);
    assertThat(LiveStats.playedUntil(r, r - 2 * 86_400_000L + 1, r - 2 * 86_400_000L))
        .as("a view of two days ago, sent now whole (the demo's history): its minutes are long closed")
        .isEqualTo(r - 2 * 86_400_000L + LiveStats.CLOCK_DRIFT);
  }

  @Test
  void placesAreSpelledAsUplynkDoes() {
    assertThat(Places.location("US", "CA")).isEqualTo("us:ca");
    assertThat(Places.location("IL", null)).isEqualTo("il:??");
    assertThat(Places.location(null, null)).isEqualTo("??:??");
    assertThat(Places.platform("Windows NT")).isEqualTo("windows");
    assertThat(Places.platform("Mac OS")).isEqualTo("mac");
    assertThat(Places.platform("iOS")).isEqualTo("ios");
    assertThat(Places.platform("Android")).isEqualTo("android");
    assertThat(Places.platform(null)).isEqualTo("unknown");
  }
}
