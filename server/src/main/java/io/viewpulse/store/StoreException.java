package io.viewpulse.store;

/** The store failed to do what was asked (I/O, full disk, corrupt file). Callers answer 503, never 500. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
