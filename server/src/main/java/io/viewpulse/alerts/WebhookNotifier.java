package io.viewpulse.alerts;

import io.viewpulse.webhooks.Delivery;
import io.viewpulse.webhooks.WebhookClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Posts a notification to its rule's webhook URL ({@link SlackMessage}), signed with the account's secret
 * ({@link SigningSecrets}), through the guarded client. Every attempt of one notification carries the same delivery id
 * ({@link Notification#idOf}: the incident's id, {@code :opened} or {@code :resolved}), so a receiver drops a
 * repeat. Blocking: waits for the
 * attempt, on the notifications' thread.
 */
public final class WebhookNotifier implements Notifier {
  private final WebhookClient client;
  private final SigningSecrets secrets;

  public WebhookNotifier(WebhookClient client, SigningSecrets secrets) {
    this.client = client;
    this.secrets = secrets;
  }

  @Override
  public void send(Rule rule, Incident incident) throws Exception {
    Delivery d = client.post(URI.create(rule.webhookUrl()), SlackMessage.of(rule, incident),
        secrets.of(rule.accountId()).getBytes(StandardCharsets.US_ASCII),
        Notification.idOf(incident)).get(1, TimeUnit.MINUTES);
    if (!d.delivered()) {
      throw new IllegalStateException("webhook not delivered: " + d.outcome());
    }
  }
}
