package io.viewpulse.store.engines;

import io.viewpulse.store.Store;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.store.clickhouse.ChStore;
import io.viewpulse.store.duckdb.DuckStore;

/**
 * Opens the store a configuration names: the one place that knows which engines there are. A package of its own,
 * above {@code store} and the engines' packages, so that the engines' dependency on {@code store} makes no cycle.
 */
public final class Stores {
  private Stores() {}

  public static Store open(StoreConfig config) {
    return switch (config.engine()) {
      case DUCKDB -> DuckStore.open(config.dataDir(), config.rollupMinViewsPerRow());
      case CLICKHOUSE -> ChStore.open(config.clickHouse());
    };
  }
}
