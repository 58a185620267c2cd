package io.viewpulse.ingest;

import io.viewpulse.model.DomainException;

/** A beacon refused as a whole, with a message for the client that names the problem, and why (counted). */
public final class Rejection extends DomainException {
  private static final long serialVersionUID = 1L;
  private final Reason reason;

  Rejection(Reason reason, String message) {
    this(reason, message, 0);
  }

  /** @param retryAfterSeconds when the client may try again (0: not said) */
  Rejection(Reason reason, String message, long retryAfterSeconds) {
    super(reason.kind(), message, retryAfterSeconds);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
