package io.viewpulse.model;

/** What the event log carries: player beacons, and events reported by servers about streams. */
public sealed interface LogEntry permits Beacon, StreamEvent {
  /** Server time of arrival, Unix ms. */
  long receivedAtMs();
}
