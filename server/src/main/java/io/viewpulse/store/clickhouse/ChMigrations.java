package io.viewpulse.store.clickhouse;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the ClickHouse schema to the current version at start. ClickHouse has no transactions around DDL and no
 * locks, so every step is written to be run again, and by two processes at once: {@code CREATE ... IF NOT EXISTS},
 * {@code ADD COLUMN IF NOT EXISTS}, {@code MODIFY QUERY} to the same query, a DDL race lost to another process taken
 * as done. A version is recorded once its steps all ran; the schema_migrations table says which versions a database
 * has.
 *
 * <ul>
 *   <li>Version 1: the first schema.
 *   <li>Version 2: the quality facts of a view ({@code model.ViewQuality}) in views, session_state and the rollups,
 *       and the rollups' materialized views computing them. A view stored before reads its failure kind from its
 *       errors ({@link ChSchema#columnUpgrades}); the rollup rows stored before hold none of the new facts, so the
 *       rollups hold the quality facts of the views stored from the upgrade on only: {@link #qualityRollupsSince}.
 *   <li>Version 3: custom dimensions ({@code custom_dimensions}, and a column per slot in views and session_state)
 *       and the network dimensions (asn, isp, cdn); null in the views stored before, and not in the rollups (a query
 *       by them scans the views).
 *   <li>Version 4: the views' timelines, a column of views and session_state ({@link ChSchema#timelineColumns}).
 *   <li>Version 5: alert rules and their incidents ({@code alert_rules}, {@code alert_incidents}), tables of
 *       {@link ChSchema#tables}.
 *   <li>Version 6: what the views of on-demand videos watched, a column of views and session_state
 *       ({@link ChSchema#watchedColumns}).
 *   <li>Version 7: the outbox of alert notifications ({@code alert_outbox}), a table of {@link ChSchema#tables}.
 * </ul>
 */
final class ChMigrations {
  private static final Logger LOG = LoggerFactory.getLogger(ChMigrations.class);
  /** The current version. */
  static final int VERSION = 7;
  /** The version from which the rollups hold the quality facts. */
  static final int QUALITY = 2;
  /**
   * Margin after the upgrade before the rollups are taken to hold every view's quality facts: a view's start is its
   * player's clock, which may run up to ten minutes ahead of the server's (ingest drops events further ahead).
   */
  static final java.time.Duration CLOCK_MARGIN = java.time.Duration.ofMinutes(15);

  private final ChClient ch;
  private final ChSchema schema;

  ChMigrations(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
  }

  void apply() {
    run(schema.tables());
    run(schema.columnUpgrades());
    run(schema.timelineColumns());
    run(schema.watchedColumns());
    ch.execute("ALTER TABLE " + schema.t("schema_migrations") + " ADD COLUMN IF NOT EXISTS"
        + " rollups_complete_since DateTime64(3, 'UTC') DEFAULT 0");
    List<Long> applied = ch.queryList("SELECT version FROM " + schema.t("schema_migrations") + " FINAL", Map.of(),
        r -> r.getLong(1));
    // a database without views yet has every view of its rollups go through the current queries
    boolean empty = !applied.contains((long) QUALITY) && ch.queryList("SELECT count() FROM " + schema.t("views"),
        Map.of(), r -> r.getLong(1)).get(0) == 0;
    run(schema.materializedViews());
    run(schema.viewQueries());
    // every version not recorded yet, each with its own row: qualityRollupsSince reads when version 2's rollups began
    for (int v = QUALITY; v <= VERSION; v++) {
      if (!applied.contains((long) v)) {
        String since = v != QUALITY || empty ? "0" : "now64(3) + INTERVAL " + CLOCK_MARGIN.toMinutes() + " MINUTE";
        ch.execute("INSERT INTO " + schema.t("schema_migrations") + " (version, rollups_complete_since) VALUES ("
            + v + ", " + since + ")");
        LOG.info("ClickHouse schema at version {}", v);
      }
    }
  }

  /**
   * From when on (by view start) the rollups hold the quality facts of every view: the time version 2's queries were
   * installed (plus {@link #CLOCK_MARGIN}), or the epoch for a database that had no views then.
   */
  Instant qualityRollupsSince() {
    List<Long> since = ch.queryList("SELECT toUnixTimestamp64Milli(min(rollups_complete_since)) FROM "
        + schema.t("schema_migrations") + " FINAL WHERE version = " + QUALITY, Map.of(), r -> r.getLong(1));
    return Instant.ofEpochMilli(since.isEmpty() ? 0 : since.get(0));
  }

  private void run(List<String> statements) {
    for (String ddl : statements) {
      try {
        ch.execute(ddl);
      } catch (ChClient.ChServerError e) {
        if (e.code != ChClient.TABLE_ALREADY_EXISTS) {
          throw e;
        }
      }
    }
  }
}
