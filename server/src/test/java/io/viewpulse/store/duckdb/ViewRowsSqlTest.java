package io.viewpulse.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.query.Filter;
import io.viewpulse.query.ViewField;
import io.viewpulse.query.ViewPosition;
import io.viewpulse.query.ViewsQuery;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQL that reads views one by one, without a database. */
class ViewRowsSqlTest {
  private static final String EVIL = "x' OR '1'='1";

  private static ViewsQuery scope(List<Filter> filters) {
    return new ViewsQuery("acc", EVIL, null, null, Instant.ofEpochSecond(1000), Instant.ofEpochSecond(2000), null,
        List.of(), filters, ViewsQuery.Detail.FULL);
  }

  @Test
  void everyFieldHasAColumn() {
    assertThat(ViewRowsSql.FIELDS.keySet()).isEqualTo(EnumSet.allOf(ViewField.class));
  }

  @Test
  void aPageIsTheNewestBeforeThePositionWithUserValuesAsParametersOnly() {
    SqlQuery q = ViewRowsSql.newest(scope(List.of(Filter.parse("!country:" + EVIL))), new ViewPosition(1500, 42),
        50);
    assertThat(q.sql()).doesNotContain(EVIL);
    assertThat(q.sql()).startsWith("SELECT rowid, playback_id, creator_id, d_storage_url, viewer_id,"
        + " epoch_ms(started_at), device_type,").endsWith(" FROM views WHERE account_id = ? AND playback_id = ?"
        + " AND country IS DISTINCT FROM ? AND started_at >= make_timestamp(?::BIGINT)::TIMESTAMP_S"
        + " AND started_at < make_timestamp(?::BIGINT)::TIMESTAMP_S AND started_at <= make_timestamp(?::BIGINT)"
        + " AND (started_at < make_timestamp(?::BIGINT) OR rowid < ?) ORDER BY started_at DESC, rowid DESC LIMIT ?");
    assertThat(q.params()).containsExactly("acc", EVIL, EVIL, 1_000_000_000L, 2_000_000_000L, 1_500_000_000L,
        1_500_000_000L, 42L, 50);
  }

  @Test
  void severalValuesOfADimensionAreAlternativesAndEachNegationDropsItsValue() {
    SqlQuery q = ViewRowsSql.oldest(new ViewsQuery("acc", null, null, null, null, null, null, List.of(),
        List.of(Filter.parse("country:US"), Filter.parse("!browser:Chrome"), Filter.parse("country:DE")),
        ViewsQuery.Detail.FULL), null);
    assertThat(q.sql()).endsWith(" FROM views WHERE account_id = ? AND country IN (?, ?)"
        + " AND browser IS DISTINCT FROM ? ORDER BY started_at, rowid");
    assertThat(q.params()).containsExactly("acc", "US", "DE", "Chrome");
  }

  @Test
  void anExportRangeIsTheOldestAfterThePosition() {
    SqlQuery q = ViewRowsSql.oldest(scope(List.of()), new ViewPosition(1500, 42));
    assertThat(q.sql()).endsWith(" AND started_at >= make_timestamp(?::BIGINT)"
        + " AND (started_at > make_timestamp(?::BIGINT) OR rowid > ?) ORDER BY started_at, rowid");
    assertThat(ViewRowsSql.oldest(scope(List.of()), null).sql()).endsWith("AND started_at < make_timestamp("
        + "?::BIGINT)::TIMESTAMP_S ORDER BY started_at, rowid");
  }

  @Test
  void parquetNamesItsColumnsByTheApiAndQuotesThePathItWasGiven() {
    SqlQuery q = ViewRowsSql.parquet(scope(List.of()), null, java.util.Arrays.asList("custom.experiment", null,
        "custom.a\"b"), "/tmp/a'b/views.parquet");
    assertThat(q.sql()).startsWith("COPY (SELECT rowid AS \"viewId\", playback_id AS \"playbackId\",")
        .contains(" to_timestamp(epoch(started_at)) AS \"startedAt\",")
        .contains(" cdn AS \"cdn\", CASE WHEN fatal = 1 THEN 'failedToStart' WHEN fatal > 0 THEN 'failedAfterStart'"
            + " WHEN ended AND NOT first_frame THEN 'exitedBeforeStart' ELSE 'played' END AS \"outcome\",")
        .contains(" CAST(seek_ms / nullif(seek_count, 0) AS DOUBLE) AS \"seekLatencyMs\",")
        .contains(" switches_down AS \"switchesDown\", custom_1 AS \"custom.experiment\", custom_3 AS \"custom.a\"\"b\""
            + " FROM views")
        .endsWith(") TO '/tmp/a''b/views.parquet' (FORMAT parquet, COMPRESSION zstd, USE_TMP_FILE false)")
        .doesNotContain(EVIL);
    assertThat(q.params()).containsExactly("acc", EVIL, 1_000_000_000L, 2_000_000_000L);
  }
}
