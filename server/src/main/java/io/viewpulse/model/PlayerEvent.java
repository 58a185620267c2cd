package io.viewpulse.model;

/**
 * One event of a beacon.
 *
 * @param id the client's id for the event, stable across re-sends; null when the client sent none
 * @param timestamp client time, Unix ms
 * @param heartbeat measurements, for heartbeats only
 * @param category error and warning category (e.g. access-control, offline), else null
 * @param message error and warning message, else null
 */
public record PlayerEvent(String id, EventType type, long timestamp, Heartbeat heartbeat, String category,
    String message) {}
