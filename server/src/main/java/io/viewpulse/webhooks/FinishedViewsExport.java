package io.viewpulse.webhooks;

import io.viewpulse.query.ViewRow;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every finished view to a Kafka topic, at least once, on a thread of its own: one record per view, keyed by
 * its view id (for consumers to drop repeats), its value the view's JSON object in the export's format. The views
 * after the topic's position (a feed of {@link WebhookStore}, durable in the store) are sent in batches, oldest stored
 * first, and the position moves past a batch only once Kafka acknowledged every record of it; a batch that failed is
 * sent again, from the same position, after a back-off that doubles from {@link WebhookDeliveries#FIRST_RETRY} up to
 * {@link #MAX_RETRY} (on the server's clock). A restart goes on from the position, so what was not acknowledged is
 * sent then. One node of a cluster publishes at a time: the one {@code publisher} says is it (the owner of the event
 * log's partition 0).
 */
public final class FinishedViewsExport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FinishedViewsExport.class);
  /** Records sent before the position moves. */
  static final int BATCH = 500;
  static final Duration MAX_RETRY = Duration.ofMinutes(1);

  /** Where the records go: returns once Kafka acknowledged every record, throws otherwise. */
  public interface Sink {
    void send(List<Map.Entry<String, byte[]>> records);
  }

  private final WebhookStore store;
  private final String feedId;
  private final String topic;
  private final BooleanSupplier publisher;
  private final Sink sink;
  private final InstantSource clock;
  private final io.micrometer.core.instrument.Counter published;
  private int failures;
  private long nextAttemptMs;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "finished-views");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param store where the topic's position is kept
   * @param topic the topic's name: its position is the store's feed {@code topic:NAME}, so a new name starts at the
   *     views stored from then on
   * @param publisher whether this node publishes now
   */
  public FinishedViewsExport(WebhookStore store, String topic, BooleanSupplier publisher, Sink sink,
      InstantSource clock, io.micrometer.core.instrument.MeterRegistry metrics) {
    this.published = io.micrometer.core.instrument.Counter.builder("viewpulse_finished_views_published")
        .description("finished views this node published to the Kafka topic of finished views (Kafka acknowledged)")
        .register(metrics);
    io.micrometer.core.instrument.Gauge.builder("viewpulse_finished_views_publisher", publisher,
        p -> p.getAsBoolean() ? 1 : 0)
        .description("1 while this node is the one publishing finished views (it owns the event log's partition 0)")
        .register(metrics);
    this.store = store;
    this.feedId = "topic:" + topic;
    this.topic = topic;
    this.publisher = publisher;
    this.sink = sink;
    this.clock = clock;
  }

  /** Publishes what is due now and then at this interval. */
  public void start(Duration every) {
    thread.scheduleWithFixedDelay(() -> {
      if (clock.millis() >= nextAttemptMs) {
        publishPending();
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * While this node is the publisher, sends the pending views batch by batch until none is left or a batch fails.
   *
   * @return the views Kafka acknowledged in this call
   */
  int publishPending() {
    int sent = 0;
    while (publisher.getAsBoolean()) {
      WebhookStore.Batch batch;
      try {
        batch = store.feedPending(feedId, BATCH);
        if (batch.views().isEmpty()) {
          break;
        }
        sink.send(records(batch.views()));
      } catch (RuntimeException e) {
        failed(e.getMessage());
        return sent;
      }
      failures = 0;
      sent += batch.views().size();
      published.increment(batch.views().size());
      try {
        store.delivered(feedId, batch.from(), batch.to());
      } catch (RuntimeException e) {
        // sent, but not recorded as sent: sent again later
        failed(e.getMessage());
        return sent;
      }
    }
    return sent;
  }

  static List<Map.Entry<String, byte[]>> records(List<ViewRow> views) {
    List<Map.Entry<String, byte[]>> out = new ArrayList<>(views.size());
    for (ViewRow v : views) {
      out.add(Map.entry(Long.toString(v.viewId()), ViewJson.object(v)));
    }
    return out;
  }

  private void failed(String why) {
    failures++;
    long delay = Math.min(MAX_RETRY.toMillis(),
        WebhookDeliveries.FIRST_RETRY.toMillis() << Math.min(failures - 1, 20));
    nextAttemptMs = clock.millis() + delay;
    LOG.warn("finished views to Kafka topic {}: attempt {} failed ({}); next in {} ms", topic, failures, why, delay);
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
