package io.viewpulse.store.clickhouse;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the ClickHouse schema to the current version at start. ClickHouse has no transactions around DDL and no
 * locks, so every step is written to be run again, and by two processes at once: {@code CREATE ... IF NOT EXISTS},
 * {@code ADD COLUMN IF NOT EXISTS}, a DDL race lost to another process taken as done. A version is recorded once its
 * steps all ran; the schema_migrations table says which versions a database has.
 */
final class ChMigrations {
  private static final Logger LOG = LoggerFactory.getLogger(ChMigrations.class);
  /** The current version: version 1 is the first schema ({@link ChSchema#create}). */
  static final int VERSION = 1;

  private final ChClient ch;
  private final ChSchema schema;

  ChMigrations(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
  }

  void apply() {
    List<String> statements = schema.create();
    for (String ddl : statements) {
      try {
        ch.execute(ddl);
      } catch (ChClient.ChServerError e) {
        if (e.code != ChClient.TABLE_ALREADY_EXISTS) {
          throw e;
        }
      }
    }
    List<Long> applied = ch.queryList("SELECT version FROM " + schema.t("schema_migrations") + " FINAL", Map.of(),
        r -> r.getLong(1));
    if (!applied.contains((long) VERSION)) {
      ch.execute("INSERT INTO " + schema.t("schema_migrations") + " (version) VALUES (" + VERSION + ")");
      LOG.info("ClickHouse schema at version {}", VERSION);
    }
  }
}
