package io.viewpulse.store;

import java.nio.file.Path;

/**
 * Which store to open, and its settings.
 *
 * @param dataDir the data directory (the DuckDB file lives there)
 * @param rollupMinViewsPerRow DuckDB: keep a rollup of a grouping only while its rows stand for this many views each
 */
public record StoreConfig(Engine engine, Path dataDir, int rollupMinViewsPerRow) {
  /** The engines Viewpulse can keep its data in. */
  public enum Engine {
    DUCKDB
  }

  /** Views a rollup row must stand for by default, on DuckDB. */
  public static final int DEFAULT_ROLLUP_MIN_VIEWS_PER_ROW = 200;

  public static StoreConfig duckdb(Path dataDir) {
    return new StoreConfig(Engine.DUCKDB, dataDir, DEFAULT_ROLLUP_MIN_VIEWS_PER_ROW);
  }

  public StoreConfig withRollupMinViewsPerRow(int views) {
    return new StoreConfig(engine, dataDir, views);
  }
}
