package io.viewpulse.store.clickhouse;

import io.viewpulse.store.ViewMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The tables of the ClickHouse store, for one server or for a cluster, from one template.
 *
 * <ul>
 *   <li>{@code views}: one row per finished view, inserted once, never updated. Partitioned by month of start and
 *       ordered by (account, day of start, playback id, start), so that one account's views over a time range, and
 *       one video's day by day, are read without the others' (with the video first, a few hours of an account read
 *       its whole month). Each row names the event-log partition and commit that decided it, and when it was
 *       stored (a minmax index, so that the few rows of the last seconds are found without a scan).
 *   <li>{@code rollup_hour}, {@code rollup_day}: AggregatingMergeTree tables fed by materialized views over
 *       {@code views}: per account and per value of each rolled dimension (and the account total; a video by day
 *       only), counts and sums, and the states of {@code quantilesTDigest} and {@code uniqCombined64}, merged when
 *       read. Ordered by value before time, so that one value's buckets (one video's days) are read without the
 *       others'. A materialized view fires with the insert it belongs to, so the rollups always hold exactly the views in
 *       {@code views}.
 *   <li>{@code session_state}: what each event-log partition's writer keeps between commits, one kind of row per
 *       use: open sessions' snapshots ({@code s}), finished views waiting to be moved into {@code views} (the outbox,
 *       {@code v}), closed minutes of live statistics ({@code m}) and parts of open ones ({@code p}), and the
 *       checkpoint ({@code c}). A commit is one insert into this one table, which ClickHouse applies whole or not at
 *       all; a ReplacingMergeTree keyed by kind, account and key keeps the latest version of each row, and
 *       tombstones ({@code is_deleted}) remove rows. Small: it holds open sessions and a few seconds of views.
 *   <li>{@code custom_dimensions}: the names accounts declared, a row per slot (version 3).
 *   <li>{@code accounts}, {@code api_keys}, {@code media}: the directory, ReplacingMergeTree by id (a change is a new
 *       version), read whole with FINAL (they are small); {@code saved_views}, the dashboards' saved views, the
 *       same way (a deletion is a version with {@code deleted} set).
 *   <li>{@code schema_migrations}: the migrations applied.
 * </ul>
 *
 * In a cluster ({@code cluster} not null), every table is created {@code ON CLUSTER}: views and rollups as
 * ReplicatedMergeTree tables {@code *_local} on every shard behind Distributed tables of the plain names (sharded by
 * view id), and the small tables as one replicated shard (the same Keeper path on every shard), so that a commit is
 * still one insert into one table.
 */
