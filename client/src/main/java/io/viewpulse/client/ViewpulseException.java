package io.viewpulse.client;

import java.util.List;

/**
 * The server refused a request (4xx/5xx), or could not be reached (status 0). {@link #messages()} are the server's
 * own words (its {@code {"errors": [...]}}).
 */
public final class ViewpulseException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final List<String> messages;

  public ViewpulseException(int status, List<String> messages, Throwable cause) {
    super((status == 0 ? "cannot reach Viewpulse" : "HTTP " + status) + ": " + String.join("; ", messages), cause);
    this.status = status;
    this.messages = List.copyOf(messages);
  }

  /** The HTTP status, or 0 when there was no answer. */
  public int status() {
    return status;
  }

  public List<String> messages() {
    return messages;
  }
}
