package io.viewpulse.webhooks;

import io.viewpulse.query.ViewRow;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts every finished view to its account's webhook endpoints, at least once, on a thread of its own. For each
 * endpoint, the views after its position ({@link WebhookStore}) go out in batches, oldest stored first, each a JSON
 * array of views in the export's format (the view id first, for receivers to drop repeats); a batch the receiver took
 * (2xx) moves the position past it. A batch that failed is tried again, the same views from the same position under
 * the same {@code Viewpulse-Delivery} id, after a back-off that doubles from {@link #FIRST_RETRY} up to
 * {@link #MAX_RETRY} (on the server's clock); the position is in the store, so a restart goes on from it and what
 * was not delivered is delivered later. A view can be posted twice (a receiver that took a batch but answered too
 * late, a restart between the post and the move of the position), never skipped.
 */
public final class WebhookDeliveries implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveries.class);
  /** Views in one post. */
  static final int BATCH = 100;
  /** Batches one endpoint sends in a round before the others get their turn. */
  private static final int BATCHES_PER_ROUND = 20;
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofMinutes(10);

  private final Webhooks webhooks;
  private final WebhookClient client;
  private final InstantSource clock;
  private final Map<String, long[]> backoff = new ConcurrentHashMap<>();
  private final java.util.function.Function<String, List<String>> customNames;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "webhooks");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param customNames the names of an account's custom dimensions by slot (index 0 being slot 1, null where none):
   *     the posted views carry them as the export does
   */
  public WebhookDeliveries(Webhooks webhooks, WebhookClient client, InstantSource clock,
      java.util.function.Function<String, List<String>> customNames) {
    this.webhooks = webhooks;
    this.client = client;
    this.clock = clock;
    this.customNames = customNames;
  }

  /** Delivers what is due now and then at this interval. */
  public void start(Duration every) {
    thread.scheduleWithFixedDelay(this::round, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void round() {
    try {
      for (WebhookStore.Endpoint e : webhooks.store().endpoints(null)) {
        deliver(e);
      }
    } catch (RuntimeException e) {
      LOG.warn("webhooks: cannot read the endpoints: {}", e.getMessage());
    }
  }

  /** Posts an endpoint's pending batches while it takes them, unless it is waiting for a retry. */
  private void deliver(WebhookStore.Endpoint e) {
    long[] state = backoff.get(e.id()); // {failures, next attempt in ms}
    if (state != null && clock.millis() < state[1]) {
      return;
    }
    for (int i = 0; i < BATCHES_PER_ROUND; i++) {
      WebhookStore.Batch batch;
      Delivery d;
      try {
        batch = webhooks.store().pending(e.id(), BATCH);
        if (batch.views().isEmpty()) {
          return;
        }
        d = client.post(URI.create(e.url()), body(batch.views(), customNames.apply(e.accountId())),
            webhooks.signingKey(e.id()),
            deliveryId(e.id(), batch.from())).get();
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | RuntimeException x) {
        failed(e, x.getMessage());
        return;
      }
      if (!d.delivered()) {
        failed(e, d.outcome());
        return;
      }
      backoff.remove(e.id());
      try {
        webhooks.store().delivered(e.id(), batch.from(), batch.to());
      } catch (RuntimeException x) {
        failed(e, x.getMessage());
        return;
      }
    }
  }

  private void failed(WebhookStore.Endpoint e, String why) {
    long[] state = backoff.compute(e.id(), (k, s) -> new long[] {s == null ? 1 : s[0] + 1, 0});
    long delay = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(state[0] - 1, 20));
    state[1] = clock.millis() + delay;
    LOG.warn("webhook {} of account {}: attempt {} failed ({}); next in {} ms", e.id(), e.accountId(), state[0], why,
        delay);
  }

  /** The same for every attempt at the views from one position of one endpoint, across restarts. */
  static String deliveryId(String endpointId, String from) {
    return endpointId + "-" + io.viewpulse.model.Sha256.hex(endpointId + "|" + from).substring(0, 24);
  }

  /**
   * A JSON array of one account's views, each an object of the export's fields under their API names, then its custom
   * dimensions ({@code customNames} by slot) as {@code custom.<name>}.
   */
  static byte[] body(List<ViewRow> views, List<String> customNames) {
    return ViewJson.array(views, customNames);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
