package io.viewpulse.alerts;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox of notifications: evaluation writes each one to the store ({@link AlertStore#putNotification}) and
 * returns; a thread of its own hands the pending ones to a {@link Notifier}, so a receiver never holds evaluation up
 * and what was not delivered when the process stopped is delivered after the next start. Delivery is at least once:
 * a notification is marked delivered after the receiver took it, so a stop between the two sends it again, under the
 * same id ({@link Notification#id}).
 *
 * <p>The thread looks at the outbox every {@link #TICK_MS} and when evaluation made a notification. A failed attempt
 * is retried after a back-off on the server's clock that doubles from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF};
 * a notification still failing {@link #GIVE_UP} after it was made is given up and logged. The first look after the
 * start (or after this node became the cluster's evaluator) tries every pending one at once, whatever its back-off.
 * The notifications of one incident go in order: while its opening waits for a retry, its resolution waits too. Only
 * the cluster's evaluator delivers ({@code active}, see {@link Alerts}); it also deletes, every hour, the
 * notifications done for more than {@link #KEEP}.
 */
final class Notifications implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
  static final long TICK_MS = 1000;
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
  static final Duration GIVE_UP = Duration.ofHours(24);
  /** How long a notification that is done stays in the outbox (its id keeps a repeated put from sending it again). */
  static final Duration KEEP = Duration.ofDays(7);
  /** How often the notifications done for longer than {@link #KEEP} are deleted. */
  static final Duration DROP_EVERY = Duration.ofHours(1);
  /** Pending notifications read at one look. */
  static final int BATCH = 100;

  private final AlertStore store;
  private final Notifier notifier;
  private final InstantSource clock;
  private final BooleanSupplier active;
  private final ScheduledThreadPoolExecutor thread;
  /** Whether the next look tries every pending notification whatever its back-off; the thread's only. */
  private boolean fresh = true;
  private boolean started;
  /** When the outbox was last cleared of old notifications (the clock's time); the thread's only. */
  private Instant dropped;

  Notifications(AlertStore store, Notifier notifier, InstantSource clock, BooleanSupplier active) {
    this.store = store;
    this.notifier = notifier;
    this.clock = clock;
    this.active = active;
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = new Thread(r, "viewpulse-alert-notifications");
      th.setDaemon(true);
      return th;
    });
    t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread = t;
  }

  /**
   * Writes the notification of {@code incident} (opened or resolved) to the outbox and has the thread look at once;
   * nothing for a rule without a webhook. Blocking (a write to the store); throws what the store throws.
   */
  void send(Rule rule, Incident incident) {
    if (rule.webhookUrl() == null) {
      return;
    }
    store.putNotification(Notification.of(rule, incident));
    wake();
  }

  /** Starts looking at the outbox every {@link #TICK_MS}, the first time now. */
  synchronized void start() {
    if (!started && !thread.isShutdown()) {
      started = true;
      ScheduledExecutorService t = thread;
      t.scheduleWithFixedDelay(this::look, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }
  }

  private void wake() {
    try {
      thread.execute(this::look);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // closing: what is pending is delivered after the next start
    }
  }

  private void look() {
    try {
      deliver();
    } catch (RuntimeException e) {
      LOG.warn("alert notifications not delivered now, will retry: {}", e.getMessage());
    }
  }

  /** Delivers what is due of the pending notifications, oldest first. */
  private void deliver() {
    if (!active.getAsBoolean()) {
      fresh = true;
      return;
    }
    Instant start = clock.instant();
    // the first look takes every pending notification: none waits longer than the longest back-off
    List<Notification> due = store.pendingNotifications(fresh ? start.plus(MAX_BACKOFF.multipliedBy(2)) : start,
        BATCH);
    fresh = false;
    if (dropped == null || !start.isBefore(dropped.plus(DROP_EVERY))) {
      store.dropDoneNotifications(start.minus(KEEP));
      dropped = start;
    }
    Set<String> waiting = new HashSet<>();
    for (Notification n : due) {
      Instant now = clock.instant();
      if (thread.isShutdown() || waiting.contains(n.incident().id())) {
        continue;
      }
      try {
        notifier.send(n.rule(), n.incident());
        store.notificationAttempted(n.attempted(now), true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        waiting.add(n.incident().id());
        Notification after = n.attempted(now.plus(backoff(n.attempts() + 1)));
        boolean giveUp = !now.isBefore(n.createdAt().plus(GIVE_UP));
        if (giveUp) {
          LOG.warn("alert notification {} of rule {} given up after {} attempts: {}", n.id(), n.rule().id(),
              after.attempts(), e.getMessage());
        }
        store.notificationAttempted(after, giveUp);
      }
    }
  }

  /** The wait after the {@code failed}-th failed attempt: doubling from the first back-off, at most the longest. */
  static Duration backoff(int failed) {
    Duration d = FIRST_BACKOFF.multipliedBy(1L << Math.min(failed - 1, 20));
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  /** Stops the thread, waiting a little for an attempt under way; what is pending stays in the outbox. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
