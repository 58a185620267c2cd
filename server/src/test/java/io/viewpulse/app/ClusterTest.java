package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.live.MinuteStats;
import io.viewpulse.loadgen.LoadGenerator;
import io.viewpulse.sessions.OneNode;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.KafkaBroker;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Viewpulse as a cluster on one machine, all of it real: a Kafka broker (a child JVM), the ClickHouse engine (chDB
 * behind its HTTP interface), and Viewpulse nodes as child processes on their own ports and data directories, sharing
 * the master key, the topic and the ClickHouse database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTest {
  private static final int PARTITIONS = 6;
  private static final byte[] MASTER_KEY = new byte[32];

  static {
    for (int i = 0; i < MASTER_KEY.length; i++) {
      MASTER_KEY[i] = (byte) (0x31 ^ i * 13);
    }
  }

  private KafkaBroker broker;
  private final List<ServerProcess> nodes = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();

  @BeforeAll
  void start() {
    broker = new KafkaBroker();
    TestStores.chdb();
  }

  @AfterAll
  void stop() {
    nodes.forEach(ServerProcess::close);
    broker.close();
    dirs.forEach(TestServer::deleteTree);
  }

  /** A node's data directory: empty but for the cluster's master key. */
  private Path nodeDir() throws Exception {
    Path d = TestServer.newTempDir();
    Files.write(d.resolve("master.key"), MASTER_KEY);
    dirs.add(d);
    return d;
  }

  private static String storeUri(String database) {
    StoreConfig.ClickHouse c = TestStores.clickHouse(null, database).clickHouse();
    return "clickhouse://" + c.user() + ":" + c.password() + "@" + c.endpoint().replaceFirst("^http://", "") + "/"
        + c.database();
  }

  private ServerProcess node(Path dir, String database, String topic) {
    ServerProcess p = new ServerProcess(dir, List.of("-Xmx384m"), "--store", storeUri(database), "--event-log",
        "kafka://" + broker.bootstrap(), "--kafka-topic", topic, "--kafka-partitions", Integer.toString(PARTITIONS),
        "--kafka-replication-factor", "1", "--kafka-group", topic + "-group");
    nodes.add(p);
    return p;
  }

  /** Runs a command of the command line on a node's directory and store, in this JVM; returns what it printed. */
  private static JsonNode cli(Path dir, String database, String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = Stream.concat(Stream.of(args), Stream.of("--data", dir.toString(), "--store", storeUri(database)))
        .toArray(String[]::new);
    assertThat(Main.run(new PrintWriter(out), new PrintWriter(err), all)).as(err.toString()).isZero();
    return Http.JSON.readTree(out.toString());
  }

  private static double partitionsOwned(ServerProcess n) throws Exception {
    return n.alive() ? n.metric("viewpulse_partitions_owned") : 0;
  }

  private static void await(String what, java.util.concurrent.Callable<Boolean> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!done.call()) {
      assertThat(System.nanoTime()).as("waited 90 s for " + what).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  void twoNodesStartingAtOnceOnAnEmptyKafkaAndClickHouseMakeTheTopicAndTheSchemaOnce() throws Exception {
    String db = "cluster_start_" + ProcessHandle.current().pid();
    ServerProcess a = node(nodeDir(), db, "start-once");
    ServerProcess b = node(nodeDir(), db, "start-once");
    a.launch();
    b.launch();
    assertThat(a.awaitListening()).as(a.output()).isTrue();
    assertThat(b.awaitListening()).as(b.output()).isTrue();
    await("the partitions shared", () -> partitionsOwned(a) + partitionsOwned(b) == PARTITIONS);
    long owned = 0;
    for (ServerProcess n : List.of(a, b)) {
      HttpResponse<String> health = n.get("/healthz", null);
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      owned += Http.JSON.readTree(health.body()).get("partitionsOwned").asLong();
    }
    assertThat(owned).as("each partition owned by one node").isEqualTo(PARTITIONS);
    var ch = TestStores.chdb().client;
    // both may have recorded the versions: the table keeps one row a version (a ReplacingMergeTree), read with FINAL;
    // a new database records each version from the quality rollups' (2) to the current one (7)
    assertThat(ch.queryAll("SELECT count() AS n FROM `" + db + "`.schema_migrations FINAL").get(0).getLong("n"))
        .as("versions 2 to 7, however many nodes made them").isEqualTo(6);
    assertThat(tables(db)).isEqualTo(SCHEMA);
    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      assertThat(admin.describeTopics(List.of("start-once")).allTopicNames().get(30, TimeUnit.SECONDS)
          .get("start-once").partitions()).hasSize(PARTITIONS);
    }
    a.stop();
    b.stop();
  }

  /**
   * A node configured as deploy/docker-compose.yml configures one (its environment, with the brokers', ClickHouse's
   * and the secrets' places swapped for this machine's, and one replica since there is one broker) joins and owns the
   * topic's partitions; HAProxy's configuration health-checks /healthz on every Viewpulse service of the file. The
   * file itself is not run here (no Docker).
   */
  @Test
  void aNodeConfiguredAsTheComposeFileSaysStartsAndTheLoadBalancerChecksItsReadiness() throws Exception {
    Path deploy = Path.of("..", "deploy");
    Map<String, Object> compose = new org.yaml.snakeyaml.Yaml().load(Files.readString(deploy.resolve(
        "docker-compose.yml")));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
    List<String> viewpulse = services.keySet().stream().filter(n -> n.startsWith("viewpulse-")).sorted().toList();
    assertThat(viewpulse).containsExactly("viewpulse-1", "viewpulse-2");
    @SuppressWarnings("unchecked")
    Map<String, Object> declared = (Map<String, Object>) services.get("viewpulse-1").get("environment");
    String serveSource = Files.readString(Path.of("src/main/java/io/viewpulse/app/ServeCommand.java"));
    Map<String, String> env = new HashMap<>();
    for (Map.Entry<String, Object> e : declared.entrySet()) {
      assertThat(serveSource.matches("(?s).*\\$\\{env:" + e.getKey() + "[:}].*")
          || e.getKey().equals("VIEWPULSE_MASTER_KEY"))
          .as(e.getKey() + " is an environment variable Viewpulse reads").isTrue();
      env.put(e.getKey(), String.valueOf(e.getValue()));
    }
    assertThat(env.get("VIEWPULSE_EVENT_LOG")).isEqualTo("kafka://kafka-1:9092,kafka-2:9092,kafka-3:9092");
    assertThat(env.get("VIEWPULSE_KAFKA_REPLICATION_FACTOR")).isEqualTo("3");
    StoreConfig.ClickHouse ch = TestStores.clickHouse(null, "x").clickHouse();
    String db = "compose_" + ProcessHandle.current().pid();
    assertThat(env.get("VIEWPULSE_STORE")).isEqualTo("clickhouse://viewpulse@clickhouse:8123/viewpulse");
    env.put("VIEWPULSE_STORE", "clickhouse://" + ch.user() + "@" + ch.endpoint().replaceFirst("^http://", "") + "/"
        + db);
    Path dir = nodeDir();
    Path password = dir.resolve("clickhouse.password");
    Files.writeString(password, ch.password());
    env.put("VIEWPULSE_STORE_PASSWORD_FILE", password.toString());
    env.put("VIEWPULSE_EVENT_LOG", "kafka://" + broker.bootstrap());
    env.put("VIEWPULSE_KAFKA_TOPIC", "compose-beacons");
    env.put("VIEWPULSE_KAFKA_REPLICATION_FACTOR", "1");
    env.put("VIEWPULSE_MASTER_KEY", java.util.Base64.getEncoder().encodeToString(MASTER_KEY));
    Files.delete(dir.resolve("master.key"));
    // a key made by the command line on another machine of the cluster (its master key in a file)
    Path admin = nodeDir();
    JsonNode account = cli(admin, db, "account", "create", "--name", "compose");
    String key = cli(admin, db, "key", "create", "--account", account.get("id").asText()).get("token").asText();
    ServerProcess n = new ServerProcess(dir, List.of("-Xmx384m")).withEnv(env);
    nodes.add(n);
    n.start();
    await("the compose node's partitions", () -> partitionsOwned(n) == Integer.parseInt(
        env.get("VIEWPULSE_KAFKA_PARTITIONS")));
    HttpResponse<String> health = n.get("/healthz", null);
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(Http.JSON.readTree(health.body()).get("partitionsOwned").asInt()).isEqualTo(12);
    assertThat(tables(db)).as("the schema made in the store the environment names").isEqualTo(SCHEMA);
    assertThat(Files.exists(dir.resolve("master.key"))).as("the master key from the environment").isFalse();
    assertThat(n.get("/api/data/views/query", key).statusCode()).as("the cluster's key, by the same master key")
        .isEqualTo(200);
    n.stop();

    List<String> haproxy = Files.readAllLines(deploy.resolve("haproxy.cfg")).stream().map(String::strip).toList();
    assertThat(haproxy).contains("option httpchk GET /healthz", "http-check expect status 200");
    for (String name : viewpulse) {
      assertThat(haproxy).contains("server " + name + " " + name + ":" + env.get("VIEWPULSE_PORT") + " check");
    }
  }

  /**
   * Load on two nodes; one is killed (kill -9) in the middle and its partitions move to the other; it comes back and
   * takes some again. Afterwards every acknowledged session is one view with exactly what was acknowledged (a session
   * of the killed node may also keep the one beacon it had in flight, durable but unanswered), whichever node
   * answers; and the live minutes of the streams are what one node given the whole log decides.
   */
  @Test
  void killingANodeUnderLoadMovesItsPartitionsAndEveryAcknowledgedBeaconCountsOnce() throws Exception {
    String db = "cluster_" + ProcessHandle.current().pid();
    String topic = "beacons-kill";
    Path dirA = nodeDir();
    Path dirB = nodeDir();
    JsonNode account = cli(dirA, db, "account", "create", "--name", "cluster");
    String key = cli(dirA, db, "key", "create", "--account", account.get("id").asText()).get("token").asText();
    Map<String, String> streams = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      String pb = "lg-" + i;
      if (i % 10 == 0) {
        streams.put(cli(dirA, db, "stream", "create", "--name", pb, "--type", "channel", "--playback-id", pb)
            .get("id").asText(), pb);
      } else {
        cli(dirA, db, "asset", "create", "--name", pb, "--playback-id", pb);
      }
    }
    ServerProcess a = node(dirA, db, topic);
    ServerProcess b = node(dirB, db, topic);
    a.launch();
    b.launch();
    assertThat(a.awaitListening()).as(a.output()).isTrue();
    assertThat(b.awaitListening()).as(b.output()).isTrue();
    await("the partitions shared", () -> partitionsOwned(a) > 0 && partitionsOwned(b) > 0
        && partitionsOwned(a) + partitionsOwned(b) == PARTITIONS);

    AtomicBoolean stopA = new AtomicBoolean();
    AtomicBoolean stopB = new AtomicBoolean();
    CompletableFuture<LoadGenerator.Report> loadA = load(a, key, dirA.resolve("acked-a.tsv"), 1, stopA);
    CompletableFuture<LoadGenerator.Report> loadB = load(b, key, dirB.resolve("acked-b.tsv"), 2, stopB);
    await("load on both", () -> a.metric("viewpulse_beacons_accepted_total") >= 1_500
        && b.metric("viewpulse_beacons_accepted_total") >= 1_500);
    b.kill9();
    stopB.set(true);
    LoadGenerator.Report beforeKill = loadB.get(60, TimeUnit.SECONDS);
    await("A owning every partition", () -> partitionsOwned(a) == PARTITIONS);
    Thread.sleep(3_000);
    b.start();
    await("B owning partitions again", () -> partitionsOwned(b) > 0 && partitionsOwned(a) < PARTITIONS);
    AtomicBoolean stopB2 = new AtomicBoolean();
    CompletableFuture<LoadGenerator.Report> loadB2 = load(b, key, dirB.resolve("acked-b2.tsv"), 3, stopB2);
    Thread.sleep(8_000);
    stopA.set(true);
    stopB2.set(true);
    loadA.get(60, TimeUnit.SECONDS);
    loadB2.get(60, TimeUnit.SECONDS);
    assertThat(beforeKill.connectErrors()).as("requests cut off by the kill").isPositive();

    Map<String, Long> cutOff = ServerProcess.ackedPlaytime(dirB.resolve("acked-b.tsv"));
    Map<String, Long> acked = new HashMap<>(cutOff);
    acked.putAll(ServerProcess.ackedPlaytime(dirA.resolve("acked-a.tsv")));
    acked.putAll(ServerProcess.ackedPlaytime(dirB.resolve("acked-b2.tsv")));
    assertThat(acked.size()).isGreaterThan(100);
    Map<String, long[]>[] stored = new Map[1];
    await("every acknowledged beacon counted", () -> {
      stored[0] = a.viewsByViewer(key);
      return acked.entrySet().stream().allMatch(e -> stored[0].containsKey(e.getKey())
          && stored[0].get(e.getKey())[1] >= e.getValue());
    });
    for (Map.Entry<String, Long> e : acked.entrySet()) {
      long[] row = stored[0].get(e.getKey());
      assertThat(row[0]).as(e.getKey() + " counted once").isEqualTo(1);
      if (cutOff.containsKey(e.getKey())) {
        assertThat(row[1]).as(e.getKey() + " playtime").isBetween(e.getValue(), e.getValue() + 5_000);
      } else {
        assertThat(row[1]).as(e.getKey() + " playtime").isEqualTo(e.getValue());
      }
    }
    assertThat(stored[0].values()).allMatch(row -> row[0] == 1);
    // whichever node answers, the same (two answers a moment apart can differ by a beacon landing in between)
    String[] diff = {""};
    await("both nodes answering alike: " + diff[0], () -> {
      Map<String, long[]> fromA = a.viewsByViewer(key);
      Map<String, long[]> fromB = b.viewsByViewer(key);
      StringBuilder d = new StringBuilder();
      for (String k : fromA.keySet()) {
        if (!fromB.containsKey(k) || !java.util.Arrays.equals(fromA.get(k), fromB.get(k))) {
          d.append(k).append(" a=").append(java.util.Arrays.toString(fromA.get(k))).append(" b=")
              .append(java.util.Arrays.toString(fromB.get(k))).append('\n');
        }
      }
      fromB.keySet().stream().filter(k -> !fromA.containsKey(k)).forEach(k -> d.append(k).append(" only b\n"));
      diff[0] = d.toString();
      return d.length() == 0;
    });

    // who watches now (open sessions, from the store): the same whichever node answers, while the load's last
    // sessions are still in its window
    String[] nowDiff = {""};
    await("/now alike on both nodes: " + nowDiff[0], () -> {
      String fromA = a.get("/api/data/views/now?breakdownBy[]=playbackId", key).body();
      String fromB = b.get("/api/data/views/now?breakdownBy[]=playbackId", key).body();
      nowDiff[0] = fromA + " / " + fromB;
      return fromA.equals(fromB) && Http.JSON.readTree(fromA).size() > 0;
    });

    // live minutes: what the cluster committed against what one node owning the whole log decides, once the minute
    // the load ended in has closed too (quiet partitions' time moves on by their owners' ticks)
    long lastMinute = Math.floorDiv(System.currentTimeMillis(), 60_000L) * 60_000L;
    long closesAt = lastMinute + 60_000 + 15_000 + 3_000;
    Thread.sleep(Math.max(0, closesAt - System.currentTimeMillis()));
    List<List<byte[]>> log = readTopic(topic);
    OneNode.Decided one = OneNode.decide(log, (acc, media) -> streams.containsKey(media));
    long closedEverywhere = Long.MAX_VALUE;
    for (List<byte[]> partition : log) {
      long newest = Long.MIN_VALUE;
      for (byte[] r : partition) {
        newest = Math.max(newest, io.viewpulse.model.LogCodec.decode(r).receivedAtMs());
      }
      closedEverywhere = Math.min(closedEverywhere, newest);
    }
    int compared = 0;
    StringBuilder seen = new StringBuilder("closed everywhere at " + closedEverywhere);
    for (Map.Entry<String, String> s : streams.entrySet()) {
      Map<Long, MinuteStats> expected = OneNode.of(one.minutes(), s.getKey());
      JsonNode series = Http.JSON.readTree(a.get("/api/v4/monitoring/stream_stats_enhanced/" + s.getKey()
          + "/series?from=" + java.time.Instant.ofEpochMilli(closedEverywhere).minus(Duration.ofHours(1))
          + "&to=" + java.time.Instant.ofEpochMilli(closedEverywhere), key).body());
      seen.append("; ").append(s.getValue()).append(": the one node decided ").append(expected.keySet()).append(", served");
      for (JsonNode item : series.get("items")) {
        long minuteStart = item.get("ts").asLong() - 60_000;
        seen.append(' ').append(minuteStart);
        if (minuteStart + 75_000 > closedEverywhere) {
          continue;
        }
        MinuteStats m = expected.get(minuteStart);
        assertThat(m).as("a minute of %s the one node closed too", s.getValue()).isNotNull();
        JsonNode st = item.get("stats");
        assertThat(st.at("/concurrent/sessions").asInt()).as("concurrent at " + minuteStart)
            .isEqualTo(m.concurrent().sessions());
        assertThat(Math.round(st.at("/concurrent/total_time").asDouble() * 1000)).isEqualTo(m.concurrent().playMs());
        assertThat(st.at("/new/sessions").asInt()).as("new at " + minuteStart).isEqualTo(m.fresh().sessions());
        assertThat(Math.round(st.at("/new/total_time").asDouble() * 1000)).isEqualTo(m.fresh().playMs());
        compared++;
      }
    }
    assertThat(compared).as("minutes compared (every minute of the load); " + seen).isGreaterThanOrEqualTo(2);
    System.out.printf("cluster: %d sessions acknowledged over two nodes and a kill -9, each counted once; %d live"
        + " minutes as one node decides them%n", acked.size(), compared);
  }

  private static CompletableFuture<LoadGenerator.Report> load(ServerProcess node, String key, Path acked, int seed,
      AtomicBoolean stop) {
    LoadGenerator gen = LoadGenerator.options().url(node.base()).key(key).viewers(48).connections(16)
        .playbackIds(20).duration(300, 0).uidPerSession().seed(seed).acked(acked);
    return CompletableFuture.supplyAsync(() -> {
      try {
        return gen.run(stop);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
  }

  /** Every record of the topic, partition by partition, in offset order. */
  private List<List<byte[]>> readTopic(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<List<byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int i = 0; i < PARTITIONS; i++) {
        parts.add(new TopicPartition(topic, i));
        out.add(new ArrayList<>());
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      Set<TopicPartition> done = new HashSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (done.size() < parts.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          out.get(r.partition()).add(r.value());
        }
        for (TopicPartition tp : parts) {
          if (c.position(tp) >= end.get(tp)) {
            done.add(tp);
          }
        }
      }
      assertThat(done).hasSize(PARTITIONS);
    }
    return out;
  }

  /** The tables and materialized views of the ClickHouse schema, by name. */
  private static final List<String> SCHEMA = List.of("accounts", "alert_incidents", "alert_outbox", "alert_rules",
      "api_keys", "custom_dimensions",
      "erasures", "media", "retention_policies", "rollup_day", "rollup_day_mv", "rollup_hour", "rollup_hour_mv",
      "saved_views", "schema_migrations", "session_state", "views", "webhook_endpoints");

  private static List<String> tables(String db) {
    return TestStores.chdb().client.queryAll("SELECT name FROM system.tables WHERE database = '" + db
        + "' ORDER BY name").stream().map(r -> r.getString("name")).toList();
  }
}
