package io.viewpulse.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.query.Dimension;
import io.viewpulse.query.Filter;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQL builder, without a database. */
class ViewsSqlTest {
  @Test
  void everyDimensionHasAColumn() {
    assertThat(ViewsSql.COLUMNS.keySet()).isEqualTo(EnumSet.allOf(Dimension.class));
  }

  @Test
  void userValuesTravelAsParametersOnly() {
    String evil = "x' OR '1'='1";
    SqlQuery q = ViewsSql.views(new ViewsQuery("acc", evil, null, evil, Instant.ofEpochMilli(1000),
        Instant.ofEpochMilli(2000), null, List.of(), List.of(), ViewsQuery.Detail.ENGAGEMENT));
    assertThat(q.sql()).doesNotContain(evil);
    assertThat(q.params()).containsExactly("acc", evil, evil, 1_000_000L, 2_000_000L);
    assertThat(q.sql()).isEqualTo("SELECT count(*) AS view_count, coalesce(sum(playtime_ms), 0) / 60000.0 AS"
        + " playtime_mins FROM all_views WHERE account_id = ? AND playback_id = ? AND creator_id = ?"
        + " AND started_at >= make_timestamp(?::BIGINT)::TIMESTAMP_S AND started_at < make_timestamp(?::BIGINT)"
        + "::TIMESTAMP_S");
  }

  @Test
  void aTimeStepAndBreakdownsGroupAndOrder() {
    SqlQuery q = ViewsSql.views(new ViewsQuery("acc", null, null, null, null, null, TimeStep.DAY,
        List.of(Dimension.COUNTRY, Dimension.BROWSER), List.of(), ViewsQuery.Detail.ENGAGEMENT));
    assertThat(q.sql()).startsWith("SELECT epoch_ms(date_trunc('day', started_at)) AS bucket_ms, country, browser,")
        .endsWith(" GROUP BY bucket_ms, country, browser ORDER BY bucket_ms, view_count DESC,"
            + " country NULLS LAST, browser NULLS LAST");
  }

  @Test
  void filtersKeepOrDropAValueOfADimension() {
    SqlQuery q = ViewsSql.views(new ViewsQuery("acc", null, null, null, null, null, null, List.of(),
        List.of(Filter.parse("country:US"), Filter.parse("!browser:Chrome")), ViewsQuery.Detail.ENGAGEMENT));
    assertThat(q.sql()).endsWith("WHERE account_id = ? AND country = ? AND browser IS DISTINCT FROM ?");
    assertThat(q.params()).containsExactly("acc", "US", "Chrome");
  }

  @Test
  void severalValuesOfADimensionAreAlternativesAndEachNegationDropsItsValue() {
    SqlQuery q = ViewsSql.views(new ViewsQuery("acc", null, null, null, null, null, null, List.of(),
        List.of(Filter.parse("country:US"), Filter.parse("!browser:Chrome"), Filter.parse("country:DE"),
            Filter.parse("country:US"), Filter.parse("!browser:Safari")), ViewsQuery.Detail.ENGAGEMENT));
    assertThat(q.sql()).endsWith("WHERE account_id = ? AND country IN (?, ?) AND browser IS DISTINCT FROM ?"
        + " AND browser IS DISTINCT FROM ?");
    assertThat(q.params()).containsExactly("acc", "US", "DE", "Chrome", "Safari");
  }

  @Test
  void realtimeTakesTheSameFilters() {
    SqlQuery q = ViewsSql.realtime(new io.viewpulse.query.RealtimeQuery("acc", "pb", null,
        Instant.ofEpochMilli(5000), List.of(Dimension.COUNTRY),
        List.of(Filter.parse("device:iPhone"), Filter.parse("device:iPad"), Filter.parse("!country:US"))));
    assertThat(q.sql()).contains(" AND account_id = ? AND playback_id = ? AND device IN (?, ?)"
        + " AND country IS DISTINCT FROM ? GROUP BY country");
    assertThat(q.params()).containsExactly(5_000_000L, "acc", "pb", "iPhone", "iPad", "US");
  }

  @Test
  void weeksStartOnSunday() {
    assertThat(ViewsSql.bucket(TimeStep.WEEK, "t"))
        .isEqualTo("(date_trunc('week', t + INTERVAL 1 DAY) - INTERVAL 1 DAY)");
  }

