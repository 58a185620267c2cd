package io.viewpulse.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import java.time.Instant;
import java.util.List;
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
  void theFirstMinuteHasOneConcurrentAndOneNewSession() throws Exception {
    script();
    MinuteRow m = live.closeDue(T0 + 75_000).get(0);
    assertThat(Http.JSON.readTree(m.stats())).isEqualTo(Http.JSON.readTree("""
        {"auth_failures":0,
         "concurrent":{"sessions":1,"total_time":60.0,"ad_slate":{},"mcs":{}},
         "new":{"sessions":1,"total_time":30.0,"ad_slate":{},"mcs":{}},
         "domains":[{"domain":"live.example.com","sessions":1,"mcs":0,"ad_slate":0}],
         "locations":[{"location":"us:ca","sessions":1,"mcs":0,"ad_slate":0}],
         "platforms":[{"platform":"linux","sessions":1,"mcs":0,"ad_slate":0}]}"""));
  }

  @Test
  void theSecondMinuteCountsSlateByReasonAndAuthFailures() throws Exception {
    script();
    live.closeDue(T0 + 75_000);
    List<MinuteRow> rows = live.closeDue(T0 + 135_000);
    assertThat(rows).extracting(MinuteRow::minuteStart, MinuteRow::streamId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(T0 + 60_000, "chan1"));
    assertThat(Http.JSON.readTree(rows.get(0).stats())).isEqualTo(Http.JSON.readTree("""
        {"auth_failures":2,
         "concurrent":{"sessions":2,"total_time":120.0,"ad_slate":{"7":{"time":12.5,"sessions":1}},
                       "mcs":{"1":{"time":6.0,"sessions":2}}},
         "new":{"sessions":0,"total_time":0.0,"ad_slate":{},"mcs":{}},
         "domains":[{"domain":"live.example.com","sessions":2,"mcs":2,"ad_slate":1}],
         "locations":[{"location":"de:by","sessions":1,"mcs":1,"ad_slate":1},
                      {"location":"us:ca","sessions":1,"mcs":1,"ad_slate":0}],
         "platforms":[{"platform":"ios","sessions":1,"mcs":1,"ad_slate":1},
                      {"platform":"linux","sessions":1,"mcs":1,"ad_slate":0}]}"""));
  }

  @Test
  void playSpanningABoundaryIsSplitBetweenTheMinutes() throws Exception {
    // 10 s of play reported at 10:01:04: 6 s in the first minute, 4 s in the second
    live.played(A, T0 + 64_000, 10_000);
    List<MinuteRow> rows = live.closeDue(T0 + 200_000);
    assertThat(rows).hasSize(2);
    assertThat(Http.JSON.readTree(rows.get(0).stats()).at("/concurrent/total_time").asDouble()).isEqualTo(6.0);
    assertThat(Http.JSON.readTree(rows.get(1).stats()).at("/concurrent/total_time").asDouble()).isEqualTo(4.0);
  }

  @Test
  void playReportedLateCountsOnlyInMinutesStillOpen() throws Exception {
    // a merged backlog of 90 s arrives at 10:02:20: 10:00 and 10:01 are closed, only 10:02's 20 s count
    live.played(A, T0 + 140_000, 90_000);
    assertThat(live.openSessionMinutes()).isEqualTo(1);
    List<MinuteRow> rows = live.closeDue(T0 + 300_000);
    assertThat(rows).extracting(MinuteRow::minuteStart).containsExactly(T0 + 120_000);
    assertThat(Http.JSON.readTree(rows.get(0).stats()).at("/concurrent/total_time").asDouble()).isEqualTo(20.0);
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
          m -> m.streamId().equals(p.streamId()) && m.minuteStart() == p.minuteStart()));
      live.committed();
    }

    java.util.Map<String, Long> newestClosed() {
      java.util.Map<String, Long> out = new java.util.HashMap<>();
      rows.forEach(m -> out.merge(m.streamId(), m.minuteStart(), Math::max));
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
  void aMinuteIsNeverOpenedAgainOnceItsRowIsWritten() throws Exception {
    live.played(A, T0 + 50_000, 5_000);
    assertThat(live.closeDue(T0 + 75_000)).hasSize(1);
    // received within the grace but applied after the minute closed: its share of 10:00 is not counted
    live.played(A, T0 + 64_000, 10_000);
    List<MinuteRow> rows = live.closeDue(T0 + 200_000);
    assertThat(rows).extracting(MinuteRow::minuteStart).containsExactly(T0 + 60_000);
    assertThat(Http.JSON.readTree(rows.get(0).stats()).at("/concurrent/total_time").asDouble()).isEqualTo(4.0);

    // nor after a restart that knows the row from the store
    LiveStats restarted = new LiveStats(15_000);
    restarted.restore(List.of(), java.util.Map.of("chan1", T0 + 60_000));
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
    int unreadable = restored.restore(List.of(store.parts.get(0), new MinutePart("chan1", T0, cut),
        new MinutePart("chan1", T0, otherVersion)), java.util.Map.of());
    assertThat(unreadable).isEqualTo(2);
    assertThat(restored.closeDue(T0 + 75_000)).isEqualTo(live.closeDue(T0 + 75_000));

    LiveStats onlyDamaged = new LiveStats(15_000);
    assertThat(onlyDamaged.restore(List.of(new MinutePart("chan1", T0, cut)), java.util.Map.of())).isEqualTo(1);
    assertThat(onlyDamaged.closeDue(T0 + 75_000)).as("no empty minute made up").isEmpty();
  }

  private static double at(MinuteRow row, String pointer) throws Exception {
    return Http.JSON.readTree(row.stats()).at(pointer).asDouble();
  }

  @Test
  void slateIsSplitOverTheMinutesItSpans() throws Exception {
    // 12.5 s of ad slate ending at 10:01:05: 7.5 s in 10:00, 5 s in 10:01
    live.slate(A, "ad_slate", "7", 12.5, T0 + 65_000, T0 + 65_000);
    List<MinuteRow> rows = live.closeDue(T0 + 300_000);
    assertThat(rows).extracting(MinuteRow::minuteStart).containsExactly(T0, T0 + 60_000);
    assertThat(at(rows.get(0), "/concurrent/ad_slate/7/time")).isEqualTo(7.5);
    assertThat(at(rows.get(1), "/concurrent/ad_slate/7/time")).isEqualTo(5.0);
    assertThat(at(rows.get(1), "/concurrent/ad_slate/7/sessions")).isEqualTo(1.0);
  }

  /** Session C (fr, android), started 10:00:30, beats every 5 s with 5 s of play until {@code end}. */
  private void cPlaysFrom30sUntil(long end) {
    LiveSession c = new LiveSession("c", "acc", "chan1", T0 + 30_000, "live.example.com", "fr:??", "android");
    for (long r = T0 + 35_000; r <= end; r += 5_000) {
      live.played(c, r, 5_000);
    }
  }

  @Test
  void aSessionShorterThanAMinuteIsNewInEveryMinuteItTouches() throws Exception {
    // C plays from 10:00:30 to 10:01:10: 40 s in all, so never concurrent, though it started before 10:01
    cPlaysFrom30sUntil(T0 + 70_000);
    List<MinuteRow> rows = live.closeDue(T0 + 300_000);
    assertThat(rows).hasSize(2);
    for (MinuteRow row : rows) {
      assertThat(at(row, "/concurrent/sessions")).isZero();
      assertThat(at(row, "/new/sessions")).isEqualTo(1.0);
      assertThat(Http.JSON.readTree(row.stats()).get("locations")).as("breakdowns count concurrent sessions").isEmpty();
    }
    assertThat(at(rows.get(0), "/new/total_time")).isEqualTo(30.0);
    assertThat(at(rows.get(1), "/new/total_time")).isEqualTo(10.0);
  }

  @Test
  void aSessionIsConcurrentInTheMinuteItCompletesItsFirstMinute() throws Exception {
    // C from 10:00:30 plays on until 10:01:40: 70 s by its last moment in 10:01
    cPlaysFrom30sUntil(T0 + 100_000);
    List<MinuteRow> rows = live.closeDue(T0 + 300_000);
    assertThat(at(rows.get(0), "/new/sessions")).isEqualTo(1.0);
    assertThat(at(rows.get(1), "/concurrent/sessions")).isEqualTo(1.0);
    assertThat(at(rows.get(1), "/concurrent/total_time")).isEqualTo(40.0);
  }

  @Test
  void aBacklogPutsAtMostAMinuteOfPlayIntoAMinute() throws Exception {
    // 20 minutes of play in one heartbeat at 10:10:00 (a player's merged backlog): only 10:09 is still open
    live.played(A, T0 + 600_000, 1_200_000);
    List<MinuteRow> rows = live.closeDue(T0 + 900_000);
    assertThat(rows).extracting(MinuteRow::minuteStart).containsExactly(T0 + 540_000);
    assertThat(at(rows.get(0), "/concurrent/total_time")).isEqualTo(60.0);
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
