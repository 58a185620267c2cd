package io.viewpulse.retention;

import io.viewpulse.model.DomainException;
import io.viewpulse.model.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention periods per account: an account that sets one keeps its finished views for that many whole days (UTC)
 * before today, and older ones are deleted, with the pre-aggregates of those days, once an hour (and at start). An
 * account without a period keeps every view, the default. Open sessions are never touched: a view is deleted once it
 * is finished and older than its account's period.
 */
public final class Retention implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  /** The longest period an account may set: a hundred years. */
  public static final int MAX_DAYS = 36_500;
  static final Duration EVERY = Duration.ofHours(1);

  private final RetentionStore store;
  private final InstantSource clock;
  private ScheduledExecutorService timer;

  public Retention(RetentionStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The first instant an account keeping {@code days} days keeps at {@code now}: midnight UTC, {@code days} before today's. */
  public static Instant cutoff(Instant now, int days) {
    return now.truncatedTo(ChronoUnit.DAYS).minus(days, ChronoUnit.DAYS);
  }

  /** The days {@code accountId} keeps its views, or null when it keeps them all. */
  public Integer viewDays(String accountId) {
    return store.viewDays().get(accountId);
  }

  /** Every account's period, by account id. */
  public Map<String, Integer> all() {
    return new TreeMap<>(store.viewDays());
  }

  /**
   * Sets an account's period ({@code null}: keep every view). Views older than the period go at the next run of
   * {@link #enforce}, within the hour.
   */
  public void setViewDays(String accountId, Integer days) {
    if (days != null && (days < 1 || days > MAX_DAYS)) {
      throw DomainException.invalid("viewDays must be a whole number of days from 1 to " + MAX_DAYS
          + ", or null to keep every view");
    }
    store.setViewDays(accountId, days);
  }

  /**
   * Deletes every account's views older than its period, now; returns the views deleted per account. An account whose
   * deletion fails is logged and tried again at the next run; the others go on.
   */
  public Map<String, Long> enforce() {
    Instant now = clock.instant();
    Map<String, Long> deleted = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : all().entrySet()) {
      try {
        long n = store.deleteViewsBefore(e.getKey(), cutoff(now, e.getValue()));
        deleted.put(e.getKey(), n);
        if (n > 0) {
          LOG.info("retention: deleted {} views of account {} that started before {}", n, e.getKey(),
              cutoff(now, e.getValue()));
        }
      } catch (StoreException failed) {
        LOG.warn("retention: cannot delete the old views of account {} now; will retry: {}", e.getKey(),
            failed.getMessage());
      }
    }
    return deleted;
  }

  /** Enforces the periods now and every hour after, on a thread of its own. */
  public void start() {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "viewpulse-retention");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        enforce();
      } catch (RuntimeException e) {
        LOG.warn("retention: run failed; will retry: {}", e.getMessage());
      }
    }, 0, EVERY.toMinutes(), TimeUnit.MINUTES);
  }

  /** Stops the timer, waiting for a run under way to finish (the store closes after). */
  @Override
  public void close() {
    if (timer != null) {
      timer.shutdown();
      try {
        if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
          timer.shutdownNow();
        }
      } catch (InterruptedException e) {
        timer.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
