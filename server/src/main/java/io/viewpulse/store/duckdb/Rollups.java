package io.viewpulse.store.duckdb;

import io.viewpulse.model.StoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the rollups ({@link RollupSql}) up to date with {@code views}, on a thread and a connection of its own.
 *
 * <p>Which sets are rolled up is measured, not configured: a rollup row carries a t-digest and a HyperLogLog (300 to
 * 1,500 B on disk, as much as 10 to 50 stored views) and is only worth keeping when it stands for many views. So the
 * views of the last {@link RollupPolicy#WINDOW} of buckets are counted against the rows each set would need for them, and a set
 * is rolled up while its rows stand for at least {@code minViewsPerRow} views each (half that to stop, so that a set
 * does not flap). The window is in whole buckets of time, not a number of views: a day's rows measured on half a day
 * of views would look twice as sparse as they are. With 3,000 places, an hourly rollup per subdivision has a row for
 * every two views: it is not kept, and queries by subdivision and hour scan, which is faster than merging such rows.
 *
 * <p>Each step rolls up the next chunk of views by rowid for the rolling sets that are furthest behind, in one
 * transaction: aggregate the chunk per set (one statement each, so that a statement's memory is one set's groups),
 * merge that into the touched buckets of the tables, and move those sets' marks. Hourly deltas of a set are re-bucketed
 * into its daily delta instead of aggregating the views twice. A step that fails leaves everything as it was and is
 * retried on the next run; queries never depend on how far the rollups are, only on how fast they are (the rest is
 * scanned). The rollups are derived data: when their definition changes ({@link RollupSql#VERSION}), they are dropped
 * and rebuilt from {@code views}.
 */
final class Rollups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rollups.class);

  private final Database db;
  private final RollupPolicy policy;
  private final RollupStep step;
  private final ScheduledExecutorService timer;
  private DuckDBConnection c;
  private volatile boolean closing;
  /** As of the end of the last run, for metrics: read without waiting for a run under way. */
  private volatile int rollingSets;
  private volatile long lag;

  /** Rolls a set up while its rows stand for at least {@code minViewsPerRow} views each (at least 1). */
  Rollups(Database db, int minViewsPerRow) {
    this(db, RollupStep.CHUNK, minViewsPerRow, RollupPolicy.WINDOW);
  }

  Rollups(Database db, long chunk, int minViewsPerRow, Duration window) {
    this(db, chunk, RollupStep.MAX_GROUPS, minViewsPerRow, window);
  }

  Rollups(Database db, long chunk, long maxGroups, int minViewsPerRow, Duration window) {
    this.policy = new RollupPolicy(minViewsPerRow, window);
    this.step = new RollupStep(chunk, maxGroups, () -> closing);
    this.db = db;
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
    for (String sql : RollupSql.insertMarks()) {
      s.execute(sql);
    }
  }

  /** Rolls up, every {@code period}, whatever was committed since the last run. */
  void start(Duration period) {
    timer.scheduleWithFixedDelay(() -> {
      try {
        catchUp();
      } catch (StoreException e) {
        LOG.warn("rolling up views failed, will retry: {}", e.getMessage());
      }
    }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Measures the sets if the views grew enough since the last time, then rolls up every view committed so far for
   * every rolling set, in chunks. Returns by how many views the set furthest behind moved. Blocking.
   */
  synchronized long catchUp() {
    if (closing) {
      return 0;
    }
    long end;
    long before;
    try {
      end = policy.measure(conn());
      before = RollupMarks.lowest(RollupMarks.read(conn()));
    } catch (SQLException e) {
      throw failed(e);
    }
    long total = 0;
    long n;
    // up to the views there were at the start: under steady ingest every step would find new ones, and the next run
    // must come round to measure again
    while (!closing && (n = step(end)) > 0) {
      total += n;
      if (total >= 10 * step.chunk()) {
        LOG.info("rolled up {} views so far", total);
      }
    }
    Map<RollupSql.RollupSet, RollupMarks.Mark> marks = marks();
    rollingSets = (int) marks.values().stream().filter(RollupMarks.Mark::rolling).count();
    long after = RollupMarks.lowest(marks);
    lag = rollingSets == 0 ? 0 : Math.max(0, end - after);
    return after - before;
  }

  /** One step; 0 when closing interrupted it (rolled back: the next start takes it up again). */
  private long step(long end) {
    try {
      return step.run(conn(), end);
    } catch (SQLException e) {
      StoreException failure = failed(e);
      if (closing) {
        return 0;
      }
      throw failure;
    }
  }

  /** The most groups one statement has aggregated since this was made. */
  long largestStatement() {
    return step.largestStatement();
  }

  /** How many sets were rolling at the end of the last run. Does not wait for a run under way. */
  int rollingSets() {
    return rollingSets;
  }

  /**
   * Views committed before the last run started that the rolling set furthest behind did not hold at its end: more
   * than 0 when a run could not finish (a failing store, a close). Does not wait for a run under way.
   */
  long lag() {
    return lag;
  }

  /** Views committed but not rolled up yet by the rolling set furthest behind (0 when no set is rolling). */
  synchronized long pending() {
    try (Statement s = conn().createStatement();
        ResultSet rs = s.executeQuery("SELECT " + RollupMarks.END_ROW + " - min(rows) FROM rollup_mark WHERE rolling")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** The sets being rolled up now. */
  synchronized List<RollupSql.RollupSet> rolling() {
    return marks().entrySet().stream().filter(e -> e.getValue().rolling()).map(Map.Entry::getKey).toList();
  }

  private Map<RollupSql.RollupSet, RollupMarks.Mark> marks() {
    try {
      return RollupMarks.read(conn());
    } catch (SQLException e) {
      throw failed(e);
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
    step.cancel();
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
