package io.viewpulse.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables of the embedded store, created on first open.
 *
 * <p>{@code views} holds one row per finished view and is only ever appended to. {@code live_views} holds the latest
 * snapshot of every open session (view or not yet) together with the serialized session state, replaced on every
 * flush; together with {@code meta.checkpoint} (the last event-log offset folded into those snapshots) it is the
 * sessionizer's recovery point, with {@code live_minute_parts}, what the minutes of live statistics still open
 * hold. Queries read {@code all_views}: finished views plus open sessions with play intent.
 */
final class Schema {
  /**
   * The columns of a view. Start times are whole seconds (TIMESTAMP_S): views arrive in time order, so a row group
   * spans a narrow range of seconds that bit-packs into a few bits a view; when a view ended is not kept (no query
   * needs it), which with the rest keeps a stored view under 32 bytes.
   */
  static final String VIEW_COLUMNS =
      "account_id VARCHAR NOT NULL, playback_id VARCHAR NOT NULL, creator_id VARCHAR, d_storage_url VARCHAR,"
          + " viewer_id VARCHAR, started_at TIMESTAMP_S NOT NULL,"
          + " device_type VARCHAR, device VARCHAR, cpu VARCHAR, os VARCHAR, browser VARCHAR, browser_engine VARCHAR,"
          + " continent VARCHAR, country VARCHAR, subdivision VARCHAR, timezone VARCHAR, geohash VARCHAR, domain VARCHAR,"
          + " live BOOLEAN NOT NULL, playtime_ms BIGINT NOT NULL, ttff_ms INTEGER, rebuffer_ms BIGINT NOT NULL,"
          + " errors INTEGER NOT NULL, first_frame BOOLEAN NOT NULL, ended BOOLEAN NOT NULL";

  static final String VIEW_COLUMN_NAMES =
      "account_id, playback_id, creator_id, d_storage_url, viewer_id, started_at,"
          + " device_type, device, cpu, os, browser, browser_engine, continent, country, subdivision, timezone, geohash,"
          + " domain, live, playtime_ms, ttff_ms, rebuffer_ms, errors, first_frame, ended";

  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS meta (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    "CREATE TABLE IF NOT EXISTS accounts (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)",
    "CREATE TABLE IF NOT EXISTS api_keys (id VARCHAR PRIMARY KEY, account_id VARCHAR NOT NULL, name VARCHAR NOT NULL,"
        + " token_hash VARCHAR NOT NULL UNIQUE, allowed_origins VARCHAR[], created_at TIMESTAMP NOT NULL,"
        + " revoked_at TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS media (id VARCHAR PRIMARY KEY, account_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,"
        + " name VARCHAR NOT NULL, playback_id VARCHAR NOT NULL UNIQUE, creator_id VARCHAR, d_storage_url VARCHAR,"
        + " stream_type VARCHAR, created_at TIMESTAMP NOT NULL)",
    "CREATE TABLE IF NOT EXISTS views (" + VIEW_COLUMNS + ")",
    "CREATE TABLE IF NOT EXISTS live_views (session_key VARCHAR NOT NULL, play_intent BOOLEAN NOT NULL,"
        + " seen_at TIMESTAMP NOT NULL, state BLOB NOT NULL, " + VIEW_COLUMNS + ")",
    "CREATE TABLE IF NOT EXISTS live_minutes (account_id VARCHAR NOT NULL, stream_id VARCHAR NOT NULL,"
        + " minute_start TIMESTAMP NOT NULL, stats VARCHAR NOT NULL)",
    "CREATE TABLE IF NOT EXISTS live_minute_parts (stream_id VARCHAR NOT NULL, minute_start TIMESTAMP NOT NULL,"
        + " written BIGINT NOT NULL, part BLOB NOT NULL)",
    "CREATE OR REPLACE VIEW all_views AS SELECT " + VIEW_COLUMN_NAMES + " FROM views UNION ALL SELECT "
        + VIEW_COLUMN_NAMES + " FROM live_views WHERE play_intent",
  };

  private Schema() {}

  static void migrate(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl);
      }
      Rollups.migrate(s);
    }
  }
}
