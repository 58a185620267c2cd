package io.viewpulse.auth;

import java.net.URI;
import java.util.List;

/** Browser origins ({@code scheme://host[:port]}) as CORS keys list them. */
public final class Origins {
  private Origins() {}

  static void requireValid(String origin) {
    if ("*".equals(origin)) {
      return;
    }
    try {
      URI u = URI.create(origin);
      if (u.getScheme() == null || u.getHost() == null || !(u.getPath() == null || u.getPath().isEmpty())
          || u.getQuery() != null || u.getFragment() != null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not an origin: '" + origin + "' (expected scheme://host[:port] such as https://example.com, or *)");
    }
  }

  /** Whether a request from {@code origin} may use a key that allows {@code allowed}. */
  public static boolean allows(List<String> allowed, String origin) {
    if (allowed.contains("*")) {
      return true;
    }
    return origin != null && allowed.stream().anyMatch(a -> a.equalsIgnoreCase(origin));
  }
}
