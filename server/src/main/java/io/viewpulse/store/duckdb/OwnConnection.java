package io.viewpulse.store.duckdb;

import io.viewpulse.model.StoreException;
import java.sql.SQLException;
import org.duckdb.DuckDBConnection;

/**
 * A store part's own connection ({@link Database#connect()}): opened on first use, and dropped after a failure so
 * that the next call opens a fresh one. Not synchronized: its owner serializes the calls, by its own monitor.
 */
final class OwnConnection implements AutoCloseable {
  private final Database db;
  private DuckDBConnection c;

  OwnConnection(Database db) {
    this.db = db;
  }

  /** The connection, opened if there is none. */
  DuckDBConnection get() {
    if (c == null) {
      c = db.connect();
    }
    return c;
  }

  /**
   * Drops the connection after {@code e} and returns the failure to throw, {@code what: e's message}. An error while
   * closing it is ignored: the original failure is what matters.
   */
  StoreException failed(String what, SQLException e) {
    drop();
    return new StoreException(what + ": " + e.getMessage(), e);
  }

  /** Closes and forgets the connection, if open, ignoring an error while closing it. */
  void drop() {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // nothing left to do with it
      }
      c = null;
    }
  }

  /** Closes and forgets the connection, if open; an error while closing it is thrown. */
  @Override
  public void close() {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        throw new StoreException("cannot close: " + e.getMessage(), e);
      }
      c = null;
    }
  }
}
