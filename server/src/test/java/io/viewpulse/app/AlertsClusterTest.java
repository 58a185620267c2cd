package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.eventlog.EventLogConfig;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.KafkaBroker;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import io.viewpulse.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Alerts in a cluster, all of it real: two nodes in this JVM on one ClickHouse database (chDB) and one Kafka topic
 * (a broker in a child process), with one clock. Only the owner of the event log's partition 0 evaluates and
 * notifies, so the cluster opens one incident and a receiver on loopback gets one notification; when that node stops,
 * the node that takes partition 0 goes on with the open incident and resolves it once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsClusterTest {
  private static final int PARTITIONS = 4;
  /** Later than any notification is due: pendingNotifications(ANY_TIME, n) lists every pending one. */
  private static final java.time.Instant ANY_TIME = java.time.Instant.parse("2100-01-01T00:00:00Z");
  private KafkaBroker broker;
  private WebhookReceiver hook;

  @BeforeAll
  void start() throws Exception {
    broker = new KafkaBroker();
    TestStores.chdb();
    hook = new WebhookReceiver();
  }

  @AfterAll
  void stop() {
    hook.close();
    broker.close();
  }

  private TestServer node(Path dir, MutableClock clock, String db) {
    return new TestServer(dir, clock, false, TestStores.clickHouse(dir, db), c -> c
        .withWebhookAllowHosts(List.of("127.0.0.1"))
        .withEventLog(new EventLogConfig(null, EventLogConfig.kafka(List.of(broker.bootstrap()), "alert-beacons",
            PARTITIONS, 1, "alert-beacons-group").kafka().withDeliveryTimeout(Duration.ofSeconds(3)))));
  }

  private static double metric(TestServer s, String name) {
    for (String line : s.http.get("/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError(name + " is not on /metrics");
  }

  private static int owned(TestServer s) {
    return s.http.get("/healthz").json().get("partitionsOwned").asInt();
  }

  private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 60 s for " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static void evaluateAt(MutableClock clock, int minute, TestServer... nodes) {
    clock.set(T0.plus(Duration.ofMinutes(minute)));
    for (TestServer n : nodes) {
      n.vp.alerts().evaluateNow();
    }
  }

  @Test
  void theClusterOpensOneIncidentSendsOneNotificationAndTheNodeThatTakesOverResolvesItOnce() throws Exception {
    String db = "alerts_cluster_" + ProcessHandle.current().pid();
    Path dirA = TestServer.newTempDir();
    Path dirB = TestServer.newTempDir();
    MutableClock clock = new MutableClock(T0);
    TestServer a = node(dirA, clock, db);
    TestServer b = null;
    try {
      b = node(dirB, clock, db);
      TestServer bb = b;
      TestServer aa = a;
      await("the partitions shared", () -> owned(aa) == PARTITIONS / 2 && owned(bb) == PARTITIONS / 2);
      double onA = metric(a, "viewpulse_alert_evaluator");
      double onB = metric(b, "viewpulse_alert_evaluator");
      assertThat(onA + onB).as("one evaluator").isEqualTo(1.0);
      TestServer evaluator = onA == 1.0 ? a : b;
      TestServer standby = onA == 1.0 ? b : a;

      Http.Response created = a.http.send("POST", "/api/alerts/rules", "{\"name\": \"errors\", \"metric\":"
          + " \"errorRate\", \"comparison\": \">=\", \"threshold\": 0.5, \"minViews\": 10, \"windowMinutes\": 1,"
          + " \"openAfter\": 1, \"resolveAfter\": 1, \"webhookUrl\": \"" + hook.url("/cluster") + "\"}",
          "Authorization", "Bearer " + a.secretKey, "Content-Type", "application/json");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      List<ViewRecord> views = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        views.add(new ViewRecord(1000 + i, a.accountId, "pb", null, null, "viewer-" + i,
            T0.plusSeconds(30).toEpochMilli() + i, null, new Dimensions("desktop", "Desktop", null, "Linux",
            "Chrome", "Blink", "EU", "DE", "Berlin", null, null), "example.com", false, 60_000, 300, 0,
            i < 10 ? 1 : 0, true, true));
      }
      a.vp.store().load(views);
      // both nodes are asked to evaluate the minute, the standby first
      evaluateAt(clock, 1, standby, evaluator);
      List<io.viewpulse.alerts.Incident> incidents = b.vp.alerts().incidents(a.accountId, false, 10);
      assertThat(incidents).extracting(io.viewpulse.alerts.Incident::openedAt,
          io.viewpulse.alerts.Incident::resolvedAt).containsExactly(org.assertj.core.groups.Tuple.tuple(
          T0.plusSeconds(60), null));
      String id = incidents.get(0).id();
      await("the notification delivered", () -> evaluator.vp.store().alerts().pendingNotifications(ANY_TIME, 10)
          .isEmpty());
      assertThat(hook.received()).extracting(r -> r.headers().get("Viewpulse-Delivery"))
          .containsExactly(id + ":opened");

      // the evaluator stops: the other node takes every partition, partition 0 with them, and goes on
      evaluator.close();
      if (evaluator == a) {
        a = null;
      } else {
        b = null;
      }
      await("the standby owns every partition", () -> owned(standby) == PARTITIONS);
      assertThat(metric(standby, "viewpulse_alert_evaluator")).isEqualTo(1.0);
      evaluateAt(clock, 2, standby);
      await("the resolution delivered", () -> standby.vp.store().alerts().pendingNotifications(ANY_TIME, 10).isEmpty()
          && hook.received().size() == 2);
      assertThat(standby.vp.alerts().incidents(standby.accountId, false, 10))
          .extracting(io.viewpulse.alerts.Incident::id, io.viewpulse.alerts.Incident::resolvedAt)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(id, T0.plusSeconds(120)));
      assertThat(hook.received()).extracting(r -> r.headers().get("Viewpulse-Delivery"))
          .containsExactly(id + ":opened", id + ":resolved");
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
}
