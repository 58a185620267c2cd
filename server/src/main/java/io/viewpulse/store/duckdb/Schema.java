package io.viewpulse.store.duckdb;

import io.viewpulse.live.MinuteStatsCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables of the DuckDB store, and the numbered migrations that bring a file of any earlier version to the current
 * one. The version a file is at is in {@code schema_version}; a file from before versions existed (it has
 * {@code views} but no {@code schema_version}) is at version 1. Each migration runs in one transaction with the
 * version it leads to, so a crash leaves a file at one version or the next, never between. Two processes never
 * migrate one file at once: DuckDB lets one process hold a file, and the second one's open fails before reading it.
 *
 * <p>{@code views} holds one row per finished view and is only appended to, but for erasures of a viewer. {@code live_views} holds the latest
 * snapshot of every open session (view or not yet) with its serialized state, replaced on every commit; with the
 * partition's row of {@code log_checkpoints} (the last event-log offset folded into those snapshots) and
 * {@code live_minute_parts} (what the open minutes of live statistics hold) it is a partition's recovery point.
 * Queries read {@code all_views}: finished views plus open sessions with play intent.
 */
final class Schema {
  private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

  /**
   * The columns of a view as version 1 created them (later versions add columns at the end). Start times are whole
   * seconds (TIMESTAMP_S): views arrive in time order, so a row group spans a narrow range of seconds that bit-packs
   * into a few bits a view; when a view ended is not kept (no query needs it), which with the rest keeps a stored view
   * small.
   */
  private static final String V1_VIEW_COLUMNS =
      "account_id VARCHAR NOT NULL, playback_id VARCHAR NOT NULL, creator_id VARCHAR, d_storage_url VARCHAR,"
          + " viewer_id VARCHAR, started_at TIMESTAMP_S NOT NULL,"
          + " device_type VARCHAR, device VARCHAR, cpu VARCHAR, os VARCHAR, browser VARCHAR, browser_engine VARCHAR,"
          + " continent VARCHAR, country VARCHAR, subdivision VARCHAR, timezone VARCHAR, geohash VARCHAR, domain VARCHAR,"
          + " live BOOLEAN NOT NULL, playtime_ms BIGINT NOT NULL, ttff_ms INTEGER, rebuffer_ms BIGINT NOT NULL,"
          + " errors INTEGER NOT NULL, first_frame BOOLEAN NOT NULL, ended BOOLEAN NOT NULL";

  private static final String V1_VIEW_COLUMN_NAMES =
      "account_id, playback_id, creator_id, d_storage_url, viewer_id, started_at,"
          + " device_type, device, cpu, os, browser, browser_engine, continent, country, subdivision, timezone, geohash,"
          + " domain, live, playtime_ms, ttff_ms, rebuffer_ms, errors, first_frame, ended";

  /**
   * The columns version 3 adds to a view ({@code model.ViewQuality}), with their defaults: small integers, mostly 0
   * or null, which DuckDB bit-packs into almost nothing.
   */
  private static final String[][] QUALITY_COLUMNS = {
    {"fatal", "UTINYINT", "0"},
    {"non_fatal_errors", "INTEGER", "0"},
    {"rebuffer_count", "INTEGER", "0"},
    {"seek_count", "INTEGER", "0"},
    {"seek_ms", "INTEGER", "0"},
    {"bitrate_ms", "BIGINT", "0"},
    {"bitrate_bits", "BIGINT", "0"},
    {"scale_ms", "BIGINT", "0"},
    {"upscale_ms", "DOUBLE", "0"},
    {"downscale_ms", "DOUBLE", "0"},
    {"dropped_frames", "INTEGER", "0"},
    {"total_frames", "INTEGER", "0"},
    {"switches_up", "INTEGER", "0"},
    {"switches_down", "INTEGER", "0"},
    {"max_upscale", "DOUBLE", "0"},
  };

  /**
   * The columns version 7 adds to a view: the custom dimensions by slot ({@code model.CustomDimension}) and the
   * network dimensions, null when unknown.
   */
  static final List<String> DIMENSION_COLUMNS = dimensionColumns();

