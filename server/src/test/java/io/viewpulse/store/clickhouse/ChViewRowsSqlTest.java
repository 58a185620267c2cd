package io.viewpulse.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.query.Filter;
import io.viewpulse.query.ViewField;
import io.viewpulse.query.ViewPosition;
import io.viewpulse.query.ViewsQuery;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQL that reads views one by one on ClickHouse, without a database. */
class ChViewRowsSqlTest {
  private static final String EVIL = "x' OR '1'='1";
  private final ChViewRowsSql sql = new ChViewRowsSql(new ChSchema("vp", null));

  private static ViewsQuery scope() {
    return new ViewsQuery("acc", EVIL, null, null, Instant.ofEpochSecond(1000), Instant.ofEpochSecond(2000), null,
        List.of(), List.of(Filter.parse("viewerId:" + EVIL)), ViewsQuery.Detail.FULL);
  }

  @Test
  void everyFieldHasAColumn() {
    assertThat(ChViewRowsSql.FIELDS.keySet()).isEqualTo(EnumSet.allOf(ViewField.class));
  }

  @Test
  void aPageReadsBothTheViewsAndTheOutboxBackwardsFromThePosition() {
    ChViewsSql.Sql q = sql.newest(scope(), new ViewPosition(1500, -7), 50);
    assertThat(q.sql()).doesNotContain(EVIL);
    String where = "account_id = {p0:String} AND playback_id = {p1:String} AND viewer_id = {p2:String}"
        + " AND started_at >= fromUnixTimestamp64Milli({p3:Int64}, 'UTC')"
        + " AND started_at < fromUnixTimestamp64Milli({p4:Int64}, 'UTC')"
        + " AND started_at <= toDateTime({p5:Int64}, 'UTC')"
        + " AND (started_at < toDateTime({p5:Int64}, 'UTC') OR view_id < {p6:Int64})";
    assertThat(q.sql()).contains(" FROM `vp`.`views` WHERE " + where
        + " ORDER BY started_at DESC, view_id DESC LIMIT 50) UNION ALL (")
        .contains(" FROM `vp`.`session_state` FINAL WHERE kind = 'v' AND is_deleted = 0 AND " + where)
        .endsWith(")) ORDER BY started_at DESC, view_id DESC LIMIT 50");
    assertThat(q.params().values()).containsExactly("acc", EVIL, EVIL, 1_000_000L, 2_000_000L, 1500L, -7L);
  }

  @Test
  void severalValuesOfADimensionAreAlternativesAndEachNegationDropsItsValue() {
    ChViewsSql.Sql q = sql.newest(new ViewsQuery("acc", null, null, null, null, null, null, List.of(),
        List.of(Filter.parse("country:US"), Filter.parse("!browser:Chrome"), Filter.parse("country:DE")),
        ViewsQuery.Detail.FULL), null, 50);
    assertThat(q.sql()).contains(" FROM `vp`.`views` WHERE account_id = {p0:String}"
        + " AND country IN ({p1:String}, {p2:String}) AND (browser IS NULL OR browser != {p3:String})"
        + " ORDER BY started_at DESC");
    assertThat(q.params().values()).containsExactly("acc", "US", "DE", "Chrome");
  }

  @Test
  void parquetGivesTheStartAsATimestampAndEveryFieldByItsApiName() {
    ChViewsSql.Sql q = sql.parquet(scope(), null, java.util.Arrays.asList("custom.experiment", null, "custom.a`b"));
    for (ViewField f : ViewField.ALL) {
      assertThat(q.sql()).contains(" AS " + f.apiName());
    }
    assertThat(q.sql()).contains("toDateTime64(started_at, 3, 'UTC') AS startedAt").doesNotContain("ORDER BY")
        .contains("AS cdn, CASE WHEN fatal = 1 THEN 'failedToStart' WHEN fatal > 0 THEN 'failedAfterStart' WHEN ended"
            + " AND NOT first_frame THEN 'exitedBeforeStart' ELSE 'played' END AS outcome,")
        .contains(" CAST(bitrate_bits * 1000.0 / nullif(bitrate_ms, 0), 'Nullable(Float64)') AS averageBitrateBps,")
        .contains("AS switchesDown, CAST(custom_1, 'Nullable(String)') AS `custom.experiment`,"
            + " CAST(custom_3, 'Nullable(String)') AS `custom.a\\`b` FROM (")
        .as("a slot without a column is left out").doesNotContain("custom_2, 'Nullable").doesNotContain("customSlot");
  }
}
