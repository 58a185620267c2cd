package io.viewpulse.store.duckdb;

import io.viewpulse.retention.RetentionStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.duckdb.DuckDBConnection;

/**
 * Retention on DuckDB: the periods in {@code retention_policies}; timelines dropped by setting them to null; a deletion is one transaction that deletes the
 * account's views before the cutoff and its rows of both rollup tables before it (a cutoff is a UTC midnight, so those
 * buckets hold exactly the deleted views), then lowers the rollups' marks past the last row left, as an erasure does
 * ({@link DuckErasures}). A rollup step that commits in between makes the transaction fail; it is retried at the next
 * run. On a connection of its own, used by one call at a time.
 */
final class DuckRetention implements RetentionStore, AutoCloseable {
  private static final String END_ROW = "(SELECT coalesce(max(rowid) + 1, 0) FROM views)";
  private final OwnConnection conn;

  DuckRetention(Database db) {
    this.conn = new OwnConnection(db);
  }

  @Override
  public synchronized Map<String, Policy> policies() {
    try (Statement s = conn.get().createStatement();
        ResultSet rs = s.executeQuery("SELECT account_id, view_days, timeline_days FROM retention_policies")) {
      Map<String, Policy> out = new HashMap<>();
      while (rs.next()) {
        out.put(rs.getString(1), new Policy((Integer) rs.getObject(2), (Integer) rs.getObject(3)));
      }
      return out;
    } catch (SQLException e) {
      throw conn.failed("cannot read the retention periods", e);
    }
  }

  @Override
  public synchronized void setPolicy(String accountId, Policy policy) {
    boolean none = policy.equals(Policy.DEFAULT);
    String sql = none ? "DELETE FROM retention_policies WHERE account_id = ?"
        : "INSERT OR REPLACE INTO retention_policies VALUES (?, ?, ?)";
    try (PreparedStatement p = conn.get().prepareStatement(sql)) {
      p.setString(1, accountId);
      if (!none) {
        p.setObject(2, policy.viewDays());
        p.setObject(3, policy.timelineDays());
      }
      p.executeUpdate();
    } catch (SQLException e) {
      throw conn.failed("cannot set the retention periods", e);
    }
  }

  @Override
  public synchronized void dropTimelinesBefore(String accountId, Instant cutoff) {
    try (PreparedStatement p = conn.get().prepareStatement("UPDATE views SET timeline = NULL WHERE account_id = ?"
        + " AND started_at < make_timestamp(?::BIGINT) AND timeline IS NOT NULL")) {
      p.setString(1, accountId);
      p.setLong(2, Math.multiplyExact(cutoff.getEpochSecond(), 1_000_000L));
      p.executeUpdate();
    } catch (SQLException e) {
      throw conn.failed("cannot drop old timelines", e);
    }
  }

  @Override
  public synchronized long deleteViewsBefore(String accountId, Instant cutoff) {
    DuckDBConnection c = conn.get();
    long micros = cutoff.getEpochSecond() * 1_000_000L;
    try {
      c.setAutoCommit(false);
      try {
        long views = delete(c, "DELETE FROM views WHERE account_id = ? AND started_at < make_timestamp(?::BIGINT)",
            accountId, micros);
        if (views > 0) {
          for (String table : new String[] {"rollup_hour", "rollup_day"}) {
            delete(c, "DELETE FROM " + table + " WHERE account_id = ? AND t < make_timestamp(?::BIGINT)", accountId,
                micros);
          }
          try (Statement s = c.createStatement()) {
            s.execute("UPDATE rollup_mark SET rows = " + END_ROW + " WHERE rows > " + END_ROW);
            // so are the webhooks' positions, as after an erasure
            s.execute("UPDATE webhook_endpoints SET next_row = " + END_ROW + " WHERE next_row > " + END_ROW);
          }
        }
        c.commit();
        return views;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw conn.failed("cannot delete old views", e);
    }
  }

  private static long delete(DuckDBConnection c, String sql, String accountId, long micros) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, accountId);
      p.setLong(2, micros);
      return p.executeUpdate();
    }
  }

  @Override
  public synchronized void close() {
    conn.close();
  }
}
