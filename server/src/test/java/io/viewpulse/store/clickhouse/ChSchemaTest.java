package io.viewpulse.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.store.StoreConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The schema template, without a database: one server, and a cluster (replicated tables behind distributed ones,
 * ON CLUSTER DDL). No ClickHouse cluster can run here, so the cluster form is checked as text; the single-server form
 * also runs on the real engine in every ClickHouse test.
 */
class ChSchemaTest {
  @Test
  void oneServerGetsPlainMergeTreesAndNoClusterClause() {
    List<String> ddl = new ChSchema("vp", null).create();
    assertThat(ddl).noneMatch(s -> s.contains("ON CLUSTER") || s.contains("Replicated") || s.contains("Distributed"));
    assertThat(ddl).anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS `vp`.`views` (")
        && s.contains("ENGINE = MergeTree() PARTITION BY toYYYYMM(started_at)"
            + " ORDER BY (account_id, toDate(started_at), playback_id, started_at)"));
    // a value's buckets together: one video's days are read without the other videos'
    assertThat(ddl).anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS `vp`.`rollup_day` (")
        && s.contains(" ORDER BY (account_id, dim, value, t)"));
    assertThat(ddl).anyMatch(s -> s.startsWith("CREATE MATERIALIZED VIEW IF NOT EXISTS `vp`.`rollup_hour_mv`"
        + " TO `vp`.`rollup_hour` AS SELECT") && s.contains("FROM `vp`.`views` ARRAY JOIN"));
    assertThat(ddl).anyMatch(s -> s.contains("`vp`.`session_state`")
        && s.contains("ENGINE = ReplacingMergeTree(version, is_deleted) ORDER BY (kind, account_id, key)"));
  }

  @Test
  void theBrowserEngineIsRolledUpByHourAndDayAndAVideoByDayOnly() {
    List<String> ddl = new ChSchema("vp", null).create();
    String hour = ddl.stream().filter(s -> s.contains("`vp`.`rollup_hour_mv`")).findFirst().orElseThrow();
    String day = ddl.stream().filter(s -> s.contains("`vp`.`rollup_day_mv`")).findFirst().orElseThrow();
    assertThat(hour).contains("tuple('browser_engine', CAST(browser_engine, 'Nullable(String)'))")
        .doesNotContain("playback_id");
    assertThat(day).contains("tuple('browser_engine', CAST(browser_engine, 'Nullable(String)'))")
        .contains("tuple('playback_id', CAST(playback_id, 'Nullable(String)'))");
  }

  @Test
  void aClusterGetsReplicatedShardsBehindDistributedTablesFromTheSameTemplate() {
    List<String> ddl = new ChSchema("vp", "prod").create();
    assertThat(ddl).allMatch(s -> s.contains(" ON CLUSTER `prod`"));
    assertThat(ddl).anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS `vp`.`views_local` ON CLUSTER `prod` (")
        && s.contains("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/vp/views', '{replica}')"));
    assertThat(ddl).contains("CREATE TABLE IF NOT EXISTS `vp`.`views` ON CLUSTER `prod` AS `vp`.`views_local`"
        + " ENGINE = Distributed(`prod`, `vp`, `views_local`, view_id)");
    assertThat(ddl).anyMatch(s -> s.startsWith("CREATE MATERIALIZED VIEW IF NOT EXISTS `vp`.`rollup_day_local_mv`"
        + " ON CLUSTER `prod` TO `vp`.`rollup_day_local`") && s.contains("FROM `vp`.`views_local`"));
    // a commit stays one insert into one table: session_state is one shard, replicated on every node
    assertThat(ddl).anyMatch(s -> s.contains("`vp`.`session_state` ON CLUSTER `prod`") && s.contains(
        "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/vp/session_state', '{replica}',"
            + " version, is_deleted)"));
  }

  /**
   * An erasure deletes from every shard's local views on a cluster (a Distributed table takes no delete) and from the
   * one replicated session_state; the values are literals, quotes and backslashes escaped.
   */
  @Test
  void anErasureDeletesFromEveryShardsViewsAndEscapesTheViewerId() {
    assertThat(new ChSchema("vp", "prod").deleteViews("acc", "o'brien\\x")).isEqualTo(
        "DELETE FROM `vp`.`views_local` ON CLUSTER `prod` WHERE account_id = 'acc' AND viewer_id = 'o\\'brien\\\\x'");
    assertThat(new ChSchema("vp", null).deleteViews("acc", "v")).isEqualTo(
        "DELETE FROM `vp`.`views` WHERE account_id = 'acc' AND viewer_id = 'v'");
    assertThat(new ChSchema("vp", "prod").deleteSessionState("acc", "v")).isEqualTo(
        "DELETE FROM `vp`.`session_state` WHERE kind IN ('s', 'v') AND account_id = 'acc' AND viewer_id = 'v'");
    assertThat(new ChSchema("vp", "prod").create()).anyMatch(s -> s.startsWith(
        "CREATE TABLE IF NOT EXISTS `vp`.`erasures` ON CLUSTER `prod` (") && s.contains(
        "ReplicatedMergeTree('/clickhouse/tables/all/vp/erasures', '{replica}')"));
  }

  @Test
  void theStoreUriNamesServerDatabaseClusterAndCredentialsAndNeverRepeatsAPassword() {
    StoreConfig c = StoreConfig.parse("clickhouse://vp:s%40cret@ch.example:9000/analytics?cluster=prod", null, null);
    assertThat(c.clickHouse()).isEqualTo(new StoreConfig.ClickHouse("http://ch.example:9000", "vp", "s@cret",
        "analytics", "prod"));
    assertThat(c.clickHouse().toString()).doesNotContain("s@cret");
    assertThat(StoreConfig.parse("clickhouse://vp@ch.example/analytics?secure=true", null, "from-file").clickHouse())
        .isEqualTo(new StoreConfig.ClickHouse("https://ch.example:8443", "vp", "from-file", "analytics", null));
    assertThat(StoreConfig.parse(null, null, null).engine()).isEqualTo(StoreConfig.Engine.DUCKDB);
    for (String bad : List.of("postgres://x/y", "clickhouse://vp:pw@host:8123/", "clickhouse://vp:pw@host/db?tls=1",
        "clickhouse://vp:topsecret@host/db;drop")) {
      try {
        StoreConfig.parse(bad, null, null);
        throw new AssertionError("accepted " + bad);
      } catch (io.viewpulse.model.DomainException e) {
        assertThat(e.getMessage()).doesNotContain("topsecret").doesNotContain(":pw@");
      }
    }
  }

  @Test
  void onAClusterInsertsWaitForTheShardsAndAMajorityOfReplicasAndOnOneServerNothingIsAsked() {
    assertThat(ChClient.serverSettings(new StoreConfig.ClickHouse("http://ch:8123", "vp", "pw", "db", "prod")))
        .isEqualTo(java.util.Map.of("distributed_foreground_insert", "1", "insert_quorum", "auto"));
    assertThat(ChClient.serverSettings(new StoreConfig.ClickHouse("http://ch:8123", "vp", "pw", "db", null)))
        .isEmpty();
  }
}
