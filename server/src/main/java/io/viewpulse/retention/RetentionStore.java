package io.viewpulse.retention;

import java.time.Instant;
import java.util.Map;

/**
 * What retention needs from a store: each account's retention period for its views, and the deletion of an account's
 * views that started before a time. Blocking: call from worker threads. Failures of the store throw
 * {@link io.viewpulse.model.StoreException}.
 */
public interface RetentionStore {
  /** Account id to the days its finished views are kept, for the accounts that set a period (the others keep all). */
  Map<String, Integer> viewDays();

  /** Sets how many days an account keeps its views ({@code days > 0}), or clears the period ({@code null}). */
  void setViewDays(String accountId, Integer days);

  /**
   * Deletes the finished views of {@code accountId} that started before {@code cutoff}, a UTC midnight, with what the
   * store pre-aggregated of the hours and days before it, so that no query over any range counts them any more.
   * Runs while ingest and queries go on; running it again deletes what is left.
   *
   * @return how many views went
   */
  long deleteViewsBefore(String accountId, Instant cutoff);
}
