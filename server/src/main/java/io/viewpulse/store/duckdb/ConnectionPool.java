package io.viewpulse.store.duckdb;

import io.viewpulse.model.StoreException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.duckdb.DuckDBConnection;

/**
 * A fixed number of connections to the database, each lent to one caller at a time: {@link #take} waits until one is
 * free, {@link #give} hands it back.
 */
final class ConnectionPool implements AutoCloseable {
  private final BlockingQueue<DuckDBConnection> free;

  /** {@code size} connections, on each of which the statements {@code setUp} run once. */
  ConnectionPool(Database db, int size, String... setUp) {
    free = new ArrayBlockingQueue<>(size);
    for (int i = 0; i < size; i++) {
      DuckDBConnection c = db.connect();
      for (String sql : setUp) {
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        } catch (SQLException e) {
          throw new StoreException("cannot set up a store connection: " + e.getMessage(), e);
        }
      }
      free.add(c);
    }
  }

  /** A free connection, once there is one; the caller gives it back ({@link #give}) when done. */
  DuckDBConnection take() {
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a store connection", e);
    }
  }

  /** Gives back a connection {@link #take} lent. */
  void give(DuckDBConnection c) {
    free.add(c);
  }

  /** Closes the free connections. */
  @Override
  public void close() {
    for (DuckDBConnection c : free) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }
}
