package io.viewpulse.store;

import io.viewpulse.store.clickhouse.ChStore;
import io.viewpulse.store.duckdb.DuckStore;

/** Opens the store a configuration names: the one place that knows which engines there are. */
public final class Stores {
  private Stores() {}

  public static Store open(StoreConfig config) {
    return switch (config.engine()) {
      case DUCKDB -> DuckStore.open(config.dataDir(), config.rollupMinViewsPerRow());
      case CLICKHOUSE -> ChStore.open(config.clickHouse());
    };
  }
}
