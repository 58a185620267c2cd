package io.viewpulse.store.duckdb;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which rollup sets are worth their rows: a set rolls while its rows stand for at least {@code minViewsPerRow} views
 * each over the last {@code window} of buckets, and stops below half that, so that it does not flap (see
 * {@link Rollups} for why this is measured, not configured).
 */
final class RollupPolicy {
  private static final Logger LOG = LoggerFactory.getLogger(RollupPolicy.class);
  /** How far back from the newest view the sets are measured, in whole buckets of their unit. */
  static final Duration WINDOW = Duration.ofDays(7);
  /** Growth of the views, at most, between two measurements (a tenth of them while there are fewer than 1 M). */
  static final long MEASURE_EVERY = 100_000;

  private final int minViewsPerRow;
  private final Duration window;
  /** How many views there were when the sets were last measured; -1 before the first time. */
  private long measuredAt = -1;

  /** Rolls a set up while its rows stand for at least {@code minViewsPerRow} views each (at least 1). */
  RollupPolicy(int minViewsPerRow, Duration window) {
    if (minViewsPerRow < 1) {
      throw new IllegalArgumentException("minViewsPerRow must be at least 1: " + minViewsPerRow);
    }
    this.minViewsPerRow = minViewsPerRow;
    this.window = window;
  }

  /**
   * Decides which sets roll, from the views started in the {@code window} before the newest one (in whole buckets,
   * and the newest bucket so far, which makes a set look up to a bucket's worth sparser than it is): again whenever
   * the views grew by {@link #MEASURE_EVERY} (or a tenth, while fewer), so a young service's sets start rolling as it
   * grows. Returns how many views there are.
   */
  long measure(DuckDBConnection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      long end;
      try (ResultSet rs = s.executeQuery("SELECT " + RollupMarks.END_ROW)) {
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
      Map<RollupSql.RollupSet, RollupMarks.Mark> marks = RollupMarks.read(c);
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
    }
  }
}
