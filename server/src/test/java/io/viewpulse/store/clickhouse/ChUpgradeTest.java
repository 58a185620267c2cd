package io.viewpulse.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewQuality;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.QualityMetric;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.testing.QualityChecks;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A ClickHouse database at schema version 1 (server/src/test/resources/clickhouse/v1-schema.sql, the DDL that
 * version wrote), with views in it, opened by two processes' worth of this version at once: both migrate it, and the
 * views stored before answer as they did, their errors taken as fatal; the rollups hold the quality facts of the
 * views stored from then on, and a quality query reads the views from before the upgrade rather than the rollups.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChUpgradeTest {
  private static final Instant DAY0 = Instant.parse("2026-03-01T00:00:00Z");
  private final String db = "upgrade_" + ProcessHandle.current().pid();
  private StoreConfig config;
  private ChStore store;

  @BeforeAll
  void anOldDatabaseWithViews() throws Exception {
    config = TestStores.clickHouse(TestServer.newTempDir(), db);
    for (String ddl : v1Schema()) {
      sql(ddl);
    }
    sql("INSERT INTO `" + db + "`.schema_migrations (version) VALUES (1)");
    // version 1's insert: no quality columns. Ten views a day over two days: two with an error (one before its first
    // frame, one after), one exit before start, the rest played
    StringBuilder rows = new StringBuilder();
    for (int day = 0; day < 2; day++) {
      for (int i = 0; i < 10; i++) {
        boolean frame = i != 0 && i != 1;
        int errors = i == 0 || i == 2 ? 1 : 0;
        rows.append(rows.length() == 0 ? "" : ", ").append("(").append(day * 100 + i).append(", 'acc', 'pb1', ")
            .append("'v").append(i).append("', toDateTime('").append(DAY0.plusSeconds(day * 86_400L + i * 600L)
                .toString().replace("T", " ").replace("Z", "")).append("', 'UTC'), 'US', ")
            .append(frame ? 60_000 : 0).append(", ").append(frame ? "200" : "NULL").append(", 0, ").append(errors)
            .append(", ").append(frame).append(", true, 0, 0)");
      }
    }
    sql("INSERT INTO `" + db + "`.views (view_id, account_id, playback_id, viewer_id, started_at, country,"
        + " playtime_ms, ttff_ms, rebuffer_ms, errors, first_frame, ended, log_partition, commit_offset) VALUES "
        + rows);
    // two processes of this version start on it at once: both migrate, neither fails
    CompletableFuture<ChStore> other = CompletableFuture.supplyAsync(() -> ChStore.open(config.clickHouse()));
    store = ChStore.open(config.clickHouse());
    other.join().close();
  }

  @AfterAll
  void close() {
    store.close();
  }

  private List<String> v1Schema() throws IOException {
    try (InputStream in = ChUpgradeTest.class.getResourceAsStream("/clickhouse/v1-schema.sql")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("`DB`", "`" + db + "`");
      List<String> out = new ArrayList<>();
      for (String s : text.split(";\n")) {
        if (!s.isBlank()) {
          out.add(s.strip());
        }
      }
      return out;
    }
  }

  private void sql(String sql) throws Exception {
    TestStores.chdb().client.execute(sql).get().close();
  }

  private long count(String sql) {
    return store.clientForTests().queryList(sql, Map.of(), r -> r.getLong(1)).get(0);
  }

  private static ViewsQuery query(ViewsQuery.Detail detail, TimeStep step) {
    return new ViewsQuery("acc", null, null, null, null, null, step, List.of(), List.of(), detail);
  }

  @Test
  @Order(1)
  void theDatabaseIsAtTheCurrentVersionWithTheNewColumnsEverywhere() {
    assertThat(count("SELECT max(version) FROM `" + db + "`.schema_migrations")).isEqualTo(ChMigrations.VERSION);
    for (String table : List.of("views", "session_state")) {
      assertThat(count("SELECT count() FROM system.columns WHERE database = '" + db + "' AND table = '" + table
          + "' AND name IN ('fatal', 'non_fatal_errors')")).as(table).isEqualTo(2);
    }
    for (String table : List.of("rollup_hour", "rollup_day")) {
      assertThat(count("SELECT count() FROM system.columns WHERE database = '" + db + "' AND table = '" + table
          + "' AND name IN ('failed', 'start_failed', 'non_fatal_views', 'non_fatal_errors')")).as(table).isEqualTo(4);
    }
  }

  @Test
  @Order(2)
  void aViewStoredBeforeHasItsErrorsTakenAsFatalAndItsExitsAsTheyWere() {
    assertThat(count("SELECT countIf(fatal = 1) FROM `" + db + "`.views")).as("an error, no first frame").isEqualTo(2);
    assertThat(count("SELECT countIf(fatal = 2) FROM `" + db + "`.views")).as("an error after one").isEqualTo(2);
    MetricRow all = store.views().views(query(ViewsQuery.Detail.FULL, null)).get(0);
    assertThat(all.viewCount()).isEqualTo(20);
    assertThat(all.errorRate()).isEqualTo(0.2);
    assertThat(all.exitsBeforeStart()).as("the view without a frame nor an error, each day").isEqualTo(0.1);
  }

  @Test
  @Order(3)
  void qualityQueriesReadTheViewsFromBeforeTheUpgradeAndTheRollupsAfter() {
    ChViewsSql sql = new ChViewsSql(store.schemaForTests(), store.qualityRollupsSinceForTests());
    assertThat(store.qualityRollupsSinceForTests()).as("the database had views: the upgrade's time and a margin")
        .isAfter(Instant.now());
    // the rollup rows of these days (the old queries wrote them) hold no quality facts: the views answer for them
    ViewsQuery byDay = query(ViewsQuery.Detail.QUALITY, TimeStep.DAY);
    List<MetricRow> rows = store.views().views(byDay);
    assertThat(rows).hasSize(2);
    for (MetricRow r : rows) {
      assertThat(r.quality(QualityMetric.PLAYBACK_FAILURE_RATE)).isEqualTo(0.2);
      assertThat(r.quality(QualityMetric.VIDEO_STARTUP_FAILURE_RATE)).isEqualTo(0.1);
    }
    // views stored now go through the rollups' new queries, with their quality facts
    Instant later = store.qualityRollupsSinceForTests().plusSeconds(2 * 86_400);
    List<ViewRecord> fresh = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fresh.add(new ViewRecord(1000 + i, "acc", "pb1", null, null, "w" + i, later.toEpochMilli() + i * 1000L, null,
          Dimensions.UNKNOWN, null, false, 10_000, 100, 0, 0, true, true,
          new ViewQuality(i == 0 ? ViewQuality.FAILED_AFTER_START : ViewQuality.NO_FAILURE, i, 0, 0, 0)));
    }
    store.load(fresh);
    assertThat(count("SELECT sum(failed) FROM `" + db + "`.rollup_day WHERE dim = ''")).isEqualTo(1);
    assertThat(count("SELECT sum(non_fatal_errors) FROM `" + db + "`.rollup_day WHERE dim = ''")).isEqualTo(6);
    ViewsQuery recent = new ViewsQuery("acc", null, null, null, later.minusSeconds(86_400 * 3),
        later.plusSeconds(86_400), TimeStep.DAY, List.of(), List.of(), ViewsQuery.Detail.QUALITY);
    assertThat(sql.viewsFromRollups(recent).orElseThrow().sql()).contains("rollup_day");
    List<MetricRow> rolled = store.views().views(recent);
    List<MetricRow> scanned = ((ChViewReader) store.views()).viewsByScan(recent);
    assertThat(rolled).hasSameSizeAs(scanned).isNotEmpty();
    for (int i = 0; i < rolled.size(); i++) {
      assertThat(rolled.get(i).viewCount()).isEqualTo(scanned.get(i).viewCount());
      QualityChecks.assertSameQuality("row " + i, rolled.get(i), scanned.get(i));
    }
    assertThat(rolled.get(rolled.size() - 1).quality(QualityMetric.NON_FATAL_ERROR_COUNT)).isEqualTo(6.0);
  }
}
