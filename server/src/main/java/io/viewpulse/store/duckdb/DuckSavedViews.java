package io.viewpulse.store.duckdb;

import io.viewpulse.savedviews.SavedView;
import io.viewpulse.savedviews.SavedViewStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Saved dashboard views on DuckDB, in {@code saved_views} (keyed by account and id; a deletion deletes the row). One
 * connection, opened on first use and serialized by this object's monitor.
 */
final class DuckSavedViews implements SavedViewStore, AutoCloseable {
  private static final String COLUMNS = "account_id, id, name, state, epoch_ms(created_at), key_id";
  private final OwnConnection conn;

  DuckSavedViews(Database db) {
    this.conn = new OwnConnection(db);
  }

  @Override
  public synchronized List<SavedView> savedViews(String accountId) {
    return select("SELECT " + COLUMNS + " FROM saved_views WHERE account_id = ? ORDER BY created_at, id", accountId);
  }

  @Override
  public synchronized Optional<SavedView> savedView(String accountId, String id) {
    return select("SELECT " + COLUMNS + " FROM saved_views WHERE account_id = ? AND id = ?", accountId, id).stream()
        .findFirst();
  }

  @Override
  public synchronized void insertSavedView(SavedView v) {
    update("INSERT INTO saved_views VALUES (?, ?, ?, ?, " + DuckDirectory.TS + ", ?)", v.accountId(), v.id(),
        v.name(), v.state(), v.createdAt().toEpochMilli() * 1000L, v.keyId());
  }

  @Override
  public synchronized boolean deleteSavedView(String accountId, String id, Instant at) {
    return update("DELETE FROM saved_views WHERE account_id = ? AND id = ?", accountId, id) == 1;
  }

  private List<SavedView> select(String sql, Object... args) {
    try (PreparedStatement p = prepare(sql, args); ResultSet rs = p.executeQuery()) {
      List<SavedView> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new SavedView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6)));
      }
      return out;
    } catch (SQLException e) {
      throw conn.failed("cannot read saved views", e);
    }
  }

  private int update(String sql, Object... args) {
    try (PreparedStatement p = prepare(sql, args)) {
      return p.executeUpdate();
    } catch (SQLException e) {
      throw conn.failed("cannot change saved views", e);
    }
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement p = conn.get().prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      p.setObject(i + 1, args[i]);
    }
    return p;
  }

  @Override
  public synchronized void close() {
    conn.drop();
  }
}