final class ChSchema {
  /** The columns of a view, in {@code views} and in session_state's snapshots and outbox rows: name, type, default. */
  private static final String[][] VIEW = {
    {"view_id", "Int64", "0"},
    {"account_id", "LowCardinality(String)", "''"},
    {"playback_id", "String", "''"},
    {"creator_id", "Nullable(String)", "NULL"},
    {"d_storage_url", "Nullable(String)", "NULL"},
    {"viewer_id", "Nullable(String)", "NULL"},
    {"started_at", "DateTime('UTC')", "0"},
    {"device_type", "LowCardinality(Nullable(String))", "NULL"},
    {"device", "LowCardinality(Nullable(String))", "NULL"},
    {"cpu", "LowCardinality(Nullable(String))", "NULL"},
    {"os", "LowCardinality(Nullable(String))", "NULL"},
    {"browser", "LowCardinality(Nullable(String))", "NULL"},
    {"browser_engine", "LowCardinality(Nullable(String))", "NULL"},
    {"continent", "LowCardinality(Nullable(String))", "NULL"},
    {"country", "LowCardinality(Nullable(String))", "NULL"},
    {"subdivision", "LowCardinality(Nullable(String))", "NULL"},
    {"timezone", "LowCardinality(Nullable(String))", "NULL"},
    {"geohash", "LowCardinality(Nullable(String))", "NULL"},
    {"domain", "LowCardinality(Nullable(String))", "NULL"},
    {"live", "Bool", "false"},
    {"playtime_ms", "UInt64", "0"},
    {"ttff_ms", "Nullable(UInt32)", "NULL"},
    {"rebuffer_ms", "UInt64", "0"},
    {"errors", "UInt32", "0"},
    {"first_frame", "Bool", "false"},
    {"ended", "Bool", "false"},
    // version 2: the quality facts (model.ViewQuality)
    {"fatal", "UInt8", "0"},
    {"non_fatal_errors", "UInt32", "0"},
    {"rebuffer_count", "UInt32", "0"},
    {"seek_count", "UInt32", "0"},
    {"seek_ms", "UInt32", "0"},
    {"bitrate_ms", "UInt64", "0"},
    {"bitrate_bits", "UInt64", "0"},
    {"scale_ms", "UInt64", "0"},
    {"upscale_ms", "Float64", "0"},
    {"downscale_ms", "Float64", "0"},
    {"dropped_frames", "UInt32", "0"},
    {"total_frames", "UInt32", "0"},
    {"switches_up", "UInt32", "0"},
    {"switches_down", "UInt32", "0"},
    {"max_upscale", "Float64", "0"},
    // version 3: the custom dimensions by slot (model.CustomDimension) and the network dimensions
    {"custom_1", "LowCardinality(Nullable(String))", "NULL"},
    {"custom_2", "LowCardinality(Nullable(String))", "NULL"},
    {"custom_3", "LowCardinality(Nullable(String))", "NULL"},
    {"custom_4", "LowCardinality(Nullable(String))", "NULL"},
    {"custom_5", "LowCardinality(Nullable(String))", "NULL"},
    {"custom_6", "LowCardinality(Nullable(String))", "NULL"},
    {"custom_7", "LowCardinality(Nullable(String))", "NULL"},
    {"custom_8", "LowCardinality(Nullable(String))", "NULL"},
    {"custom_9", "LowCardinality(Nullable(String))", "NULL"},
    {"custom_10", "LowCardinality(Nullable(String))", "NULL"},
    {"asn", "LowCardinality(Nullable(String))", "NULL"},
    {"isp", "LowCardinality(Nullable(String))", "NULL"},
    {"cdn", "LowCardinality(Nullable(String))", "NULL"},
  };

  /** The columns version 2 added to a view: from this one on in {@link #VIEW}. */
  private static final String FIRST_QUALITY_COLUMN = "fatal";

  /**
   * What a column added by a migration reads as in the rows stored before it: a view stored before the failure kinds
   * has only Livepeer's facts, so its errors, of no known kind, are taken as fatal (before its first frame when it had
   * none), which keeps its exits before start what they were. The other facts were not measured: 0 or null.
   */
  private static final java.util.Map<String, String> UPGRADE_DEFAULTS = java.util.Map.of(
      "fatal", "if(errors > 0, if(first_frame, 2, 1), 0)");

  static final String VIEW_COLUMN_DEFS = columns(false);

  /** The view columns with their defaults: rows of other kinds in session_state leave them out. */
  static final String VIEW_COLUMN_DEFS_WITH_DEFAULTS = columns(true);

  static final String VIEW_COLUMNS = String.join(", ", java.util.Arrays.stream(VIEW).map(c -> c[0]).toList());

  private static String columns(boolean defaults) {
    List<String> out = new ArrayList<>();
    for (String[] c : VIEW) {
      out.add(c[0] + " " + c[1] + (defaults ? " DEFAULT " + c[2] : ""));
    }
    return String.join(", ", out);
  }

  /** The dimensions with rollups of their own (the column, also their {@code dim} in the rollups), by hour and day. */
  static final List<String> ROLLED = List.of("device_type", "device", "os", "browser", "continent", "country",
      "subdivision", "browser_engine", "playback_id");

  /**
   * Rolled dimensions without an hourly rollup: an hour of one video holds too few views for a row of states, and
   * the views of one video are read by the sorting key of {@code views} without the others.
   */
  static final Set<String> DAILY_ONLY = Set.of("playback_id");

  /** The dimensions rolled up by {@code unit} ({@code hour} or {@code day}). */
  static List<String> rolled(String unit) {
    return unit.equals("day") ? ROLLED : ROLLED.stream().filter(d -> !DAILY_ONLY.contains(d)).toList();
  }

