package io.viewpulse.model;

/** What the event log carries: player beacons, events reported by servers about streams, and the log's time. */
public sealed interface LogEntry permits Beacon, StreamEvent, Tick {
  /** Server time of arrival, Unix ms. */
  long receivedAtMs();

  /**
   * The key that decides the record's log partition: a session's records (beacons and the slate reported for it)
   * share one, so they stay in one partition, in order.
   */
  String partitionKey();
}
