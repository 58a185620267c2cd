package io.viewpulse.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the rollups ({@link RollupSql}) up to date with {@code views}, on a thread and a connection of its own.
 *
 * <p>Each step rolls up the next chunk of views by rowid in one transaction: aggregate the chunk per hour, merge it
 * into the touched hours of {@code rollup_hour}, re-bucket it by day and merge that into {@code rollup_day}, and move
 * {@code rollup_mark}. A step that fails leaves everything as it was and is retried on the next run; queries never
 * depend on how far the rollups are, only on how fast they are (the rest is scanned). The rollups are derived data:
 * when their definition changes ({@link RollupSql#VERSION}), they are dropped and rebuilt from {@code views}.
 */
public final class Rollups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rollups.class);
  /**
   * Views aggregated per statement when a large history is rolled up: bounds a statement's memory (its groups, not
   * its rows: 20 M views of a time-ordered history touch a few weeks of hours; 100 M at once took 16 GB).
   */
  static final long CHUNK = 20_000_000;
  /**
   * Views per transaction: their chunks' aggregates are gathered in one delta and merged into the rollups once.
   * Every merge rewrites the rollups' newest row groups, so merging a 100 M-view history in five steps left 165 MB
   * of free blocks in the file; gathered, it leaves none.
   */
  static final long CHUNKS_PER_STEP = 10;

  /** One past the last committed view's rowid: where a step ends and what is pending, counted the same way. */
  private static final String END_ROW = "(SELECT coalesce(max(rowid) + 1, 0) FROM views)";

  private final Database db;
  private final long chunk;
  private final ScheduledExecutorService timer;
  private DuckDBConnection c;
  private volatile boolean closing;
  /** The statement of the step under way, so that closing can interrupt a long catch-up instead of waiting. */
  private volatile Statement running;

  public Rollups(Database db) {
    this(db, CHUNK);
  }

  Rollups(Database db, long chunk) {
    this.db = db;
    this.chunk = chunk;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "viewpulse-rollups");
      t.setDaemon(true);
      return t;
    });
  }

  /** Brings the rollup tables to the current definition: creates them, or rebuilds them when it changed. */
  static void migrate(Statement s) throws SQLException {
    boolean exists;
    try (ResultSet rs = s.executeQuery(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'rollup_mark' AND NOT temporary")) {
      rs.next();
      exists = rs.getLong(1) > 0;
    }
    boolean current = true;
    if (exists) {
      try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), -1) FROM rollup_mark")) {
        rs.next();
        current = rs.getInt(1) == RollupSql.VERSION;
      }
    }
    if (!current) {
      LOG.info("the rollups' definition changed: rebuilding them from the stored views");
      for (String ddl : RollupSql.dropTables()) {
        s.execute(ddl);
      }
    }
    for (String ddl : RollupSql.createTables()) {
      s.execute(ddl);
    }
    s.execute("INSERT INTO rollup_mark SELECT " + RollupSql.VERSION + ", 0 WHERE NOT EXISTS (FROM rollup_mark)");
  }

  /** Rolls up, every {@code period}, whatever was committed since the last run. */
  public void start(Duration period) {
    timer.scheduleWithFixedDelay(() -> {
      try {
        catchUp();
      } catch (StoreException e) {
        LOG.warn("rolling up views failed, will retry: {}", e.getMessage());
      }
    }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Rolls up every view committed so far, in chunks; returns how many views it rolled up. Blocking. */
  public synchronized long catchUp() {
    long total = 0;
    long n;
    while (!closing && (n = step()) > 0) {
      total += n;
      if (total >= 10 * chunk) {
        LOG.info("rolled up {} views so far", total);
      }
    }
    return total;
  }

  /** Views committed but not rolled up yet. */
  public synchronized long pending() {
    try (Statement s = conn().createStatement();
        ResultSet rs = s.executeQuery("SELECT " + END_ROW + " - (SELECT max(rows) FROM rollup_mark)")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private long step() {
    DuckDBConnection c = conn();
    try {
      c.setAutoCommit(false);
      long from;
      long to;
      try (Statement s = c.createStatement()) {
        running = s;
        try (ResultSet rs = s.executeQuery(
            "SELECT (SELECT max(rows) FROM rollup_mark), " + END_ROW)) {
          rs.next();
          from = rs.getLong(1);
          to = Math.min(rs.getLong(2), from + chunk * CHUNKS_PER_STEP);
        }
        if (to <= from) {
          c.rollback();
          c.setAutoCommit(true);
          return 0;
        }
        s.execute("CREATE OR REPLACE TEMP TABLE rollup_delta AS "
            + RollupSql.hourDelta(from, Math.min(to, from + chunk)));
        for (long a = from + chunk; a < to && !closing; a += chunk) {
          // rows of the same hour from two chunks are merged with the rollups' rows below
          s.execute("INSERT INTO rollup_delta " + RollupSql.hourDelta(a, Math.min(to, a + chunk)));
        }
        if (closing) {
          throw new SQLException("closing");
        }
        for (String sql : RollupSql.mergeInto("rollup_hour", "rollup_delta")) {
          s.execute(sql);
        }
        s.execute("CREATE OR REPLACE TEMP TABLE rollup_day_delta AS SELECT * FROM "
            + RollupSql.dayDelta("rollup_delta"));
        for (String sql : RollupSql.mergeInto("rollup_day", "rollup_day_delta")) {
          s.execute(sql);
        }
        s.execute("UPDATE rollup_mark SET rows = " + to);
      }
      c.commit();
      c.setAutoCommit(true);
      return to - from;
    } catch (SQLException e) {
      StoreException failure = failed(e);
      if (closing) {
        return 0; // interrupted by close(): rolled back, and the next start takes it up again
      }
      throw failure;
    } finally {
      running = null;
    }
  }

  private DuckDBConnection conn() {
    if (c == null) {
      c = db.connect();
    }
    return c;
  }

  /** DuckDB can leave a connection unable to start a transaction after a failure: the next step takes a new one. */
  private StoreException failed(SQLException e) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException ignored) {
      // the original failure is what matters
    }
    c = null;
    return new StoreException("cannot roll up views: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    closing = true;
    timer.shutdown();
    Statement s = running;
    if (s != null) {
      try {
        s.cancel();
      } catch (SQLException ignored) {
        // the step ends on its own then
      }
    }
    try {
      if (!timer.awaitTermination(1, TimeUnit.MINUTES)) {
        LOG.warn("a rollup step did not finish in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // closing anyway
        }
        c = null;
      }
    }
  }
}
