package io.viewpulse.store;

import io.viewpulse.query.Dimension;
import io.viewpulse.query.Filter;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Pure builders for the rollups: hourly and daily pre-aggregates of {@code views} per account and per value of a few
 * low-cardinality dimensions, and the SQL that answers a views query from them.
 *
 * <p>Invariants the rest of the store keeps:
 * <ul>
 *   <li>{@code views} is append-only, so a rowid names a view for good. {@code rollup_hour} and {@code rollup_day}
 *       aggregate exactly the views with {@code rowid < rollup_mark.rows}, each once per grouping set: the account
 *       total ({@code dims = ''}) and one set per {@link #ROLLED} dimension ({@code dims} = its column).
 *   <li>One row per (account, bucket, dims, value). Sums and counts merge by addition. TTFF quantiles and unique
 *       viewers are DuckDB aggregate states ({@code approx_quantile} t-digest and {@code approx_count_distinct}
 *       HyperLogLog, kept with {@code EXPORT_STATE} and merged with {@code combine}), which is why the scanning path
 *       ({@link ViewsSql}) computes those two metrics with the same functions: both paths give the same kind of answer.
 *   <li>A query answered from rollups reads, in one statement and so one snapshot: rollup rows of the whole buckets
 *       inside its range, and raw rows for the rest (views not rolled up yet, the partial hours at either end of the
 *       range, open sessions). Nothing is counted twice and nothing is left out.
 * </ul>
 * A query is answered from rollups when it is scoped to one account, breaks down by at most one rolled dimension,
 * filters only on that dimension (or, without a breakdown, on one rolled dimension), and does not select a playback
 * id, creator id or dStorage URL. Everything else scans (see {@link ViewsSql}).
 */
final class RollupSql {
  /** Dimensions with a grouping set of their own: the ones with few values, where a rollup is much smaller. */
  static final List<Dimension> ROLLED = List.of(Dimension.DEVICE_TYPE, Dimension.DEVICE, Dimension.OS,
      Dimension.BROWSER, Dimension.CONTINENT, Dimension.COUNTRY, Dimension.SUBDIVISION);

  private static final List<String> ROLLED_COLUMNS = ROLLED.stream().map(ViewsSql.COLUMNS::get).toList();

  /** Bumped whenever the rollup tables change shape or meaning: the store then rebuilds them from {@code views}. */
  static final int VERSION = 1;

  static final String TTFF_STATE = "approx_quantile(ttff_ms::DOUBLE, [0.5, 0.95])";
  static final String VIEWERS_STATE = "approx_count_distinct(viewer_id)";

  /** The per-view facts every part of a query aggregates, in the order of the rollup tables' metric columns. */
  private static final String FACTS = "count(*) AS views, coalesce(sum(playtime_ms), 0)::BIGINT AS playtime_ms,"
      + " count(ttff_ms) AS ttff_n, coalesce(sum(ttff_ms), 0)::BIGINT AS ttff_sum,"
      + " coalesce(sum(rebuffer_ms), 0)::BIGINT AS rebuffer_ms, count_if(errors > 0) AS errored,"
      + " count_if(ended AND NOT first_frame AND errors = 0) AS exits";

  private static final String STATES =
      TTFF_STATE + " EXPORT_STATE AS ttff_q, " + VIEWERS_STATE + " EXPORT_STATE AS viewers";

  private static final String METRIC_COLUMNS =
      "views, playtime_ms, ttff_n, ttff_sum, rebuffer_ms, errored, exits, ttff_q, viewers";

  private static final String ENGAGEMENT_FACTS =
      "count(*) AS views, coalesce(sum(playtime_ms), 0)::BIGINT AS playtime_ms";
  private static final String ENGAGEMENT_COLUMNS = "views, playtime_ms";

  private static final String KEY_COLUMNS = "account_id, t, dims, " + String.join(", ", ROLLED_COLUMNS);

  private RollupSql() {}

  /** DDL of the rollup tables, created empty from the shape of the aggregation that fills them. */
  static List<String> createTables() {
    return List.of(
        "CREATE TABLE IF NOT EXISTS rollup_mark (version INTEGER NOT NULL, rows BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rollup_hour AS " + aggregateViews("hour", "false"),
        "CREATE TABLE IF NOT EXISTS rollup_day AS " + aggregateViews("day", "false"));
  }

  static List<String> dropTables() {
    return List.of("DROP TABLE IF EXISTS rollup_hour", "DROP TABLE IF EXISTS rollup_day",
        "DROP TABLE IF EXISTS rollup_mark");
  }

  /** The views with {@code from <= rowid < to}, aggregated per hour and grouping set (a rollup_hour delta). */
  static String hourDelta(long fromRow, long toRow) {
    return aggregateViews("hour", "rowid >= " + fromRow + " AND rowid < " + toRow);
  }

  private static String aggregateViews(String unit, String where) {
    StringBuilder dims = new StringBuilder("CASE");
    for (String c : ROLLED_COLUMNS) {
      dims.append(" WHEN grouping(").append(c).append(") = 0 THEN '").append(c).append('\'');
    }
    dims.append(" ELSE '' END");
    StringBuilder sets = new StringBuilder("(account_id, t)");
    for (String c : ROLLED_COLUMNS) {
      sets.append(", (account_id, t, ").append(c).append(')');
    }
    return "SELECT account_id, date_trunc('" + unit + "', started_at)::TIMESTAMP_S AS t, " + dims + " AS dims, "
        + String.join(", ", ROLLED_COLUMNS) + ", " + FACTS + ", " + STATES
        + " FROM views WHERE " + where + " GROUP BY GROUPING SETS (" + sets + ")";
  }

  /**
   * Merges {@code source} (rows shaped like the rollup tables, possibly several per key) into {@code table}: every
   * bucket the source touches is rewritten as the merge of its old rows and the source's. Three statements, to run
   * in one transaction; {@code source} must be a table or a parenthesized query.
   */
  static List<String> mergeInto(String table, String source) {
    String touched = "EXISTS (SELECT 1 FROM " + source + " s WHERE s.account_id = r.account_id AND s.t = r.t)";
    return List.of(
        "CREATE OR REPLACE TEMP TABLE rollup_merged AS SELECT " + KEY_COLUMNS + ", " + mergedMetrics()
            + " FROM (SELECT *, 0 AS o FROM " + table + " r WHERE " + touched
            + " UNION ALL BY NAME SELECT *, 1 AS o FROM " + source + ") GROUP BY " + KEY_COLUMNS,
        "DELETE FROM " + table + " r WHERE " + touched,
        // in (set, time) order: row groups then hold one set's hours, and a query's scan skips the others by zonemap
        "INSERT INTO " + table + " BY NAME SELECT * FROM rollup_merged ORDER BY dims, t");
  }

  /** Rows of an hourly delta table, re-bucketed by UTC day and merged per key: the matching rollup_day delta. */
  static String dayDelta(String hourDelta) {
    return "(SELECT account_id, date_trunc('day', t)::TIMESTAMP_S AS t, dims, " + String.join(", ", ROLLED_COLUMNS)
        + ", " + mergedMetrics() + " FROM (SELECT *, epoch_ms(t) AS o FROM " + hourDelta + ") GROUP BY account_id,"
        + " date_trunc('day', t)::TIMESTAMP_S, dims, " + String.join(", ", ROLLED_COLUMNS) + ")";
  }

  private static String mergedMetrics() {
    return mergedMetrics(true);
  }

  /** Sums, and states combined in the order of column {@code o}, so the same rows always give the same digest. */
  private static String mergedMetrics(boolean full) {
    if (!full) {
      return "sum(views)::BIGINT AS views, sum(playtime_ms)::BIGINT AS playtime_ms";
    }
    return "sum(views)::BIGINT AS views, sum(playtime_ms)::BIGINT AS playtime_ms, sum(ttff_n)::BIGINT AS ttff_n,"
        + " sum(ttff_sum)::BIGINT AS ttff_sum, sum(rebuffer_ms)::BIGINT AS rebuffer_ms,"
        + " sum(errored)::BIGINT AS errored, sum(exits)::BIGINT AS exits,"
        + " " + combined("ttff_q") + " AS ttff_q, " + combined("viewers") + " AS viewers";
  }

  private static String combined(String state) {
    return "list_reduce(list(" + state + " ORDER BY o), lambda x, y: combine(x, y))";
  }

  /** The rolled dimension a query can be answered by (empty for the account total), or empty when it cannot. */
  static Optional<Optional<Dimension>> groupingSet(ViewsQuery q) {
    if (q.accountId() == null || q.playbackId() != null || q.dStorageUrl() != null || q.creatorId() != null
        || q.breakdown().size() > 1) {
      return Optional.empty();
    }
    Set<Dimension> used = q.filters().stream().map(Filter::dimension).collect(Collectors.toSet());
    used.addAll(q.breakdown());
    if (used.size() > 1 || !ROLLED.containsAll(used)) {
      return Optional.empty();
    }
    return Optional.of(used.stream().findFirst());
  }

  /**
   * The views query answered from rollups, with the same columns as {@link ViewsSql#views}, or empty when the query
   * needs a scan ({@link #groupingSet}) or its range holds no whole hour.
   *
   * <p>Shape: the parts (raw rows aggregated per output group, and rollup rows) are unioned; an output group made of
   * one part row is finalized as it is, and only groups of several rows go through {@code list}/{@code combine},
   * which copies the states and costs about ten times as much per row.
   */
  static Optional<SqlQuery> views(ViewsQuery q) {
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
    boolean full = q.detail() == ViewsQuery.Detail.FULL;
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

    // raw rows: views not rolled up yet, the partial hours at both ends, open sessions
    String raw = "SELECT started_at AS t" + (col == null ? "" : ", " + col)
        + ", playtime_ms, ttff_ms, rebuffer_ms, errors, first_frame, ended, viewer_id";
    List<String> rawParts = new ArrayList<>();
    rawParts.add(parts.raw(raw + " FROM views WHERE rowid >= " + MARK, q.from(), q.to()));
    if (q.from() != null) {
      rawParts.add(parts.raw(raw + " FROM views WHERE rowid < " + MARK, q.from(), h1));
    }
    if (q.to() != null) {
      rawParts.add(parts.raw(raw + " FROM views WHERE rowid < " + MARK, h2, q.to()));
    }
    rawParts.add(parts.raw(raw + " FROM live_views WHERE play_intent", q.from(), q.to()));
    StringBuilder union = new StringBuilder("SELECT ").append(bucket).append(col == null ? "" : col + ", ")
        .append(full ? FACTS + ", " + STATES : ENGAGEMENT_FACTS)
        .append(", 9223372036854775807 AS o FROM (").append(String.join(" UNION ALL ", rawParts)).append(')');
    if (!keys.isEmpty()) {
      union.append(" GROUP BY ").append(keyList);
    }

    // whole hours and days from the rollups
    String rolled = "SELECT " + bucket + (col == null ? "" : col + ", ")
        + (full ? METRIC_COLUMNS : ENGAGEMENT_COLUMNS) + ", epoch_ms(t) AS o";
    Instant d1 = h1 == null ? null : ceil(h1, ChronoUnit.DAYS);
    Instant d2 = h2 == null ? null : h2.truncatedTo(ChronoUnit.DAYS);
    if (q.timeStep() != TimeStep.HOUR && (d1 == null || d2 == null || d1.isBefore(d2))) {
      union.append(" UNION ALL ").append(parts.rolled(rolled + " FROM rollup_day", d1, d2));
      if (h1 != null && h1.isBefore(d1)) {
        union.append(" UNION ALL ").append(parts.rolled(rolled + " FROM rollup_hour", h1, d1));
      }
      if (h2 != null && d2.isBefore(h2)) {
        union.append(" UNION ALL ").append(parts.rolled(rolled + " FROM rollup_hour", d2, h2));
      }
    } else {
      union.append(" UNION ALL ").append(parts.rolled(rolled + " FROM rollup_hour", h1, h2));
    }

    String metrics = full ? METRIC_COLUMNS : ENGAGEMENT_COLUMNS;
    String merged = "SELECT " + keySelect + metrics + " FROM x WHERE n = 1 UNION ALL SELECT " + keySelect
        + mergedMetrics(full) + " FROM x WHERE n > 1"
        + (keys.isEmpty() ? " HAVING count(*) > 0" : " GROUP BY " + keyList);
    StringBuilder sql = new StringBuilder("WITH x AS (SELECT *, count(*) OVER (")
        .append(keys.isEmpty() ? "" : "PARTITION BY " + keyList).append(") AS n FROM (").append(union)
        .append(")) SELECT ");
    if (q.timeStep() != null) {
      sql.append("epoch_ms(b) AS bucket_ms, ");
    }
    if (col != null) {
      sql.append(col).append(", ");
    }
    sql.append("views AS view_count, playtime_ms / 60000.0 AS playtime_mins");
    if (full) {
      sql.append(", ttff_sum::DOUBLE / nullif(ttff_n, 0) AS ttff_ms, q[1] AS ttff_p50_ms, q[2] AS ttff_p95_ms,"
          + " rebuffer_ms::DOUBLE / nullif(playtime_ms + rebuffer_ms, 0) AS rebuffer_ratio,"
          + " errored::DOUBLE / nullif(views, 0) AS error_rate, exits::DOUBLE / nullif(views, 0) AS exits_before_start,"
          + " coalesce(finalize(viewers), 0) AS unique_viewers");
    }
    sql.append(" FROM (SELECT *").append(full ? ", finalize(ttff_q) AS q" : "").append(" FROM (").append(merged)
        .append("))");
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

  /** How many views are rolled up, read in the query's own snapshot. */
  private static final String MARK = "(SELECT coalesce(max(rows), 0) FROM rollup_mark)";

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
        s.append(" AND ").append(column).append(" >= ").append(AdminStore.TS);
        params.add(ViewsSql.micros(from));
      }
      if (to != null) {
        s.append(" AND ").append(column).append(" < ").append(AdminStore.TS);
        params.add(ViewsSql.micros(to));
      }
    }

    private void filters(StringBuilder s) {
      for (Filter f : q.filters()) {
        s.append(" AND ").append(col).append(f.negated() ? " IS DISTINCT FROM ?" : " = ?");
        params.add(f.value());
      }
    }
  }

  private static Instant ceil(Instant i, ChronoUnit unit) {
    Instant t = i.truncatedTo(unit);
    return t.equals(i) ? t : t.plus(Duration.of(1, unit));
  }
}
