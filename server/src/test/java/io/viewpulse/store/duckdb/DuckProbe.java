package io.viewpulse.store.duckdb;

import io.viewpulse.query.MetricRow;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.store.Store;
import io.viewpulse.store.StoreProbe;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The contract tests' view into the DuckDB store: a commit made to fail by renaming a table it writes last. */
public final class DuckProbe implements StoreProbe {
  private final DuckStore store;

  public DuckProbe(Store store) {
    this.store = (DuckStore) store;
  }

  @Override
  public Set<Step> steps() {
    return EnumSet.of(Step.COMMIT);
  }

  @Override
  public void breakAt(Step step) {
    // the checkpoint is the transaction's last statement: everything before it is written, then rolled back
    sql("ALTER TABLE log_checkpoints RENAME TO log_checkpoints_broken");
  }

  @Override
  public void repair() {
    sql("ALTER TABLE log_checkpoints_broken RENAME TO log_checkpoints");
  }

  @Override
  public void undo(Step step) {
    throw new UnsupportedOperationException("DuckDB's commit is one transaction");
  }

  @Override
  public long[] finishedViewsAndDuplicates() {
    try (Connection c = store.connectionForTests(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM views")) {
      rs.next();
      // DuckDB keeps no view id: a view counted twice shows as a second row, which the count catches
      return new long[] {rs.getLong(1), 0};
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public long timelineBytes() {
    return -1;
  }

  @Override
  public long timelinesOf(String viewerId) {
    try (Connection c = store.connectionForTests();
        java.sql.PreparedStatement p = c.prepareStatement("SELECT count(*) FROM views WHERE viewer_id = ?"
            + " AND timeline IS NOT NULL")) {
      p.setString(1, viewerId);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public List<MetricRow> byScan(ViewsQuery q) {
    return ((DuckViewReader) store.views()).viewsByScan(q);
  }

  @Override
  public boolean fromRollups(ViewsQuery q) {
    store.catchUp();
    return RollupSql.views(q).isPresent();
  }

  private void sql(String sql) {
    try (Connection c = store.connectionForTests(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
