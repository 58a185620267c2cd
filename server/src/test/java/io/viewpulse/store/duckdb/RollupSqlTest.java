package io.viewpulse.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.query.Dimension;
import io.viewpulse.query.Filter;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which queries the rollups answer, and how a range is cut into rollup and raw parts; without a database. */
class RollupSqlTest {
  private static final Instant FROM = Instant.parse("2026-03-01T10:30:00Z");
  private static final Instant TO = Instant.parse("2026-03-04T05:15:00Z");

  private static ViewsQuery query(String account, String playbackId, TimeStep step, List<Dimension> by,
      List<Filter> filters) {
    return new ViewsQuery(account, playbackId, null, null, FROM, TO, step, by, filters, ViewsQuery.Detail.FULL);
  }

  private static long micros(String instant) {
    return Instant.parse(instant).toEpochMilli() * 1000L;
  }

  @Test
  void anAccountTotalOrOneLowCardinalityBreakdownIsRolledUp() {
    assertThat(RollupSql.groupingSet(query("acc", null, null, List.of(), List.of()))).contains(Optional.empty());
    assertThat(RollupSql.groupingSet(query("acc", null, TimeStep.DAY, List.of(Dimension.COUNTRY), List.of())))
        .contains(Optional.of(Dimension.COUNTRY));
    assertThat(RollupSql.groupingSet(query("acc", null, null, List.of(Dimension.DEVICE),
        List.of(Filter.parse("!device:iPhone"))))).contains(Optional.of(Dimension.DEVICE));
    assertThat(RollupSql.groupingSet(query("acc", null, null, List.of(), List.of(Filter.parse("os:iOS")))))
        .contains(Optional.of(Dimension.OS));
  }

  @Test
  void severalDimensionsHighCardinalityOnesAndAVideoBrokenDownByAnotherDimensionAreScanned() {
    assertThat(RollupSql.groupingSet(query(null, null, null, List.of(), List.of()))).isEmpty();
    assertThat(RollupSql.groupingSet(query("acc", null, null, List.of(Dimension.COUNTRY, Dimension.DEVICE),
        List.of()))).isEmpty();
    assertThat(RollupSql.groupingSet(query("acc", null, null, List.of(Dimension.COUNTRY),
        List.of(Filter.parse("browser:Chrome"))))).isEmpty();
    assertThat(RollupSql.groupingSet(query("acc", null, null, List.of(Dimension.VIEWER_ID), List.of())))
        .isEmpty();
    assertThat(RollupSql.groupingSet(query("acc", "pb", null, List.of(Dimension.COUNTRY), List.of()))).isEmpty();
    assertThat(RollupSql.views(query("acc", "pb", TimeStep.DAY, List.of(Dimension.BROWSER_ENGINE), List.of())))
        .isEmpty();
    assertThat(RollupSql.groupingSet(new ViewsQuery("acc", null, null, "creator", FROM, TO, null, List.of(),
        List.of(), ViewsQuery.Detail.FULL))).isEmpty();
  }

  @Test
  void theBrowserEngineAndTheVideoHaveSetsOfTheirOwn() {
    assertThat(RollupSql.groupingSet(query("acc", null, TimeStep.DAY, List.of(Dimension.BROWSER_ENGINE),
        List.of()))).contains(Optional.of(Dimension.BROWSER_ENGINE));
    assertThat(RollupSql.groupingSet(query("acc", null, TimeStep.DAY, List.of(Dimension.PLAYBACK_ID),
        List.of(Filter.parse("!playbackId:pb"))))).contains(Optional.of(Dimension.PLAYBACK_ID));
    assertThat(RollupSql.SETS.stream().map(Object::toString)).contains("browser_engine per hour",
        "browser_engine per day", "playback_id per hour", "playback_id per day");
  }

