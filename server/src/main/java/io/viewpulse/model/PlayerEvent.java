package io.viewpulse.model;

/**
 * One event of a beacon.
 *
 * @param id the client's id for the event, stable across re-sends; null when the client sent none
 * @param timestamp client time, Unix ms
 * @param heartbeat measurements, for heartbeats only
 * @param category error and warning category (e.g. access-control, offline), else null
 * @param message error and warning message, else null
 * @param latencyMs seek events: how long from seeking to playing again (or to the new frame, when paused), when the
 *     player measured it (Viewpulse's collector does); else null
 * @param video heartbeats: what they say of the video shown ({@link VideoSample}), null when nothing
 */
public record PlayerEvent(String id, EventType type, long timestamp, Heartbeat heartbeat, String category,
    String message, Long latencyMs, VideoSample video) {

  /** An event without a video sample. */
  public PlayerEvent(String id, EventType type, long timestamp, Heartbeat heartbeat, String category, String message,
      Long latencyMs) {
    this(id, type, timestamp, heartbeat, category, message, latencyMs, null);
  }

  /** An event without a latency. */
  public PlayerEvent(String id, EventType type, long timestamp, Heartbeat heartbeat, String category, String message) {
    this(id, type, timestamp, heartbeat, category, message, null, null);
  }
}
