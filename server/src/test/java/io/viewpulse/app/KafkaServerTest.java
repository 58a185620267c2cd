package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.eventlog.EventLogConfig;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Dashboards;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.KafkaBroker;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A server on the Kafka event log ({@code --event-log kafka://...}, a real broker in a child process) answers what
 * the same beacons give on the file log, and rides out Kafka going away: 503 with Retry-After while it is gone, every
 * acknowledged beacon counted once it is back, without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaServerTest {
  private static final List<String> QUERIES = List.of(
      "/api/data/views/query",
      "/api/data/views/query?breakdownBy[]=playbackId",
      "/api/data/views/query?breakdownBy[]=browser&breakdownBy[]=country",
      "/api/data/views/query?playbackId=pbB&timeStep=hour",
      "/api/data/views/query?breakdownBy[]=playbackId&timeStep=day");

  private KafkaBroker broker;
  private TestServer onFile;
  private TestServer onKafka;

  @BeforeAll
  void start() {
    broker = new KafkaBroker();
    onFile = new TestServer(TestStores.Engine.DUCKDB);
    onKafka = new TestServer(TestStores.Engine.DUCKDB, c -> c.withEventLog(new EventLogConfig(null,
        EventLogConfig.kafka(List.of(broker.bootstrap()), "beacons", 4, 1, "viewpulse-test").kafka()
            .withDeliveryTimeout(Duration.ofSeconds(3)))));
    for (TestServer s : List.of(onFile, onKafka)) {
      s.asset("pbA");
      s.asset("pbB");
    }
  }

  @AfterAll
  void stop() {
    if (onKafka != null) {
      onKafka.close();
    }
    if (onFile != null) {
      onFile.close();
    }
    broker.close();
  }

  /** Does the same to both servers: the clock set, the beacon posted and acknowledged. */
  private void both(Instant at, Consumer<TestServer> step) {
    for (TestServer s : List.of(onFile, onKafka)) {
      s.clock.set(at);
      step.accept(s);
    }
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  @Order(1)
  void theViewsApiAnswersOnKafkaExactlyWhatTheSameBeaconsGiveOnTheFileLog() {
    both(T0.plusSeconds(5), s -> ok(s.beacon(Beacons.session("s-normal", "pbA").play(T0)
        .heartbeat("n1", T0.plusSeconds(5), 4800, 0, 300, 0, 200L).json(), "192.0.2.10")));
    both(T0.plusSeconds(10), s -> ok(s.beacon(Beacons.session("s-normal", "pbA")
        .heartbeat("n2", T0.plusSeconds(10), 5000, 0, 0, 0, null).json(), "192.0.2.10")));
    both(T0.plusSeconds(15), s -> ok(s.beacon(Beacons.session("s-normal", "pbA")
        .heartbeat("n3", T0.plusSeconds(15), 4000, 1000, 0, 0, null).ended(T0.plusSeconds(15)).json(),
        "192.0.2.10")));
    Instant e0 = T0.plusSeconds(60);
    both(e0.plusSeconds(5), s -> ok(s.beacon(Beacons.session("s-error", "pbA").userAgent(Beacons.SAFARI_IPHONE)
        .play(e0).error(e0.plusSeconds(2), "unknown", "").heartbeat("e1", e0.plusSeconds(5), 0, 0, 0, 1, null)
        .json(), "198.51.100.20")));
    Instant r0 = T0.plusSeconds(3600);
    both(r0.plusSeconds(5), s -> ok(s.beacon(Beacons.session("s-b", "pbB").uid("viewer-42").play(r0)
        .heartbeat("r1", r0.plusSeconds(5), 5000, 0, 0, 0, 100L).json(), "2001:db8::1")));
    for (int i = 0; i < 12; i++) {
      String session = "s-many-" + i;
      String viewer = "203.0.113." + (10 + i);
      String playbackId = i % 2 == 0 ? "pbA" : "pbB";
      Instant m0 = T0.plusSeconds(120 + i);
      both(m0.plusSeconds(5), s -> ok(s.beacon(Beacons.session(session, playbackId)
          .userAgent(Beacons.FIREFOX_WINDOWS).play(m0).heartbeat(session + "-h", m0.plusSeconds(5), 4000, 0, 0, 0,
              150L).json(), viewer)));
    }
    both(r0.plusSeconds(60), TestServer::flush);

    Http.Response total = onKafka.query(QUERIES.get(0));
    assertThat(total.json().get(0).get("viewCount").asLong()).isEqualTo(15);
    for (String q : QUERIES) {
      Http.Response file = onFile.query(q);
      Http.Response kafka = onKafka.query(q);
      assertThat(kafka.status()).as(q).isEqualTo(200);
      assertThat(kafka.body()).as(q).isEqualTo(file.body());
    }
  }

  @Test
  @Order(1)
  void theOpsDashboardsKafkaPanelsNameMetricsAServerOnKafkaExports() throws Exception {
    java.util.Set<String> exported = Dashboards.exported(onKafka.http.get("/metrics").body());
    java.util.Set<String> kafka = new java.util.TreeSet<>();
    Dashboards.expressions("dashboards/viewpulse-live-ops.json").values()
        .forEach(names -> names.stream().filter(n -> n.startsWith("viewpulse_kafka_")).forEach(kafka::add));
    assertThat(kafka).containsExactly("viewpulse_kafka_consumer_lag", "viewpulse_kafka_produce_latency_seconds",
        "viewpulse_kafka_produce_latency_seconds_max");
    assertThat(exported).containsAll(kafka);
  }

  @Test
  @Order(2)
  void withKafkaStoppedForTenSecondsBeaconsGet503WithRetryAfterAndEveryAcknowledgedOneCountsOnceItIsBack()
      throws Exception {
    Instant t = T0.plus(Duration.ofDays(1));
    onKafka.clock.set(t.plusSeconds(5));
    List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> retryAfter = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    for (int i = 0; i < 20; i++) {
      assertThat(post(t, next.getAndIncrement(), acknowledged, retryAfter)).isEqualTo(200);
    }
    broker.stop();
    // four players keep sending while Kafka is away for ten seconds
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    java.util.concurrent.ExecutorService players = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        done.add(players.submit(() -> {
          while (System.nanoTime() < until) {
            post(t, next.getAndIncrement(), acknowledged, retryAfter);
          }
        }));
      }
      for (var f : done) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      players.shutdownNow();
    }
    Http.Response down = onKafka.http.get("/healthz");
    assertThat(down.status()).as(down.body()).isEqualTo(503);
    assertThat(down.json().get("eventLog").asText()).isEqualTo("not ready");
    assertThat(down.json().get("store").asText()).isEqualTo("ok");
    broker.start();
    int refusedWhileDown = retryAfter.size();
    // back: beacons are acknowledged again without a restart of the server
    for (int i = 0; i < 20; i++) {
      assertThat(post(t, next.getAndIncrement(), acknowledged, retryAfter)).isEqualTo(200);
    }
    assertThat(refusedWhileDown).isPositive();
    // ready again once the log's last answer is an acknowledgement (the owner's ticks bring one every second)
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Http.Response up = onKafka.http.get("/healthz");
    while (up.status() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      up = onKafka.http.get("/healthz");
    }
    assertThat(up.status()).as(up.body()).isEqualTo(200);
    assertThat(up.json().get("partitionsOwned").asInt()).isEqualTo(4);
    assertThat(retryAfter).allSatisfy(v -> assertThat(v).matches("[1-9][0-9]*"));

    onKafka.clock.set(t.plusSeconds(60));
    long views = onKafka.query("/api/data/views/query?playbackId=pbB&from=" + t.toEpochMilli() + "&to="
        + t.plusSeconds(3600).toEpochMilli()).json().get(0).get("viewCount").asLong();
    // every acknowledged session is a view, and only those: a refused beacon never reached Kafka (it was down)
    assertThat(views).isEqualTo(acknowledged.size());
    assertThat(acknowledged.size() + refusedWhileDown).isEqualTo(next.get());
  }

  @Test
  @Order(3)
  void aTopicWithAnotherPartitionCountStopsTheStartWithOneLineNamingBothCounts() {
    java.nio.file.Path data = TestServer.newTempDir();
    try {
      java.io.StringWriter err = new java.io.StringWriter();
      int code = Main.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err), "serve",
          "--data", data.toString(), "--host", "127.0.0.1", "--port", "0",
          "--event-log", "kafka://" + broker.bootstrap(), "--kafka-topic", "beacons", "--kafka-partitions", "5",
          "--kafka-replication-factor", "1");
      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).isEqualTo("viewpulse: Kafka topic beacons has 4 partitions but --kafka-partitions is"
          + " 5: a topic's partition count is fixed at creation (adding partitions would move sessions to other"
          + " partitions mid-session); start with --kafka-partitions 4 or use a new topic" + System.lineSeparator());
      // the store was closed: the admin command line opens it
      java.io.StringWriter out = new java.io.StringWriter();
      assertThat(Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()),
          "account", "list", "--data", data.toString())).isZero();
    } finally {
      TestServer.deleteTree(data);
    }
  }

  @Test
  @Order(4)
  void badEventLogOptionsAreRefusedBeforeAnythingStarts() {
    assertThat(serveRefused("--event-log", "redis://x:1"))
        .startsWith("--event-log must be file or kafka://HOST:9092[,HOST:9092...], not 'redis://x:1'");
    assertThat(serveRefused("--event-log", "kafka://"))
        .startsWith("--event-log names brokers as kafka://HOST:9092[,HOST:9092...]; '' is not HOST:PORT");
    assertThat(serveRefused("--event-log", "kafka://k1:9092,k2"))
        .startsWith("--event-log names brokers as kafka://HOST:9092[,HOST:9092...]; 'k2' is not HOST:PORT");
    assertThat(serveRefused("--event-log", "kafka://k1:99999"))
        .startsWith("--event-log names brokers as kafka://HOST:9092[,HOST:9092...]; '99999' is not a port");
    assertThat(serveRefused("--event-log", "kafka://k1:9092", "--kafka-partitions", "0"))
        .startsWith("--kafka-partitions must be between 1 and 10000, not 0");
    assertThat(serveRefused("--event-log", "kafka://k1:9092", "--kafka-topic", "a/b"))
        .startsWith("--kafka-topic must be 1 to 249 letters, digits, '.', '_' or '-', not 'a/b'");
    assertThat(serveRefused("--event-log", "kafka://k1:9092", "--kafka-replication-factor", "0"))
        .startsWith("--kafka-replication-factor must be between 1 and 32, not 0");
  }

  /** What {@code serve} prints when it refuses its options (exit 2, picocli's usage error). */
  private static String serveRefused(String... args) {
    java.nio.file.Path data = TestServer.newTempDir();
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

  /** Posts one new session's beacon; returns the status (200, or 503 with its Retry-After kept). */
  private int post(Instant t, int i, List<String> acknowledged, List<String> retryAfter) {
    String session = "outage-" + i;
    Http.Response r = onKafka.beacon(Beacons.session(session, "pbB").play(t)
        .heartbeat(session + "-h", t.plusSeconds(5), 5000, 0, 0, 0, 100L).json(), "198.51.100." + (1 + i % 200));
    if (r.status() == 200) {
      acknowledged.add(session);
    } else {
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      retryAfter.add(String.valueOf(r.header("Retry-After")));
    }
    return r.status();
  }
}
