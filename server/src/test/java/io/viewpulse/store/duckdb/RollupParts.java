package io.viewpulse.store.duckdb;

import java.nio.file.Path;
import java.time.Duration;

/** The parts of a store the rollup tests drive, on a real DuckDB file in {@code dir}; closed in reverse order. */
record RollupParts(Database db, DuckSessionStore store, Rollups rollups, DuckViewReader queries) implements AutoCloseable {
  static RollupParts open(Path dir, long chunk, long maxGroups, int minViewsPerRow, Duration window) {
    Database db = Database.open(dir);
    return new RollupParts(db, new DuckSessionStore(db), new Rollups(db, chunk, maxGroups, minViewsPerRow, window),
        new DuckViewReader(db, 1));
  }

  @Override
  public void close() {
    queries.close();
    rollups.close();
    store.close();
    db.close();
  }
}
