package io.viewpulse.ingest;

import java.util.Locale;

/** Why ingest refused a beacon or dropped an event. Every occurrence is counted under {@link #tag()}. */
public enum Reason {
  // a whole beacon refused
  BODY_TOO_LARGE(413),
  MALFORMED_JSON(400),
  INVALID_FIELD(400),
  UNKNOWN_PLAYBACK_ID(404),
  OVERLOADED(503),
  STORE_UNAVAILABLE(503),
  // one client address asking more than it may (AddressLimits)
  TOO_MANY_BEACONS(429),
  TOO_MANY_NEW_SESSIONS(429),
  TOO_MANY_SOCKETS(429),
  // one event dropped, the rest of the beacon kept
  UNKNOWN_EVENT_TYPE(0),
  TIMESTAMP_IN_FUTURE(0),
  TIMESTAMP_TOO_OLD(0),
  ABSURD_VALUE(0),
  DUPLICATE_EVENT(0),
  SESSION_CLOSED(0);

  private final int status;

  Reason(int status) {
    this.status = status;
  }

  /** HTTP status for a refused beacon; 0 for reasons that drop single events. */
  public int status() {
    return status;
  }

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
