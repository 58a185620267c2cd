package io.viewpulse.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS headers. Beacons come from any page, and players need the answer to be readable (a POST whose answer lacks
 * {@code Access-Control-Allow-Origin} counts as failed and is re-sent forever). API calls from browsers are allowed
 * too; what a CORS key may do is decided by {@link Guard}, per route.
 */
final class Cors {
  private Cors() {}

  /**
   * Adds the headers and answers preflights; otherwise passes the request on. A request with several Origin headers
   * (no browser sends one) is a 400: which of them a key's origins would be checked against is ambiguous. No
   * credentials are allowed: the API takes keys in Authorization, never cookies.
   */
  static void handle(RoutingContext ctx) {
    HttpServerResponse r = ctx.response();
    java.util.List<String> origins = ctx.request().headers().getAll("Origin");
    if (origins.size() > 1) {
      Json.error(ctx, 400, "a request carries one Origin header, not " + origins.size());
      return;
    }
    String origin = origins.isEmpty() ? null : origins.get(0);
    if (origin == null) {
      r.putHeader("Access-Control-Allow-Origin", "*");
    } else {
      r.putHeader("Access-Control-Allow-Origin", origin);
      r.putHeader("Vary", "Origin");
    }
    r.putHeader("Access-Control-Expose-Headers", "Retry-After, Deprecation, Link");
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      String headers = ctx.request().getHeader("Access-Control-Request-Headers");
      r.putHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, DELETE, OPTIONS");
      r.putHeader("Access-Control-Allow-Headers", headers == null ? "Authorization, Content-Type" : headers);
      r.putHeader("Access-Control-Max-Age", "86400");
      r.setStatusCode(204).end();
      return;
    }
    ctx.next();
  }
}
