package io.viewpulse.alerts;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands notifications to a {@link Notifier} on a thread of their own, so that evaluation never waits for a receiver:
 * each is tried {@link #ATTEMPTS} times, {@link #BACKOFF_MS} apart and doubling, then given up and logged. At most
 * {@link #MAX_QUEUED} wait; more are dropped and logged.
 */
final class Notifications implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
  static final int ATTEMPTS = 4;
  static final long BACKOFF_MS = 1000;
  static final int MAX_QUEUED = 10_000;

  private final Notifier notifier;
  private final ScheduledExecutorService thread;
  private final AtomicInteger queued = new AtomicInteger();

  Notifications(Notifier notifier) {
    this.notifier = notifier;
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = new Thread(r, "viewpulse-alert-notifications");
      th.setDaemon(true);
      return th;
    });
    t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread = t;
  }

  /** Queues the notification of {@code incident} (opened or resolved); returns at once. */
  void send(Rule rule, Incident incident) {
    if (rule.webhookUrl() == null) {
      return;
    }
    if (queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      LOG.warn("alert notification of rule {} dropped: {} wait already", rule.id(), MAX_QUEUED);
      return;
    }
    thread.execute(() -> attempt(rule, incident, 1));
  }

  private void attempt(Rule rule, Incident incident, int n) {
    try {
      notifier.send(rule, incident);
      queued.decrementAndGet();
    } catch (Exception e) {
      if (n >= ATTEMPTS) {
        queued.decrementAndGet();
        LOG.warn("alert notification of rule {} (incident {}) given up after {} attempts: {}", rule.id(),
            incident.id(), n, e.getMessage());
        return;
      }
      thread.schedule(() -> attempt(rule, incident, n + 1), BACKOFF_MS << (n - 1), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
