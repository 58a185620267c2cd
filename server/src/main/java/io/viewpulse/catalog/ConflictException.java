package io.viewpulse.catalog;

/** The request clashes with existing state (409). */
public final class ConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message, null, false, false);
  }
}