  @Test
  void theFullDetailAggregatesLivepeersFactsAndComputesItsMetricsOverThem() {
    SqlQuery q = ViewsSql.views(new ViewsQuery(null, null, "ipfs://x", null, null, null, null, List.of(),
        List.of(), ViewsQuery.Detail.FULL));
    assertThat(q.sql()).isEqualTo("SELECT views AS view_count, playtime_ms / 60000.0 AS playtime_mins,"
        + " ttff_sum / nullif(ttff_n, 0) AS ttff_ms, ttff_q[1] AS ttff_p50_ms, ttff_q[2] AS ttff_p95_ms,"
        + " rebuffer_ms / nullif(playtime_ms + rebuffer_ms, 0) AS rebuffer_ratio, errored / nullif(views, 0) AS"
        + " error_rate, exits / nullif(views, 0) AS exits_before_start, least(unique_viewers, views) AS unique_viewers"
        + " FROM (SELECT count(*) AS views,"
        + " CAST(coalesce(sum(playtime_ms), 0) AS BIGINT) AS playtime_ms, count(ttff_ms) AS ttff_n,"
        + " CAST(coalesce(sum(ttff_ms), 0) AS BIGINT) AS ttff_sum, CAST(coalesce(sum(rebuffer_ms), 0) AS BIGINT) AS"
        + " rebuffer_ms, count_if(errors > 0) AS errored, count_if(ended AND NOT first_frame AND fatal = 0) AS exits,"
        + " approx_quantile(ttff_ms::DOUBLE, [0.5, 0.95]) AS ttff_q, approx_count_distinct(viewer_id) AS"
        + " unique_viewers FROM all_views WHERE d_storage_url = ?)");
    assertThat(q.params()).containsExactly("ipfs://x");
  }

  @Test
  void theQualityDetailAddsTheQualityFactsAndMetricsInTheOrderOfTheirEnum() {
    SqlQuery q = ViewsSql.views(new ViewsQuery("acc", null, null, null, null, null, null,
        List.of(Dimension.COUNTRY), List.of(), ViewsQuery.Detail.QUALITY));
    assertThat(q.sql()).startsWith("SELECT country, views AS view_count,")
        .contains(" least(unique_viewers, views) AS unique_viewers, failed / nullif(views, 0) AS playback_failure_rate,"
            + " start_failed / nullif(views, 0) AS video_startup_failure_rate,"
            + " non_fatal_views / nullif(views, 0) AS non_fatal_error_rate,"
            + " non_fatal_errors AS non_fatal_error_count, rebuffer_count AS rebuffer_count,")
        .contains("seek_ms / nullif(seek_count, 0) AS seek_latency_ms").contains(" FROM (SELECT country,")
        .contains(" count_if(fatal > 0) AS failed, count_if(fatal = 1) AS start_failed,"
            + " count_if(non_fatal_errors > 0) AS non_fatal_views,"
            + " CAST(coalesce(sum(non_fatal_errors), 0) AS BIGINT) AS non_fatal_errors,")
        .endsWith(" GROUP BY country) ORDER BY view_count DESC, country NULLS LAST");
  }

  @Test
  void uniqueViewersAreNeverMoreThanTheGroupsViews() {
    // the HyperLogLog estimate can exceed the distinct count, and so the views, by a few percent: clamped where the
    // column is produced, so every route and the dashboard inherit it
    SqlQuery q = ViewsSql.views(new ViewsQuery("acc", null, null, null, null, null, null,
        List.of(Dimension.COUNTRY), List.of(), ViewsQuery.Detail.FULL));
    assertThat(q.sql()).contains(" least(unique_viewers, views) AS unique_viewers FROM (")
        .contains(" approx_count_distinct(viewer_id) AS unique_viewers FROM all_views");
  }

  /**
   * Starts are whole seconds: a start is at or after an instant exactly when it is at or after the instant's next
   * whole second, so bounds rounded up select the same views (and are of the column's type, which DuckDB pushes into
   * the scans).
   */
  @Test
  void timeBoundsRoundUpToTheNextWholeSecond() {
    assertThat(ViewsSql.secondsUp(java.time.Instant.ofEpochSecond(1000))).isEqualTo(1_000_000_000L);
    assertThat(ViewsSql.secondsUp(java.time.Instant.ofEpochSecond(1000, 1))).isEqualTo(1_001_000_000L);
    assertThat(ViewsSql.secondsUp(java.time.Instant.ofEpochSecond(1000, 999_999_999))).isEqualTo(1_001_000_000L);
    assertThat(ViewsSql.secondsUp(java.time.Instant.ofEpochSecond(-1, 500_000_000))).isEqualTo(0L);
  }
}
