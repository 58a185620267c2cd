package io.viewpulse.alerts;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands notifications to a {@link Notifier}, so that evaluation never waits for a receiver: each is tried
 * {@link #ATTEMPTS} times, {@link #BACKOFF_MS} apart and doubling, then given up and logged. Each account has a lane
 * of its own: its notifications go out one at a time, in the order of their incidents (an opening before its
 * resolution), while the other accounts' go on, so that an account whose receivers hang or fail delays only its own.
 * No thread waits for a receiver (the notifier is asynchronous); one thread starts the attempts. At most
 * {@link #MAX_QUEUED} of an account wait; more are dropped and logged.
 */
final class Notifications implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
  static final int ATTEMPTS = 4;
  static final long BACKOFF_MS = 1000;
  static final int MAX_QUEUED = Alerts.MAX_RULES;

  private record Pending(Rule rule, Incident incident) {}

  private final Notifier notifier;
  private final ScheduledExecutorService thread;
  /** The accounts with a notification on its way, and what waits behind it; guarded by {@code this}. */
  private final Map<String, ArrayDeque<Pending>> lanes = new HashMap<>();

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
    String account = rule.accountId();
    synchronized (this) {
      ArrayDeque<Pending> lane = lanes.get(account);
      if (lane != null && lane.size() >= MAX_QUEUED) {
        LOG.warn("alert notification of rule {} dropped: {} of its account wait already", rule.id(), MAX_QUEUED);
        return;
      }
      if (lane != null) {
        lane.add(new Pending(rule, incident));
        return;
      }
      lanes.put(account, new ArrayDeque<>());
    }
    run(() -> attempt(new Pending(rule, incident), 1));
  }

  /** The next notification of the account's lane, or the lane's end. */
  private void next(String account) {
    Pending p;
    synchronized (this) {
      ArrayDeque<Pending> lane = lanes.get(account);
      p = lane == null ? null : lane.poll();
      if (p == null) {
        lanes.remove(account);
        return;
      }
    }
    attempt(p, 1);
  }

  private void attempt(Pending p, int n) {
    CompletableFuture<Void> sent;
    try {
      sent = notifier.send(p.rule(), p.incident());
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((ok, failure) -> {
      if (failure == null) {
        run(() -> next(p.rule().accountId()));
        return;
      }
      Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
          : failure;
      if (n >= ATTEMPTS) {
        LOG.warn("alert notification of rule {} (incident {}) given up after {} attempts: {}", p.rule().id(),
            p.incident().id(), n, e.getMessage());
        run(() -> next(p.rule().accountId()));
        return;
      }
      try {
        thread.schedule(() -> attempt(p, n + 1), BACKOFF_MS << (n - 1), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        // closing: what was not delivered is dropped
      }
    });
  }

  private void run(Runnable r) {
    try {
      thread.execute(r);
    } catch (RejectedExecutionException closed) {
      // closing: what was not delivered is dropped
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
