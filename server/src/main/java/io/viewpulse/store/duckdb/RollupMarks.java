package io.viewpulse.store.duckdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** The rollup sets' marks ({@code rollup_mark}): how many views each set holds, and whether it is rolling. */
final class RollupMarks {
  /** One past the last committed view's rowid: where a step ends and what is pending, counted the same way. */
  static final String END_ROW = "(SELECT coalesce(max(rowid) + 1, 0) FROM views)";

  private RollupMarks() {}

  /** A set's mark: it holds the views with a smaller rowid than {@code rows}. */
  record Mark(long rows, boolean rolling) {}

  /** Every set's mark, read on {@code c} (in its transaction, when one is under way). */
  static Map<RollupSql.RollupSet, Mark> read(Connection c) throws SQLException {
    Map<RollupSql.RollupSet, Mark> marks = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT unit, dims, rows, rolling FROM rollup_mark ORDER BY unit DESC, dims")) {
      while (rs.next()) {
        marks.put(new RollupSql.RollupSet(rs.getString(1), rs.getString(2)), new Mark(rs.getLong(3), rs.getBoolean(4)));
      }
      return marks;
    }
  }

  /** The mark of the rolling set furthest behind, 0 when none rolls. */
  static long lowest(Map<RollupSql.RollupSet, Mark> marks) {
    return marks.values().stream().filter(Mark::rolling).mapToLong(Mark::rows).min().orElse(0);
  }
}
