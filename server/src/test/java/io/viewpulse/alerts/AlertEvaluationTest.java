package io.viewpulse.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.store.Store;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Evaluation on the real stores, driven minute by minute by the test's clock: hysteresis (an incident opens once,
 * stays open through a clear minute, resolves once, with one notification each way), the minimum of views, anomaly
 * mode against seeded previous weeks, and a thousand rules in one evaluation.
 */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class AlertEvaluationTest {
  private static final Instant T0 = TestServer.T0;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Later than any notification is due: pendingNotifications(ANY_TIME, n) lists every pending one. */
  private static final java.time.Instant ANY_TIME = java.time.Instant.parse("2100-01-01T00:00:00Z");

  @Parameter
  TestStores.Engine engine;

  private Path dir;
  private io.viewpulse.store.StoreConfig config;
  private Store store;
  private MutableClock clock;
  private Alerts alerts;
  private SimpleMeterRegistry metrics;
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private long ids;

  @BeforeEach
  void open() {
    dir = TestServer.newTempDir();
    config = TestStores.fresh(engine, dir);
    store = Stores.open(config);
    clock = new MutableClock(T0);
    metrics = new SimpleMeterRegistry();
    alerts = new Alerts(store.alerts(), store.views(), clock,
        (rule, incident) -> {
          sent.add(rule.name() + (incident.open() ? " opened " : " resolved ")
              + Duration.between(T0, incident.open() ? incident.openedAt() : incident.resolvedAt()).toMinutes());
          return java.util.concurrent.CompletableFuture.completedFuture(null);
        },
        new SigningSecrets(io.viewpulse.auth.MasterKey.of(new byte[32])), metrics);
  }

  @AfterEach
  void close() {
    alerts.close();
    store.close();
    TestServer.deleteTree(dir);
  }

  /** {@code n} views of {@code account} from {@code country} started at {@code at}, {@code errored} of them errored. */
  private void views(String account, Instant at, int n, int errored, String country) {
    List<ViewRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long id = ++ids;
      out.add(new ViewRecord(id, account, "pb", null, null, "viewer-" + id, at.toEpochMilli() + i, null,
          new Dimensions("desktop", "Desktop", null, "Linux", "Chrome", "Blink", "EU", country, "Berlin", null, null),
          "example.com", false, 60_000, 300, 0, i < errored ? 1 : 0, true, true));
    }
    store.load(out);
  }

  private Rule rule(String account, String json) throws Exception {
    return alerts.create(account, JSON.readTree(json));
  }

  /** Evaluates at T0 plus {@code minute} minutes. */
  private void at(int minute) {
    clock.set(T0.plus(Duration.ofMinutes(minute)));
    alerts.evaluateNow();
  }

  private double firing(Rule r) {
    return metrics.get("viewpulse_alert_firing").tag("rule_id", r.id()).tag("account", r.accountId())
        .tag("rule", r.name()).gauge().value();
  }

  @Test
  void anIncidentOpensAfterTwoMinutesStaysOpenThroughAClearOneAndResolvesOnce() throws Exception {
    String cond = "\"metric\": \"errorRate\", \"comparison\": \">\", \"threshold\": 0.2, \"minViews\": 10,"
        + " \"windowMinutes\": 5, \"webhookUrl\": \"https://hooks.example.com/a\"";
    Rule errors = rule("acc", "{\"name\": \"errors\", " + cond + "}");
    Rule few = rule("acc", "{\"name\": \"needs 1000 views\", " + cond.replace("\"minViews\": 10",
        "\"minViews\": 1000") + "}");
    Rule france = rule("acc", "{\"name\": \"france\", \"filters\": [\"country:FR\"], " + cond + "}");
    views("acc", T0.plusSeconds(30), 20, 10, "DE");
    views("acc", T0.plusSeconds(210), 40, 0, "DE");
    views("acc", T0.plusSeconds(270), 20, 20, "DE");
    views("other", T0.plusSeconds(30), 20, 20, "DE");
    // window [t - 5 min, t): 1: 0.5; 2: 0.5 (opens); 3: 0.5; 4: 10/60 (clear once); 5: 30/80; 6-9: held; 10, 11: none
    List<Boolean> open = new ArrayList<>();
    for (int m = 1; m <= 12; m++) {
      at(m);
      open.add(!alerts.incidents("acc", true, 10).isEmpty());
      if (m == 3) {
        assertThat(firing(errors)).isEqualTo(1.0);
        assertThat(firing(few)).isEqualTo(0.0);
      }
    }
    assertThat(open).containsExactly(false, true, true, true, true, true, true, true, true, true, false, false);
    assertThat(alerts.incidents("acc", false, 10)).containsExactly(new Incident(
        alerts.incidents("acc", false, 10).get(0).id(), "acc", errors.id(), "errors", "errorRate",
        T0.plusSeconds(120), T0.plusSeconds(660), 0.5, 0.2));
    assertThat(firing(errors)).isEqualTo(0.0);
    assertThat(firing(france)).isEqualTo(0.0);
    assertThat(alerts.evaluateNow()).as("a minute is evaluated once").isZero();
    awaitSent(2);
    assertThat(sent).containsExactly("errors opened 2", "errors resolved 11");
  }

  /** A new process on the same store goes on with the open incident: no second opening, one resolution. */
  @Test
  void anOpenIncidentOutlivesARestartAndResolvesOnce() throws Exception {
    Rule errors = rule("acc", "{\"name\": \"errors\", \"metric\": \"errorRate\", \"comparison\": \">=\","
        + " \"threshold\": 0.5, \"minViews\": 10, \"webhookUrl\": \"https://hooks.example.com/a\"}");
    views("acc", T0.plusSeconds(30), 20, 10, "DE");
    at(1);
    at(2);
    awaitSent(1);
    alerts.close();
    metrics = new SimpleMeterRegistry();
    alerts = new Alerts(store.alerts(), store.views(), clock, (rule, incident) -> {
      sent.add(rule.name() + (incident.open() ? " opened again" : " resolved after the restart"));
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    },
        new SigningSecrets(io.viewpulse.auth.MasterKey.of(new byte[32])), metrics);
    for (int m = 3; m <= 8; m++) {
      at(m);
    }
    awaitSent(2);
    assertThat(sent).containsExactly("errors opened 2", "errors resolved after the restart");
    assertThat(alerts.incidents("acc", false, 10)).extracting(Incident::ruleId, Incident::openedAt,
        Incident::resolvedAt).containsExactly(org.assertj.core.groups.Tuple.tuple(errors.id(), T0.plusSeconds(120),
        T0.plusSeconds(420)));
  }

  /**
   * Two evaluators of the same minutes on one store (what two nodes both believing they are the cluster's evaluator
   * do): one incident, opened and resolved once, one notification each way (each id sent once by whichever of them
   * took it from the outbox first, or by both: receivers de-duplicate on the id).
   */
  @Test
  void twoEvaluatorsOfTheSameMinutesOpenOneIncidentAndMakeOneNotificationEachWay() throws Exception {
    Store second = engine == TestStores.Engine.CLICKHOUSE ? Stores.open(config) : store;
    List<String> ids = new CopyOnWriteArrayList<>();
    Notifier record = (rule, incident) -> {
      ids.add(Notification.idOf(incident));
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    };
    SigningSecrets secrets = new SigningSecrets(io.viewpulse.auth.MasterKey.of(new byte[32]));
    alerts.close();
    alerts = new Alerts(store.alerts(), store.views(), clock, record, secrets, metrics, () -> true);
    Alerts other = new Alerts(second.alerts(), second.views(), clock, record, secrets, new SimpleMeterRegistry(),
        () -> true);
    try {
      Rule errors = rule("acc", "{\"name\": \"errors\", \"metric\": \"errorRate\", \"comparison\": \">=\","
          + " \"threshold\": 0.5, \"minViews\": 10, \"windowMinutes\": 1, \"openAfter\": 1, \"resolveAfter\": 1,"
          + " \"webhookUrl\": \"https://hooks.example.com/a\"}");
      views("acc", T0.plusSeconds(30), 20, 10, "DE");
      clock.set(T0.plusSeconds(60));
      assertThat(alerts.evaluateNow()).isEqualTo(1);
      assertThat(other.evaluateNow()).isEqualTo(1);
      clock.set(T0.plusSeconds(120));
      assertThat(other.evaluateNow()).isEqualTo(1);
      assertThat(alerts.evaluateNow()).isEqualTo(1);
      String id = Alerts.incidentId(errors, T0.plusSeconds(60));
      assertThat(alerts.incidents("acc", false, 10)).containsExactly(new Incident(id, "acc", errors.id(), "errors",
          "errorRate", T0.plusSeconds(60), T0.plusSeconds(120), 0.5, 0.5));
      for (int i = 0; i < 500 && !store.alerts().pendingNotifications(ANY_TIME, 10).isEmpty(); i++) {
        Thread.sleep(10);
      }
      assertThat(store.alerts().pendingNotifications(ANY_TIME, 10)).isEmpty();
      assertThat(new java.util.TreeSet<>(ids)).containsExactly(id + ":opened", id + ":resolved");
    } finally {
      other.close();
      if (second != store) {
        second.close();
      }
    }
  }

  /**
   * A notification the receiver refused when the process stopped waits in the store's outbox; the next process
   * delivers it at its start, under the same id, with the rule and incident as they were.
   */
  @Test
  void aNotificationNotDeliveredBeforeAStopIsDeliveredAfterTheNextStartUnderItsId() throws Exception {
    List<String> refused = new CopyOnWriteArrayList<>();
    SigningSecrets secrets = new SigningSecrets(io.viewpulse.auth.MasterKey.of(new byte[32]));
    alerts.close();
    alerts = new Alerts(store.alerts(), store.views(), clock, (rule, incident) -> {
      refused.add(Notification.idOf(incident));
      throw new IllegalStateException("the receiver is down");
    }, secrets, metrics);
    Rule errors = rule("acc", "{\"name\": \"errors\", \"metric\": \"errorRate\", \"comparison\": \">=\","
        + " \"threshold\": 0.5, \"minViews\": 10, \"openAfter\": 1, \"webhookUrl\": \"https://hooks.example.com/a\"}");
    views("acc", T0.plusSeconds(30), 20, 10, "DE");
    at(1);
    for (int i = 0; i < 500 && refused.isEmpty(); i++) {
      Thread.sleep(10);
    }
    alerts.close();
    String id = Alerts.incidentId(errors, T0.plusSeconds(60)) + ":opened";
    // the clock did not move past the back-off: one attempt
    assertThat(refused).containsExactly(id);
    assertThat(store.alerts().pendingNotifications(ANY_TIME, 10)).extracting(Notification::id, Notification::attempts)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(id, 1));
    store.close();
    store = Stores.open(config);
    List<String> delivered = new CopyOnWriteArrayList<>();
    alerts = new Alerts(store.alerts(), store.views(), clock, (rule, incident) -> {
      delivered.add(Notification.idOf(incident) + " " + rule.name() + " " + incident.value());
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }, secrets, new SimpleMeterRegistry());
    alerts.start();
    for (int i = 0; i < 500 && !store.alerts().pendingNotifications(ANY_TIME, 10).isEmpty(); i++) {
      Thread.sleep(10);
    }
    assertThat(store.alerts().pendingNotifications(ANY_TIME, 10)).isEmpty();
    assertThat(delivered).containsExactly(id + " errors 0.5");
  }

  @Test
  void anAnomalyIsJudgedAgainstTheSameHourOfThePreviousWeeks() throws Exception {
    Duration week = Duration.ofDays(7);
    views("acc", T0.minus(week).plusSeconds(600), 20, 2, "DE");
    views("acc", T0.minus(week.multipliedBy(2)).plusSeconds(600), 20, 2, "DE");
    views("acc", T0.minus(week.multipliedBy(3)).plusSeconds(600), 20, 4, "DE");
    // too few views to count in a baseline
    views("acc", T0.minus(week.multipliedBy(4)).plusSeconds(600), 5, 5, "DE");
    // the next hour of a previous week is not the same hour
    views("acc", T0.minus(week).plusSeconds(3700), 50, 50, "DE");
    String common = "\"metric\": \"errorRate\", \"comparison\": \">\", \"minViews\": 10";
    Rule factor = rule("acc", "{\"name\": \"twice\", " + common + ", \"anomaly\": {\"weeks\": 4, \"factor\": 2}}");
    Rule sd = rule("acc", "{\"name\": \"3 sd\", " + common + ", \"anomaly\": {\"weeks\": 4, \"stddevs\": 3}}");
    views("acc", T0.plusSeconds(30), 100, 27, "DE");
    at(1);
    at(2);
    List<Incident> open = alerts.incidents("acc", true, 10);
    assertThat(open).hasSize(1);
    Incident i = open.get(0);
    assertThat(i.ruleId()).isEqualTo(factor.id());
    assertThat(i.value()).isEqualTo(0.27);
    // mean of 0.1, 0.1, 0.2; the stddev rule's bound, 0.1333 + 3 x 0.0471 = 0.2748, is not passed
    assertThat(i.bound()).isCloseTo(2 * (0.1 + 0.1 + 0.2) / 3, within(1e-12));
    assertThat(firing(sd)).isEqualTo(0.0);
  }

  @Test
  void aThousandRulesOfTenAccountsAreEvaluatedInOneMinute() throws Exception {
    List<Rule> rules = new ArrayList<>();
    for (int a = 0; a < 10; a++) {
      views("acc" + a, T0.plusSeconds(30), 20, a, a % 2 == 0 ? "DE" : "FR");
      for (int r = 0; r < 100; r++) {
        String filter = r % 4 == 0 ? "" : "\"filters\": [\"country:" + (r % 4 == 1 ? "DE" : "FR") + "\"], ";
        rules.add(rule("acc" + a, "{\"name\": \"r" + r + "\", " + filter + "\"metric\": \""
            + (r % 3 == 0 ? "errorRate" : r % 3 == 1 ? "playbackFailureRate" : "viewCount")
            + "\", \"comparison\": \">=\", \"threshold\": " + (r % 3 == 2 ? 20 : 0.25) + ", \"minViews\": 1}"));
      }
    }
    at(1);
    assertThat(alerts.evaluateNow()).isZero();
    clock.set(T0.plusSeconds(120));
    assertThat(alerts.evaluateNow()).isEqualTo(1000);
    // accounts 5 to 9 err at a quarter or more; account a's views are all in DE (even a) or FR (odd a)
    long expected = 0;
    for (Rule r : rules) {
      int a = Integer.parseInt(r.accountId().substring(3));
      boolean inScope = r.filters().isEmpty() || r.filters().get(0).value().equals(a % 2 == 0 ? "DE" : "FR");
      boolean holds = r.metric().equals("viewCount") || a >= 5;
      expected += inScope && holds ? 1 : 0;
    }
    assertThat(alerts.incidents(null, true, Alerts.MAX_LIST)).hasSize((int) expected);
  }

  private void awaitSent(int n) throws InterruptedException {
    for (int i = 0; i < 500 && sent.size() < n; i++) {
      Thread.sleep(10);
    }
  }
}
