package io.viewpulse.webhooks;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.viewpulse.auth.MasterKey;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.store.Store;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import io.viewpulse.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An account whose webhook receiver hangs (takes the request, never answers) does not hold back another account's
 * deliveries: no thread waits for a receiver.
 */
class SlowReceiverTest {
  private Path dir;
  private Store store;
  private Vertx vertx;
  private WebhookClient client;
  private WebhookReceiver hangs;
  private WebhookReceiver answers;
  private WebhookDeliveries deliveries;

  @BeforeEach
  void open() throws Exception {
    dir = TestServer.newTempDir();
    store = Stores.open(TestStores.fresh(TestStores.Engine.DUCKDB, dir));
    vertx = Vertx.vertx();
    MutableClock clock = new MutableClock(T0);
    WebhookGuard guard = WebhookGuard.allowing(List.of("127.0.0.1"));
    // an attempt may last ten minutes: far longer than the test waits
    client = new WebhookClient(vertx, guard, clock,
        new WebhookClient.Limits(Duration.ofSeconds(5), Duration.ofMinutes(10), 1024));
    hangs = new WebhookReceiver();
    hangs.answer(r -> { });
    answers = new WebhookReceiver();
    Webhooks webhooks = new Webhooks(store.webhooks(), guard, MasterKey.of(new byte[32]), clock);
    // the hanging one first: a round that waited for it would never reach the other
    webhooks.create("slow", hangs.url("/hook"));
    clock.advance(Duration.ofSeconds(1));
    webhooks.create("ok", answers.url("/hook"));
    Dimensions dims = new Dimensions("desktop", "Linux Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", null,
        null, null);
    long start = T0.toEpochMilli();
    store.load(List.of(
        new ViewRecord(1L, "slow", "pb", null, null, "viewer-1", start, start + 60_000, dims, "example.com", false,
            1000, 200, 0, 0, true, true),
        new ViewRecord(2L, "ok", "pb", null, null, "viewer-2", start, start + 60_000, dims, "example.com", false,
            1000, 200, 0, 0, true, true)));
    deliveries = new WebhookDeliveries(webhooks, client, clock,
        account -> java.util.Collections.nCopies(io.viewpulse.model.CustomDimension.MAX, null));
  }

  @AfterEach
  void close() {
    deliveries.close();
    client.close();
    hangs.close();
    answers.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    store.close();
    TestServer.deleteTree(dir);
  }

  @Test
  void aReceiverThatNeverAnswersHoldsBackOnlyItsOwnEndpoint() throws Exception {
    deliveries.start(Duration.ofMillis(200));
    for (int i = 0; i < 300 && answers.received().isEmpty(); i++) {
      Thread.sleep(100);
    }
    assertThat(answers.received()).hasSize(1);
    assertThat(Http.JSON.readTree(answers.received().get(0).body()).get(0).get("viewerId").asText())
        .isEqualTo("viewer-2");
    // the hanging receiver got its one post, which is still unanswered: no second one meanwhile
    assertThat(hangs.received()).hasSize(1);
  }
}
