package io.viewpulse.auth;

/** A request is not allowed. {@code status} is 401 (who are you?) or 403 (not with this key). */
public final class AuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public AuthException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
