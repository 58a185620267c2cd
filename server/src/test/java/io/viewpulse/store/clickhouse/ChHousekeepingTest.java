package io.viewpulse.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.live.MinuteRow;
import io.viewpulse.live.MinuteStats;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.SessionSnapshot;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.sessions.SessionStore;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * session_state stays the size of what is open: the housekeeping removes what tombstones deleted (with the
 * tombstones) and minutes of live statistics past their retention, and answers do not change.
 */
class ChHousekeepingTest {
  private static final long T0 = TestServer.T0.toEpochMilli();

  private static ViewRecord view(int i, boolean ended) {
    return new ViewRecord(i, "acc", "pb", null, null, "v" + i, T0 + i * 1000L, null,
        new Dimensions("desktop", "Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", null, null, null),
        "example.com", false, 10_000, 200, 0, 0, true, ended);
  }

  @Test
  void deletedRowsAndOldMinutesGoAndTheAnswersStay() {
    Path dir = TestServer.newTempDir();
    try (ChStore store = (ChStore) Stores.open(TestStores.fresh(TestStores.Engine.CLICKHOUSE, dir))) {
      SessionStore s = store.sessions();
      s.recover(0);
      List<SessionSnapshot> open = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      List<ViewRecord> finished = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        open.add(new SessionSnapshot("acc|pb|s" + i, true, T0, new byte[] {(byte) i}, view(i, false)));
        keys.add("acc|pb|s" + i);
        finished.add(view(i, true));
      }
      s.commit(SessionStore.Commit.of(0, 1, open, List.of(), List.of(), List.of(
          new MinuteRow("acc", "chan", T0 - 72 * 3_600_000L, MinuteStats.EMPTY),
          new MinuteRow("acc", "chan", T0, MinuteStats.EMPTY)), List.of()));
      s.commit(new SessionStore.Commit(0, 2, List.of(), keys.stream().map(k -> new SessionStore.Closed(k, T0)).toList(),
          finished, List.of(), List.of(), Long.MIN_VALUE));
      // an hour on, the closed sessions need not be remembered any more
      s.commit(new SessionStore.Commit(0, 3, List.of(), List.of(), List.of(), List.of(), List.of(), T0 + 1));
      ViewsQuery all = new ViewsQuery("acc", null, null, null, null, null, null, List.of(), List.of(),
          ViewsQuery.Detail.FULL);
      var before = store.views().views(all);
      assertThat(before.get(0).viewCount()).isEqualTo(100);
      long rows = rows(store);
      // 100 snapshots, their 100 tombstones, 100 closed-session marks, 100 outbox rows and their 100 tombstones,
      // 2 minutes, 3 checkpoints
      assertThat(rows).isEqualTo(505);

      store.housekeep();

      assertThat(rows(store)).as("only the newest checkpoint and the minute within 48 hours of the newest")
          .isEqualTo(2);
      assertThat(store.sessions().recover(0).recentlyClosed()).isEmpty();
      assertThat(store.views().views(all)).isEqualTo(before);
      assertThat(store.liveMinutes().series("acc", "chan", T0 - 100 * 3_600_000L, T0 + 60_000))
          .extracting(MinuteRow::minuteStart).containsExactly(T0);
    } finally {
      TestServer.deleteTree(dir);
    }
  }

  private static long rows(ChStore store) {
    return store.clientForTests().queryList("SELECT count() FROM " + store.schemaForTests().t("session_state"),
        Map.of(), r -> r.getLong(1)).get(0);
  }
}