  /** Precision of the unique-viewer estimates (HyperLogLog-based): 2^14 cells, small states, about 1 % error. */
  static final String UNIQ = "uniqCombined64(14)";
  /** The TTFF percentiles the API serves. */
  static final String TTFF_Q = "quantilesTDigest(0.5, 0.95)";

  private final String db;
  private final String cluster;

  ChSchema(String db, String cluster) {
    this.db = db;
    this.cluster = cluster;
  }

  private String onCluster() {
    return cluster == null ? "" : " ON CLUSTER " + quote(cluster);
  }

  private static String quote(String identifier) {
    return "`" + identifier + "`";
  }

  /** The name a statement uses for a table: database-qualified. */
  String t(String table) {
    return quote(db) + "." + quote(table);
  }

  /** The table that holds the rows of a sharded table on each shard (itself on one server). */
  private String local(String table) {
    return cluster == null ? t(table) : t(table + "_local");
  }

  private String engine(String kind, String table, boolean sharded, String args) {
    if (cluster == null) {
      return kind + "(" + args + ")";
    }
    String path = sharded ? "/clickhouse/tables/{shard}/" + db + "/" + table : "/clickhouse/tables/all/" + db + "/"
        + table;
    return "Replicated" + kind + "('" + path + "', '{replica}'" + (args.isEmpty() ? "" : ", " + args) + ")";
  }

