package io.viewpulse.store.clickhouse;

import io.viewpulse.query.Dimension;
import io.viewpulse.query.Filter;
import io.viewpulse.query.RealtimeQuery;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.UsageQuery;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.store.ViewDimensions;
import io.viewpulse.store.ViewMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pure builders from query specs to ClickHouse SQL: the one place where API dimensions meet this store's columns, and
 * where the API's metrics are written in ClickHouse's functions. The definitions are those of the DuckDB store
 * ({@code store.duckdb.ViewsSql}); the estimators differ where the engines' do: TTFF percentiles come from
 * ClickHouse's t-digest ({@code quantilesTDigest}, which answers with a centroid where DuckDB's interpolates between
 * two), unique viewers from {@code uniqCombined64(14)} (exact for small groups, about 1 % off beyond, and at most
 * the group's views: an estimate above them is clamped, on scans and rollups alike).
 *
 * <p>What a query reads is every view of the store, each once ({@link #allViews}): the finished views of
 * {@code views}, the open sessions' latest snapshots in {@code session_state}, and the finished views still in the
 * outbox (committed, not moved into {@code views} yet) that are not in {@code views} already. A query scoped to an
 * account, broken down by at most one rolled dimension and filtered only on it (a playback id is a filter on its
 * dimension), reads the rollups for the whole days and hours of its range and the views for the rest
 * ({@link #viewsFromRollups}). User values only travel as
 * parameters; identifiers come from the allowlist.
 */
final class ChViewsSql {
  /** The column of each dimension ({@link ViewDimensions#COLUMNS}). */
  static final Map<Dimension, String> COLUMNS = ViewDimensions.COLUMNS;

  /** Dimensions with rollups of their own (as {@link ChSchema#ROLLED}). */
  static final Set<Dimension> ROLLED = Set.of(Dimension.DEVICE_TYPE, Dimension.DEVICE, Dimension.OS,
      Dimension.BROWSER, Dimension.CONTINENT, Dimension.COUNTRY, Dimension.SUBDIVISION, Dimension.BROWSER_ENGINE,
      Dimension.PLAYBACK_ID);

  /** The estimators' states of a group of views, as the rollup tables keep them. */
  private static final String STATES = "quantilesTDigestState(0.5, 0.95)(ttff_ms) AS ttff_q,"
      + " uniqCombined64State(14)(viewer_id) AS viewers";

  /**
   * The setting the views queries run with: a name in an expression is the column of that name, never an alias of the
   * same select list. A fact is named as the view column it sums ({@code playtime_ms}), and other facts read that
   * column ({@link ViewMetrics}); ClickHouse would otherwise take the name for the fact, an aggregate inside an
   * aggregate. The rollups' materialized views carry it in their query ({@link ChSchema#rollupSelect}).
   */
  static final Map<String, String> SETTINGS = Map.of("prefer_column_name_to_alias", "1");

  /** A statement and its named parameters ({@code {name:Type}} in the SQL). */
  record Sql(String sql, Map<String, Object> params) {}

  private final ChSchema schema;
  /** From when on (by view start) the rollups hold every view's quality facts ({@link ChMigrations}). */
  private final Instant qualitySince;

  ChViewsSql(ChSchema schema, Instant qualitySince) {
    this.schema = schema;
    this.qualitySince = qualitySince;
  }

  /** With rollups that hold every view's quality facts (a database created by this version). */
  ChViewsSql(ChSchema schema) {
    this(schema, Instant.EPOCH);
  }

  /**
   * Columns: [bucket_ms,] one per breakdown dimension, view_count, playtime_mins [, ttff_ms, ttff_p50_ms,
   * ttff_p95_ms, rebuffer_ratio, error_rate, exits_before_start, unique_viewers].
   */
  Sql views(ViewsQuery q) {
    return viewsFromRollups(q).orElseGet(() -> viewsByScan(q));
  }

  /** The views query answered by reading every view, never from rollups: what the rollups are checked against. */
  Sql viewsByScan(ViewsQuery q) {
    Params p = new Params();
    List<String> select = new ArrayList<>();
    List<String> group = new ArrayList<>();
    if (q.timeStep() != null) {
      select.add(epochMs(bucket(q.timeStep(), "started_at")) + " AS bucket_ms");
      group.add("bucket_ms");
    }
    for (Dimension d : q.breakdown()) {
      String col = COLUMNS.get(d);
      select.add("CAST(" + col + ", 'Nullable(String)') AS " + col);
      group.add(col);
    }
    boolean full = q.detail().full();
    if (full) {
      select.add(ViewMetrics.aggregates(ViewMetrics.facts(q.detail()), ChSchema.DIALECT)
          + ", quantilesTDigest(0.5, 0.95)(ttff_ms) AS ttff_q, uniqCombined64(14)(viewer_id) AS viewers_est");
    } else {
      select.add("count() AS view_count, sum(playtime_ms) / 60000.0 AS playtime_mins");
    }
    String where = conditions(q, p, q.from(), q.to());
    StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select)).append(" FROM (")
        .append(allViews(where, p)).append(")");
    if (!group.isEmpty()) {
      sql.append(" GROUP BY ").append(String.join(", ", group));
    }
    if (full) {
      // the groups' facts, then the metrics over them
      sql = new StringBuilder("SELECT ").append(group.isEmpty() ? "" : String.join(", ", group) + ", ")
          .append(ViewMetrics.selectOverFacts(q.detail() == ViewsQuery.Detail.QUALITY, "ttff_q[1]", "ttff_q[2]",
              "viewers_est"))
          .append(" FROM (").append(sql).append(')');
    }
    if (!group.isEmpty()) {
      sql.append(order(q));
    }
    return new Sql(sql.toString(), p.values);
  }

  /**
   * The rolled dimension a query can be answered by (empty for the account total), or empty when it cannot
   * ({@link ViewDimensions#groupingSet}).
   */
  static Optional<Optional<Dimension>> groupingSet(ViewsQuery query) {
    return ViewDimensions.groupingSet(query, ROLLED);
  }

  /**
   * The views query from the rollups for its whole days and hours and from the views for the rest (the partial
   * hours at its ends, open sessions, the outbox), or empty when the query needs a scan or its range holds no whole
   * hour. A dimension rolled up by day only ({@link ChSchema#DAILY_ONLY}) is read from the views for the partial
   * days at the ends, and needs a whole day in the range and a step of a day or more. The rollups hold every view of
   * {@code views} (a materialized view fills them with each insert), so there is nothing to track of how far they
   * got.
   */
  Optional<Sql> viewsFromRollups(ViewsQuery query) {
    ViewsQuery q = ViewDimensions.playbackAsFilter(query);
    Optional<Optional<Dimension>> set = groupingSet(q);
    if (set.isEmpty()) {
      return Optional.empty();
    }
    ViewsQuery.Detail detail = q.detail();
    // the quality facts are in the rollups for the views started since the upgrade that added them: before, the views
    Instant rollFrom = q.from();
    if (detail == ViewsQuery.Detail.QUALITY && qualitySince.isAfter(Instant.EPOCH)
        && (rollFrom == null || rollFrom.isBefore(qualitySince))) {
      rollFrom = q.to() != null && q.to().isBefore(qualitySince) ? q.to() : qualitySince;
    }
    Instant h1 = rollFrom == null ? null : ceil(rollFrom, ChronoUnit.HOURS);
    Instant h2 = q.to() == null ? null : q.to().truncatedTo(ChronoUnit.HOURS);
    if (h1 != null && h2 != null && !h1.isBefore(h2)) {
      return Optional.empty();
    }
    String dim = set.get().map(COLUMNS::get).orElse("");
    String col = q.breakdown().isEmpty() ? null : dim;
    boolean full = detail.full();
    List<ViewMetrics.Fact> facts = ViewMetrics.facts(detail);
    String states = full ? ", ttff_q, viewers" : "";
    Params p = new Params();

    // whole days from rollup_day, the whole hours around them from rollup_hour (all hours for an hourly series)
    record Segment(String unit, Instant from, Instant to) {}
    List<Segment> segments = new ArrayList<>();
    Instant d1 = h1 == null ? null : ceil(h1, ChronoUnit.DAYS);
    Instant d2 = h2 == null ? null : h2.truncatedTo(ChronoUnit.DAYS);
    boolean wholeDays = q.timeStep() != TimeStep.HOUR && (d1 == null || d2 == null || d1.isBefore(d2));
    boolean hourly = !ChSchema.DAILY_ONLY.contains(dim);
    if (!hourly && !wholeDays) {
      return Optional.empty();
    }
    // where the raw views at the ends stop and start: the partial hours, or the partial days without hourly rows
    Instant rawTo = hourly ? h1 : d1;
    Instant rawFrom = hourly ? h2 : d2;
    if (wholeDays) {
      segments.add(new Segment("day", d1, d2));
      if (hourly && h1 != null && h1.isBefore(d1)) {
        segments.add(new Segment("hour", h1, d1));
      }
      if (hourly && h2 != null && d2.isBefore(h2)) {
        segments.add(new Segment("hour", d2, h2));
      }
    } else {
      segments.add(new Segment("hour", h1, h2));
    }
    String bucketOfT = q.timeStep() == null ? "toDateTime(0, 'UTC')" : bucket(q.timeStep(), "t");
    String value = col == null ? "CAST(NULL, 'Nullable(String)')" : "value";
    List<String> parts = new ArrayList<>();
    for (Segment s : segments) {
      StringBuilder r = new StringBuilder("SELECT ").append(bucketOfT).append(" AS b, ").append(value)
          .append(" AS v, ").append(ViewMetrics.names(facts)).append(states).append(" FROM ")
          .append(schema.t("rollup_" + s.unit())).append(" WHERE account_id = ").append(p.add("String", q.accountId()))
          .append(" AND dim = '").append(dim).append('\'');
      range("t", s.from(), s.to(), r, p);
      for (String f : filters(q.filters(), d -> "value", p)) {
        r.append(" AND ").append(f);
      }
      parts.add(r.toString());
    }
    // the partial hours at both ends from views; open sessions and the outbox over the whole range
    String bucketOfStart = q.timeStep() == null ? "toDateTime(0, 'UTC')" : bucket(q.timeStep(), "started_at");
    String rawValue = col == null ? "CAST(NULL, 'Nullable(String)')" : "CAST(" + col + ", 'Nullable(String)')";
    List<String> raw = new ArrayList<>();
    if (rollFrom != null) {
      raw.add("SELECT " + ChSchema.VIEW_COLUMNS + " FROM " + schema.t("views") + " WHERE "
          + conditions(q, p, q.from(), rawTo));
    }
    if (q.to() != null) {
      raw.add("SELECT " + ChSchema.VIEW_COLUMNS + " FROM " + schema.t("views") + " WHERE "
          + conditions(q, p, rawFrom, q.to()));
    }
    raw.add(openAndOutbox(conditions(q, p, q.from(), q.to()), p));
    parts.add("SELECT " + bucketOfStart + " AS b, " + rawValue + " AS v, "
        + ViewMetrics.aggregates(facts, ChSchema.DIALECT) + (full ? ", " + STATES : "") + " FROM ("
        + String.join(" UNION ALL ", raw) + ") GROUP BY b, v");

    // the groups' facts and merged states, then the metrics over them
    List<String> keys = new ArrayList<>();
    if (q.timeStep() != null) {
      keys.add("b");
    }
    if (col != null) {
      keys.add("v");
    }
    StringBuilder groups = new StringBuilder("SELECT ").append(keys.isEmpty() ? "" : String.join(", ", keys) + ", ")
        .append(ViewMetrics.merges(facts, ChSchema.DIALECT));
    if (full) {
      groups.append(", quantilesTDigestMerge(0.5, 0.95)(ttff_q) AS q, uniqCombined64Merge(14)(viewers) AS viewers_est");
    }
    groups.append(" FROM (").append(String.join(" UNION ALL ", parts)).append(")");
    if (!keys.isEmpty()) {
      groups.append(" GROUP BY ").append(String.join(", ", keys)).append(" HAVING sum(views) > 0");
    }
    // without keys: one row even without views, as a scan gives
    StringBuilder sql = new StringBuilder("SELECT ");
    if (q.timeStep() != null) {
      sql.append(epochMs("b")).append(" AS bucket_ms, ");
    }
    if (col != null) {
      sql.append("v AS ").append(col).append(", ");
    }
    sql.append(full
        ? ViewMetrics.selectOverFacts(detail == ViewsQuery.Detail.QUALITY, "q[1]", "q[2]", "viewers_est")
        : "views AS view_count, playtime_ms / 60000.0 AS playtime_mins");
    sql.append(" FROM (").append(groups).append(')');
    if (!keys.isEmpty()) {
      sql.append(order(q));
    }
    return Optional.of(new Sql(sql.toString(), p.values));
  }

  /**
   * Columns: one per breakdown dimension, view_count, error_rate [, ttff_p50_ms, ttff_p95_ms, rebuffer_ratio, one per
   * {@link io.viewpulse.query.QualityMetric}]. Open sessions only.
   */
  Sql realtime(RealtimeQuery q) {
    Params p = new Params();
    List<String> cols = q.breakdown().stream().map(COLUMNS::get).toList();
    StringBuilder sql = new StringBuilder("SELECT ");
    for (String c : cols) {
      sql.append("CAST(").append(c).append(", 'Nullable(String)') AS ").append(c).append(", ");
    }
    sql.append(q.quality()
        ? ViewMetrics.aggregates(ViewMetrics.facts(ViewsQuery.Detail.QUALITY), ChSchema.DIALECT)
            + ", quantilesTDigest(0.5, 0.95)(ttff_ms) AS ttff_q FROM "
        : "count() AS view_count, if(count() = 0, 0, countIf(errors > 0) / count()) AS error_rate FROM ")
        .append(schema.t("session_state")).append(" FINAL WHERE kind = 's' AND is_deleted = 0 AND play_intent")
        .append(" AND NOT ended AND seen_at >= fromUnixTimestamp64Milli(")
        .append(p.add("Int64", q.activeSince().toEpochMilli())).append(", 'UTC') AND account_id = ")
        .append(p.add("String", q.accountId()));
    if (q.playbackId() != null) {
      sql.append(" AND playback_id = ").append(p.add("String", q.playbackId()));
    }
    if (q.creatorId() != null) {
      sql.append(" AND creator_id = ").append(p.add("String", q.creatorId()));
    }
    for (String f : filters(q.filters(), COLUMNS::get, p)) {
      sql.append(" AND ").append(f);
    }
    if (!cols.isEmpty()) {
      sql.append(" GROUP BY ").append(String.join(", ", cols));
    }
    return new Sql(ViewMetrics.realtimeAnswer(sql, cols, q.quality()), p.values);
  }

  /** Columns: [bucket_ms,] [creator_id,] delivery_mins. */
  Sql usage(UsageQuery q) {
    Params p = new Params();
    List<String> select = new ArrayList<>();
    List<String> group = new ArrayList<>();
    if (q.timeStep() != null) {
      select.add(epochMs(bucket(q.timeStep(), "started_at")) + " AS bucket_ms");
      group.add("bucket_ms");
    }
    if (q.byCreator()) {
      select.add("creator_id");
      group.add("creator_id");
    }
    select.add("sum(playtime_ms) / 60000.0 AS delivery_mins");
    StringBuilder where = new StringBuilder("account_id = ").append(p.add("String", q.accountId()));
    if (q.creatorId() != null) {
      where.append(" AND creator_id = ").append(p.add("String", q.creatorId()));
    }
    range("started_at", q.from(), q.to(), where, p);
    StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select)).append(" FROM (")
        .append(allViews(where.toString(), p)).append(")");
    if (!group.isEmpty()) {
      sql.append(" GROUP BY ").append(String.join(", ", group)).append(" ORDER BY ")
          .append(String.join(", ", group.stream().map(g -> g + " NULLS LAST").toList()));
    }
    return new Sql(sql.toString(), p.values);
  }

  /**
   * Every view of the store matching {@code where}, each once: {@code views}, the open sessions with play intent,
   * and the outbox rows not in {@code views} yet. Columns: {@link ChSchema#VIEW_COLUMNS}.
   */
  String allViews(String where, Params p) {
    return "SELECT " + ChSchema.VIEW_COLUMNS + " FROM " + schema.t("views") + " WHERE " + where + " UNION ALL "
        + openAndOutbox(where, p);
  }

  /**
   * The open sessions with play intent and the outbox rows not in {@code views} yet. An outbox row is moved into
   * {@code views} right after its commit and deleted by the next one: a row found in both is counted from
   * {@code views}. Moved rows are stored after their outbox row, so only the views stored since the oldest outbox
   * row are looked at (none when the outbox is empty).
   */
  String openAndOutbox(String where, Params p) {
    String state = schema.t("session_state");
    return "SELECT " + ChSchema.VIEW_COLUMNS + " FROM " + state + " FINAL WHERE kind = 's' AND is_deleted = 0"
        + " AND play_intent AND " + where + " UNION ALL SELECT " + ChSchema.VIEW_COLUMNS + " FROM " + state
        + " FINAL WHERE kind = 'v' AND is_deleted = 0 AND " + where + " AND view_id NOT IN (SELECT view_id FROM "
        + schema.t("views") + " WHERE stored_at >= (SELECT minOrNull(stored_at) FROM " + state
        + " WHERE kind = 'v'))";
  }

  /** The query's conditions on a view, with the time range {@code [from, to)} (unbounded where null). */
  private static String conditions(ViewsQuery q, Params p, Instant from, Instant to) {
    List<String> where = scope(q, p);
    StringBuilder s = new StringBuilder(where.isEmpty() ? "true" : String.join(" AND ", where));
    range("started_at", from, to, s, p);
    return s.toString();
  }

  /** A query's scope on the views but its time range: account, media and filters, each a condition when given. */
  static List<String> scope(ViewsQuery q, Params p) {
    List<String> where = new ArrayList<>();
    if (q.accountId() != null) {
      where.add("account_id = " + p.add("String", q.accountId()));
    }
    if (q.playbackId() != null) {
      where.add("playback_id = " + p.add("String", q.playbackId()));
    }
    if (q.dStorageUrl() != null) {
      where.add("d_storage_url = " + p.add("String", q.dStorageUrl()));
    }
    if (q.creatorId() != null) {
      where.add("creator_id = " + p.add("String", q.creatorId()));
    }
    where.addAll(filters(q.filters(), COLUMNS::get, p));
    return where;
  }

  /**
   * The conditions of {@code filters} on the columns {@code column} names ({@link Filter}): one value {@code col = v},
   * several {@code col IN (v, ...)}, a negation {@code (col IS NULL OR col != v)}.
   */
  static List<String> filters(List<Filter> filters, java.util.function.Function<Dimension, String> column,
      Params p) {
    List<String> out = new ArrayList<>();
    Filter.alternatives(filters).forEach((d, values) -> {
      List<String> vs = values.stream().map(v -> p.add("String", v)).toList();
      out.add(column.apply(d) + (vs.size() == 1 ? " = " + vs.get(0) : " IN (" + String.join(", ", vs) + ")"));
    });
    for (Filter f : Filter.exclusions(filters)) {
      String v = p.add("String", f.value());
      String c = column.apply(f.dimension());
      out.add("(" + c + " IS NULL OR " + c + " != " + v + ")");
    }
    return out;
  }

  private static void range(String column, Instant from, Instant to, StringBuilder s, Params p) {
    if (from != null) {
      s.append(" AND ").append(column).append(" >= fromUnixTimestamp64Milli(")
          .append(p.add("Int64", from.toEpochMilli())).append(", 'UTC')");
    }
    if (to != null) {
      s.append(" AND ").append(column).append(" < fromUnixTimestamp64Milli(")
          .append(p.add("Int64", to.toEpochMilli())).append(", 'UTC')");
    }
  }

  /** Time first, then the busiest groups, then the breakdown values (nulls last), as on every store. */
  private static String order(ViewsQuery q) {
    StringBuilder s = new StringBuilder(" ORDER BY ");
    if (q.timeStep() != null) {
      s.append("bucket_ms, ");
    }
    s.append("view_count DESC");
    for (Dimension d : q.breakdown()) {
      s.append(", ").append(COLUMNS.get(d)).append(" NULLS LAST");
    }
    return s.toString();
  }

  /** UTC bucket start of a DateTime column; weeks start on Sunday, as in Livepeer's API. */
  static String bucket(TimeStep step, String column) {
    return switch (step) {
      case HOUR -> "toStartOfHour(" + column + ")";
      case DAY -> "toStartOfDay(" + column + ")";
      case WEEK -> "toDateTime(toStartOfWeek(" + column + ", 0), 'UTC')";
      case MONTH -> "toDateTime(toStartOfMonth(" + column + "), 'UTC')";
      case YEAR -> "toDateTime(toStartOfYear(" + column + "), 'UTC')";
    };
  }

  private static String epochMs(String dateTime) {
    return "toInt64(toUnixTimestamp(" + dateTime + ")) * 1000";
  }

  private static Instant ceil(Instant i, ChronoUnit unit) {
    Instant t = i.truncatedTo(unit);
    return t.equals(i) ? t : t.plus(Duration.of(1, unit));
  }

  /** The parameters of one statement, named in the order they are added. */
  static final class Params {
    final Map<String, Object> values = new LinkedHashMap<>();

    /** A placeholder for {@code value} as a parameter of ClickHouse type {@code type}. */
    String add(String type, Object value) {
      String name = "p" + values.size();
      values.put(name, value);
      return "{" + name + ":" + type + "}";
    }
  }
}
