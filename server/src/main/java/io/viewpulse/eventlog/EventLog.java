package io.viewpulse.eventlog;

import java.util.concurrent.CompletableFuture;

/**
 * The durable, ordered log of accepted beacons between ingest and the sessionizer.
 *
 * <p>Contract: the future of {@link #append} completes only once the record would survive a kill -9 of the process;
 * records reach the consumer given to {@link #start} in offset order, each exactly once per process lifetime, before
 * the future of their append completes. After a restart, {@link #start} first replays every record after the given
 * offset. Implementations: {@link FileEventLog} (segment files with group commit); a Kafka topic later.
 */
public interface EventLog extends AutoCloseable {

  /** Receives durable records in offset order, on the log's own thread. May block to apply back-pressure. */
  interface Consumer {
    void accept(long offset, byte[] payload);
  }

  /**
   * Replays the records after {@code afterOffset} to {@code consumer} on the calling thread, then delivers every new
   * record to it as it becomes durable.
   */
  void start(long afterOffset, Consumer consumer);

  /**
   * Appends one record.
   *
   * @return completes with the record's offset once durable; fails with {@link LogUnavailableException} when the
   *     record cannot be kept (full disk, I/O error) or the log is overloaded
   */
  CompletableFuture<Long> append(byte[] payload);

  /** Records up to and including {@code offset} are folded into the store and may be discarded. */
  void release(long offset);

  /** Offset the next record will get. */
  long nextOffset();

  /** Records waiting to become durable. */
  int pending();

  /** Syncs to disk so far, each making a batch of records durable (records per sync = appends / syncs). */
  long syncs();

  @Override
  void close();
}
