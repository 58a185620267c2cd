package io.viewpulse.api;

import io.vertx.ext.web.RoutingContext;
import io.viewpulse.auth.AuthException;
import io.viewpulse.auth.KeyService;
import io.viewpulse.auth.Origins;
import io.viewpulse.auth.Principal;
import java.util.Locale;

/**
 * Key rules, as Livepeer's: a secret key may call everything; a CORS key (one with allowed origins) only the public
 * metrics routes, only from its origins when the request carries an Origin, and on the creator route only with the
 * dimensions that identify no one ({@link DataRoutes#CORS_DIMENSIONS}).
 */
final class Guard {
  static final String CORS_FORBIDDEN = "access forbidden for CORS-enabled API key with restricted access";

  private final KeyService keys;

  Guard(KeyService keys) {
    this.keys = keys;
  }

  /** The caller, who must hold a secret key. */
  Principal secret(RoutingContext ctx) {
    Principal p = any(ctx);
    if (p.isCors()) {
      throw AuthException.forbidden(CORS_FORBIDDEN);
    }
    return p;
  }

  /** The caller, with a secret key or a CORS key used from an allowed origin (every Origin header of the request). */
  Principal any(RoutingContext ctx) {
    Principal p = keys.authenticate(bearer(ctx));
    if (p.isCors()) {
      for (String origin : ctx.request().headers().getAll("Origin")) {
        if (!Origins.allows(p.allowedOrigins(), origin)) {
          throw AuthException.forbidden("credential disallows CORS access from origin " + origin);
        }
      }
    }
    return p;
  }

  /**
   * Whose share of the worker threads the request's work takes ({@link AccountShares}): its key's account, with the
   * account's CORS keys apart from its secret keys (a CORS key is public, in the pages that play the account's
   * videos, so whoever copies it can fill its share; the account's own dashboards and API calls keep theirs); null
   * when the request has no key that {@link #any} accepts (none, an unknown, revoked or misused one). Reads memory
   * only, so the event loop may ask.
   */
  String account(RoutingContext ctx) {
    if (ctx.request().getHeader("Authorization") == null) {
      return null;
    }
    try {
      Principal p = any(ctx);
      return p.isCors() ? p.accountId() + " cors" : p.accountId();
    } catch (AuthException e) {
      return null;
    }
  }

  /** Registered HTTP authentication schemes (IANA) and a few common ones: named back in a refusal, nothing else is. */
  private static final java.util.Set<String> KNOWN_SCHEMES = java.util.Set.of("basic", "digest", "dpop", "gnap",
      "hoba", "mutual", "negotiate", "ntlm", "oauth", "privatetoken", "scram-sha-1", "scram-sha-256", "vapid", "token",
      "aws4-hmac-sha256", "apikey");

  /**
   * The key of an {@code Authorization: Bearer <key>} header. A refusal names a known scheme but never repeats what
   * the header carries otherwise: a key sent without its scheme is a credential too.
   */
  private static String bearer(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h == null || h.isBlank()) {
      throw AuthException.unauthenticated("request is not authenticated: send Authorization: Bearer <API key>");
    }
    h = h.strip();
    int space = h.indexOf(' ');
    String scheme = space < 0 ? h : h.substring(0, space);
    if (!scheme.toLowerCase(Locale.ROOT).equals("bearer")) {
      if (KNOWN_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
        throw AuthException.unauthenticated("unsupported authorization header scheme: " + scheme);
      }
      throw AuthException.unauthenticated("the Authorization header has no scheme: send Authorization: Bearer <API key>");
    }
    // "Bearer" alone (HTTP drops a trailing space) is the right scheme without a key, and is answered as such
    return space < 0 ? "" : h.substring(space + 1).strip();
  }
}
