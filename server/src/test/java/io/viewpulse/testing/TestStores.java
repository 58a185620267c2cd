package io.viewpulse.testing;

import io.viewpulse.store.StoreConfig;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stores tests run on. DuckDB is a file in the test's data directory; ClickHouse is the real engine behind its
 * HTTP interface ({@link Chdb}), one engine for the whole test JVM (started on first use, stopped with the JVM), with
 * a fresh database for every server, so that tests never see each other's data.
 */
public final class TestStores {
  /** The engines every contract test runs on. */
  public enum Engine {
    DUCKDB,
    CLICKHOUSE
  }

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static Chdb engine;

  private TestStores() {}

  /** A store of the engine for a new server on {@code dataDir}. */
  public static StoreConfig fresh(Engine e, Path dataDir) {
    return switch (e) {
      case DUCKDB -> StoreConfig.duckdb(dataDir);
      case CLICKHOUSE -> clickHouse(dataDir, "test_" + ProcessHandle.current().pid() + "_"
          + DATABASES.incrementAndGet());
    };
  }

  /** The ClickHouse store in database {@code name} of the shared engine (the same name, the same data). */
  public static StoreConfig clickHouse(Path dataDir, String name) {
    Chdb ch = chdb();
    return new StoreConfig(StoreConfig.Engine.CLICKHOUSE, dataDir, StoreConfig.DEFAULT_ROLLUP_MIN_VIEWS_PER_ROW,
        new StoreConfig.ClickHouse(ch.url.replaceFirst("/$", ""), Chdb.USER, ch.password, name, null));
  }

  /** The contract tests' view into a store of the engine. */
  public static io.viewpulse.store.StoreProbe probe(Engine e, io.viewpulse.store.Store store) {
    return switch (e) {
      case DUCKDB -> new io.viewpulse.store.duckdb.DuckProbe(store);
      case CLICKHOUSE -> new io.viewpulse.store.clickhouse.ChProbe(store);
    };
  }

  /** The shared engine, started on first use. */
  public static synchronized Chdb chdb() {
    if (engine == null) {
      engine = new Chdb();
      Chdb started = engine;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "chdb-stop"));
    }
    return engine;
  }
}
