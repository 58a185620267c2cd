package io.viewpulse.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.viewpulse.auth.MasterKey;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.WebhookReceiver;
import io.viewpulse.webhooks.WebhookClient;
import io.viewpulse.webhooks.WebhookGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import io.viewpulse.store.Store;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.testing.TestStores;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Notifications of one account whose receiver hangs (accepts the request, never answers) do not hold back another
 * account's: each account has its own lane in the store's outbox, and no thread waits for a receiver.
 */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class NotificationLanesTest {
  private static final Instant T0 = TestServer.T0;

  @Parameter
  TestStores.Engine engine;

  private Path dir;
  private Store store;

  private Vertx vertx;
  private WebhookClient client;
  private WebhookReceiver hangs;
  private WebhookReceiver answers;
  private Notifications notifications;

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    // an attempt may last ten minutes: far longer than the test waits
    client = new WebhookClient(vertx, WebhookGuard.allowing(List.of("127.0.0.1")), new MutableClock(T0),
        new WebhookClient.Limits(Duration.ofSeconds(5), Duration.ofMinutes(10), 1024));
    hangs = new WebhookReceiver();
    hangs.answer(r -> { });
    answers = new WebhookReceiver();
    dir = TestServer.newTempDir();
    store = Stores.open(TestStores.fresh(engine, dir));
    notifications = new Notifications(store.alerts(), new WebhookNotifier(client,
        new SigningSecrets(MasterKey.of(new byte[32]))), new MutableClock(T0), () -> true);
    notifications.start();
  }

  @AfterEach
  void close() {
    notifications.close();
    client.close();
    hangs.close();
    answers.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    store.close();
    TestServer.deleteTree(dir);
  }

  private static Rule rule(String account, String id, String url) throws Exception {
    return RuleJson.read(new ObjectMapper().readTree("{\"name\": \"r" + id + "\", \"metric\": \"errorRate\","
        + " \"comparison\": \">\", \"threshold\": 0.2, \"webhookUrl\": \"" + url + "\"}"), id, account, T0);
  }

  private static Incident opened(Rule r, String id) {
    return new Incident(id, r.accountId(), r.id(), r.name(), r.metric(), T0, null, 0.5, 0.2);
  }

  @Test
  void anAccountWhoseReceiverHangsHoldsBackOnlyItsOwnNotifications() throws Exception {
    for (int i = 1; i <= 3; i++) {
      Rule r = rule("slow", "s" + i, hangs.url("/hook" + i));
      notifications.send(r, opened(r, "slow-incident-" + i));
    }
    awaitReceived(hangs, 1);
    Rule mine = rule("ok", "o1", answers.url("/hook"));
    notifications.send(mine, opened(mine, "ok-incident"));

    awaitReceived(answers, 1);
    assertThat(answers.received()).hasSize(1);
    assertThat(answers.received().get(0).headers().get(WebhookClient.DELIVERY_HEADER))
        .isEqualTo("ok-incident:opened");
    // the slow account's lane still waits for its first receiver: its others are not sent meanwhile
    assertThat(hangs.received()).extracting(WebhookReceiver.Received::path).containsExactly("/hook1");
  }

  private static void awaitReceived(WebhookReceiver receiver, int n) throws InterruptedException {
    for (int i = 0; i < 300 && receiver.received().size() < n; i++) {
      Thread.sleep(100);
    }
  }
}
