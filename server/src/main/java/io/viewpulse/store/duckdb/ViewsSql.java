package io.viewpulse.store.duckdb;

import io.viewpulse.query.Dimension;
import io.viewpulse.store.ViewDimensions;
import io.viewpulse.store.ViewMetrics;
import io.viewpulse.query.RealtimeQuery;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.UsageQuery;
import io.viewpulse.query.ViewsQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pure builders from query specs to SQL over {@code all_views}. The only place where API dimensions meet this store's
 * column names. The metrics are those of {@link ViewMetrics}, the one definition both stores share; the estimators
 * are DuckDB's:
 *
 * <ul>
 *   <li>ttffP50Ms, ttffP95Ms: t-digest estimates ({@code approx_quantile}: exact for a handful of views, within about
 *       a percent of rank beyond), the function whose states the rollups keep, so a scan and a rollup give the same
 *       kind of answer
 *   <li>uniqueViewers: distinct viewer ids, estimated (HyperLogLog: exact for small groups, within a few percent
 *       beyond; an exact count is five times slower than all the other metrics together over 100 M views), and at
 *       most the group's views: an estimate above the views is the views ({@link RollupSql} likewise)
 * </ul>
 * A query with every metric aggregates the facts of its groups in a subquery and computes the metrics over them.
 * User values only ever travel as parameters; identifiers come from the allowlist below.
 */
final class ViewsSql {
  /** The column of each dimension ({@link ViewDimensions#COLUMNS}). */
  static final Map<Dimension, String> COLUMNS = ViewDimensions.COLUMNS;

  static final String ENGAGEMENT_METRICS =
      "count(*) AS view_count, coalesce(sum(playtime_ms), 0) / 60000.0 AS playtime_mins";

  /** DuckDB's aggregate functions, for {@link ViewMetrics}. */
  static final ViewMetrics.Dialect DIALECT = new ViewMetrics.Dialect() {
    @Override
    public String countIf(String condition) {
      return "count_if(" + condition + ")";
    }

    @Override
    public String wholeType() {
      return "BIGINT";
    }

    @Override
    public String realType() {
      return "DOUBLE";
    }
  };

  /** The estimators' results of a group of views, beside its facts. */
  static final String ESTIMATES = RollupSql.TTFF_STATE + " AS ttff_q, " + RollupSql.VIEWERS_STATE + " AS unique_viewers";

  private ViewsSql() {}

  /**
   * The conditions of {@code filters} on the columns {@code column} names ({@link io.viewpulse.query.Filter}): one
   * value {@code col = ?}, several {@code col IN (?, ...)}, a negation {@code col IS DISTINCT FROM ?}.
   */
  static void filters(List<io.viewpulse.query.Filter> filters,
      java.util.function.Function<io.viewpulse.query.Dimension, String> column, List<String> where,
      List<Object> params) {
    io.viewpulse.query.Filter.alternatives(filters).forEach((d, values) -> {
      where.add(column.apply(d) + (values.size() == 1 ? " = ?"
          : " IN (" + String.join(", ", java.util.Collections.nCopies(values.size(), "?")) + ")"));
      params.addAll(values);
    });
    for (io.viewpulse.query.Filter f : io.viewpulse.query.Filter.exclusions(filters)) {
      where.add(column.apply(f.dimension()) + " IS DISTINCT FROM ?");
      params.add(f.value());
    }
  }