  /** Every statement that creates the current schema, in order; each safe to run again and from two processes. */
  List<String> create() {
    List<String> out = new ArrayList<>();
    out.add("CREATE DATABASE IF NOT EXISTS " + quote(db) + onCluster());
    out.add("CREATE TABLE IF NOT EXISTS " + t("schema_migrations") + onCluster()
        + " (version UInt32, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = "
        + engine("ReplacingMergeTree", "schema_migrations", false, "") + " ORDER BY version");
    out.add("CREATE TABLE IF NOT EXISTS " + local("views") + onCluster() + " (" + VIEW_COLUMN_DEFS + ","
        + " log_partition Int32, commit_offset Int64, stored_at DateTime64(3, 'UTC') DEFAULT now64(3),"
        + " INDEX stored_at_idx stored_at TYPE minmax GRANULARITY 1)"
        + " ENGINE = " + engine("MergeTree", "views", true, "")
        + " PARTITION BY toYYYYMM(started_at) ORDER BY (account_id, toDate(started_at), playback_id, started_at)");
    for (String unit : List.of("hour", "day")) {
      String table = "rollup_" + unit;
      StringBuilder facts = new StringBuilder();
      for (ViewMetrics.Fact f : ViewMetrics.LIVEPEER_FACTS) {
        facts.append(rollupColumn(f)).append(", ");
      }
      out.add("CREATE TABLE IF NOT EXISTS " + local(table) + onCluster() + " (account_id LowCardinality(String),"
          + " dim LowCardinality(String), value Nullable(String), t DateTime('UTC'), " + facts
          + "ttff_q AggregateFunction(" + TTFF_Q + ", Nullable(UInt32)),"
          + " viewers AggregateFunction(" + UNIQ + ", Nullable(String))"
          + qualityRollupColumns() + ")"
          + " ENGINE = " + engine("AggregatingMergeTree", table, true, "")
          + " PARTITION BY toYYYYMM(t) ORDER BY (account_id, dim, value, t) SETTINGS allow_nullable_key = 1");
    }
    // a row of one kind sets the columns of that kind and leaves the others to their defaults; the account id of a
    // view is the row's account_id (one column, in the sorting key)
    out.add("CREATE TABLE IF NOT EXISTS " + t("session_state") + onCluster() + " (kind LowCardinality(String),"
        + " key String, log_partition Int32, version UInt64, is_deleted UInt8,"
        + " stored_at DateTime64(3, 'UTC') DEFAULT now64(3), state String DEFAULT '', play_intent Bool DEFAULT false,"
        + " seen_at DateTime64(3, 'UTC') DEFAULT 0, stream_id String DEFAULT '',"
        + " minute_start DateTime('UTC') DEFAULT 0, checkpoint Int64 DEFAULT -1, "
        + VIEW_COLUMN_DEFS_WITH_DEFAULTS + ") ENGINE = "
        + engine("ReplacingMergeTree", "session_state", false, "version, is_deleted")
        + " ORDER BY (kind, account_id, key)"
        + " SETTINGS allow_experimental_replacing_merge_with_cleanup = 1");
    out.add("CREATE TABLE IF NOT EXISTS " + t("accounts") + onCluster() + " (id String, name String,"
        + " created_at DateTime64(3, 'UTC')) ENGINE = " + engine("ReplacingMergeTree", "accounts", false, "")
        + " ORDER BY id");
    out.add("CREATE TABLE IF NOT EXISTS " + t("api_keys") + onCluster() + " (id String, account_id String,"
        + " name String, token_hash String, cors Bool, allowed_origins Array(String),"
        + " created_at DateTime64(3, 'UTC'), revoked_at Nullable(DateTime64(3, 'UTC')), version UInt64)"
        + " ENGINE = " + engine("ReplacingMergeTree", "api_keys", false, "version") + " ORDER BY id");
    out.add("CREATE TABLE IF NOT EXISTS " + t("media") + onCluster() + " (account_id String, id String,"
        + " kind LowCardinality(String), name String, playback_id String, creator_id Nullable(String),"
        + " d_storage_url Nullable(String), stream_type Nullable(String), created_at DateTime64(3, 'UTC'),"
        + " deleted_at Nullable(DateTime64(3, 'UTC')), version UInt64)"
        + " ENGINE = " + engine("ReplacingMergeTree", "media", false, "version")
        + " ORDER BY (account_id, id, created_at)");
    out.add("CREATE TABLE IF NOT EXISTS " + t("custom_dimensions") + onCluster() + " (account_id String,"
        + " slot UInt8, name String, declared_at DateTime64(3, 'UTC')) ENGINE = "
        + engine("ReplacingMergeTree", "custom_dimensions", false, "") + " ORDER BY (account_id, slot)");
    out.add("CREATE TABLE IF NOT EXISTS " + t("erasures") + onCluster() + " (account_id String, key_id String,"
        + " erased_at DateTime64(3, 'UTC'), views UInt64) ENGINE = " + engine("MergeTree", "erasures", false, "")
        + " ORDER BY (account_id, erased_at)");
    out.add("CREATE TABLE IF NOT EXISTS " + t("retention_policies") + onCluster() + " (account_id String,"
        + " view_days UInt32, timeline_days UInt32, version UInt64) ENGINE = " + engine("ReplacingMergeTree",
        "retention_policies", false,
        "version") + " ORDER BY account_id");
    out.add("CREATE TABLE IF NOT EXISTS " + t("webhook_endpoints") + onCluster() + " (id String, account_id String,"
        + " url String, created_at DateTime64(3, 'UTC'), position String, deleted UInt8, version UInt64)"
        + " ENGINE = " + engine("ReplacingMergeTree", "webhook_endpoints", false, "version") + " ORDER BY id");
    out.add("CREATE TABLE IF NOT EXISTS " + t("alert_rules") + onCluster() + " (account_id String, id String,"
        + " created_at DateTime64(3, 'UTC'), spec String, version UInt64, is_deleted UInt8) ENGINE = "
        + engine("ReplacingMergeTree", "alert_rules", false, "version, is_deleted") + " ORDER BY (account_id, id)");
    out.add("CREATE TABLE IF NOT EXISTS " + t("alert_incidents") + onCluster() + " (account_id String, id String,"
        + " rule_id String, rule_name String, metric String, opened_at DateTime64(3, 'UTC'),"
        + " resolved_at Nullable(DateTime64(3, 'UTC')), value Float64, bound Float64, version UInt64) ENGINE = "
        + engine("ReplacingMergeTree", "alert_incidents", false, "version") + " ORDER BY (account_id, id)");
    out.add("CREATE TABLE IF NOT EXISTS " + t("alert_outbox") + onCluster() + " (id String, account_id String,"
        + " rule_id String, rule_created_at DateTime64(3, 'UTC'), rule_spec String, incident_id String,"
        + " rule_name String, metric String, opened_at DateTime64(3, 'UTC'),"
        + " resolved_at Nullable(DateTime64(3, 'UTC')), value Float64, bound Float64,"
        + " created_at DateTime64(3, 'UTC'), attempts UInt32, next_attempt_at DateTime64(3, 'UTC'), done UInt8,"
        + " version UInt64) ENGINE = " + engine("ReplacingMergeTree", "alert_outbox", false, "version")
        + " ORDER BY id");
    out.add("CREATE TABLE IF NOT EXISTS " + t("saved_views") + onCluster() + " (account_id String, id String,"
        + " name String, state String, created_at DateTime64(3, 'UTC'), key_id String, deleted UInt8,"
        + " version UInt64) ENGINE = " + engine("ReplacingMergeTree", "saved_views", false, "version")
        + " ORDER BY (account_id, id)");
    if (cluster != null) {
      for (String table : List.of("views", "rollup_hour", "rollup_day")) {
        out.add("CREATE TABLE IF NOT EXISTS " + t(table) + onCluster() + " AS " + local(table)
            + " ENGINE = Distributed(" + quote(cluster) + ", " + quote(db) + ", " + quote(table + "_local")
            + (table.equals("views") ? ", view_id" : "") + ")");
      }
    }
    out.addAll(materializedViews());
    return out;
  }

