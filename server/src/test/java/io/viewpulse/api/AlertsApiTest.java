package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import io.viewpulse.testing.WebhookReceiver;
import io.viewpulse.webhooks.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Alerts through the real server, on both stores: a rule made over the API opens an incident after two evaluations
 * of the test's clock and resolves it after two clear ones; its webhook on loopback gets exactly one Slack-compatible
 * body each way, signed with the account's secret; {@code /metrics} shows the rule firing and then not; wrong rules
 * are refused naming the field.
 */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class AlertsApiTest {
  private static final String SLACK_PATH = "/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX";

  private static final Instant T0 = TestServer.T0;
  /** Later than any notification is due: pendingNotifications(ANY_TIME, n) lists every pending one. */
  private static final java.time.Instant ANY_TIME = java.time.Instant.parse("2100-01-01T00:00:00Z");

  @Parameter
  TestStores.Engine engine;
  private TestServer s;
  private WebhookReceiver hook;

  @BeforeEach
  void start() throws Exception {
    hook = new WebhookReceiver();
    s = new TestServer(engine, c -> c.withWebhookAllowHosts(List.of("127.0.0.1")));
  }

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
    hook.close();
  }

  private Http.Response send(String method, String path, String body) {
    return s.http.send(method, path, body, "Authorization", "Bearer " + s.secretKey, "Content-Type",
        "application/json");
  }

  private void views(Instant at, int n, int errored) {
    List<ViewRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ViewRecord(1000 + i, s.accountId, "pb", null, null, "viewer-" + i, at.toEpochMilli() + i, null,
          new Dimensions("desktop", "Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", "Berlin", null, null),
          "example.com", false, 60_000, 300, 0, i < errored ? 1 : 0, true, true));
    }
    s.vp.store().load(out);
  }

  private void evaluateAt(int minute) {
    s.clock.set(T0.plus(Duration.ofMinutes(minute)));
    s.vp.alerts().evaluateNow();
  }

  private String gauge(String ruleId) {
    return s.http.get("/metrics").body().lines().filter(l -> l.startsWith("viewpulse_alert_firing{")
        && l.contains("rule_id=\"" + ruleId + "\"")).findFirst().orElse(null);
  }

  @Test
  void anIncidentOpensAndResolvesOnceWithOneSignedSlackMessageEachWay() throws Exception {
    String rule = "{\"name\": \"errors\", \"metric\": \"errorRate\", \"comparison\": \">\", \"threshold\": 0.2,"
        + " \"minViews\": 10, \"webhookUrl\": \"";
    Http.Response created = send("POST", "/api/alerts/rules", rule + hook.url(SLACK_PATH) + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String ruleId = created.json().get("id").asText();
    // the answers show where notifications go, never the URL's secret path
    String shown = hook.url("/…");
    String answered = "{\"id\":\"" + ruleId + "\",\"name\":\"errors\",\"metric\":\"errorRate\",\"filters\":[],"
        + "\"comparison\":\">\",\"threshold\":0.2,\"minViews\":10,\"windowMinutes\":5,\"openAfter\":2,"
        + "\"resolveAfter\":2,\"webhookUrl\":\"" + shown + "\",\"createdAt\":" + T0.toEpochMilli() + "}";
    assertThat(created.json().toString()).isEqualTo(answered);
    assertThat(send("GET", "/api/alerts/rules/" + ruleId, null).json().toString()).isEqualTo(answered);
    assertThat(send("GET", "/api/alerts/rules", null).body()).doesNotContain("T0000").contains(shown);
    // a rule sent back as it was shown keeps its URL (the posts below go to its secret path)
    Http.Response replaced = send("PUT", "/api/alerts/rules/" + ruleId, rule + shown + "\"}");
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.json().toString()).isEqualTo(answered);
    views(T0.plusSeconds(30), 20, 10);
    evaluateAt(1);
    assertThat(send("GET", "/api/alerts/incidents?open=true", null).json().get("incidents")).isEmpty();
    evaluateAt(2);
    JsonNode incidents = send("GET", "/api/alerts/incidents", null).json().get("incidents");
    assertThat(incidents).hasSize(1);
    String id = incidents.get(0).get("id").asText();
    assertThat(incidents.get(0).toString()).isEqualTo("{\"id\":\"" + id + "\",\"ruleId\":\"" + ruleId + "\","
        + "\"ruleName\":\"errors\",\"metric\":\"errorRate\",\"openedAt\":" + T0.plusSeconds(120).toEpochMilli()
        + ",\"resolvedAt\":null,\"value\":0.5,\"bound\":0.2,\"open\":true}");
    assertThat(gauge(ruleId)).isEqualTo("viewpulse_alert_firing{account=\"" + s.accountId
        + "\",rule=\"errors\",rule_id=\"" + ruleId + "\"} 1.0");
    evaluateAt(3);
    evaluateAt(6);
    evaluateAt(7);
    assertThat(send("GET", "/api/alerts/incidents", null).json().get("incidents").get(0).get("resolvedAt")
        .asLong()).isEqualTo(T0.plusSeconds(420).toEpochMilli());
    assertThat(gauge(ruleId)).endsWith("} 0.0");
    evaluateAt(8);

    for (int i = 0; i < 1000 && hook.received().size() < 2; i++) {
      Thread.sleep(10);
    }
    List<WebhookReceiver.Received> got = hook.received();
    assertThat(got).hasSize(2);
    String secret = send("GET", "/api/alerts/signing-secret", null).json().get("secret").asText();
    assertThat(secret).hasSize(64);
    String firing = "[FIRING] errors: errorRate 0.5 > 0.2, since 2026-03-02T10:02:00Z";
    String resolved = "[RESOLVED] errors: errorRate no longer > 0.2, from 2026-03-02T10:02:00Z to"
        + " 2026-03-02T10:07:00Z";
    for (int i = 0; i < 2; i++) {
      String text = i == 0 ? firing : resolved;
      WebhookReceiver.Received r = got.get(i);
      assertThat(r.path()).isEqualTo(SLACK_PATH);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"" + text + "\",\"blocks\":"
          + "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"" + text + "\"}}],\"viewpulse\":"
          + "{\"status\":\"" + (i == 0 ? "firing" : "resolved") + "\",\"accountId\":\"" + s.accountId + "\","
          + "\"ruleId\":\"" + ruleId + "\",\"ruleName\":\"errors\",\"incidentId\":\"" + id + "\","
          + "\"metric\":\"errorRate\",\"openedAt\":\"2026-03-02T10:02:00Z\",\"resolvedAt\":"
          + (i == 0 ? "null" : "\"2026-03-02T10:07:00Z\"") + ",\"value\":0.5,\"bound\":0.2}}");
      assertThat(r.headers().get("Viewpulse-Delivery")).isEqualTo(id + (i == 0 ? ":opened" : ":resolved"));
      assertThat(WebhookSignature.verifies(secret.getBytes(StandardCharsets.US_ASCII),
          r.headers().get(WebhookSignature.HEADER), r.body())).isTrue();
      assertThat(WebhookSignature.verifies("another".getBytes(StandardCharsets.US_ASCII),
          r.headers().get(WebhookSignature.HEADER), r.body())).isFalse();
    }
  }

  /**
   * A receiver that fails is tried again with the same delivery id and the same body, after a back-off on the server's
   * clock, until it takes it; then no more.
   */
  @Test
  void aNotificationTheReceiverRefusedIsRetriedUnderItsDeliveryId() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    hook.answer(r -> r.response().setStatusCode(calls.incrementAndGet() < 3 ? 500 : 204).end());
    assertThat(send("POST", "/api/alerts/rules", "{\"name\": \"errors\", \"metric\": \"errorRate\","
        + " \"comparison\": \">\", \"threshold\": 0.2, \"minViews\": 10, \"openAfter\": 1, \"webhookUrl\": \""
        + hook.url("/x") + "\"}").status()).isEqualTo(201);
    views(T0.plusSeconds(30), 20, 10);
    evaluateAt(1);
    for (int n = 1; n <= 3; n++) {
      for (int i = 0; i < 1000 && hook.received().size() < n; i++) {
        Thread.sleep(10);
      }
      // past the back-off of the attempt that failed
      s.clock.set(T0.plus(Duration.ofMinutes(1 + n)));
    }
    awaitOutboxEmpty();
    List<WebhookReceiver.Received> got = hook.received();
    assertThat(got).as("two refused, the third taken, none after").hasSize(3);
    assertThat(got).extracting(r -> r.headers().get("Viewpulse-Delivery")).containsOnly(got.get(0).headers()
        .get("Viewpulse-Delivery"));
    assertThat(got).extracting(r -> new String(r.body(), StandardCharsets.UTF_8)).containsOnly(
        new String(got.get(0).body(), StandardCharsets.UTF_8));
  }

  /** Waits until the outbox has no pending notification (marked just after the receiver's answer), at most 10 s. */
  private void awaitOutboxEmpty() throws InterruptedException {
    for (int i = 0; i < 1000 && !s.vp.store().alerts().pendingNotifications(ANY_TIME, 10).isEmpty(); i++) {
      Thread.sleep(10);
    }
    assertThat(s.vp.store().alerts().pendingNotifications(ANY_TIME, 10)).as("nothing left to deliver").isEmpty();
  }

  /**
   * An incident opened while the receiver is down: its notification was refused when the server stopped, and the
   * server started again on the same data delivers it at its start, once, with the same delivery id and body.
   */
  @Test
  void aNotificationRefusedBeforeAStopIsDeliveredOnceAfterTheStartUnderTheSameId() throws Exception {
    s.close();
    java.nio.file.Path dir = TestServer.newTempDir();
    io.viewpulse.store.StoreConfig store = TestStores.fresh(engine, dir);
    io.viewpulse.testing.MutableClock clock = new io.viewpulse.testing.MutableClock(T0);
    java.util.function.UnaryOperator<io.viewpulse.app.ServerConfig> allow =
        c -> c.withWebhookAllowHosts(List.of("127.0.0.1"));
    try {
      s = new TestServer(dir, clock, false, store, allow);
      hook.answer(r -> r.response().setStatusCode(503).end());
      assertThat(send("POST", "/api/alerts/rules", "{\"name\": \"errors\", \"metric\": \"errorRate\","
          + " \"comparison\": \">\", \"threshold\": 0.2, \"minViews\": 10, \"openAfter\": 1, \"webhookUrl\": \""
          + hook.url("/down") + "\"}").status()).isEqualTo(201);
      views(T0.plusSeconds(30), 20, 10);
      evaluateAt(1);
      String incident = send("GET", "/api/alerts/incidents", null).json().get("incidents").get(0).get("id")
          .asText();
      for (int i = 0; i < 1000 && hook.received().isEmpty(); i++) {
        Thread.sleep(10);
      }
      s.close();
      // the clock did not move past the back-off: one attempt, refused
      assertThat(hook.received()).extracting(r -> r.headers().get("Viewpulse-Delivery"))
          .containsExactly(incident + ":opened");
      hook.answer(r -> r.response().setStatusCode(204).end());
      s = new TestServer(dir, clock, false, store, allow);
      for (int i = 0; i < 1000 && hook.received().size() < 2; i++) {
        Thread.sleep(10);
      }
      awaitOutboxEmpty();
      List<WebhookReceiver.Received> got = hook.received();
      assertThat(got).as("the refused attempt, then the one delivered after the start").hasSize(2);
      assertThat(got.get(1).headers().get("Viewpulse-Delivery")).isEqualTo(incident + ":opened");
      assertThat(new String(got.get(1).body(), StandardCharsets.UTF_8)).isEqualTo(new String(got.get(0).body(),
          StandardCharsets.UTF_8)).contains("[FIRING] errors: errorRate 0.5 > 0.2");
    } finally {
      s.close();
      s = null;
      TestServer.deleteTree(dir);
    }
  }

  /** {@code concurrentViewers} counts the sessions of its stream playing now, as {@code /data/views/now} does. */
  @Test
  void concurrentViewersAreTheSessionsOfTheVideoPlayingNow() throws Exception {
    s.asset("launch1");
    s.asset("other1");
    String id = send("POST", "/api/alerts/rules", "{\"name\": \"crowd\", \"metric\": \"concurrentViewers\","
        + " \"filters\": [\"playbackId:launch1\"], \"comparison\": \">=\", \"threshold\": 2, \"openAfter\": 1}")
        .json().get("id").asText();
    s.clock.set(T0.plusSeconds(30));
    String[][] sessions = {{"a", "launch1"}, {"b", "launch1"}, {"c", "other1"}};
    for (int i = 0; i < sessions.length; i++) {
      Instant at = T0.plusSeconds(30);
      assertThat(s.beacon(io.viewpulse.testing.Beacons.session(sessions[i][0], sessions[i][1]).play(at)
          .heartbeat(sessions[i][0] + "h", at, 5000, 0, 0, 0, 250L).json(), "192.0.2." + (10 + i)).status())
          .isEqualTo(200);
    }
    s.flush();
    evaluateAt(1);
    JsonNode incidents = send("GET", "/api/alerts/incidents", null).json().get("incidents");
    assertThat(incidents).hasSize(1);
    assertThat(incidents.get(0).get("ruleId").asText()).isEqualTo(id);
    assertThat(incidents.get(0).get("value").asDouble()).isEqualTo(2.0);
  }

  @Test
  void aWrongRuleIsRefusedNamingItsField() {
    String ok = "\"name\": \"n\", \"metric\": \"errorRate\", \"comparison\": \">\"";
    assertThat(send("POST", "/api/alerts/rules", "{" + ok.replace("errorRate", "nope") + ", \"threshold\": 1}")
        .error()).startsWith("field 'metric': unknown metric 'nope' (expected one of viewCount, playtimeMins,");
    assertThat(send("POST", "/api/alerts/rules", "{" + ok + ", \"threshold\": 1, \"minViews\": -1}").error())
        .isEqualTo("field 'minViews': an integer from 0 to 1000000000");
    assertThat(send("POST", "/api/alerts/rules", "{" + ok + "}").error())
        .isEqualTo("field 'threshold': give exactly one of threshold and anomaly");
    assertThat(send("POST", "/api/alerts/rules", "{" + ok + ", \"threshold\": 1, \"filters\": [\"planet:Mars\"]}")
        .error()).isEqualTo("field 'filters': invalid filter dimension: planet");
    assertThat(send("POST", "/api/alerts/rules", "{" + ok.replace("errorRate", "viewsNow")
        + ", \"anomaly\": {\"factor\": 2}}").error())
        .isEqualTo("field 'anomaly': viewsNow has no history to compare with: give a threshold");
    assertThat(send("POST", "/api/alerts/rules", "{" + ok.replace("errorRate", "concurrentViewers")
        + ", \"threshold\": 1}").error())
        .isEqualTo("field 'filters': concurrentViewers needs exactly one filter playbackId:<the stream's playback id>");
    Http.Response r = send("POST", "/api/alerts/rules", "{" + ok + ", \"threshold\": 1, \"webhookUrl\": \"ftp://x\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("field 'webhookUrl': an absolute http or https URL of at most 2048 characters");
    // the webhooks' guard, as for the streaming export's endpoints: no address it may not reach, no credentials
    Http.Response metadata = send("POST", "/api/alerts/rules", "{" + ok + ", \"threshold\": 1,"
        + " \"webhookUrl\": \"http://169.254.169.254/latest/meta-data/\"}");
    assertThat(metadata.status()).isEqualTo(400);
    assertThat(metadata.error()).isEqualTo("field 'webhookUrl': webhook refused: 169.254.169.254 is a link-local"
        + " address (cloud metadata) (an operator may allow it with --webhook-allow-hosts)");
    assertThat(send("POST", "/api/alerts/rules", "{" + ok + ", \"threshold\": 1,"
        + " \"webhookUrl\": \"http://[::ffff:10.0.0.1]/hook\"}").error()).isEqualTo("field 'webhookUrl': webhook"
        + " refused: ::ffff:10.0.0.1 is a private address (an operator may allow it with --webhook-allow-hosts)");
    assertThat(send("POST", "/api/alerts/rules", "{" + ok + ", \"threshold\": 1,"
        + " \"webhookUrl\": \"https://user:pw@hooks.example.com/x\"}").error())
        .isEqualTo("field 'webhookUrl': a webhook URL may not carry a user name or password");
    assertThat(send("POST", "/api/alerts/rules", "{" + ok + ", \"anomaly\": {\"weeks\": 13, \"factor\": 2}}")
        .error()).isEqualTo("field 'anomaly.weeks': an integer from 1 to 12");
    assertThat(send("POST", "/api/alerts/rules", "{" + ok + ", \"threshold\": 1, \"severity\": 1}").error())
        .startsWith("field 'severity': unknown field (expected anomaly, comparison, filters,");
    assertThat(send("GET", "/api/alerts/incidents?limit=0", null).error())
        .isEqualTo("invalid limit: 0 (expected 1 to 1000)");
    assertThat(send("GET", "/api/alerts/rules", null).json().get("rules")).isEmpty();
  }
}
