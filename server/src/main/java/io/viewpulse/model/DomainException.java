package io.viewpulse.model;

/**
 * A request the domain cannot carry out, and what kind of failure that is. Domain code throws it with a message for
 * the caller; only the HTTP layer turns a kind into a status code, and only there.
 */
public class DomainException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as far as the caller is concerned. */
  public enum Kind {
    /** The request is malformed or asks for something that cannot be answered as asked. */
    INVALID,
    /** No usable credential. */
    UNAUTHENTICATED,
    /** A credential that may not do this. */
    FORBIDDEN,
    /** No such thing, or not the caller's. */
    NOT_FOUND,
    /** The request clashes with what exists. */
    CONFLICT,
    /** The answer would be larger than allowed. */
    TOO_LARGE,
    /** Too many requests from one client: slow down. */
    RATE_LIMITED,
    /** Viewpulse cannot do this right now (a store or a log refusing, overload): retry later. */
    UNAVAILABLE
  }

  private final Kind kind;
  private final long retryAfterSeconds;

  public DomainException(Kind kind, String message) {
    this(kind, message, 0);
  }

  /** @param retryAfterSeconds when the caller may try again, for the kinds that say so (0: not said) */
  public DomainException(Kind kind, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  protected DomainException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retryAfterSeconds = 0;
  }

  public Kind kind() {
    return kind;
  }

  /** Seconds after which the caller may try again, or 0 when not said. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static DomainException invalid(String message) {
    return new DomainException(Kind.INVALID, message);
  }

  public static DomainException notFound(String message) {
    return new DomainException(Kind.NOT_FOUND, message);
  }

  public static DomainException forbidden(String message) {
    return new DomainException(Kind.FORBIDDEN, message);
  }

  public static DomainException conflict(String message) {
    return new DomainException(Kind.CONFLICT, message);
  }
}