  /**
   * The statement that deletes the views of one viewer ({@code viewer}) of one account ({@code account}): a lightweight
   * delete (the rows are gone from every query at once, and from the disk when their parts merge), on every shard's
   * table in a cluster. The values are literals: a statement sent to the cluster's other servers carries no
   * parameters.
   */
  String deleteViews(String account, String viewer) {
    return "DELETE FROM " + local("views") + onCluster() + " WHERE account_id = " + literal(account)
        + " AND viewer_id = " + literal(viewer);
  }

  /**
   * The statement that deletes the rows of {@code session_state} naming a viewer: its views waiting in the outbox and
   * old versions of its closed sessions' snapshots (one replicated table: a delete reaches every replica).
   */
  String deleteSessionState(String account, String viewer) {
    return "DELETE FROM " + t("session_state") + " WHERE kind IN ('s', 'v') AND account_id = " + literal(account)
        + " AND viewer_id = " + literal(viewer);
  }

  /**
   * The statements that delete an account's views that started before {@code cutoff} (epoch seconds, a UTC midnight),
   * outbox first (so that no writer moves one into {@code views} again), then {@code views}, then the rollup rows of
   * the buckets before it: lightweight deletes, on every shard's tables in a cluster, values as literals.
   */
  List<String> deleteViewsBefore(String account, long cutoff) {
    String before = "toDateTime(" + cutoff + ", 'UTC')";
    return List.of(
        "DELETE FROM " + t("session_state") + " WHERE kind = 'v' AND account_id = " + literal(account)
            + " AND started_at < " + before,
        "DELETE FROM " + local("views") + onCluster() + " WHERE account_id = " + literal(account)
            + " AND started_at < " + before,
        "DELETE FROM " + local("rollup_hour") + onCluster() + " WHERE account_id = " + literal(account)
            + " AND t < " + before,
        "DELETE FROM " + local("rollup_day") + onCluster() + " WHERE account_id = " + literal(account)
            + " AND t < " + before);
  }

  /**
   * The statement that empties the timelines of an account's views that started before {@code cutoff} (epoch
   * seconds): a mutation that the statement waits for (on every replica), on every shard's table in a cluster, values as
   * literals.
   */
  String dropTimelinesBefore(String account, long cutoff) {
    return "ALTER TABLE " + local("views") + onCluster() + " UPDATE timeline = '' WHERE account_id = "
        + literal(account) + " AND started_at < toDateTime(" + cutoff + ", 'UTC') AND timeline != ''"
        + " SETTINGS mutations_sync = 2";
  }

