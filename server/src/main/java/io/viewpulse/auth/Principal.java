package io.viewpulse.auth;

import java.util.List;

/** Who is calling: the account, the key used, and for a CORS key the origins it may be used from. */
public record Principal(String accountId, String keyId, List<String> allowedOrigins) {
  public boolean isCors() {
    return allowedOrigins != null;
  }
}
