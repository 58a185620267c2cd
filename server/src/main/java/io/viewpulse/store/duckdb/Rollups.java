package io.viewpulse.store.duckdb;

import io.viewpulse.model.StoreException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * views of the last {@link #WINDOW} of buckets are counted against the rows each set would need for them, and a set
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
  /**
   * Views aggregated per statement when a large history is rolled up: bounds a statement's memory (its groups, not
   * its rows: 5 M views of a time-ordered history touch a few days of hours). 100 M views, 3,000 places: with 20 M a
   * statement, the roll-up needed more than a 3 GB DuckDB memory limit (it spilled 20 GB and failed); with 5 M it
   * fits in 3 GB (at most 2 GB spilled), in 187 s instead of 178.
   */
  static final long CHUNK = 5_000_000;
  /**
   * Chunks per transaction: their aggregates are gathered in one delta and merged into the rollups once. Every merge
   * rewrites the rollups' newest row groups (merging a 100 M-view history in five steps left 165 MB of free blocks in
   * the file, reused later), but one merge of a whole world-wide history holds all its groups at once: 50 M views a
   * step is what the 3 GB measurement above used.
   */
  static final long CHUNKS_PER_STEP = 10;
  /**
   * Groups a statement should aggregate, at most (the statement's size follows, {@link #aggregate}): the world-wide
   * history above rolls up in 3 GB with statements of up to 22,000 groups (5 M views at 224 views a row).
   */
  static final long MAX_GROUPS = 25_000;
  /** Rows of delta a step gathers before it merges them into the rollups and moves the marks. */
  static final long STEP_GROUPS = 1_000_000;
  /** Views a set's rows must stand for, each, for the set to be rolled up: a row then costs under 1/4 of its views. */
  static final int MIN_VIEWS_PER_ROW = io.viewpulse.store.StoreConfig.DEFAULT_ROLLUP_MIN_VIEWS_PER_ROW;
  /** How far back from the newest view the sets are measured, in whole buckets of their unit. */
  static final Duration WINDOW = Duration.ofDays(7);
  /** Growth of the views, at most, between two measurements (a tenth of them while there are fewer than 1 M). */
  static final long MEASURE_EVERY = 100_000;

  /** One past the last committed view's rowid: where a step ends and what is pending, counted the same way. */
  private static final String END_ROW = "(SELECT coalesce(max(rowid) + 1, 0) FROM views)";

  private final Database db;
  private final long chunk;
  private final long maxGroups;
  /** The most groups one statement has aggregated, for tests. */
  private volatile long largestStatement;
  private final int minViewsPerRow;
  private final Duration window;
  private final ScheduledExecutorService timer;
  private DuckDBConnection c;
  private volatile boolean closing;
  /** The statement of the step under way, so that closing can interrupt a long catch-up instead of waiting. */
  private volatile Statement running;
  /** How many views there were when the sets were last measured; -1 before the first time. */
  private long measuredAt = -1;
  /** As of the end of the last run, for metrics: read without waiting for a run under way. */
  private volatile int rollingSets;
  private volatile long lag;

  /** Rolls a set up while its rows stand for at least {@code minViewsPerRow} views each (at least 1). */
  Rollups(Database db, int minViewsPerRow) {
    this(db, CHUNK, minViewsPerRow, WINDOW);
  }

  Rollups(Database db, long chunk, int minViewsPerRow, Duration window) {
    this(db, chunk, MAX_GROUPS, minViewsPerRow, window);
  }

  Rollups(Database db, long chunk, long maxGroups, int minViewsPerRow, Duration window) {
    if (minViewsPerRow < 1) {
      throw new IllegalArgumentException("minViewsPerRow must be at least 1: " + minViewsPerRow);
    }
    if (chunk < 1 || maxGroups < 1) {
      throw new IllegalArgumentException("a statement needs room for a view and a group: " + chunk + ", " + maxGroups);
    }
    this.db = db;
    this.chunk = chunk;
    this.maxGroups = maxGroups;
    this.minViewsPerRow = minViewsPerRow;
    this.window = window;
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
    long end = measure();
    long before = lowestMark(marks());
    long total = 0;
    long n;
    // up to the views there were at the start: under steady ingest every step would find new ones, and the next run
    // must come round to measure again
    while (!closing && (n = step(end)) > 0) {
      total += n;
      if (total >= 10 * chunk) {
        LOG.info("rolled up {} views so far", total);
      }
    }
    Map<RollupSql.RollupSet, Mark> marks = marks();
    rollingSets = (int) marks.values().stream().filter(Mark::rolling).count();
    long after = lowestMark(marks);
    lag = rollingSets == 0 ? 0 : Math.max(0, end - after);
    return after - before;
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
        ResultSet rs = s.executeQuery("SELECT " + END_ROW + " - min(rows) FROM rollup_mark WHERE rolling")) {
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

  private record Mark(long rows, boolean rolling) {}

  private Map<RollupSql.RollupSet, Mark> marks() {
    Map<RollupSql.RollupSet, Mark> marks = new LinkedHashMap<>();
    try (Statement s = conn().createStatement();
        ResultSet rs = s.executeQuery("SELECT unit, dims, rows, rolling FROM rollup_mark ORDER BY unit DESC, dims")) {
      while (rs.next()) {
        marks.put(new RollupSql.RollupSet(rs.getString(1), rs.getString(2)), new Mark(rs.getLong(3), rs.getBoolean(4)));
      }
      return marks;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private static long lowestMark(Map<RollupSql.RollupSet, Mark> marks) {
    return marks.values().stream().filter(Mark::rolling).mapToLong(Mark::rows).min().orElse(0);
  }

  /**
   * Decides which sets roll, from the views started in the {@code window} before the newest one (in whole buckets,
   * and the newest bucket so far, which makes a set look up to a bucket's worth sparser than it is): again whenever
   * the views grew by {@link #MEASURE_EVERY} (or a tenth, while fewer), so a young service's sets start rolling as it
   * grows. Returns how many views there are.
   */
  private long measure() {
    try (Statement s = conn().createStatement()) {
      long end;
      try (ResultSet rs = s.executeQuery("SELECT " + END_ROW)) {
        rs.next();
        end = rs.getLong(1);
      }
      if (measuredAt >= 0 && end - measuredAt < Math.min(MEASURE_EVERY, Math.max(1, measuredAt / 10))) {
        return end;
      }
      long newest;
      try (ResultSet rs = s.executeQuery(
          "SELECT coalesce(epoch_us(max(started_at)), -1) FROM views WHERE rowid >= " + (end - 1000))) {
        rs.next();
        newest = rs.getLong(1);
      }
      long[] views = new long[RollupSql.SETS.size()];
      long[] rows = new long[views.length];
      if (newest >= 0) {
        try (ResultSet rs = s.executeQuery(RollupSql.rowsPerSet(newest - window.toNanos() / 1000))) {
          rs.next();
          for (int i = 0; i < rows.length; i++) {
            views[i] = rs.getLong(2 * i + 1);
            rows[i] = rs.getLong(2 * i + 2);
          }
        }
      }
      Map<RollupSql.RollupSet, Mark> marks = marks();
      for (int i = 0; i < rows.length; i++) {
        if (views[i] == 0) {
          continue;
        }
        RollupSql.RollupSet set = RollupSql.SETS.get(i);
        double perRow = (double) views[i] / Math.max(1, rows[i]);
        boolean was = marks.get(set).rolling();
        boolean roll = perRow >= (was ? minViewsPerRow / 2.0 : minViewsPerRow);
        if (roll != was) {
          s.execute("UPDATE rollup_mark SET rolling = " + roll + " WHERE " + set.markRow());
          LOG.info("{} rolling up views by {}: {} views per row over the last {} of buckets ({} views)",
              roll ? "started" : "stopped", set, String.format("%.1f", perRow), window.toHours() + " h", views[i]);
        }
      }
      measuredAt = end;
      return end;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Rolls the rolling sets furthest behind forward, at most to the view {@code end}; returns by how many views. */
  private long step(long end) {
    DuckDBConnection c = conn();
    try {
      long moved;
      c.setAutoCommit(false);
      // read in the step's own transaction: the marks it moves are the marks it read
      Map<RollupSql.RollupSet, Mark> marks = marks();
      try (Statement s = c.createStatement()) {
        running = s;
        long from = marks.values().stream().filter(m -> m.rolling() && m.rows() < end).mapToLong(Mark::rows).min()
            .orElse(end);
        // sets further ahead are caught up to, not overtaken, so that from then on they move together
        long next = marks.values().stream().filter(m -> m.rolling() && m.rows() > from).mapToLong(Mark::rows).min()
            .orElse(end);
        long to = Math.min(Math.min(end, next), from + chunk * CHUNKS_PER_STEP);
        if (to <= from) {
          c.rollback();
          c.setAutoCommit(true);
          return 0;
        }
        // the rolling sets furthest behind move together; the others catch up in later steps
        List<RollupSql.RollupSet> sets = marks.entrySet().stream()
            .filter(e -> e.getValue().rolling() && e.getValue().rows() == from).map(Map.Entry::getKey).toList();
        List<String> hourly = sets.stream().filter(set -> set.unit().equals("hour")).map(RollupSql.RollupSet::dims)
            .toList();
        List<String> daily = sets.stream().filter(set -> set.unit().equals("day")).map(RollupSql.RollupSet::dims)
            .toList();
        List<String> rebucketed = daily.stream().filter(hourly::contains).toList();
        List<String> dailyOnly = daily.stream().filter(d -> !hourly.contains(d)).toList();
        s.execute("CREATE OR REPLACE TEMP TABLE rollup_delta AS FROM rollup_hour LIMIT 0");
        s.execute("CREATE OR REPLACE TEMP TABLE rollup_day_delta AS FROM rollup_day LIMIT 0");
        // the step may end short of to: where its rounds got, when they gathered enough rows
        to = aggregate(s, hourly, dailyOnly, from, to);
        if (!hourly.isEmpty()) {
          for (String sql : RollupSql.mergeInto("rollup_hour", "rollup_delta")) {
            s.execute(sql);
          }
        }
        if (!daily.isEmpty()) {
          if (!rebucketed.isEmpty()) {
            s.execute("INSERT INTO rollup_day_delta BY NAME SELECT * FROM "
                + RollupSql.dayDelta("rollup_delta", rebucketed));
          }
          for (String sql : RollupSql.mergeInto("rollup_day", "rollup_day_delta")) {
            s.execute(sql);
          }
        }
        for (RollupSql.RollupSet set : sets) {
          s.execute("UPDATE rollup_mark SET rows = " + to + " WHERE " + set.markRow());
        }
        moved = to - from;
      }
      c.commit();
      c.setAutoCommit(true);
      return moved;
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

  /**
   * Aggregates the views from {@code from} on, up to {@code to} at most, for the hourly sets {@code hourly} into
   * {@code rollup_delta} and the daily sets {@code daily} into {@code rollup_day_delta}; returns where it stopped.
   *
   * <p>A statement's memory is its groups, not its views, and a history's density varies: a set that rolls for the
   * views per row of its last week may find a few views per row in its first months. So the views go in rounds, every
   * set one statement per round, the first of {@code chunk / 100} views or {@code maxGroups}, whichever is fewer, each
   * next one sized from the largest group
   * count the last round gave (at most {@code maxGroups} a statement, four times the views at most, and never more
   * than {@code chunk}); and the step ends early once its deltas hold {@link #STEP_GROUPS} rows, for the merge.
   */
  private long aggregate(Statement s, List<String> hourly, List<String> daily, long from, long to)
      throws SQLException {
    long a = from;
    // a statement cannot hold more groups than it has views
    long size = Math.max(1, Math.min(chunk / 100, maxGroups));
    long held = 0;
    while (a < to && held < STEP_GROUPS && !closing) {
      long b = Math.min(to, a + size);
      long most = 0;
      for (String d : hourly) {
        long n = insert(s, "rollup_delta", new RollupSql.RollupSet("hour", d), a, b);
        most = Math.max(most, n);
        held += n;
      }
      for (String d : daily) {
        long n = insert(s, "rollup_day_delta", new RollupSql.RollupSet("day", d), a, b);
        most = Math.max(most, n);
        held += n;
      }
      largestStatement = Math.max(largestStatement, most);
      // groups grow about as the views for a time-ordered history; aim at maxGroups, growing four-fold at most
      long fit = most == 0 ? Long.MAX_VALUE : Math.max(1, (b - a) * maxGroups / most);
      size = Math.max(1, Math.min(chunk, Math.min(fit, (b - a) * 4)));
      a = b;
    }
    if (closing) {
      throw new SQLException("closing");
    }
    return a;
  }

  /** The most groups one statement has aggregated since this was made. */
  long largestStatement() {
    return largestStatement;
  }

  /** Appends one set's aggregate of the views {@code from <= rowid < to} to {@code delta}; returns its rows. */
  private static long insert(Statement s, String delta, RollupSql.RollupSet set, long from, long to)
      throws SQLException {
    // rows of the same bucket from two statements are merged with the rollups' rows by mergeInto
    s.execute("INSERT INTO " + delta + " BY NAME " + RollupSql.delta(set, from, to));
    return s.getUpdateCount();
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
