package io.viewpulse.model;

/** What the event log carries: player beacons, and events reported by servers about streams. */
public sealed interface LogEntry permits Beacon, StreamEvent {
  /** Server time of arrival, Unix ms. */
  long receivedAtMs();

  /**
   * The key that decides the record's log partition: a session's records (beacons and the slate reported for it)
   * share one, so they stay in one partition, in order.
   */
  String partitionKey();
}
