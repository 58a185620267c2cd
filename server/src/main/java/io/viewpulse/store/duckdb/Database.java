package io.viewpulse.store.duckdb;

import io.viewpulse.model.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;

/**
 * The embedded DuckDB file and its schema.
 *
 * <p>DuckDB connections are not safe for concurrent use, so every part that talks to the store takes its own
 * connection from {@link #connect()} (a duplicate of the root connection, sharing one database instance) and
 * keeps it on one thread. Closing the database closes the root connection; duplicates must be closed by their owners.
 */
final class Database implements AutoCloseable {
  private final DuckDBConnection root;
  private final Path file;

  private Database(DuckDBConnection root, Path file) {
    this.root = root;
    this.file = file;
  }

  /** Opens (creating if needed) {@code viewpulse.duckdb} under {@code dataDir} and brings its schema up to date. */
  static Database open(Path dataDir) {
    try {
      Files.createDirectories(dataDir, io.viewpulse.model.OwnerOnlyFiles.dir());
      Path file = dataDir.resolve("viewpulse.duckdb");
      Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
      // DuckDB creates its files as the process's umask says; the data directory (0700) keeps others out of its
      // write-ahead log and temporary files, and the main file is made the owner's only here
      Database db = new Database((DuckDBConnection) c, file);
      Schema.migrate(c);
      io.viewpulse.model.OwnerOnlyFiles.restrict(file);
      Path wal = dataDir.resolve("viewpulse.duckdb.wal");
      if (Files.exists(wal)) {
        io.viewpulse.model.OwnerOnlyFiles.restrict(wal);
      }
      return db;
    } catch (SQLException | java.io.IOException e) {
      throw new StoreException("cannot open the store under " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /** A new connection to the same database, for use by one thread. */
  DuckDBConnection connect() {
    try {
      return (DuckDBConnection) root.duplicate();
    } catch (SQLException e) {
      throw new StoreException("cannot open a store connection: " + e.getMessage(), e);
    }
  }

  Path file() {
    return file;
  }

  /** Writes the database's WAL into the main file; used on orderly shutdown so the file is self-contained. */
  void checkpoint() {
    try (Statement s = root.createStatement()) {
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      throw new StoreException("checkpoint failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      root.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the store: " + e.getMessage(), e);
    }
  }
}
