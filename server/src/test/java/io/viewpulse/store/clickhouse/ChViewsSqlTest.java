package io.viewpulse.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.query.Dimension;
import io.viewpulse.query.Filter;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which queries the ClickHouse rollups answer, and what a query for one video reads; without a database. */
class ChViewsSqlTest {
  private static final Instant FROM = Instant.parse("2026-03-01T10:30:00Z");
  private static final Instant TO = Instant.parse("2026-03-04T05:15:00Z");
  private final ChViewsSql sql = new ChViewsSql(new ChSchema("vp", null));

  private static ViewsQuery query(String playbackId, Instant from, Instant to, TimeStep step, List<Dimension> by,
      List<Filter> filters) {
    return new ViewsQuery("acc", playbackId, null, null, from, to, step, by, filters, ViewsQuery.Detail.FULL);
  }

  private static long millis(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void oneVideoByDayReadsItsDaysFromTheDailyRollupAndThePartialDaysAtTheEndsFromTheViews() {
    ChViewsSql.Sql q = sql.viewsFromRollups(query("pb-7", FROM, TO, TimeStep.DAY, List.of(), List.of()))
        .orElseThrow();
    assertThat(q.sql()).contains("FROM `vp`.`rollup_day` WHERE account_id = {p0:String} AND dim = 'playback_id'"
        + " AND t >= fromUnixTimestamp64Milli({p1:Int64}, 'UTC') AND t < fromUnixTimestamp64Milli({p2:Int64}, 'UTC')"
        + " AND value = {p3:String}").doesNotContain("rollup_hour").doesNotContain("pb-7");
    assertThat(q.params().values()).containsSubsequence(
        // the whole days
        "acc", millis("2026-03-02T00:00:00Z"), millis("2026-03-04T00:00:00Z"), "pb-7",
        // the views of the partial days at both ends
        "acc", "pb-7", millis("2026-03-01T10:30:00Z"), millis("2026-03-02T00:00:00Z"),
        "acc", "pb-7", millis("2026-03-04T00:00:00Z"), millis("2026-03-04T05:15:00Z"));
    assertThat(sql.viewsFromRollups(query(null, FROM, TO, TimeStep.DAY, List.of(),
        List.of(Filter.parse("playbackId:pb-7"))))).contains(q);
  }

  @Test
  void oneVideoByHourOrWithoutAWholeDayIsReadFromTheViews() {
    assertThat(sql.viewsFromRollups(query("pb-7", FROM, TO, TimeStep.HOUR, List.of(), List.of()))).isEmpty();
    assertThat(sql.viewsFromRollups(query("pb-7", FROM, Instant.parse("2026-03-01T23:00:00Z"), null, List.of(),
        List.of()))).isEmpty();
    assertThat(sql.viewsFromRollups(query(null, FROM, TO, TimeStep.HOUR, List.of(Dimension.PLAYBACK_ID),
        List.of()))).isEmpty();
    assertThat(sql.viewsFromRollups(query("pb-7", FROM, TO, TimeStep.DAY, List.of(Dimension.COUNTRY), List.of())))
        .isEmpty();
  }

  @Test
  void severalValuesOfADimensionAreAlternativesAndEachNegationDropsItsValue() {
    ChViewsSql.Sql q = sql.views(query(null, null, null, null, List.of(), List.of(Filter.parse("country:US"),
        Filter.parse("!browser:Chrome"), Filter.parse("country:DE"), Filter.parse("!browser:Safari"))));
    assertThat(q.sql()).contains("account_id = {p0:String} AND country IN ({p1:String}, {p2:String})"
        + " AND (browser IS NULL OR browser != {p3:String}) AND (browser IS NULL OR browser != {p4:String})");
    assertThat(q.params().values()).containsExactly("acc", "US", "DE", "Chrome", "Safari");
    ChViewsSql.Sql rolled = sql.viewsFromRollups(query(null, FROM, TO, TimeStep.DAY, List.of(Dimension.COUNTRY),
        List.of(Filter.parse("country:US"), Filter.parse("country:DE")))).orElseThrow();
    assertThat(rolled.sql()).contains("AND dim = 'country'").contains(" AND value IN (");
  }

  @Test
  void aVideoWithAFilterNamingOtherVideosIsScanned() {
    // as a filter, the playback id would become one more alternative; both must hold, which the scan says
    assertThat(sql.viewsFromRollups(query("pb-7", FROM, TO, TimeStep.DAY, List.of(),
        List.of(Filter.parse("playbackId:pb-8"))))).isEmpty();
    assertThat(sql.views(query("pb-7", FROM, TO, TimeStep.DAY, List.of(), List.of(Filter.parse("playbackId:pb-8"))))
        .sql()).contains("playback_id = {p1:String}").contains("AND playback_id = {p2:String}");
  }

  @Test
  void realtimeTakesTheSameFilters() {
    ChViewsSql.Sql q = sql.realtime(new io.viewpulse.query.RealtimeQuery("acc", null, null, FROM,
        List.of(), List.of(Filter.parse("device:iPhone"), Filter.parse("device:iPad"), Filter.parse("!country:US"))));
    assertThat(q.sql()).endsWith(" AND device IN ({p2:String}, {p3:String})"
        + " AND (country IS NULL OR country != {p4:String})");
    assertThat(q.params().values()).containsExactly(FROM.toEpochMilli(), "acc", "iPhone", "iPad", "US");
  }

  @Test
  void theBrowserEngineByHourReadsTheHourlyRollup() {
    ChViewsSql.Sql q = sql.viewsFromRollups(query(null, FROM, TO, TimeStep.HOUR, List.of(Dimension.BROWSER_ENGINE),
        List.of())).orElseThrow();
    assertThat(q.sql()).contains("FROM `vp`.`rollup_hour` WHERE account_id = {p0:String} AND dim = 'browser_engine'")
        .doesNotContain("rollup_day");
  }

  @Test
  void scannedUniqueViewersAreNeverMoreThanTheGroupsViews() {
    // the estimate (uniqCombined64, HyperLogLog beyond a few hundred ids) can exceed the distinct count and the views
    String scan = sql.views(query("pb", FROM, TO, TimeStep.DAY, List.of(Dimension.BROWSER_ENGINE), List.of())).sql();
    assertThat(scan).contains(" uniqCombined64(14)(viewer_id) AS viewers_est FROM (")
        .contains(" least(viewers_est, views) AS unique_viewers FROM (");
  }

  @Test
  void uniqueViewersFromRollupsAreNeverMoreThanTheGroupsViews() {
    for (TimeStep step : new TimeStep[] {null, TimeStep.HOUR, TimeStep.DAY}) {
      String rolled = sql.viewsFromRollups(query(null, FROM, TO, step, List.of(Dimension.COUNTRY), List.of()))
          .orElseThrow().sql();
      assertThat(rolled).as("%s", step)
          .contains(" uniqCombined64Merge(14)(viewers) AS viewers_est FROM (")
          .contains(" least(viewers_est, views) AS unique_viewers FROM (");
    }
  }
}