  @Test
  void aPlaybackIdIsAnsweredAsAFilterOnThePlaybackIdSet() {
    assertThat(RollupSql.groupingSet(query("acc", "pb", TimeStep.DAY, List.of(), List.of())))
        .contains(Optional.of(Dimension.PLAYBACK_ID));
    SqlQuery q = RollupSql.views(query("acc", "pb-7", TimeStep.DAY, List.of(), List.of())).orElseThrow();
    SqlQuery filtered = RollupSql.views(query("acc", null, TimeStep.DAY, List.of(),
        List.of(Filter.parse("playbackId:pb-7")))).orElseThrow();
    assertThat(q).isEqualTo(filtered);
    assertThat(q.sql()).contains("FROM rollup_day WHERE account_id = ? AND dims = 'playback_id'")
        .contains("AND playback_id = ?").doesNotContain("pb-7")
        .contains("rowid >= (SELECT coalesce(max(rows), 0) FROM rollup_mark WHERE unit = 'hour' AND dims ="
            + " 'playback_id')");
    assertThat(q.params()).containsSubsequence("acc", micros("2026-03-02T00:00:00Z"), micros("2026-03-04T00:00:00Z"),
        "pb-7");
    // with a filter of its own on the video: two conditions on one dimension, both kept
    SqlQuery both = RollupSql.views(query("acc", "pb-7", null, List.of(),
        List.of(Filter.parse("!playbackId:pb-8")))).orElseThrow();
    assertThat(both.params()).containsSubsequence("acc", "pb-8", "pb-7");
  }

  @Test
  void aVideoWithAFilterNamingOtherVideosIsScanned() {
    // as a filter, the playback id would become one more alternative; both must hold, which the scan says
    assertThat(RollupSql.groupingSet(query("acc", "pb-7", TimeStep.DAY, List.of(),
        List.of(Filter.parse("playbackId:pb-8"))))).isEmpty();
  }

  @Test
  void severalValuesOfTheRolledDimensionAreAlternatives() {
    SqlQuery q = RollupSql.views(query("acc", null, TimeStep.DAY, List.of(Dimension.COUNTRY),
        List.of(Filter.parse("country:US"), Filter.parse("country:DE"), Filter.parse("!country:FR")))).orElseThrow();
    assertThat(q.sql()).contains("dims = 'country'").contains(" AND country IN (?, ?) AND country IS DISTINCT FROM ?");
    assertThat(q.params()).containsSubsequence("acc", "US", "DE", "FR");
  }

  @Test
  void aRangeWithoutAWholeHourIsScanned() {
    ViewsQuery q = new ViewsQuery("acc", null, null, null, Instant.parse("2026-03-01T10:30:00Z"),
        Instant.parse("2026-03-01T11:15:00Z"), null, List.of(), List.of(), ViewsQuery.Detail.FULL);
    assertThat(RollupSql.views(q)).isEmpty();
  }

  @Test
  void daysComeFromDailyRollupsTheirEdgesFromHourlyOnesAndPartialHoursFromViews() {
    SqlQuery q = RollupSql.views(query("acc", null, TimeStep.DAY, List.of(Dimension.COUNTRY),
        List.of(Filter.parse("!country:US")))).orElseThrow();
    assertThat(q.sql()).contains("FROM rollup_day WHERE").contains("FROM rollup_hour WHERE")
        .contains("dims = 'country'").doesNotContain("'US'")
        .contains("rowid >= (SELECT coalesce(max(rows), 0) FROM rollup_mark WHERE unit = 'day' AND dims = 'country')")
        .contains("rowid >= (SELECT coalesce(max(rows), 0) FROM rollup_mark WHERE unit = 'hour' AND dims = 'country')");
    assertThat(q.params()).containsExactly(
        // the partial hours at either end
        "acc", micros("2026-03-01T10:30:00Z"), micros("2026-03-01T11:00:00Z"), "US",
        "acc", micros("2026-03-04T05:00:00Z"), micros("2026-03-04T05:15:00Z"), "US",
        // the views the daily, then the hourly set does not hold yet, over the buckets each answers
        "acc", micros("2026-03-02T00:00:00Z"), micros("2026-03-04T00:00:00Z"), "US",
        "acc", micros("2026-03-01T11:00:00Z"), micros("2026-03-02T00:00:00Z"), "US",
        "acc", micros("2026-03-04T00:00:00Z"), micros("2026-03-04T05:00:00Z"), "US",
        // open sessions
        "acc", micros("2026-03-01T10:30:00Z"), micros("2026-03-04T05:15:00Z"), "US",
        // whole days, then the whole hours of the partial days
        "acc", micros("2026-03-02T00:00:00Z"), micros("2026-03-04T00:00:00Z"), "US",
        "acc", micros("2026-03-01T11:00:00Z"), micros("2026-03-02T00:00:00Z"), "US",
        "acc", micros("2026-03-04T00:00:00Z"), micros("2026-03-04T05:00:00Z"), "US");
  }

