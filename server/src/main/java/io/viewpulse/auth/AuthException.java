package io.viewpulse.auth;

import io.viewpulse.model.DomainException;

/** A request is not allowed: no usable credential ({@code UNAUTHENTICATED}), or not with this one ({@code FORBIDDEN}). */
public final class AuthException extends DomainException {
  private static final long serialVersionUID = 1L;

  private AuthException(Kind kind, String message) {
    super(kind, message);
  }

  /** Who are you? No key, an unknown or revoked one, a bad signature. */
  public static AuthException unauthenticated(String message) {
    return new AuthException(Kind.UNAUTHENTICATED, message);
  }

  /** Not with this key (a CORS key outside its routes or origins, a request from elsewhere). */
  public static AuthException forbidden(String message) {
    return new AuthException(Kind.FORBIDDEN, message);
  }
}
