package io.viewpulse.webhooks;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.eventlog.EventLogConfig;
import io.viewpulse.eventlog.FinishedViewsTopic;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.KafkaBroker;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import io.viewpulse.testing.TopicReader;
import io.viewpulse.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The topic's position moves only past what Kafka acknowledged: views finished while Kafka is away stay pending, and
 * the server started again publishes them. A real broker in a child process, stopped and started; a real store.
 */
class FinishedViewsExportTest {
  private static final String TOPIC = "views-out";

  private static FinishedViewsExport export(TestServer s, FinishedViewsTopic topic, MutableClock clock) {
    return new FinishedViewsExport(s.vp.store().webhooks(), TOPIC, () -> true, topic::send, clock,
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  @Test
  void viewsKafkaDidNotAcknowledgeBeforeARestartArePublishedAfterIt() {
    Path data = TestServer.newTempDir();
    MutableClock clock = new MutableClock(T0);
    StoreConfig store = TestStores.fresh(TestStores.Engine.DUCKDB, data);
    String key;
    try (KafkaBroker broker = new KafkaBroker()) {
      EventLogConfig.Kafka kafka = EventLogConfig.kafka(List.of(broker.bootstrap()), "beacons", 2, 1, "g").kafka()
          .withDeliveryTimeout(Duration.ofSeconds(2)).withFinishedViewsTopic(TOPIC);
      try (TestServer s = new TestServer(data, clock, false, store);
          FinishedViewsTopic topic = new FinishedViewsTopic(kafka);
          FinishedViewsExport export = export(s, topic, clock)) {
        key = s.secretKey;
        assertThat(export.publishPending()).as("nothing yet: the position starts here").isZero();
        s.asset("pbA");
        for (int i = 0; i < 3; i++) {
          clock.set(T0.plusSeconds(10 + i));
          Http.Response r = s.beacon(Beacons.session("s" + i, "pbA").play(T0.plusSeconds(i))
              .heartbeat("h" + i, T0.plusSeconds(5 + i), 4000, 0, 0, 0, 150L).ended(T0.plusSeconds(5 + i)).json(),
              "192.0.2." + (10 + i));
          assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        clock.set(T0.plus(Duration.ofHours(2)));
        s.flush();
        broker.stop();
        assertThat(export.publishPending()).as("Kafka is away: nothing acknowledged").isZero();
      }
      broker.start();
      try (TestServer s = new TestServer(data, clock, false, store);
          FinishedViewsTopic topic = new FinishedViewsTopic(kafka);
          FinishedViewsExport export = export(s, topic, clock)) {
        assertThat(export.publishPending()).as("after the restart").isEqualTo(3);
        assertThat(export.publishPending()).as("acknowledged: the position moved").isZero();
        Http.Response r = s.http.getWithKey("/api/data/views/export?format=ndjson&from=" + T0 + "&to="
            + T0.plus(Duration.ofDays(1)), key);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, String> exported = new TreeMap<>();
        // the export's generator separates its objects by a space before each line's: not part of the object
        for (String line : r.body().strip().split("\n *")) {
          exported.put(line.substring("{\"viewId\":\"".length(), line.indexOf("\",")), line);
        }
        assertThat(exported).hasSize(3);
        assertThat(TopicReader.byKey(broker.bootstrap(), TOPIC, 3)).as("each view by its id, as the export has it")
            .isEqualTo(exported);
      }
    } finally {
      TestServer.deleteTree(data);
    }
  }
}
