package io.viewpulse.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.query.Dimension;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ClickHouse SQL builder, without a database. */
class ChViewsSqlTest {
  private final ChViewsSql sql = new ChViewsSql(new ChSchema("vp", null));

  private static ViewsQuery query(String playbackId, TimeStep step, List<Dimension> by) {
    return new ViewsQuery("acc", playbackId, null, null, Instant.parse("2026-03-01T10:30:00Z"),
        Instant.parse("2026-03-04T05:15:00Z"), step, by, List.of(), ViewsQuery.Detail.FULL);
  }

  @Test
  void scannedUniqueViewersAreNeverMoreThanTheGroupsViews() {
    // the estimate (uniqCombined64, HyperLogLog beyond a few hundred ids) can exceed the distinct count and the views
    String scan = sql.views(query("pb", TimeStep.DAY, List.of(Dimension.BROWSER_ENGINE))).sql();
    assertThat(sql.viewsFromRollups(query("pb", null, List.of()))).isEmpty();
    assertThat(scan).contains(" least(uniqCombined64(14)(viewer_id), count()) AS unique_viewers FROM (");
  }

  @Test
  void uniqueViewersFromRollupsAreNeverMoreThanTheGroupsViews() {
    for (TimeStep step : new TimeStep[] {null, TimeStep.HOUR, TimeStep.DAY}) {
      String rolled = sql.viewsFromRollups(query(null, step, List.of(Dimension.COUNTRY))).orElseThrow().sql();
      assertThat(rolled).as("%s", step)
          .contains(" least(uniqCombined64Merge(14)(viewers), sum(views)) AS unique_viewers FROM (");
    }
  }
}