  @Test
  void hourlySeriesNeverReadDailyRollups() {
    SqlQuery q = RollupSql.views(query("acc", null, TimeStep.HOUR, List.of(Dimension.DEVICE), List.of()))
        .orElseThrow();
    assertThat(q.sql()).doesNotContain("rollup_day").contains("FROM rollup_hour WHERE");
    assertThat(q.params()).endsWith("acc", micros("2026-03-01T11:00:00Z"), micros("2026-03-04T05:00:00Z"));
  }

  @Test
  void anUnboundedRangeHasNoRawEdges() {
    SqlQuery q = RollupSql.views(new ViewsQuery("acc", null, null, null, null, null, TimeStep.MONTH, List.of(),
        List.of(), ViewsQuery.Detail.ENGAGEMENT)).orElseThrow();
    assertThat(q.params()).containsExactly("acc", "acc", "acc");
    assertThat(q.sql()).contains("FROM rollup_day WHERE account_id = ? AND dims = ''")
        .doesNotContain("rollup_hour").doesNotContain("ttff_q");
  }

  @Test
  void userValuesTravelAsParametersOnly() {
    String evil = "x' OR '1'='1";
    SqlQuery q = RollupSql.views(query(evil, null, TimeStep.HOUR, List.of(Dimension.BROWSER),
        List.of(new Filter(Dimension.BROWSER, evil, false)))).orElseThrow();
    assertThat(q.sql()).doesNotContain(evil);
    assertThat(q.params()).contains(evil);
  }

  @Test
  void theResultHasTheColumnsOfAScan() {
    SqlQuery q = RollupSql.views(query("acc", null, TimeStep.DAY, List.of(Dimension.COUNTRY), List.of()))
        .orElseThrow();
    assertThat(q.sql()).startsWith("SELECT epoch_ms(b) AS bucket_ms, country, views AS view_count,"
        + " playtime_ms / 60000.0 AS playtime_mins, ttff_sum / nullif(ttff_n, 0) AS ttff_ms,"
        + " ttff_p50 AS ttff_p50_ms, ttff_p95 AS ttff_p95_ms,")
        .endsWith("ORDER BY bucket_ms, view_count DESC, country NULLS LAST");
  }

  @Test
  void everySetIsMeasuredFromTheStartOfTheBucketOfItsUnitThatHoldsTheWindowsStart() {
    long from = micros("2026-03-05T10:30:00Z");
    String sql = RollupSql.rowsPerSet(from);
    assertThat(sql).startsWith("SELECT count(*) FILTER (WHERE started_at >= date_trunc('hour', make_timestamp("
        + from + "))), approx_count_distinct(hash(account_id, date_trunc('hour', started_at))) FILTER")
        .contains(", approx_count_distinct(hash(account_id, date_trunc('day', started_at), subdivision)) FILTER"
            + " (WHERE started_at >= date_trunc('day', make_timestamp(" + from + ")))")
        .endsWith(" FROM views WHERE started_at >= date_trunc('day', make_timestamp(" + from + "))");
    assertThat(sql.split("approx_count_distinct")).hasSize(RollupSql.SETS.size() + 1);
  }

  @Test
  void aGroupOfOneRollupRowTakesItsFinalizedValuesAndOnlyGroupsOfSeveralRowsCombineStates() {
    String sql = RollupSql.views(query("acc", null, TimeStep.HOUR, List.of(Dimension.COUNTRY), List.of()))
        .orElseThrow().sql();
    assertThat(sql).contains("SELECT b, country, views, playtime_ms, ttff_n, ttff_sum, rebuffer_ms, errored, exits,"
        + " ttff_p50, ttff_p95, unique_viewers FROM r p WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.b = p.b AND"
        + " m.country IS NOT DISTINCT FROM p.country)")
        .contains("HAVING count(*) > 1)");
    assertThat(sql.split("combine\\(")).as("states combined in the merged groups only").hasSize(3);
  }

  @Test
  void uniqueViewersFromRollupsAreNeverMoreThanTheGroupsViews() {
    for (TimeStep step : new TimeStep[] {null, TimeStep.HOUR, TimeStep.DAY}) {
      String sql = RollupSql.views(query("acc", null, step, List.of(Dimension.COUNTRY), List.of())).orElseThrow().sql();
      assertThat(sql).as("%s", step).contains(" least(unique_viewers, views) AS unique_viewers FROM (");
    }
  }
}
