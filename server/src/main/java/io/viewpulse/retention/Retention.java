package io.viewpulse.retention;

import io.viewpulse.model.DomainException;
import io.viewpulse.model.StoreException;
import io.viewpulse.retention.RetentionStore.Policy;
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
 * Retention periods per account. Views: an account that sets a period keeps its finished views for that many whole
 * days (UTC) before today, and older ones are deleted with the pre-aggregates of those days; without one it keeps
 * every view. Timelines: every account keeps its views' timelines as long as the server does
 * ({@code serve --timeline-retention}, which drops older ones for all), or fewer days when it sets a period of its
 * own (the server's is the longest: it bounds the disk). Enforced once an hour (and at start); a timeline past its
 * account's period is never shown, dropped or not. Open sessions are never touched.
 */
public final class Retention implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  /** The longest view period an account may set: a hundred years. */
  public static final int MAX_DAYS = 36_500;
  static final Duration EVERY = Duration.ofHours(1);

  private final RetentionStore store;
  private final InstantSource clock;
  private final Duration serverTimelines;
  /** The policies as last read, for the timeline read path (refreshed by every change and run). */
  private volatile Map<String, Policy> cached = Map.of();
  private ScheduledExecutorService timer;

  /** @param serverTimelines how long the server keeps timelines: the longest any account may keep them */
  public Retention(RetentionStore store, InstantSource clock, Duration serverTimelines) {
    this.store = store;
    this.clock = clock;
    this.serverTimelines = serverTimelines;
  }

  /** The first instant an account keeping {@code days} days keeps at {@code now}: midnight UTC, {@code days} before today's. */
  public static Instant cutoff(Instant now, int days) {
    return now.truncatedTo(ChronoUnit.DAYS).minus(days, ChronoUnit.DAYS);
  }

  /** What {@code accountId} keeps ({@link Policy#DEFAULT} when it set nothing). Reads the store. */
  public Policy policy(String accountId) {
    return refresh().getOrDefault(accountId, Policy.DEFAULT);
  }

  /** Every account's policy, by account id. Reads the store. */
  public Map<String, Policy> all() {
    return new TreeMap<>(refresh());
  }

  /** The most days an account may keep timelines: the server's timeline retention, in whole days (at least 1). */
  public int maxTimelineDays() {
    return (int) Math.max(1, Math.min(MAX_DAYS, serverTimelines.toDays()));
  }

  /**
   * How long {@code accountId}'s timelines are shown: its own period, or the server's. From the policies as last read
   * (never a store call: this is on the path of opening a view).
   */
  public Duration timelineRetention(String accountId) {
    Integer days = cached.getOrDefault(accountId, Policy.DEFAULT).timelineDays();
    return days == null ? serverTimelines : Duration.ofDays(days);
  }

  /**
   * Sets an account's periods: {@code viewDays} ({@code null}: keep every view), {@code timelineDays}
   * ({@code null}: the server's). What is older goes at the next run of {@link #enforce}, within the hour.
   */
  public Policy set(String accountId, Integer viewDays, Integer timelineDays) {
    if (viewDays != null && (viewDays < 1 || viewDays > MAX_DAYS)) {
      throw DomainException.invalid("viewDays must be a whole number of days from 1 to " + MAX_DAYS
          + ", or null to keep every view");
    }
    if (timelineDays != null && (timelineDays < 1 || timelineDays > maxTimelineDays())) {
      throw DomainException.invalid("timelineDays must be a whole number of days from 1 to " + maxTimelineDays()
          + " (this server's timeline retention), or null for the server's");
    }
    Policy p = new Policy(viewDays, timelineDays);
    store.setPolicy(accountId, p);
    refresh();
    return p;
  }

  private Map<String, Policy> refresh() {
    Map<String, Policy> now = store.policies();
    cached = Map.copyOf(now);
    return now;
  }

  /**
   * Deletes every account's views older than its view period, and drops the timelines older than its timeline
   * period, now; returns the views deleted per account with a view period. An account whose deletion fails is logged
   * and tried again at the next run; the others go on.
   */
  public Map<String, Long> enforce() {
    Instant now = clock.instant();
    Map<String, Long> deleted = new LinkedHashMap<>();
    for (Map.Entry<String, Policy> e : all().entrySet()) {
      String account = e.getKey();
      Policy p = e.getValue();
      try {
        if (p.viewDays() != null) {
          Instant cutoff = cutoff(now, p.viewDays());
          long n = store.deleteViewsBefore(account, cutoff);
          deleted.put(account, n);
          if (n > 0) {
            LOG.info("retention: deleted {} views of account {} that started before {}", n, account, cutoff);
          }
        }
        if (p.timelineDays() != null) {
          store.dropTimelinesBefore(account, now.minus(Duration.ofDays(p.timelineDays())));
        }
      } catch (StoreException failed) {
        LOG.warn("retention: cannot apply account {}'s periods now; will retry: {}", account, failed.getMessage());
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
