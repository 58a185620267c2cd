package io.viewpulse.store.duckdb;

import io.viewpulse.model.StoreException;
import io.viewpulse.privacy.ErasureStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * Erasure of a viewer on DuckDB: in one transaction, count the viewer's open sessions ({@code live_views}, which the
 * sessionizer's commits keep), and when there are none delete the viewer's rows of {@code views} and record the
 * erasure. The sessionizer's commits run on their own connection; a session that opens after the count is a view that
 * started after the erasure. On a connection of its own, used by one erasure at a time.
 *
 * <p>A deleted row's bytes stay in the file's blocks until a checkpoint reclaims them (DuckDB checkpoints on its own
 * as its write-ahead log grows, and when the store closes). The rowids of the rows left do not change (a view's id is
 * its rowid), except that a checkpoint drops trailing row groups whose rows were all deleted, and the next views
 * take those rowids again: the rollups' marks ({@link RollupSql}) are lowered to the last row left in the erasure's
 * transaction, so that those views are rolled up (or scanned) like any other. A view id of an erased view may then
 * name a later view.
 */
final class DuckErasures implements ErasureStore, AutoCloseable {
  private static final String END_ROW = "(SELECT coalesce(max(rowid) + 1, 0) FROM views)";
  private final OwnConnection conn;

  DuckErasures(Database db) {
    this.conn = new OwnConnection(db);
  }

  @Override
  public synchronized Outcome erase(String accountId, String viewerId, ErasureRecord record) {
    DuckDBConnection c = conn.get();
    try {
      c.setAutoCommit(false);
      try {
        long open;
        try (PreparedStatement p = c.prepareStatement(
            "SELECT count(*) FROM live_views WHERE account_id = ? AND viewer_id = ?")) {
          p.setString(1, accountId);
          p.setString(2, viewerId);
          try (ResultSet rs = p.executeQuery()) {
            rs.next();
            open = rs.getLong(1);
          }
        }
        if (open > 0) {
          c.rollback();
          return new Outcome(0, open);
        }
        long views;
        try (PreparedStatement p = c.prepareStatement("DELETE FROM views WHERE account_id = ? AND viewer_id = ?")) {
          p.setString(1, accountId);
          p.setString(2, viewerId);
          views = p.executeUpdate();
        }
        if (views > 0) {
          try (java.sql.Statement s = c.createStatement()) {
            // marks past the last row left are lowered to it: once a checkpoint drops the trailing row groups the
            // delete emptied, new views take their rowids again, and must still be rolled up or scanned
            s.execute("UPDATE rollup_mark SET rows = " + END_ROW + " WHERE rows > " + END_ROW);
            // so are the webhooks' positions: those views are still to be posted
            s.execute("UPDATE webhook_endpoints SET next_row = " + END_ROW + " WHERE next_row > " + END_ROW);
          }
        }
        try (PreparedStatement p = c.prepareStatement(
            "INSERT INTO erasures VALUES (?, ?, make_timestamp(?::BIGINT), ?)")) {
          p.setString(1, accountId);
          p.setString(2, record.keyId());
          p.setLong(3, record.erasedAt().toEpochMilli() * 1000L);
          p.setLong(4, views);
          p.executeUpdate();
        }
        c.commit();
        return new Outcome(views, 0);
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw conn.failed("cannot erase a viewer", e);
    }
  }

  @Override
  public synchronized List<ErasureRecord> erasures(String accountId, int limit) {
    try (PreparedStatement p = conn.get().prepareStatement("SELECT key_id, epoch_ms(erased_at), views FROM erasures"
        + " WHERE account_id = ? ORDER BY erased_at DESC LIMIT ?")) {
      p.setString(1, accountId);
      p.setInt(2, limit);
      try (ResultSet rs = p.executeQuery()) {
        List<ErasureRecord> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new ErasureRecord(rs.getString(1), java.time.Instant.ofEpochMilli(rs.getLong(2)), rs.getLong(3)));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the erasures: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    conn.close();
  }
}
