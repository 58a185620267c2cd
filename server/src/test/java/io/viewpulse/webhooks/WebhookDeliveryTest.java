package io.viewpulse.webhooks;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import io.viewpulse.testing.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The streaming export through the real server, on both stores: finished views are posted to a receiver on loopback
 * (allowed by the test's configuration), signed with the secret shown once; a receiver that refuses gets the same
 * views again after the back-off (on the server's clock), and after a restart; every view arrives, by its view id.
 *
 * <pre>
 * session  viewer  start      what happens
 * a1       alice   T0         plays 5 s, ends
 * b1       bob     T0+60s     plays 3 s, ends
 * c1       carol   T0+120s    plays 4 s, ends
 * d1       dave    later      plays 2 s, ends (after the first three were delivered)
 * </pre>
 */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class WebhookDeliveryTest {
  @Parameter
  TestStores.Engine engine;
  private Path dir;
  private StoreConfig store;
  private MutableClock clock;
  private WebhookReceiver receiver;
  private TestServer s;

  @BeforeEach
  void start() throws Exception {
    dir = TestServer.newTempDir();
    store = TestStores.fresh(engine, dir);
    clock = new MutableClock(T0);
    receiver = new WebhookReceiver();
    s = server();
    s.asset("pbA");
  }

  private TestServer server() {
    return new TestServer(dir, clock, false, store, c -> c.withWebhookAllowHosts(List.of("127.0.0.1")));
  }

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
    receiver.close();
    TestServer.deleteTree(dir);
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private void view(String session, String viewer, Instant at, long playMs) {
    clock.set(at.plusMillis(playMs + 1000));
    ok(s.beacon(Beacons.session(session, "pbA").uid(viewer).play(at)
        .heartbeat(session + "h", at.plusMillis(playMs), playMs, 0, 0, 0, 100L).ended(at.plusMillis(playMs + 500))
        .json(), "192.0.2.10"));
  }

  private String createEndpoint() {
    Http.Response r = s.http.post("/api/data/webhooks", "{\"url\": \"" + receiver.url("/hook") + "\"}",
        "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().get("url").asText()).isEqualTo(receiver.url("/hook"));
    String secret = r.json().get("secret").asText();
    assertThat(secret).startsWith("whsec_");
    // listed, never with its secret
    Http.Response list = s.http.getWithKey("/api/data/webhooks", s.secretKey);
    assertThat(list.json().get("webhooks")).hasSize(1);
    assertThat(list.json().get("webhooks").get(0).get("id").asText()).isEqualTo(r.json().get("id").asText());
    assertThat(list.body()).doesNotContain(secret);
    return secret;
  }

  private List<String> exportedIds() {
    s.flush();
    Http.Response r = s.http.getWithKey("/api/data/views/export?format=ndjson&from=0&to=4102444800000", s.secretKey);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (!line.isBlank()) {
        ids.add(readJson(line).get("viewId").asText());
      }
    }
    return ids;
  }

  private static JsonNode readJson(String s) {
    try {
      return Http.JSON.readTree(s);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    for (int i = 0; i < 600 && !done.getAsBoolean(); i++) {
      Thread.sleep(50);
    }
    assertThat(done.getAsBoolean()).as(what).isTrue();
  }

  /** The view ids of the requests from {@code from} on, each request's signature verified with the secret. */
  private List<String> postedIds(String secret, int from) {
    List<String> ids = new ArrayList<>();
    List<WebhookReceiver.Received> got = receiver.received();
    for (WebhookReceiver.Received r : got.subList(from, got.size())) {
      assertThat(WebhookSignature.verifies(secret.getBytes(StandardCharsets.US_ASCII),
          r.headers().get("Viewpulse-Signature"), r.body())).as("signature").isTrue();
      assertThat(r.headers().get("Authorization")).isNull();
      readJson(new String(r.body(), StandardCharsets.UTF_8)).forEach(v -> ids.add(v.get("viewId").asText()));
    }
    return ids;
  }

  @Test
  void everyFinishedViewIsPostedAtLeastOnceAcrossFailuresAndARestart() throws Exception {
    String secret = createEndpoint();
    receiver.answer(r -> r.response().setStatusCode(503).end("busy"));
    view("a1", "alice", T0, 5000);
    view("b1", "bob", T0.plusSeconds(60), 3000);
    view("c1", "carol", T0.plusSeconds(120), 4000);
    clock.set(T0.plusSeconds(600));
    List<String> expected = exportedIds();
    assertThat(expected).hasSize(3);

    await("a first attempt", () -> receiver.received().size() >= 1);
    String deliveryId = receiver.received().get(0).headers().get("Viewpulse-Delivery");
    // the retry waits for the back-off on the server's clock: one more attempt per step of the clock
    clock.set(T0.plusSeconds(602));
    await("a second attempt", () -> receiver.received().size() >= 2);
    assertThat(receiver.received().get(1).headers().get("Viewpulse-Delivery")).isEqualTo(deliveryId);
    assertThat(new TreeSet<>(postedIds(secret, 0))).isSubsetOf(expected);

    s.close();
    s = null;
    int before = receiver.received().size();
    receiver.answer(r -> r.response().setStatusCode(204).end());
    s = server();
    await("every view delivered after the restart",
        () -> new TreeSet<>(postedIds(secret, before)).containsAll(expected));
    assertThat(receiver.received().get(before).headers().get("Viewpulse-Delivery")).isEqualTo(deliveryId);
    assertThat(new TreeSet<>(postedIds(secret, before))).containsExactlyInAnyOrderElementsOf(expected);

    // a view finished later is posted alone: what was delivered is not posted again
    int delivered = receiver.received().size();
    view("d1", "dave", T0.plusSeconds(900), 2000);
    clock.set(T0.plusSeconds(1200));
    s.flush();
    await("the next view", () -> receiver.received().size() > delivered);
    List<String> next = postedIds(secret, delivered);
    assertThat(next).hasSize(1).doesNotContainAnyElementsOf(expected);
  }

  /** A posted view is the NDJSON export's object of it, custom dimensions included (by the account's names). */
  @Test
  void aPostedViewIsTheExportsObjectWithTheCustomDimensions() throws Exception {
    for (String name : new String[] {"experiment", "region"}) {
      Http.Response r = s.http.post("/api/custom-dimensions", "{\"name\":\"" + name + "\"}", "Authorization",
          "Bearer " + s.secretKey, "Content-Type", "application/json");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
    String secret = createEndpoint();
    receiver.answer(r -> r.response().setStatusCode(204).end());
    clock.set(T0.plusSeconds(6));
    ok(s.beacon(Beacons.session("x1", "pbA").uid("xavier").customDimension("experiment", "A").play(T0)
        .heartbeat("x1h", T0.plusSeconds(4), 4000, 0, 0, 0, 100L).with("bitrate_bps", 3_000_000)
        .with("rendition_up_count", 2).with("dropped_frames", 5).with("total_frames", 200)
        .heartbeat("x1i", T0.plusSeconds(5), 1000, 250, 0, 0, null).with("bitrate_bps", 1_000_000)
        .with("rendition_down_count", 1).with("dropped_frames", 15).with("total_frames", 200)
        .ended(T0.plusSeconds(5)).json(), "192.0.2.10"));
    clock.set(T0.plusSeconds(600));
    s.flush();
    await("the view posted", () -> !postedIds(secret, 0).isEmpty());
    JsonNode posted = readJson(new String(receiver.received().get(0).body(), StandardCharsets.UTF_8));
    assertThat(posted).hasSize(1);
    assertThat(posted.get(0).get("custom.experiment").asText()).isEqualTo("A");
    assertThat(posted.get(0).get("custom.region").isNull()).isTrue();
    assertThat(java.util.stream.Stream.of("outcome", "playtimeMs", "rebufferMs", "rebufferCount", "averageBitrateBps",
        "droppedFrames", "totalFrames", "droppedFrameRate", "switchesUp", "switchesDown", "upscalePercentage")
        .map(f -> posted.get(0).get(f).isNull() ? "null" : posted.get(0).get(f).asText()).toList())
        .as("with its quality: 4 s at 3 Mbit/s and 1 s at 1 Mbit/s, a stall, switches, frames dropped")
        .containsExactly("played", "5000", "250", "1", "2600000", "20", "400", "0.05", "2", "1", "null");
    Http.Response export = s.http.getWithKey("/api/data/views/export?format=ndjson&from=0&to=4102444800000",
        s.secretKey);
    assertThat(posted.get(0)).isEqualTo(readJson(export.body().trim()));
  }

  @Test
  void anErasedViewerIsNotPosted() throws Exception {
    String secret = createEndpoint();
    receiver.answer(r -> r.response().setStatusCode(500).end());
    view("a1", "alice", T0, 5000);
    view("b1", "bob", T0.plusSeconds(60), 3000);
    clock.set(T0.plusSeconds(600));
    s.flush();
    await("a first attempt", () -> receiver.received().size() >= 1);
    Http.Response erased = s.http.delete("/api/data/viewers/alice", "Authorization", "Bearer " + s.secretKey);
    assertThat(erased.status()).as(erased.body()).isEqualTo(200);
    List<String> left = exportedIds();
    assertThat(left).hasSize(1);
    int before = receiver.received().size();
    receiver.answer(r -> r.response().setStatusCode(200).end());
    clock.set(T0.plusSeconds(700));
    await("bob's view", () -> receiver.received().size() > before
        && receiver.received().get(receiver.received().size() - 1).path().equals("/hook")
        && new TreeSet<>(postedIds(secret, before)).containsAll(left));
    List<String> posted = postedIds(secret, before);
    assertThat(new TreeSet<>(posted)).containsExactlyElementsOf(left);
    List<String> viewers = new ArrayList<>();
    List<WebhookReceiver.Received> got = receiver.received();
    for (WebhookReceiver.Received r : got.subList(before, got.size())) {
      readJson(new String(r.body(), StandardCharsets.UTF_8)).forEach(v -> viewers.add(v.get("viewerId").asText()));
    }
    assertThat(viewers).containsOnly("bob");
  }

  @Test
  void aUrlTheGuardRefusesIsABadRequest() {
    Http.Response r = s.http.post("/api/data/webhooks", "{\"url\": \"http://169.254.169.254/latest/\"}",
        "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("webhook refused: 169.254.169.254 is a link-local address (cloud metadata)"
        + " (an operator may allow it with --webhook-allow-hosts)");
    r = s.http.post("/api/data/webhooks", "{\"url\": \"ftp://example.com/\"}",
        "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("a webhook URL must be http or https, not 'ftp://example.com/'");
    r = s.http.delete("/api/data/webhooks/nope", "Authorization", "Bearer " + s.secretKey);
    assertThat(r.status()).as(r.body()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("webhook not found");
  }
}
