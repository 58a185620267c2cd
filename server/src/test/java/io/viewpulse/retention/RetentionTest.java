package io.viewpulse.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewpulse.model.Dimensions;
import io.viewpulse.model.DomainException;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.store.Store;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retention periods as an operator sets them, and what each run of the clock's day deletes. */
class RetentionTest {
  private final Path dir = TestServer.newTempDir();
  private final Store store = Stores.open(TestStores.fresh(TestStores.Engine.DUCKDB, dir));
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-10T15:30:00Z"));
  private final Retention retention = new Retention(store.retention(), clock, Duration.ofDays(30));

  @AfterEach
  void close() {
    store.close();
    TestServer.deleteTree(dir);
  }

  private static ViewRecord view(long id, String account, Instant start) {
    return new ViewRecord(id, account, "pb", null, null, "viewer", start.toEpochMilli(), null,
        new Dimensions("desktop", null, null, "Linux", "Chrome", "Blink", "EU", "DE", null, null, null),
        "example.com", false, 60_000, 500, 0, 0, true, true);
  }

  @Test
  void aPeriodKeepsThatManyWholeDaysBeforeTodayInUtc() {
    assertThat(Retention.cutoff(Instant.parse("2026-03-10T15:30:00Z"), 1)).isEqualTo("2026-03-09T00:00:00Z");
    assertThat(Retention.cutoff(Instant.parse("2026-03-10T00:00:00Z"), 30)).isEqualTo("2026-02-08T00:00:00Z");
  }

  @Test
  void eachRunDeletesWhatHasAgedPastItsAccountsPeriodAndNothingOfOtherAccounts() {
    List<ViewRecord> views = new ArrayList<>();
    Instant first = Instant.parse("2026-03-01T12:00:00Z");
    for (int day = 0; day < 10; day++) {
      views.add(view(views.size() + 1, "short", first.plus(Duration.ofDays(day))));
      views.add(view(views.size() + 1, "long", first.plus(Duration.ofDays(day))));
      views.add(view(views.size() + 1, "all", first.plus(Duration.ofDays(day))));
    }
    store.load(views);
    retention.set("short", 3, null);
    retention.set("long", 7, 10);
    assertThat(retention.all()).isEqualTo(Map.of("long", new RetentionStore.Policy(7, 10), "short",
        new RetentionStore.Policy(3, null)));
    // on March 10th, "short" keeps March 7th on, "long" March 3rd on
    assertThat(retention.enforce()).isEqualTo(Map.of("long", 2L, "short", 6L));
    assertThat(retention.enforce()).isEqualTo(Map.of("long", 0L, "short", 0L));
    clock.advance(Duration.ofDays(1));
    assertThat(retention.enforce()).isEqualTo(Map.of("long", 1L, "short", 1L));
    retention.set("long", null, null);
    assertThat(retention.policy("long")).isEqualTo(RetentionStore.Policy.DEFAULT);
    assertThat(retention.policy("short").viewDays()).isEqualTo(3);
    clock.advance(Duration.ofDays(1));
    assertThat(retention.enforce()).isEqualTo(Map.of("short", 1L));
    Map<String, Long> left = new java.util.TreeMap<>();
    for (String account : List.of("short", "long", "all")) {
      left.put(account, store.views().views(new io.viewpulse.query.ViewsQuery(account, null, null, null, null, null,
          null, List.of(), List.of(), io.viewpulse.query.ViewsQuery.Detail.ENGAGEMENT)).get(0).viewCount());
    }
    assertThat(left).isEqualTo(Map.of("short", 2L, "long", 7L, "all", 10L));
  }

  @Test
  void aPeriodOutsideItsBoundsIsRefusedWithThem() {
    for (int days : new int[] {0, -1, Retention.MAX_DAYS + 1}) {
      assertThatThrownBy(() -> retention.set("acc", days, null)).isInstanceOf(DomainException.class)
          .hasMessage("viewDays must be a whole number of days from 1 to 36500, or null to keep every view")
          .extracting(e -> ((DomainException) e).kind()).isEqualTo(DomainException.Kind.INVALID);
    }
    // the server keeps timelines 30 days: no account keeps them longer
    for (int days : new int[] {0, 31}) {
      assertThatThrownBy(() -> retention.set("acc", null, days)).isInstanceOf(DomainException.class)
          .hasMessage("timelineDays must be a whole number of days from 1 to 30 (this server's timeline retention),"
              + " or null for the server's");
    }
    assertThat(retention.all()).isEmpty();
  }

  @Test
  void anAccountsTimelinePeriodShortensWhatIsShownOfItsViewsTimelines() {
    assertThat(retention.timelineRetention("acc")).isEqualTo(Duration.ofDays(30));
    retention.set("acc", null, 7);
    assertThat(retention.timelineRetention("acc")).isEqualTo(Duration.ofDays(7));
    assertThat(retention.timelineRetention("other")).isEqualTo(Duration.ofDays(30));
    assertThat(retention.enforce()).as("no view period: no views deleted").isEmpty();
  }
}
