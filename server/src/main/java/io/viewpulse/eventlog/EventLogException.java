package io.viewpulse.eventlog;

/** The event log cannot start: Kafka unreachable, or a topic that does not fit the configuration. */
public final class EventLogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EventLogException(String message, Throwable cause) {
    super(message, cause);
  }
}
