package io.viewpulse.api;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.viewpulse.auth.AuthException;
import io.viewpulse.catalog.ConflictException;
import io.viewpulse.ingest.Rejection;
import io.viewpulse.query.QueryException;
import io.viewpulse.store.StoreException;
import io.viewpulse.store.ViewQueries;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps what went wrong to a status and a JSON error. Only a bug answers 500, and it is logged with its stack. */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  static void reply(RoutingContext ctx, Throwable t) {
    Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (ctx.response().headWritten()) {
      // a streamed answer broke off (the client went away, or read nothing for too long): it was already cut
      LOG.debug("answer to {} {} broken off: {}", ctx.request().method(), ctx.request().path(), e.toString());
      return;
    }
    if (e instanceof AuthException a) {
      Json.error(ctx, a.status(), a.getMessage());
    } else if (e instanceof QueryException q) {
      Json.error(ctx, q.status(), q.getMessage());
    } else if (e instanceof Rejection r) {
      if (r.retryAfterSeconds() > 0) {
        ctx.response().putHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
      } else if (r.status() == 503) {
        ctx.response().putHeader("Retry-After", "1");
      }
      Json.error(ctx, r.status(), r.getMessage());
    } else if (e instanceof ConflictException c) {
      Json.error(ctx, 409, c.getMessage());
    } else if (e instanceof IllegalArgumentException i) {
      Json.error(ctx, 400, i.getMessage());
    } else if (e instanceof HttpException h && h.getStatusCode() >= 400 && h.getStatusCode() < 500) {
      // Vert.x-Web refusing the request, e.g. a query string that is not valid percent-encoding
      Json.error(ctx, h.getStatusCode(), (h.getPayload() == null ? h.getMessage() : h.getPayload())
          + (h.getCause() == null ? "" : ": " + h.getCause().getMessage()));
    } else if (e instanceof ViewQueries.TooManyRowsException m) {
      Json.error(ctx, 400, m.getMessage());
    } else if (e instanceof StoreException s) {
      LOG.warn("store unavailable: {}", s.getMessage());
      ctx.response().putHeader("Retry-After", "5");
      Json.error(ctx, 503, "the store is unavailable; retry later");
    } else {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), e);
      Json.error(ctx, 500, "internal error");
    }
  }
}
