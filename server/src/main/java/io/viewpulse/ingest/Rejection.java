package io.viewpulse.ingest;

/** A beacon refused as a whole, with a message for the client that names the problem. */
public final class Rejection extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Reason reason;

  Rejection(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public int status() {
    return reason.status();
  }
}
