package io.viewpulse.retention;

import java.time.Instant;
import java.util.Map;

/**
 * What retention needs from a store: each account's retention periods, the deletion of an account's views that
 * started before a time, and the dropping of its views' timelines before a time. Blocking: call from worker threads.
 * Failures of the store throw {@link io.viewpulse.model.StoreException}.
 */
public interface RetentionStore {
  /**
   * What an account keeps: its views for {@code viewDays} whole days (null: all), its views' timelines for
   * {@code timelineDays} days (null: as long as the server keeps timelines).
   */
  record Policy(Integer viewDays, Integer timelineDays) {
    public static final Policy DEFAULT = new Policy(null, null);
  }

  /** The policies of the accounts that set one, by account id (the others keep the default). */
  Map<String, Policy> policies();

  /** Sets an account's policy; {@link Policy#DEFAULT} removes it. */
  void setPolicy(String accountId, Policy policy);

  /**
   * Deletes the finished views of {@code accountId} that started before {@code cutoff}, a UTC midnight, with what the
   * store pre-aggregated of the hours and days before it, so that no query over any range counts them any more.
   * Runs while ingest and queries go on; running it again deletes what is left.
   *
   * @return how many views went
   */
  long deleteViewsBefore(String accountId, Instant cutoff);

  /**
   * Drops the timelines of the views of {@code accountId} that started before {@code cutoff}; the views stay. Runs
   * while ingest and queries go on; running it again drops what is left.
   */
  void dropTimelinesBefore(String accountId, Instant cutoff);
}