  /** A ClickHouse string literal of {@code s}: backslashes and quotes escaped. */
  static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Every statement that creates a table of the current schema: {@link #create} without the materialized views. */
  List<String> tables() {
    return create().stream().filter(s -> !s.startsWith("CREATE MATERIALIZED VIEW")).toList();
  }

  /** The materialized views that feed the rollups, created when missing (after {@link #columnUpgrades}). */
  List<String> materializedViews() {
    List<String> out = new ArrayList<>();
    for (String unit : List.of("hour", "day")) {
      String table = "rollup_" + unit;
      out.add("CREATE MATERIALIZED VIEW IF NOT EXISTS " + mv(table) + onCluster() + " TO " + local(table) + " AS "
          + rollupSelect(unit, local("views")));
    }
    return out;
  }

  private String mv(String rollup) {
    return cluster == null ? t(rollup + "_mv") : t(rollup + "_local_mv");
  }

  /**
   * The columns later versions added, to tables an earlier version created: {@code ADD COLUMN IF NOT EXISTS}, so that
   * they run again, and from two processes at once, harmlessly (on a fresh database, a no-op). On a cluster the
   * Distributed tables get the columns too.
   */
  List<String> columnUpgrades() {
    List<String> out = new ArrayList<>();
    boolean added = false;
    List<String> views = new ArrayList<>();
    List<String> state = new ArrayList<>();
    for (String[] c : VIEW) {
      added |= c[0].equals(FIRST_QUALITY_COLUMN);
      if (added) {
        views.add("ADD COLUMN IF NOT EXISTS " + c[0] + " " + c[1] + " DEFAULT " + UPGRADE_DEFAULTS.getOrDefault(c[0],
            c[2]));
        state.add("ADD COLUMN IF NOT EXISTS " + c[0] + " " + c[1] + " DEFAULT " + c[2]);
      }
    }
    List<String> rollups = new ArrayList<>();
    for (ViewMetrics.Fact f : ViewMetrics.QUALITY_FACTS) {
      rollups.add("ADD COLUMN IF NOT EXISTS " + rollupColumn(f));
    }
    out.add("ALTER TABLE " + local("views") + onCluster() + " " + String.join(", ", views));
    out.add("ALTER TABLE " + t("session_state") + onCluster() + " " + String.join(", ", state));
    for (String unit : List.of("hour", "day")) {
      out.add("ALTER TABLE " + local("rollup_" + unit) + onCluster() + " " + String.join(", ", rollups));
    }
    if (cluster != null) {
      out.add("ALTER TABLE " + t("views") + onCluster() + " " + String.join(", ", views));
      for (String unit : List.of("hour", "day")) {
        out.add("ALTER TABLE " + t("rollup_" + unit) + onCluster() + " " + String.join(", ", rollups));
      }
    }
    return out;
  }

  /**
   * Version 3, the views' timelines ({@code model.Timeline}'s binary form): a column of {@code views}, empty for a
   * view stored before and once past the retention period ({@link #clearTimelines}), and of {@code session_state}'s
   * outbox rows. Not in {@link #VIEW_COLUMNS}: no query of many views reads it. With it, a skip index on the view id.
   */
  List<String> timelineColumns() {
    List<String> out = new ArrayList<>();
    String col = "ADD COLUMN IF NOT EXISTS timeline String DEFAULT '' CODEC(ZSTD(1))";
    out.add("ALTER TABLE " + local("views") + onCluster() + " " + col);
    // a view opened by its id alone: granules without it are skipped (parts written before are read whole)
    out.add("ALTER TABLE " + local("views") + onCluster()
        + " ADD INDEX IF NOT EXISTS view_id_bloom view_id TYPE bloom_filter(0.01) GRANULARITY 1");
    out.add("ALTER TABLE " + t("session_state") + onCluster() + " " + col);
    if (cluster != null) {
      out.add("ALTER TABLE " + t("views") + onCluster() + " " + col);
    }
    return out;
  }

  /**
   * Version 6, what the views of on-demand videos watched: 100 one-byte counters (how often each percent of the
   * duration was watched), a column of {@code views} and of {@code session_state}'s outbox rows, empty for a view of
   * unknown duration, a live view, or one stored before. Not in {@link #VIEW_COLUMNS}: only the audience retention
   * query reads it.
   */
  List<String> watchedColumns() {
    List<String> out = new ArrayList<>();
    String col = "ADD COLUMN IF NOT EXISTS watched String DEFAULT '' CODEC(ZSTD(1))";
    out.add("ALTER TABLE " + local("views") + onCluster() + " " + col);
    out.add("ALTER TABLE " + t("session_state") + onCluster() + " " + col);
    if (cluster != null) {
      out.add("ALTER TABLE " + t("views") + onCluster() + " " + col);
    }
    return out;
  }

  /** The partitions ({@code toYYYYMM} of the start) of {@code views} on this server: {@code partition_id}. */
  String viewPartitions() {
    return "SELECT DISTINCT partition_id FROM system.parts WHERE database = " + literal(db) + " AND table = "
        + literal(cluster == null ? "views" : "views_local") + " AND active ORDER BY partition_id";
  }

  /** Empties the timelines of one month of views (a partition), leaving the views: their column's files go. */
  String clearTimelines(String partitionId) {
    return "ALTER TABLE " + local("views") + onCluster() + " CLEAR COLUMN timeline IN PARTITION ID "
        + literal(partitionId);
  }

  /**
   * The materialized views' current queries, replacing whatever an earlier version installed: {@code MODIFY QUERY}
   * changes a view in place, so no insert between the old query and the new one goes unrolled.
   */
  List<String> viewQueries() {
    List<String> out = new ArrayList<>();
    for (String unit : List.of("hour", "day")) {
      out.add("ALTER TABLE " + mv("rollup_" + unit) + onCluster() + " MODIFY QUERY "
          + rollupSelect(unit, local("views")));
    }
    return out;
  }

  /** A fact's column in the rollup tables: summed when rows merge. */
  private static String rollupColumn(ViewMetrics.Fact f) {
    return f.name() + " SimpleAggregateFunction(sum, " + (f.real() ? "Float64" : "UInt64") + ")";
  }

  private static String qualityRollupColumns() {
    StringBuilder out = new StringBuilder();
    for (ViewMetrics.Fact f : ViewMetrics.QUALITY_FACTS) {
      out.append(", ").append(rollupColumn(f));
    }
    return out.toString();
  }

  /** ClickHouse's aggregate functions, for {@link ViewMetrics}. */
  static final ViewMetrics.Dialect DIALECT = new ViewMetrics.Dialect() {
    @Override
    public String countIf(String condition) {
      return "countIf(" + condition + ")";
    }

    @Override
    public String wholeType() {
      return "UInt64";
    }

    @Override
    public String realType() {
      return "Float64";
    }
  };

  /**
   * The rows a materialized view adds to a rollup table for the views of one insert: for each view, one row for the
   * account total ({@code dim} empty) and one per dimension rolled up by {@code unit}, aggregated per bucket.
   */
  static String rollupSelect(String unit, String views) {
    StringBuilder dims = new StringBuilder("[tuple('', CAST(NULL, 'Nullable(String)'))");
    for (String d : rolled(unit)) {
      dims.append(", tuple('").append(d).append("', CAST(").append(d).append(", 'Nullable(String)'))");
    }
    dims.append("]");
    return "SELECT account_id, d.1 AS dim, d.2 AS value, toStartOf" + (unit.equals("hour") ? "Hour" : "Day")
        + "(started_at) AS t, " + ViewMetrics.aggregates(ViewMetrics.LIVEPEER_FACTS, DIALECT) + ","
        + " " + TTFF_Q.replace("quantilesTDigest", "quantilesTDigestState") + "(ttff_ms) AS ttff_q,"
        + " " + UNIQ.replace("uniqCombined64", "uniqCombined64State") + "(viewer_id) AS viewers, "
        + ViewMetrics.aggregates(ViewMetrics.QUALITY_FACTS, DIALECT)
        + " FROM " + views + " ARRAY JOIN " + dims + " AS d GROUP BY account_id, dim, value, t"
        // a fact is named as the column it sums, which other facts read: the name means the column (ChViewsSql)
        + " SETTINGS prefer_column_name_to_alias = 1";
  }
}
