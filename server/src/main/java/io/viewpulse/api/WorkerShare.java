package io.viewpulse.api;

/**
 * How the API's blocking work is shared between accounts ({@link AccountShares}).
 *
 * @param perAccount the blocking tasks (queries, exports, writes) one account may run at once on the shared worker
 *     threads
 * @param queuePerAccount the tasks of one account that may wait for them; one more is refused (429)
 */
public record WorkerShare(int perAccount, int queuePerAccount) {
  /** Tasks of one account that may wait by default: a few dashboards' worth of requests. */
  public static final int QUEUE_PER_ACCOUNT = 64;

  public WorkerShare {
    if (perAccount < 1) {
      throw new IllegalArgumentException("an account's share of the worker threads is at least 1, not " + perAccount);
    }
    if (queuePerAccount < 0) {
      throw new IllegalArgumentException("an account's queue of tasks is at least 0, not " + queuePerAccount);
    }
  }

  /** A quarter of {@code workerThreads} (at least 2) per account, and {@link #QUEUE_PER_ACCOUNT} waiting. */
  public static WorkerShare defaults(int workerThreads) {
    return new WorkerShare(Math.max(2, workerThreads / 4), QUEUE_PER_ACCOUNT);
  }
}
