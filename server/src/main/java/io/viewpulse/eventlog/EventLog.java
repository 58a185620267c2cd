package io.viewpulse.eventlog;

import java.util.concurrent.CompletableFuture;

/**
 * The durable, ordered log of accepted beacons between ingest and the sessionizer, split into partitions.
 *
 * <p>Contract: the future of an append completes only once the record would survive the loss of this process (for a
 * file log, kill -9 of it; for a replicated log, as its replication promises); a record's partition is decided by its
 * key, so one session's records stay in one partition, in order. Each partition is owned by one process at a time
 * (the {@link Owner} this process gave to {@link #start}): the log tells it when it gets a partition and asks it
 * after which offset to deliver, delivers that partition's durable records in offset order, and tells it when the
 * partition goes to another process, after which nothing of it is delivered here. After a restart or a move, the
 * records after the offset the owner names are delivered again: the owner's store decides what was kept.
 * Implementations: {@link FileEventLog} (one partition, segment files with group commit) and {@code KafkaEventLog}.
 */
public interface EventLog extends AutoCloseable {

  /** What this process does with the partitions it owns. Called on the log's threads; may block for back-pressure. */
  interface Owner {
    /**
     * {@code partition} is this process's from now on: returns the offset after which its records are to be
     * delivered (what the store already holds of it; -1 for all). No record of the partition is delivered before.
     */
    long assigned(int partition);

    /** A durable record of an owned partition, in offset order within the partition. */
    void accept(int partition, long offset, byte[] payload);

    /**
     * {@code partition} is no longer this process's: no record of it follows. Returns once the owner has written
     * what it decided for it (or given up), so that the next owner starts from there.
     */
    void revoked(int partition);
  }

  /** Starts delivering: the partitions this process owns now are assigned (and replayed) before this returns. */
  void start(Owner owner);

  /**
   * Appends one record to the partition of {@code key}.
   *
   * @return completes with the record's offset once durable; fails with {@link LogUnavailableException} when the
   *     record cannot be kept (full disk, broker unreachable, too few replicas in sync) or the log is overloaded
   */
  CompletableFuture<Long> append(String key, byte[] payload);

  /** Appends one record to a given partition (the sessionizer's time ticks for a partition it owns). */
  CompletableFuture<Long> appendTo(int partition, byte[] payload);

  /**
   * Completes once every record acknowledged before this call, in the partitions this process owns, has been handed
   * to the owner ({@link Owner#accept}); fails with {@link LogUnavailableException} when the log cannot tell.
   */
  CompletableFuture<Void> delivered();

  /** Records of {@code partition} up to and including {@code offset} are folded into the store and may go. */
  void release(int partition, long offset);

  /** How many partitions the log has (all of them, owned here or not). */
  int partitions();

  /**
   * Whether the log takes and delivers records now: for a node's readiness (a load balancer sends beacons only to
   * ready nodes). A log that is not ready answers appends with {@link LogUnavailableException}.
   */
  boolean ready();

  /** Records waiting to become durable. */
  int pending();

  /** Syncs to disk (or acknowledged produce requests) so far, each making a batch of records durable. */
  long syncs();

  @Override
  void close();
}
