package io.viewpulse.model;

/**
 * The time of a log partition, written into it by its owner when the partition is quiet: sessions end and live minutes
 * close by the time of the log (the receive times of its records, and ticks), never by a clock read while applying,
 * so a replay of a partition, after a crash or by another node, decides exactly as the first run did.
 *
 * @param receivedAtMs the owner's clock when it wrote the tick, Unix ms
 */
public record Tick(long receivedAtMs) implements LogEntry {
  /** Ticks are written to a partition by number, never by key. */
  @Override
  public String partitionKey() {
    return "";
  }
}
