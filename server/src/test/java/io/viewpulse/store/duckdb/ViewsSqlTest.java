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
        + " AND started_at >= make_timestamp(?::BIGINT) AND started_at < make_timestamp(?::BIGINT)");
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
  void weeksStartOnSunday() {
    assertThat(ViewsSql.bucket(TimeStep.WEEK, "t"))
        .isEqualTo("(date_trunc('week', t + INTERVAL 1 DAY) - INTERVAL 1 DAY)");
  }

  @Test
  void theFullDetailAddsQualityMetrics() {
    SqlQuery q = ViewsSql.views(new ViewsQuery(null, null, "ipfs://x", null, null, null, null, List.of(),
        List.of(), ViewsQuery.Detail.FULL));
    assertThat(q.sql()).contains(ViewsSql.QUALITY_METRICS).contains("WHERE d_storage_url = ?");
    assertThat(q.params()).containsExactly("ipfs://x");
  }

  @Test
  void uniqueViewersAreNeverMoreThanTheGroupsViews() {
    // the HyperLogLog estimate can exceed the distinct count, and so the views, by a few percent: clamped where the
    // column is produced, so every route and the dashboard inherit it
    assertThat(ViewsSql.QUALITY_METRICS)
        .endsWith(" least(approx_count_distinct(viewer_id), count(*)) AS unique_viewers");
  }
}
