package io.viewpulse.ingest;

/** A beacon refused as a whole, with a message for the client that names the problem. */
public final class Rejection extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Reason reason;
  private final long retryAfterSeconds;

  Rejection(Reason reason, String message) {
    this(reason, message, 0);
  }

  /** @param retryAfterSeconds when the client may try again (0: not said) */
  Rejection(Reason reason, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Seconds after which the client may try again, or 0 when not said. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public Reason reason() {
    return reason;
  }

  public int status() {
    return reason.status();
  }
}
