package io.viewpulse.model;

import java.time.Instant;
import java.util.List;

/**
 * An API key as stored: never the token itself, only its hash. A key with allowed origins is a CORS key, usable from
 * browsers on those origins and only on the public metrics routes; a key without is a secret key.
 */
public record ApiKey(
    String id,
    String accountId,
    String name,
    List<String> allowedOrigins,
    Instant createdAt,
    Instant revokedAt) {

  public ApiKey {
    allowedOrigins = allowedOrigins == null ? null : List.copyOf(allowedOrigins);
  }

  public boolean isCors() {
    return allowedOrigins != null;
  }

  public boolean isRevoked() {
    return revokedAt != null;
  }

  public String kind() {
    return isCors() ? "cors" : "secret";
  }
}
