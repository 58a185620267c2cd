package io.viewpulse.alerts;

import io.viewpulse.webhooks.WebhookClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Posts a notification to its rule's webhook URL ({@link SlackMessage}), signed with the account's secret
 * ({@link SigningSecrets}), through the guarded client. Every attempt of one notification carries the same delivery id
 * ({@link Notification#idOf}: the incident's id, {@code :opened} or {@code :resolved}), so a receiver drops a
 * repeat. Asynchronous: no thread waits for the receiver.
 */
public final class WebhookNotifier implements Notifier {
  private final WebhookClient client;
  private final SigningSecrets secrets;

  public WebhookNotifier(WebhookClient client, SigningSecrets secrets) {
    this.client = client;
    this.secrets = secrets;
  }

  /** The guard's check of the URL's form and of an address literal, as for the streaming export's endpoints. */
  @Override
  public void check(String url) {
    client.guard().parse(url);
  }

  @Override
  public CompletableFuture<Void> send(Rule rule, Incident incident) {
    try {
      return client.post(URI.create(rule.webhookUrl()), SlackMessage.of(rule, incident),
          secrets.of(rule.accountId()).getBytes(StandardCharsets.US_ASCII),
          Notification.idOf(incident)).thenApply(d -> {
            if (!d.delivered()) {
              throw new IllegalStateException("webhook not delivered: " + d.outcome());
            }
            return null;
          });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