  private static List<String> dimensionColumns() {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 1; i <= io.viewpulse.model.CustomDimension.MAX; i++) {
      out.add("custom_" + i);
    }
    out.addAll(List.of("asn", "isp", "cdn"));
    return List.copyOf(out);
  }

  private static final String V3_VIEW_COLUMN_NAMES = V1_VIEW_COLUMN_NAMES + ", " + String.join(", ",
      java.util.Arrays.stream(QUALITY_COLUMNS).map(c -> c[0]).toList());

  /** The columns of a view now, in the order of the tables (and of the appender's values). */
  static final String VIEW_COLUMN_NAMES = V3_VIEW_COLUMN_NAMES + ", " + String.join(", ", DIMENSION_COLUMNS);

  /** A step from one version to the next, run inside the transaction that records the new version. */
  private interface Migration {
    void apply(Connection c, Statement s) throws SQLException;
  }

  /** Migration {@code i} leads to version {@code i + 1}. */
  private static final List<Migration> MIGRATIONS = List.of(
      Schema::first,
      Schema::storeSeam,
      Schema::quality,
      Schema::erasures,
      Schema::retention,
      Schema::webhooks,
      Schema::dimensions,
      Schema::timelines,
      Schema::alerts,
      Schema::savedViews,
      Schema::watched,
      Schema::alertOutbox);

  static final int VERSION = MIGRATIONS.size();

  private Schema() {}

  /** Brings the file to {@link #VERSION}; refuses a file written by a newer Viewpulse. */
  static void migrate(Connection c) throws SQLException {
    int at = version(c);
    if (at > VERSION) {
      throw new SQLException("the store was written by a newer Viewpulse (schema version " + at + ", this one knows "
          + VERSION + "): run that version, or restore a backup");
    }
    for (int v = at; v < VERSION; v++) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        MIGRATIONS.get(v).apply(c, s);
        s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        s.execute("DELETE FROM schema_version");
        s.execute("INSERT INTO schema_version VALUES (" + (v + 1) + ")");
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
      if (at > 0) {
        LOG.info("store schema migrated to version {}", v + 1);
      }
    }
    try (Statement s = c.createStatement()) {
      Rollups.migrate(s);
    }
  }

  private static int version(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (tableExists(s, "schema_version")) {
        try (ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
          rs.next();
          return rs.getInt(1);
        }
      }
      return tableExists(s, "views") ? 1 : 0;
    }
  }

  private static boolean tableExists(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM duckdb_tables() WHERE table_name = '" + name
        + "' AND NOT temporary")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  /** Version 1: the tables as they were before versions were recorded. */
  private static void first(Connection c, Statement s) throws SQLException {
    s.execute("CREATE TABLE meta (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)");
    s.execute("CREATE TABLE accounts (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)");
    s.execute("CREATE TABLE api_keys (id VARCHAR PRIMARY KEY, account_id VARCHAR NOT NULL, name VARCHAR NOT NULL,"
        + " token_hash VARCHAR NOT NULL UNIQUE, allowed_origins VARCHAR[], created_at TIMESTAMP NOT NULL,"
        + " revoked_at TIMESTAMP)");
    s.execute("CREATE TABLE media (id VARCHAR PRIMARY KEY, account_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,"
        + " name VARCHAR NOT NULL, playback_id VARCHAR NOT NULL UNIQUE, creator_id VARCHAR, d_storage_url VARCHAR,"
        + " stream_type VARCHAR, created_at TIMESTAMP NOT NULL)");
    s.execute("CREATE TABLE views (" + V1_VIEW_COLUMNS + ")");
    s.execute("CREATE TABLE live_views (session_key VARCHAR NOT NULL, play_intent BOOLEAN NOT NULL,"
        + " seen_at TIMESTAMP NOT NULL, state BLOB NOT NULL, " + V1_VIEW_COLUMNS + ")");
    s.execute("CREATE TABLE live_minutes (account_id VARCHAR NOT NULL, stream_id VARCHAR NOT NULL,"
        + " minute_start TIMESTAMP NOT NULL, stats VARCHAR NOT NULL)");
    s.execute("CREATE TABLE live_minute_parts (stream_id VARCHAR NOT NULL, minute_start TIMESTAMP NOT NULL,"
        + " written BIGINT NOT NULL, part BLOB NOT NULL)");
  }

  /**
   * Version 2, the store as a seam: checkpoints and open state per event-log partition, with the sessions closed in
   * the last hour (so that a replay drops their late events as the first run did); media ids per account (their
   * uniqueness among an account's live items is the catalog's), with deleted items kept as tombstones (their playback
   * ids stay reserved to their account); closed minutes of live
   * statistics in Viewpulse's own form ({@link MinuteStatsCodec}) instead of Uplynk's JSON, one row per partition.
   */
  private static void storeSeam(Connection c, Statement s) throws SQLException {
    s.execute("CREATE TABLE log_checkpoints (log_partition INTEGER PRIMARY KEY, log_offset BIGINT NOT NULL)");
    s.execute("INSERT INTO log_checkpoints SELECT 0, CAST(value AS BIGINT) FROM meta WHERE name = 'checkpoint'");
    s.execute("DELETE FROM meta WHERE name = 'checkpoint'");

    s.execute("CREATE TABLE closed_sessions (log_partition INTEGER NOT NULL, key_hash BIGINT NOT NULL,"
        + " closed_at BIGINT NOT NULL)");
    s.execute("CREATE TABLE live_views_v2 (log_partition INTEGER NOT NULL, session_key VARCHAR NOT NULL,"
        + " play_intent BOOLEAN NOT NULL, seen_at TIMESTAMP NOT NULL, state BLOB NOT NULL, " + V1_VIEW_COLUMNS + ")");
    s.execute("INSERT INTO live_views_v2 SELECT 0, * FROM live_views");
    s.execute("DROP VIEW IF EXISTS all_views");
    s.execute("DROP TABLE live_views");
    s.execute("ALTER TABLE live_views_v2 RENAME TO live_views");

    s.execute("CREATE TABLE live_minute_parts_v2 (log_partition INTEGER NOT NULL, account_id VARCHAR NOT NULL,"
        + " stream_id VARCHAR NOT NULL, minute_start TIMESTAMP NOT NULL, written BIGINT NOT NULL, part BLOB NOT NULL)");
    // a part's stream is a stream of the catalog: its account is the stream's
    s.execute("INSERT INTO live_minute_parts_v2 SELECT 0, m.account_id, p.stream_id, p.minute_start, p.written, p.part"
        + " FROM live_minute_parts p JOIN media m ON m.id = p.stream_id");
    s.execute("DROP TABLE live_minute_parts");
    s.execute("ALTER TABLE live_minute_parts_v2 RENAME TO live_minute_parts");

    s.execute("CREATE TABLE live_minutes_v2 (account_id VARCHAR NOT NULL, stream_id VARCHAR NOT NULL,"
        + " minute_start TIMESTAMP NOT NULL, log_partition INTEGER NOT NULL, stats BLOB NOT NULL)");
    try (ResultSet rs = s.executeQuery("SELECT account_id, stream_id, epoch_ms(minute_start), stats FROM live_minutes");
        PreparedStatement insert = c.prepareStatement(
            "INSERT INTO live_minutes_v2 VALUES (?, ?, make_timestamp(?::BIGINT), 0, ?)")) {
      while (rs.next()) {
        insert.setString(1, rs.getString(1));
        insert.setString(2, rs.getString(2));
        insert.setLong(3, rs.getLong(3) * 1000L);
        insert.setBytes(4, MinuteStatsCodec.encode(UplynkMinutes.parse(rs.getString(4))));
        insert.addBatch();
      }
      insert.executeBatch();
    }
    s.execute("DROP TABLE live_minutes");
    s.execute("ALTER TABLE live_minutes_v2 RENAME TO live_minutes");

    s.execute("CREATE TABLE media_v2 (account_id VARCHAR NOT NULL, id VARCHAR NOT NULL, kind VARCHAR NOT NULL,"
        + " name VARCHAR NOT NULL, playback_id VARCHAR NOT NULL, creator_id VARCHAR, d_storage_url VARCHAR,"
        + " stream_type VARCHAR, created_at TIMESTAMP NOT NULL, deleted_at TIMESTAMP)");
    s.execute("INSERT INTO media_v2 SELECT account_id, id, kind, name, playback_id, creator_id, d_storage_url,"
        + " stream_type, created_at, NULL FROM media");
    s.execute("DROP TABLE media");
    s.execute("ALTER TABLE media_v2 RENAME TO media");

    s.execute("CREATE VIEW all_views AS SELECT " + V1_VIEW_COLUMN_NAMES + " FROM views UNION ALL SELECT "
        + V1_VIEW_COLUMN_NAMES + " FROM live_views WHERE play_intent");
  }

  /**
   * Version 3, the quality facts of a view ({@code model.ViewQuality}) in both views tables. A view stored before has
   * only Livepeer's facts: its errors, of no known kind, are taken as fatal (before its first frame when it had none),
   * so its exits before start are what they were.
   */
  private static void quality(Connection c, Statement s) throws SQLException {
    for (String table : List.of("views", "live_views")) {
      for (String[] col : QUALITY_COLUMNS) {
        s.execute("ALTER TABLE " + table + " ADD COLUMN " + col[0] + " " + col[1] + " DEFAULT " + col[2]);
      }
      s.execute("UPDATE " + table + " SET fatal = CASE WHEN first_frame THEN 2 ELSE 1 END WHERE errors > 0");
    }
    s.execute("CREATE OR REPLACE VIEW all_views AS SELECT " + V3_VIEW_COLUMN_NAMES + " FROM views UNION ALL SELECT "
        + V3_VIEW_COLUMN_NAMES + " FROM live_views WHERE play_intent");
  }

  /**
   * Version 4, the record of erasures of viewers ({@code privacy.Erasures}): who asked (a key id), when, and how many
   * views went; nothing of the viewer.
   */
  private static void erasures(Connection c, Statement s) throws SQLException {
    s.execute("CREATE TABLE erasures (account_id VARCHAR NOT NULL, key_id VARCHAR NOT NULL,"
        + " erased_at TIMESTAMP NOT NULL, views BIGINT NOT NULL)");
  }

  /** Version 5: the accounts' retention periods for their views and timelines ({@code retention.RetentionStore}). */
  private static void retention(Connection c, Statement s) throws SQLException {
    s.execute("CREATE TABLE retention_policies (account_id VARCHAR PRIMARY KEY, view_days INTEGER,"
        + " timeline_days INTEGER)");
  }

  /**
   * Version 6: the streaming export's webhook endpoints, each with its position in {@code views}: the rowid from
   * which views are still to be posted (rows are appended; an erasure lowers it like the rollups' marks).
   */
  private static void webhooks(Connection c, Statement s) throws SQLException {
    s.execute("CREATE TABLE webhook_endpoints (id VARCHAR PRIMARY KEY, account_id VARCHAR NOT NULL,"
        + " url VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, next_row BIGINT NOT NULL)");
  }

  /**
   * Version 7, custom and network dimensions: the custom dimensions accounts declare ({@code custom_dimensions}, a
   * name per slot), and in both views tables a column per slot and the network dimensions (ASN, ISP, CDN), null in
   * the views stored before.
   */
  private static void dimensions(Connection c, Statement s) throws SQLException {
    s.execute("CREATE TABLE custom_dimensions (account_id VARCHAR NOT NULL, slot INTEGER NOT NULL,"
        + " name VARCHAR NOT NULL, declared_at TIMESTAMP NOT NULL, PRIMARY KEY (account_id, slot))");
    for (String table : List.of("views", "live_views")) {
      for (String col : DIMENSION_COLUMNS) {
        s.execute("ALTER TABLE " + table + " ADD COLUMN " + col + " VARCHAR");
      }
    }
    s.execute("CREATE OR REPLACE VIEW all_views AS SELECT " + VIEW_COLUMN_NAMES + " FROM views UNION ALL SELECT "
        + VIEW_COLUMN_NAMES + " FROM live_views WHERE play_intent");
  }

  /**
   * Version 8, the views' timelines ({@code model.Timeline}): a BLOB at the end of {@code views}, null for a view
   * stored before and once its timeline is past the retention period. Not in {@link #VIEW_COLUMN_NAMES}: no query of
   * many views reads it, and open sessions have none.
   */
  private static void timelines(Connection c, Statement s) throws SQLException {
    s.execute("ALTER TABLE views ADD COLUMN timeline BLOB");
  }

  /**
   * Version 9, alert rules and their incidents ({@code alerts.Alerts}): a rule's definition is kept as the JSON of
   * {@code alerts.RuleJson}; an incident is replaced by its resolution.
   */
  private static void alerts(Connection c, Statement s) throws SQLException {
    s.execute("CREATE TABLE alert_rules (account_id VARCHAR NOT NULL, id VARCHAR NOT NULL,"
        + " created_at TIMESTAMP NOT NULL, spec VARCHAR NOT NULL, PRIMARY KEY (account_id, id))");
    s.execute("CREATE TABLE alert_incidents (account_id VARCHAR NOT NULL, id VARCHAR NOT NULL,"
        + " rule_id VARCHAR NOT NULL, rule_name VARCHAR NOT NULL, metric VARCHAR NOT NULL,"
        + " opened_at TIMESTAMP NOT NULL, resolved_at TIMESTAMP, value DOUBLE NOT NULL, bound DOUBLE NOT NULL,"
        + " PRIMARY KEY (account_id, id))");
  }

  /**
   * Version 10: the accounts' saved dashboard views ({@code savedviews.SavedViewStore}): a name, the dashboard's state
   * as it wrote it, when and by which key; a deleted view's row is deleted.
   */
  private static void savedViews(Connection c, Statement s) throws SQLException {
    s.execute("CREATE TABLE saved_views (account_id VARCHAR NOT NULL, id VARCHAR NOT NULL, name VARCHAR NOT NULL,"
        + " state VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, key_id VARCHAR NOT NULL,"
        + " PRIMARY KEY (account_id, id))");
  }

  /**
   * Version 11, what the views of on-demand videos watched: a BLOB at the end of {@code views}, 100 one-byte counters
   * (how often each percent of the duration was watched), null for a view of unknown duration, a live view, or one
   * stored before. Not in {@link #VIEW_COLUMN_NAMES}: only the audience retention query reads it.
   */
  private static void watched(Connection c, Statement s) throws SQLException {
    s.execute("ALTER TABLE views ADD COLUMN watched BLOB");
  }

  /**
   * Version 12, the outbox of alert notifications ({@code alerts.Notification}): one row per notification id, with
   * the rule (its spec, as {@code alert_rules} keeps it) and the incident as they were when it was made, its attempts
   * and when the next is due; {@code done} once delivered or given up.
   */
  private static void alertOutbox(Connection c, Statement s) throws SQLException {
    s.execute("CREATE TABLE alert_outbox (id VARCHAR PRIMARY KEY, account_id VARCHAR NOT NULL,"
        + " rule_id VARCHAR NOT NULL, rule_created_at TIMESTAMP NOT NULL, rule_spec VARCHAR NOT NULL,"
        + " incident_id VARCHAR NOT NULL, rule_name VARCHAR NOT NULL, metric VARCHAR NOT NULL,"
        + " opened_at TIMESTAMP NOT NULL, resolved_at TIMESTAMP, value DOUBLE NOT NULL, bound DOUBLE NOT NULL,"
        + " created_at TIMESTAMP NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TIMESTAMP NOT NULL,"
        + " done BOOLEAN NOT NULL)");
  }
}
