package io.viewpulse.model;

/**
 * A store failed to do what was asked (I/O, a full disk, a corrupt file, a database server unreachable or refusing).
 * Whatever the engine, callers treat it alike: the operation did not happen (or, for writes whose contract says so,
 * may have happened and is retried), and the API answers that the service is unavailable for now.
 */
public class StoreException extends DomainException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(Kind.UNAVAILABLE, message, cause);
  }
}