  /**
   * Columns of the result, in order: [bucket_ms,] one per breakdown dimension, view_count, playtime_mins
   * [, ttff_ms, ttff_p50_ms, ttff_p95_ms, rebuffer_ratio, error_rate, exits_before_start, unique_viewers
   * [, one per {@link io.viewpulse.query.QualityMetric}]].
   */
  static SqlQuery views(ViewsQuery q) {
    List<Object> params = new ArrayList<>();
    List<String> select = new ArrayList<>();
    List<String> group = new ArrayList<>();
    if (q.timeStep() != null) {
      select.add("epoch_ms(" + bucket(q.timeStep(), "started_at") + ") AS bucket_ms");
      group.add("bucket_ms");
    }
    for (Dimension d : q.breakdown()) {
      String col = COLUMNS.get(d);
      select.add(col);
      group.add(col);
    }
    boolean full = q.detail().full();
    select.add(full ? ViewMetrics.aggregates(ViewMetrics.facts(q.detail()), DIALECT) + ", " + ESTIMATES
        : ENGAGEMENT_METRICS);
    List<String> where = new ArrayList<>();
    scope(q, where, params);
    StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select)).append(" FROM all_views");
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    if (!group.isEmpty()) {
      sql.append(" GROUP BY ").append(String.join(", ", group));
    }
    if (full) {
      // the groups' facts, then the metrics over them
      List<String> keys = new ArrayList<>();
      if (q.timeStep() != null) {
        keys.add("bucket_ms");
      }
      q.breakdown().forEach(d -> keys.add(COLUMNS.get(d)));
      sql = new StringBuilder("SELECT ").append(keys.isEmpty() ? "" : String.join(", ", keys) + ", ")
          .append(ViewMetrics.selectOverFacts(q.detail() == ViewsQuery.Detail.QUALITY, "ttff_q[1]", "ttff_q[2]",
              "unique_viewers"))
          .append(" FROM (").append(sql).append(')');
    }
    if (!group.isEmpty()) {
      // a stable order: time first, then the busiest groups
      sql.append(" ORDER BY ");
      if (q.timeStep() != null) {
        sql.append("bucket_ms, ");
      }
      sql.append("view_count DESC");
      for (Dimension d : q.breakdown()) {
        sql.append(", ").append(COLUMNS.get(d)).append(" NULLS LAST");
      }
    }
    return new SqlQuery(sql.toString(), params);
  }

  /**
   * Columns: one per breakdown dimension, view_count, error_rate [, ttff_p50_ms, ttff_p95_ms, rebuffer_ratio, one per
   * {@link io.viewpulse.query.QualityMetric}].
   */
  static SqlQuery realtime(RealtimeQuery q) {
    List<Object> params = new ArrayList<>();
    List<String> cols = q.breakdown().stream().map(COLUMNS::get).toList();
    StringBuilder sql = new StringBuilder("SELECT ");
    for (String c : cols) {
      sql.append(c).append(", ");
    }
    sql.append(q.quality()
        ? ViewMetrics.aggregates(ViewMetrics.facts(ViewsQuery.Detail.QUALITY), DIALECT) + ", " + RollupSql.TTFF_STATE
            + " AS ttff_q"
        : "count(*) AS view_count,"
        + " coalesce(avg(CASE WHEN errors > 0 THEN 1.0 ELSE 0.0 END), 0) AS error_rate")
        .append(" FROM live_views WHERE play_intent AND NOT ended AND seen_at >= ").append(DuckDirectory.TS);
    params.add(q.activeSince().toEpochMilli() * 1000L);
    List<String> where = new ArrayList<>();
    where.add("account_id = ?");
    params.add(q.accountId());
    equal("playback_id", q.playbackId(), where, params);
    equal("creator_id", q.creatorId(), where, params);
    filters(q.filters(), COLUMNS::get, where, params);
    for (String w : where) {
      sql.append(" AND ").append(w);
    }
    if (!cols.isEmpty()) {
      sql.append(" GROUP BY ").append(String.join(", ", cols));
    }
    return new SqlQuery(ViewMetrics.realtimeAnswer(sql, cols, q.quality()), params);
  }

  /** Columns: [bucket_ms,] [creator_id,] delivery_mins. */
  static SqlQuery usage(UsageQuery q) {
    List<Object> params = new ArrayList<>();
    List<String> select = new ArrayList<>();
    List<String> group = new ArrayList<>();
    if (q.timeStep() != null) {
      select.add("epoch_ms(" + bucket(q.timeStep(), "started_at") + ") AS bucket_ms");
      group.add("bucket_ms");
    }
    if (q.byCreator()) {
      select.add("creator_id");
      group.add("creator_id");
    }
    select.add("coalesce(sum(playtime_ms), 0) / 60000.0 AS delivery_mins");
    List<String> where = new ArrayList<>();
    where.add("account_id = ?");
    params.add(q.accountId());
    equal("creator_id", q.creatorId(), where, params);
    timeRange(q.from(), q.to(), where, params);
    StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select))
        .append(" FROM all_views WHERE ").append(String.join(" AND ", where));
    if (!group.isEmpty()) {
      sql.append(" GROUP BY ").append(String.join(", ", group)).append(" ORDER BY ")
          .append(String.join(", ", group.stream().map(g -> g + " NULLS LAST").toList()));
    }
    return new SqlQuery(sql.toString(), params);
  }

  /** A query's scope on the views: account, media, filters and time range, each a condition when given. */
  static void scope(ViewsQuery q, List<String> where, List<Object> params) {
    equal("account_id", q.accountId(), where, params);
    equal("playback_id", q.playbackId(), where, params);
    equal("d_storage_url", q.dStorageUrl(), where, params);
    equal("creator_id", q.creatorId(), where, params);
    filters(q.filters(), COLUMNS::get, where, params);
    timeRange(q.from(), q.to(), where, params);
  }

  /** The condition {@code column = value} when there is a value; none when it is null. */
  private static void equal(String column, String value, List<String> where, List<Object> params) {
    if (value != null) {
      where.add(column + " = ?");
      params.add(value);
    }
  }

  /**
   * The range as bounds of the column's own type, whole seconds ({@code TIMESTAMP_S}): a start in whole seconds is at
   * or after an instant exactly when it is at or after the instant's next whole second, so the bounds round up and
   * the answer is the same. Bounds of another type would compare the column cast, which DuckDB does not push through
   * {@code all_views}' union into the scans: every row group of the views would be read, not the range's.
   */
  private static void timeRange(java.time.Instant from, java.time.Instant to, List<String> where,
      List<Object> params) {
    if (from != null) {
      where.add("started_at >= " + SECONDS);
      params.add(secondsUp(from));
    }
    if (to != null) {
      where.add("started_at < " + SECONDS);
      params.add(secondsUp(to));
    }
  }

  /** A bound of {@code started_at}'s type, from microseconds that are whole seconds. */
  static final String SECONDS = DuckDirectory.TS + "::TIMESTAMP_S";

  /** The instant's microseconds, rounded up to a whole second. */
  static long secondsUp(java.time.Instant i) {
    return Math.multiplyExact(i.getEpochSecond() + (i.getNano() > 0 ? 1 : 0), 1_000_000L);
  }

  /** UTC bucket start; weeks start on Sunday (DuckDB's date_trunc weeks start on Monday, hence the shift). */
  static String bucket(TimeStep step, String column) {
    return switch (step) {
      case HOUR -> "date_trunc('hour', " + column + ")";
      case DAY -> "date_trunc('day', " + column + ")";
      case WEEK -> "(date_trunc('week', " + column + " + INTERVAL 1 DAY) - INTERVAL 1 DAY)";
      case MONTH -> "date_trunc('month', " + column + ")";
      case YEAR -> "date_trunc('year', " + column + ")";
    };
  }

  static long micros(java.time.Instant i) {
    return Math.multiplyExact(i.getEpochSecond(), 1_000_000L) + i.getNano() / 1000;
  }
}
