package io.viewpulse.store.clickhouse;

import io.viewpulse.query.MetricRow;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.store.Store;
import io.viewpulse.store.StoreProbe;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The contract tests' view into the ClickHouse store. A step is made to fail on the real engine: the table it writes
 * is renamed away (a write to it fails as a write to an unreachable server does), and renamed back to repair.
 */
public final class ChProbe implements StoreProbe {
  private final ChStore store;
  private final ChSchema schema;

  public ChProbe(Store store) {
    this.store = (ChStore) store;
    this.schema = store == null ? null : ((ChStore) store).schemaForTests();
  }

  @Override
  public Set<Step> steps() {
    return EnumSet.allOf(Step.class);
  }

  private String broken;

  @Override
  public void breakAt(Step step) {
    broken = switch (step) {
      case COMMIT -> "session_state";
      case MOVE_OUTBOX -> "views";
      case DELETE_MOVED -> throw new UnsupportedOperationException("shares its table with COMMIT: use undo");
    };
    store.executeForTests("RENAME TABLE " + schema.t(broken) + " TO " + schema.t(broken + "_broken"), Map.of());
  }

  @Override
  public void repair() {
    store.executeForTests("RENAME TABLE " + schema.t(broken + "_broken") + " TO " + schema.t(broken), Map.of());
    broken = null;
  }

  @Override
  public void undo(Step step) {
    if (step != Step.DELETE_MOVED) {
      throw new UnsupportedOperationException(step.name());
    }
    // the tombstones of the moved outbox rows go: the rows are back, as if the process died before deleting them
    store.executeForTests("DELETE FROM " + schema.t("session_state") + " WHERE kind = 'v' AND is_deleted = 1",
        Map.of());
  }

  @Override
  public long[] finishedViewsAndDuplicates() {
    return store.clientForTests().queryList("SELECT count(), count() - uniqExact(view_id) FROM "
        + schema.t("views"), Map.of(), r -> new long[] {r.getLong(1), r.getLong(2)}).get(0);
  }

  @Override
  public long timelineBytes() {
    store.executeForTests("OPTIMIZE TABLE " + schema.t("views") + " FINAL", Map.of());
    return store.clientForTests().queryList("SELECT sum(column_data_compressed_bytes) FROM system.parts_columns"
        + " WHERE concat('`', database, '`.`', table, '`') = {t:String} AND column = 'timeline' AND active",
        Map.of("t", schema.t("views")),
        r -> r.getLong(1)).get(0);
  }

  @Override
  public long timelinesOf(String viewerId) {
    return store.clientForTests().queryList("SELECT (SELECT count() FROM " + schema.t("views")
        + " WHERE viewer_id = {v:String} AND timeline != '') + (SELECT count() FROM " + schema.t("session_state")
        + " WHERE viewer_id = {v:String} AND timeline != '')", Map.of("v", viewerId), r -> r.getLong(1)).get(0);
  }

  @Override
  public List<MetricRow> byScan(ViewsQuery q) {
    return ((ChViewReader) store.views()).viewsByScan(q);
  }

  @Override
  public boolean fromRollups(ViewsQuery q) {
    return new ChViewsSql(schema).viewsFromRollups(q).isPresent();
  }
}
