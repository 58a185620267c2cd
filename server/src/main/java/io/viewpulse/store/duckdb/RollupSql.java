package io.viewpulse.store.duckdb;

import io.viewpulse.query.Dimension;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.store.ViewDimensions;
import io.viewpulse.store.ViewMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Pure builders for the rollups: hourly and daily pre-aggregates of {@code views} per account and per value of a few
 * dimensions, and the SQL that answers a views query from them.
 *
 * <p>Invariants the rest of the store keeps:
 * <ul>
 *   <li>{@code views} is appended to, and only erasures delete from it ({@link DuckErasures}, which keeps the marks
 *       below the next rowid). A rollup set ({@link #SETS}: a unit, and the
 *       account total or one {@link #ROLLED} dimension) holds, in its table's rows with its {@code dims}, exactly
 *       the views with {@code rowid <} its {@code rollup_mark.rows}, each once. Sets move on their own: a set that
 *       is not worth its rows ({@link Rollups}) stops where it is, and one that becomes worth them (again) goes on from
 *       its mark.
 *   <li>One row per (account, bucket, dims, value). Sums and counts merge by addition. TTFF quantiles and unique
 *       viewers are DuckDB aggregate states ({@code approx_quantile} t-digest and {@code approx_count_distinct}
 *       HyperLogLog, kept with {@code EXPORT_STATE} and merged with {@code combine}), which is why the scanning path
 *       ({@link ViewsSql}) computes those two metrics with the same functions: both paths give the same kind of answer.
 *   <li>A query answered from rollups reads, in one statement and so one snapshot: for each range of whole buckets
 *       inside its range, the rollup rows of its set and the raw rows of the views that set does not hold yet; and
 *       raw rows for the partial hours at either end of the range and for open sessions. Nothing is counted twice
 *       and nothing is left out, however far each set has got.
 * </ul>
 * A query is answered from rollups when it is scoped to one account, breaks down by at most one rolled dimension,
 * filters only on that dimension (or, without a breakdown, on one rolled dimension), and does not select a creator id
 * or dStorage URL; a playback id it selects counts as a filter on the playback-id dimension
 * ({@link ViewDimensions#playbackAsFilter}). Everything else scans (see {@link ViewsSql}).
 */
final class RollupSql {
  /**
   * Dimensions with grouping sets of their own: the ones whose rows stand for many views each, in some unit. A set
   * rolls only while they do ({@link Rollups}): a video's day usually does, its hour usually does not, and a query for
   * one video scans the views of whatever its sets do not hold.
   */
  static final List<Dimension> ROLLED = List.of(Dimension.DEVICE_TYPE, Dimension.DEVICE, Dimension.OS,
      Dimension.BROWSER, Dimension.CONTINENT, Dimension.COUNTRY, Dimension.SUBDIVISION, Dimension.BROWSER_ENGINE,
      Dimension.PLAYBACK_ID);

  private static final List<String> ROLLED_COLUMNS = ROLLED.stream().map(ViewsSql.COLUMNS::get).toList();

  /** Bumped whenever the rollup tables change shape or meaning: the store then rebuilds them from {@code views}. */
  static final int VERSION = 5;

  /**
   * Every rollup set: a unit ({@code hour}, {@code day}) and a grouping ({@code ""} for the account total, else a
   * rolled column), hours first. Each set is rolled up, or not, on its own: {@code rollup_mark} has a row per set.
   */
  static final List<RollupSet> SETS = Stream.of("hour", "day")
      .flatMap(u -> Stream.concat(Stream.of(""), ROLLED_COLUMNS.stream()).map(d -> new RollupSet(u, d)))
      .toList();

  /** One grouping set of one rollup table. {@code dims} is a column name from {@link #ROLLED}, never user input. */
  record RollupSet(String unit, String dims) {
    String table() {
      return "rollup_" + unit;
    }

    /** How many views this set holds (the views with a smaller rowid), read in the statement's own snapshot. */
    String mark() {
      return "(SELECT coalesce(max(rows), 0) FROM rollup_mark WHERE " + markRow() + ")";
    }

    /** The condition on {@code rollup_mark} that picks this set's row. */
    String markRow() {
      return "unit = '" + unit + "' AND dims = '" + dims + "'";
    }

    @Override
    public String toString() {
      return (dims.isEmpty() ? "account" : dims) + " per " + unit;
    }
  }

  static final String TTFF_STATE = "approx_quantile(ttff_ms::DOUBLE, [0.5, 0.95])";
  static final String VIEWERS_STATE = "approx_count_distinct(viewer_id)";

  /**
   * The facts every part of a query aggregates ({@link ViewMetrics#ALL_FACTS}), in the order of the rollup tables'
   * metric columns: the rollups keep them all, whatever a query asks.
   */
  private static final String FACTS = ViewMetrics.aggregates(ViewMetrics.ALL_FACTS, ViewsSql.DIALECT);

  private static final String STATES =
      TTFF_STATE + " EXPORT_STATE AS ttff_q, " + VIEWERS_STATE + " EXPORT_STATE AS viewers";

  /**
   * What a row's states finalize to, kept next to them: a query group made of one rollup row (nearly every group of
   * a series by hour or by day) reads these instead of its states, five times faster.
   */
  private static final String FINAL_COLUMNS = "ttff_p50, ttff_p95, unique_viewers";

  private static final String ENGAGEMENT_FACTS =
      "count(*) AS views, coalesce(sum(playtime_ms), 0)::BIGINT AS playtime_ms";
  private static final String ENGAGEMENT_COLUMNS = "views, playtime_ms";

  private static final String KEY_COLUMNS = "account_id, t, dims, " + String.join(", ", ROLLED_COLUMNS);

  private RollupSql() {}

  /** DDL of the rollup tables, created empty from the shape of the aggregation that fills them. */
  static List<String> createTables() {
    return List.of(
        "CREATE TABLE IF NOT EXISTS rollup_mark (version INTEGER NOT NULL, unit VARCHAR NOT NULL,"
            + " dims VARCHAR NOT NULL, rows BIGINT NOT NULL, rolling BOOLEAN NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rollup_hour AS " + shape("hour"),
        "CREATE TABLE IF NOT EXISTS rollup_day AS " + shape("day"));
  }

  /** Adds the mark of every set that has none yet: nothing of it rolled up, and not rolling until measured. */
  static List<String> insertMarks() {
    return SETS.stream().map(set -> "INSERT INTO rollup_mark SELECT " + VERSION + ", '" + set.unit() + "', '"
        + set.dims() + "', 0, false WHERE NOT EXISTS (FROM rollup_mark WHERE " + set.markRow() + ")").toList();
  }

  static List<String> dropTables() {
    return List.of("DROP TABLE IF EXISTS rollup_hour", "DROP TABLE IF EXISTS rollup_day",
        "DROP TABLE IF EXISTS rollup_mark");
  }

  private static String shape(String unit) {
    return "SELECT account_id, date_trunc('" + unit + "', started_at)::TIMESTAMP_S AS t, ''::VARCHAR AS dims, "
        + String.join(", ", ROLLED_COLUMNS) + ", " + FACTS + ", " + STATES
        + ", NULL::DOUBLE AS ttff_p50, NULL::DOUBLE AS ttff_p95, NULL::BIGINT AS unique_viewers FROM views WHERE false"
        + " GROUP BY ALL";
  }

  /**
   * The views with {@code from <= rowid < to}, aggregated per bucket of the set's unit and value of its column: rows
   * shaped like its rollup table (the other rolled columns null). One set per statement, so that a statement holds
   * that set's groups only (all sets' groups at once ran a 10 M-view history with 3,000 places out of memory).
   */
  static String delta(RollupSet set, long fromRow, long toRow) {
    StringBuilder cols = new StringBuilder();
    for (String c : ROLLED_COLUMNS) {
      cols.append(c.equals(set.dims()) ? c : "NULL::VARCHAR AS " + c).append(", ");
    }
    return "SELECT account_id, date_trunc('" + set.unit() + "', started_at)::TIMESTAMP_S AS t, '" + set.dims()
        + "' AS dims, " + cols + FACTS + ", " + STATES + " FROM views WHERE rowid >= " + fromRow + " AND rowid < "
        + toRow + " GROUP BY ALL";
  }

  /**
   * How many rows every set needs for the views started from the bucket of its unit that holds {@code fromMicros}
   * on: one row with, for each set in the order of {@link #SETS}, the number of those views and a HyperLogLog
   * estimate of their distinct (account, bucket, value) keys.
   */
  static String rowsPerSet(long fromMicros) {
    StringBuilder sql = new StringBuilder("SELECT ");
    for (RollupSet set : SETS) {
      String since = " FILTER (WHERE started_at >= date_trunc('" + set.unit() + "', make_timestamp(" + fromMicros
          + ")))";
      sql.append(set == SETS.get(0) ? "" : ", ").append("count(*)").append(since)
          .append(", approx_count_distinct(hash(account_id, date_trunc('").append(set.unit()).append("', started_at)")
          .append(set.dims().isEmpty() ? "" : ", " + set.dims()).append("))").append(since);
    }
    // the widest window: a day's bucket starts no later than an hour's
    return sql.append(" FROM views WHERE started_at >= date_trunc('day', make_timestamp(").append(fromMicros)
        .append("))").toString();
  }

  /**
   * Merges {@code source} (rows shaped like the rollup tables, possibly several per key) into {@code table}: every
   * bucket of every set the source touches is rewritten as the merge of its old rows and the source's. Three
   * statements, to run in one transaction; {@code source} must be a table or a parenthesized query.
   */
  static List<String> mergeInto(String table, String source) {
    String touched = "EXISTS (SELECT 1 FROM " + source
        + " s WHERE s.account_id = r.account_id AND s.t = r.t AND s.dims = r.dims)";
    return List.of(
        "CREATE OR REPLACE TEMP TABLE rollup_merged AS " + withFinals("SELECT " + KEY_COLUMNS + ", "
            + mergedMetrics() + " FROM (SELECT *, 0 AS o FROM " + table + " r WHERE " + touched
            + " UNION ALL BY NAME SELECT *, 1 AS o FROM " + source + ") GROUP BY " + KEY_COLUMNS),
        "DELETE FROM " + table + " r WHERE " + touched,
        // in (set, time) order: row groups then hold one set's hours, and a query's scan skips the others by zonemap
        "INSERT INTO " + table + " BY NAME SELECT * FROM rollup_merged ORDER BY dims, t");
  }

  /**
   * The rows of the sets {@code dims} in an hourly delta table, re-bucketed by UTC day and merged per key: the
   * matching rollup_day delta, without aggregating the views again.
   */
  static String dayDelta(String hourDelta, List<String> dims) {
    String sets = dims.stream().map(d -> "'" + d + "'").collect(Collectors.joining(", "));
    return "(SELECT account_id, date_trunc('day', t)::TIMESTAMP_S AS t, dims, " + String.join(", ", ROLLED_COLUMNS)
        + ", " + mergedMetrics() + " FROM (SELECT *, epoch_ms(t) AS o FROM " + hourDelta + " WHERE dims IN (" + sets
        + ")) GROUP BY account_id,"
        + " date_trunc('day', t)::TIMESTAMP_S, dims, " + String.join(", ", ROLLED_COLUMNS) + ")";
  }

  /** Every fact merged, and the states combined: what merging rollup rows gives. */
  private static String mergedMetrics() {
    return mergedMetrics(ViewsQuery.Detail.QUALITY);
  }

  /**
   * The facts of {@code detail} merged by addition, and (but for engagement) the states combined in the order of
   * column {@code o}, so the same rows always give the same digest.
   */
  private static String mergedMetrics(ViewsQuery.Detail detail) {
    String sums = ViewMetrics.merges(ViewMetrics.facts(detail), ViewsSql.DIALECT);
    if (!detail.full()) {
      return sums;
    }
    return sums + ", " + combined("ttff_q") + " AS ttff_q, " + combined("viewers") + " AS viewers";
  }

  /** The fact columns a query of {@code detail} reads. */
  private static String sumColumns(ViewsQuery.Detail detail) {
    return ViewMetrics.names(ViewMetrics.facts(detail));
  }

  /** The rows of {@code rows} (sums and states) with their states finalized into the rollups' final columns. */
  private static String finalized(String rows, String keySelect, ViewsQuery.Detail detail) {
    return "SELECT " + keySelect + sumColumns(detail) + ", " + FINAL_COLUMNS + " FROM (" + withFinals(rows) + ")";
  }

  /**
   * {@code rows} (with states, without final columns) and their states finalized into the final columns: the one
   * definition of them, for the rows stored in the rollups and the groups a query finalizes alike.
   */
  private static String withFinals(String rows) {
    return "SELECT * EXCLUDE (q, uv), q[1] AS ttff_p50, q[2] AS ttff_p95, uv AS unique_viewers FROM (SELECT *,"
        + " finalize(ttff_q) AS q, coalesce(finalize(viewers), 0) AS uv FROM (" + rows + "))";
  }

  private static String combined(String state) {
    return "list_reduce(list(" + state + " ORDER BY o), lambda x, y: combine(x, y))";
  }

  /**
   * The rolled dimension a query can be answered by (empty for the account total), or empty when it cannot
   * ({@link ViewDimensions#groupingSet}).
   */
  static Optional<Optional<Dimension>> groupingSet(ViewsQuery query) {
    return ViewDimensions.groupingSet(query, ROLLED);
  }

  /**
   * The views query answered from rollups, with the same columns as {@link ViewsSql#views}, or empty when the query
   * needs a scan ({@link #groupingSet}) or its range holds no whole hour.
   *
   * <p>Shape: {@code w} holds the raw rows aggregated per output group, {@code r} the rollup rows, {@code m} the
   * output groups made of several of those rows. A group of one rollup row takes that row's finalized values without
   * reading its states (finalizing states, not reading rows, is what a series of 180,000 groups spent 1.7 s on); a
   * group of one raw row finalizes its states; only the groups in {@code m} go through {@code list}/{@code combine},
   * which copies the states and costs about ten times as much per row.
   */
  static Optional<SqlQuery> views(ViewsQuery query) {
    ViewsQuery q = ViewDimensions.playbackAsFilter(query);
    Optional<Optional<Dimension>> set = groupingSet(q);
    if (set.isEmpty()) {
      return Optional.empty();
    }
    Instant h1 = q.from() == null ? null : ceil(q.from(), ChronoUnit.HOURS);
    Instant h2 = q.to() == null ? null : q.to().truncatedTo(ChronoUnit.HOURS);
    if (h1 != null && h2 != null && !h1.isBefore(h2)) {
      return Optional.empty();
    }
    String setColumn = set.get().map(ViewsSql.COLUMNS::get).orElse(null);
    String col = q.breakdown().isEmpty() ? null : setColumn;
    ViewsQuery.Detail detail = q.detail();
    boolean full = detail.full();
    String facts = ViewMetrics.aggregates(ViewMetrics.facts(detail), ViewsSql.DIALECT);
    String sumColumns = sumColumns(detail);
    Parts parts = new Parts(q, setColumn);
    List<String> keys = new ArrayList<>();
    if (q.timeStep() != null) {
      keys.add("b");
    }
    if (col != null) {
      keys.add(col);
    }
    String keyList = String.join(", ", keys);
    String keySelect = keys.isEmpty() ? "" : keyList + ", ";
    String bucket = q.timeStep() == null ? "" : ViewsSql.bucket(q.timeStep(), "t") + " AS b, ";

    // whole days and hours, each from the rollup of the query's set in that unit as far as it holds views
    String dims = setColumn == null ? "" : setColumn;
    RollupSet hours = new RollupSet("hour", dims);
    RollupSet days = new RollupSet("day", dims);
    List<Segment> segments = new ArrayList<>();
    Instant d1 = h1 == null ? null : ceil(h1, ChronoUnit.DAYS);
    Instant d2 = h2 == null ? null : h2.truncatedTo(ChronoUnit.DAYS);
    if (q.timeStep() != TimeStep.HOUR && (d1 == null || d2 == null || d1.isBefore(d2))) {
      segments.add(new Segment(days, d1, d2));
      if (h1 != null && h1.isBefore(d1)) {
        segments.add(new Segment(hours, h1, d1));
      }
      if (h2 != null && d2.isBefore(h2)) {
        segments.add(new Segment(hours, d2, h2));
      }
    } else {
      segments.add(new Segment(hours, h1, h2));
    }

    // raw rows: the partial hours at both ends, the views a segment's rollup does not hold yet, open sessions
    String raw = "SELECT started_at AS t" + (col == null ? "" : ", " + col) + ", " + ViewMetrics.columnsRead(detail);
    List<String> rawParts = new ArrayList<>();
    if (q.from() != null) {
      rawParts.add(parts.raw(raw + " FROM views WHERE true", q.from(), h1));
    }
    if (q.to() != null) {
      rawParts.add(parts.raw(raw + " FROM views WHERE true", h2, q.to()));
    }
    for (Segment seg : segments) {
      rawParts.add(parts.raw(raw + " FROM views WHERE rowid >= " + seg.set().mark(), seg.from(), seg.to()));
    }
    rawParts.add(parts.raw(raw + " FROM live_views WHERE play_intent", q.from(), q.to()));
    String nulls = full ? ", NULL::DOUBLE AS ttff_p50, NULL::DOUBLE AS ttff_p95, NULL::BIGINT AS unique_viewers" : "";
    StringBuilder w = new StringBuilder("SELECT ").append(bucket).append(col == null ? "" : col + ", ")
        .append(full ? facts + ", " + STATES : ENGAGEMENT_FACTS).append(nulls)
        .append(", 9223372036854775807 AS o FROM (").append(String.join(" UNION ALL ", rawParts)).append(')');
    if (!keys.isEmpty()) {
      w.append(" GROUP BY ").append(keyList);
    }
    String rolledSelect = "SELECT " + bucket + (col == null ? "" : col + ", ")
        + (full ? sumColumns + ", " + FINAL_COLUMNS + ", ttff_q, viewers" : ENGAGEMENT_COLUMNS) + ", epoch_ms(t) AS o";
    List<String> rolled = new ArrayList<>();
    for (Segment seg : segments) {
      rolled.add(parts.rolled(rolledSelect + " FROM " + seg.set().table(), seg.from(), seg.to()));
    }
    String r = "SELECT * FROM (" + String.join(" UNION ALL ", rolled) + ")";

    String groups;
    if (!full) {
      groups = "SELECT " + keySelect + mergedMetrics(detail) + " FROM (SELECT * FROM (" + w + ") UNION ALL BY NAME "
          + r + ")" + (keys.isEmpty() ? " HAVING count(*) > 0" : " GROUP BY " + keyList);
    } else if (keys.isEmpty()) {
      groups = finalized("SELECT " + mergedMetrics(detail) + " FROM (SELECT * FROM (" + w + ") UNION ALL BY NAME " + r
          + ") HAVING count(*) > 0", "", detail);
    } else {
      // a group of one rollup row (nearly all of a series by hour or day) takes the row's finalized values and never
      // reads its states; only groups of several rows, or of raw rows, finalize states
      String inM = "EXISTS (SELECT 1 FROM m WHERE " + keys.stream()
          .map(k -> "m." + k + (k.equals("b") ? " = " : " IS NOT DISTINCT FROM ") + "p." + k)
          .collect(Collectors.joining(" AND ")) + ")";
      groups = "WITH w AS (" + w + "), r AS (" + r + "), m AS (SELECT " + keyList + " FROM (SELECT " + keyList
          + " FROM w UNION ALL SELECT " + keyList + " FROM r) GROUP BY " + keyList + " HAVING count(*) > 1)"
          + " SELECT " + keySelect + sumColumns + ", " + FINAL_COLUMNS + " FROM r p WHERE NOT " + inM
          + " UNION ALL " + finalized("SELECT * EXCLUDE (" + FINAL_COLUMNS + ") FROM w p WHERE NOT " + inM, keySelect,
              detail)
          + " UNION ALL " + finalized("SELECT " + keySelect + mergedMetrics(detail) + " FROM (SELECT * FROM w p WHERE "
              + inM + " UNION ALL BY NAME SELECT * FROM r p WHERE " + inM + ") GROUP BY " + keyList, keySelect, detail);
    }

    StringBuilder sql = new StringBuilder("SELECT ");
    if (q.timeStep() != null) {
      sql.append("epoch_ms(b) AS bucket_ms, ");
    }
    if (col != null) {
      sql.append(col).append(", ");
    }
    if (full) {
      sql.append(ViewMetrics.selectOverFacts(detail == ViewsQuery.Detail.QUALITY, "ttff_p50", "ttff_p95", "unique_viewers"));
    } else {
      sql.append("views AS view_count, playtime_ms / 60000.0 AS playtime_mins");
    }
    sql.append(" FROM (").append(groups).append(')');
    if (!keys.isEmpty()) {
      sql.append(" ORDER BY ");
      if (q.timeStep() != null) {
        sql.append("bucket_ms, ");
      }
      sql.append("view_count DESC");
      if (col != null) {
        sql.append(", ").append(col).append(" NULLS LAST");
      }
    }
    return Optional.of(new SqlQuery(sql.toString(), parts.params));
  }

  /** A range of whole buckets that a rollup set answers (for the views it holds), unbounded where null. */
  private record Segment(RollupSet set, Instant from, Instant to) {}

  /** Builds the WHERE clauses of the parts, collecting their parameters in order. */
  private static final class Parts {
    final ViewsQuery q;
    final String col;
    final List<Object> params = new ArrayList<>();

    Parts(ViewsQuery q, String col) {
      this.q = q;
      this.col = col;
    }

    String raw(String select, Instant from, Instant to) {
      StringBuilder s = new StringBuilder(select).append(" AND account_id = ?");
      params.add(q.accountId());
      range("started_at", from, to, s);
      filters(s);
      return s.toString();
    }

    String rolled(String select, Instant from, Instant to) {
      StringBuilder s = new StringBuilder(select).append(" WHERE account_id = ? AND dims = '")
          .append(col == null ? "" : col).append('\'');
      params.add(q.accountId());
      range("t", from, to, s);
      filters(s);
      return s.toString();
    }

    private void range(String column, Instant from, Instant to, StringBuilder s) {
      if (from != null) {
        s.append(" AND ").append(column).append(" >= ").append(DuckDirectory.TS);
        params.add(ViewsSql.micros(from));
      }
      if (to != null) {
        s.append(" AND ").append(column).append(" < ").append(DuckDirectory.TS);
        params.add(ViewsSql.micros(to));
      }
    }

    private void filters(StringBuilder s) {
      List<String> where = new ArrayList<>();
      ViewsSql.filters(q.filters(), d -> col, where, params);
      where.forEach(w -> s.append(" AND ").append(w));
    }
  }

  private static Instant ceil(Instant i, ChronoUnit unit) {
    Instant t = i.truncatedTo(unit);
    return t.equals(i) ? t : t.plus(Duration.of(1, unit));
  }
}
