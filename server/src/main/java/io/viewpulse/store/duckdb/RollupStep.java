package io.viewpulse.store.duckdb;

import io.viewpulse.store.duckdb.RollupMarks.Mark;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.duckdb.DuckDBConnection;

/**
 * One step of rolling up ({@link Rollups}): the next views by rowid, for the rolling sets furthest behind, aggregated
 * in statements sized to bound their memory, merged into the rollup tables, and the sets' marks moved, in one
 * transaction.
 */
final class RollupStep {
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

  private final long chunk;
  private final long maxGroups;
  private final BooleanSupplier closing;
  /** The most groups one statement has aggregated, for tests. */
  private volatile long largestStatement;
  /** The statement under way, so that closing can interrupt a long catch-up instead of waiting. */
  private volatile Statement running;

  RollupStep(long chunk, long maxGroups, BooleanSupplier closing) {
    if (chunk < 1 || maxGroups < 1) {
      throw new IllegalArgumentException("a statement needs room for a view and a group: " + chunk + ", " + maxGroups);
    }
    this.chunk = chunk;
    this.maxGroups = maxGroups;
    this.closing = closing;
  }

  /** Views a step aggregates per statement, at most. */
  long chunk() {
    return chunk;
  }

  /** Cancels the statement under way, if any: the step fails and its transaction rolls back. */
  void cancel() {
    Statement s = running;
    if (s != null) {
      try {
        s.cancel();
      } catch (SQLException ignored) {
        // the step ends on its own then
      }
    }
  }

  /**
   * Rolls the rolling sets furthest behind forward, at most to the view {@code end}, in one transaction on {@code c};
   * returns by how many views. A failure leaves the transaction to be rolled back with the connection.
   */
  long run(DuckDBConnection c, long end) throws SQLException {
    try {
      long moved;
      c.setAutoCommit(false);
      // read in the step's own transaction: the marks it moves are the marks it read
      Map<RollupSql.RollupSet, Mark> marks = RollupMarks.read(c);
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
    while (a < to && held < STEP_GROUPS && !closing.getAsBoolean()) {
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
    if (closing.getAsBoolean()) {
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

}
