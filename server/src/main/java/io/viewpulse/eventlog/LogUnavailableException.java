package io.viewpulse.eventlog;

/** The log cannot take a record now: overloaded (retry soon) or unable to write (disk full, I/O error). */
public final class LogUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean overload;

  public LogUnavailableException(String message, boolean overload, Throwable cause) {
    super(message, cause, false, false);
    this.overload = overload;
  }

  public boolean isOverload() {
    return overload;
  }
}
