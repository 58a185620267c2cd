package io.viewpulse.ingest;

import io.viewpulse.model.DomainException.Kind;
import java.util.Locale;

/** Why ingest refused a beacon or dropped an event. Every occurrence is counted under {@link #tag()}. */
public enum Reason {
  // a whole beacon refused
  BODY_TOO_LARGE(Kind.TOO_LARGE),
  MALFORMED_JSON(Kind.INVALID),
  INVALID_FIELD(Kind.INVALID),
  UNKNOWN_PLAYBACK_ID(Kind.NOT_FOUND),
  OVERLOADED(Kind.UNAVAILABLE),
  STORE_UNAVAILABLE(Kind.UNAVAILABLE),
  // one client address asking more than it may (AddressLimits)
  TOO_MANY_BEACONS(Kind.RATE_LIMITED),
  TOO_MANY_NEW_SESSIONS(Kind.RATE_LIMITED),
  TOO_MANY_SOCKETS(Kind.RATE_LIMITED),
  // one event dropped, the rest of the beacon kept
  UNKNOWN_EVENT_TYPE(null),
  TIMESTAMP_IN_FUTURE(null),
  TIMESTAMP_TOO_OLD(null),
  ABSURD_VALUE(null),
  DUPLICATE_EVENT(null),
  SESSION_CLOSED(null),
  // one custom dimension's value dropped, the rest of the beacon kept (CustomValues)
  CUSTOM_DIMENSION_UNDECLARED(null),
  CUSTOM_VALUE_INVALID(null);

  private final Kind kind;

  Reason(Kind kind) {
    this.kind = kind;
  }

  /** What kind of failure refusing a beacon for this reason is; null for reasons that drop single events. */
  public Kind kind() {
    return kind;
  }

  /** Whether the reason refuses a whole beacon (rather than dropping one event). */
  public boolean refusesBeacon() {
    return kind != null;
  }

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
