package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.eventlog.EventLogConfig;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.KafkaBroker;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import io.viewpulse.testing.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code serve --finished-views-topic}: a node on the Kafka event log publishes every view it finishes to the topic,
 * one record per view keyed by its view id, the value the export's NDJSON line of the view; a node started again on
 * the same store goes on from its position. A real broker in a child process; a plain consumer reads the topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FinishedViewsTopicTest {
  private static final String TOPIC = "finished-views";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private KafkaBroker broker;

  @BeforeAll
  void start() {
    broker = new KafkaBroker();
  }

  @AfterAll
  void stop() {
    broker.close();
  }

  private TestServer node(Path data, MutableClock clock) {
    return node(data, clock, TestStores.fresh(TestStores.Engine.DUCKDB, data), "beacons", TOPIC);
  }

  private TestServer node(Path data, MutableClock clock, io.viewpulse.store.StoreConfig store, String log,
      String topic) {
    return new TestServer(data, clock, false, store, c -> c.withEventLog(new EventLogConfig(null,
        EventLogConfig.kafka(List.of(broker.bootstrap()), log, 4, 1, log + "-group").kafka()
            .withDeliveryTimeout(Duration.ofSeconds(3)).withFinishedViewsTopic(topic))));
  }

  /**
   * Sessions that play and end, from {@code at} on, one a second, each stalling once, switching down and dropping
   * frames (the i-th i of 100); then their views are stored.
   */
  private static void finish(TestServer s, Instant at, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      Instant t0 = at.plusSeconds(i);
      s.clock.set(t0.plusSeconds(5));
      Http.Response r = s.beacon(Beacons.session(prefix + i, "pbA").play(t0)
          .heartbeat(prefix + i + "-h", t0.plusSeconds(4), 4000, 0, 0, 0, 150L).with("rendition_down_count", 1)
          .with("dropped_frames", i).with("total_frames", 100)
          .heartbeat(prefix + i + "-i", t0.plusSeconds(5), 0, 300, 0, 0, null).ended(t0.plusSeconds(5)).json(),
          "192.0.2." + (10 + i));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    s.clock.set(at.plus(Duration.ofHours(2)));
    s.flush();
  }

  /** A metric's value on /metrics. */
  private static double metric(TestServer s, String name) {
    for (String line : s.http.get("/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError(name + " is not on /metrics");
  }

  /** A metric's value once it reached {@code expected} (it moves just after Kafka's acknowledgement), or after 10 s. */
  private static double metric(TestServer s, String name, double expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    double v = metric(s, name);
    while (v < expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
      v = metric(s, name);
    }
    return v;
  }

  /** The export's NDJSON lines of the views started on the day of T0, by view id. */
  private static Map<String, String> exported(TestServer s, String key) throws Exception {
    s.flush();
    Http.Response r = s.http.getWithKey("/api/data/views/export?format=ndjson&from=" + T0 + "&to="
        + T0.plus(Duration.ofDays(1)), key);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Map<String, String> byId = new TreeMap<>();
    // the export's generator separates its objects by a space before each line's: not part of the object
    for (String line : r.body().strip().split("\n *")) {
      byId.put(JSON.readTree(line).get("viewId").asText(), line);
    }
    return byId;
  }

  /** A view's outcome, rebuffer time and count, dropped frames, switches down and dropped frame rate. */
  private static String quality(String json) {
    try {
      com.fasterxml.jackson.databind.JsonNode v = JSON.readTree(json);
      return String.join(" ", java.util.stream.Stream.of("outcome", "rebufferMs", "rebufferCount", "droppedFrames",
          "switchesDown", "droppedFrameRate").map(f -> v.get(f).isNull() ? "null" : v.get(f).asText()).toList());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Map<String, String> published(int n) {
    return TopicReader.byKey(broker.bootstrap(), TOPIC, n);
  }

  /**
   * Two nodes on one ClickHouse store: the node that owns partition 0 publishes. A alone owns it and publishes; B
   * joins (the group shares the partitions); A stops, B owns every partition and goes on from the stored position.
   */
  @Test
  void whenThePublishingNodeStopsTheNodeThatTakesPartitionZeroGoesOnFromThePosition() throws Exception {
    String topic = "finished-views-ch";
    String db = "finished_views_" + ProcessHandle.current().pid();
    Path dirA = TestServer.newTempDir();
    Path dirB = TestServer.newTempDir();
    MutableClock clock = new MutableClock(T0);
    TestServer a = node(dirA, clock, TestStores.clickHouse(dirA, db), "beacons-ch", topic);
    TestServer b = null;
    try {
      a.asset("pbA");
      finish(a, T0, "s-a-", 5);
      String key = a.secretKey;
      Map<String, String> first = exported(a, key);
      assertThat(first).hasSize(5);
      assertThat(TopicReader.byKey(broker.bootstrap(), topic, 5)).isEqualTo(first);

      b = node(dirB, clock, TestStores.clickHouse(dirB, db), "beacons-ch", topic);
      a.close();
      a = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (b.http.get("/healthz").json().get("partitionsOwned").asInt() < 4) {
        assertThat(System.nanoTime()).as("B owns every partition in time").isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(metric(b, "viewpulse_finished_views_publisher")).as("B owns partition 0 now").isEqualTo(1.0);
      b.vp.refreshDirectory();
      finish(b, T0.plus(Duration.ofHours(6)), "s-b-", 3);
      Map<String, String> all = exported(b, key);
      assertThat(all).hasSize(8).containsAllEntriesOf(first);
      assertThat(TopicReader.byKey(broker.bootstrap(), topic, 8)).as("B published what it finished")
          .isEqualTo(all);
    } finally {
      for (TestServer n : java.util.Arrays.asList(a, b)) {
        if (n != null) {
          n.close();
        }
      }
      TestServer.deleteTree(dirA);
      TestServer.deleteTree(dirB);
    }
  }

  @Test
  void everyFinishedViewIsOnTheTopicByViewIdAndANodeStartedAgainGoesOnFromItsPosition() throws Exception {
    Path data = TestServer.newTempDir();
    MutableClock clock = new MutableClock(T0);
    Map<String, String> first;
    String key;
    try (TestServer a = node(data, clock)) {
      a.asset("pbA");
      finish(a, T0, "s-a-", 5);
      key = a.secretKey;
      first = exported(a, key);
      assertThat(first).hasSize(5);
      assertThat(published(5)).isEqualTo(first);
      assertThat(first.values()).extracting(FinishedViewsTopicTest::quality).as("the views' quality on the topic")
          .containsExactlyInAnyOrder("played 300 1 0 1 0", "played 300 1 1 1 0.01", "played 300 1 2 1 0.02",
              "played 300 1 3 1 0.03", "played 300 1 4 1 0.04");
      assertThat(metric(a, "viewpulse_finished_views_publisher")).as("A alone owns partition 0").isEqualTo(1.0);
      assertThat(metric(a, "viewpulse_finished_views_published_total", 5.0)).isEqualTo(5.0);
    }
    try (TestServer b = node(data, clock)) {
      finish(b, T0.plus(Duration.ofHours(3)), "s-b-", 3);
      Map<String, String> all = exported(b, key);
      assertThat(all).hasSize(8).containsAllEntriesOf(first);
      assertThat(published(8)).isEqualTo(all);
    } finally {
      TestServer.deleteTree(data);
    }
  }

  @Test
  void theOptionNeedsTheKafkaEventLogAndATopicOfItsOwn() {
    assertThat(serveRefused("--finished-views-topic", TOPIC))
        .startsWith("--finished-views-topic needs the Kafka event log (--event-log kafka://...)");
    assertThat(serveRefused("--event-log", "kafka://k1:9092", "--kafka-topic", "beacons", "--finished-views-topic",
        "beacons")).startsWith("--finished-views-topic must be 1 to 249 letters, digits, '.', '_' or '-', and not the"
        + " event log's topic, not 'beacons'");
  }

  /** What {@code serve} prints when it refuses its options (exit 2, picocli's usage error). */
  private static String serveRefused(String... args) {
    Path data = TestServer.newTempDir();
    try {
      java.io.StringWriter err = new java.io.StringWriter();
      String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("serve", "--data", data.toString(),
          "--host", "127.0.0.1", "--port", "0"), java.util.Arrays.stream(args)).toArray(String[]::new);
      assertThat(Main.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err), all))
          .isEqualTo(2);
      return err.toString();
    } finally {
      TestServer.deleteTree(data);
    }
  }
}
