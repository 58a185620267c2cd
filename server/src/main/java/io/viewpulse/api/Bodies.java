package io.viewpulse.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Vert.x-Web's body handler, except that a body its decoder cannot even start on is the client's mistake. Netty
 * throws on some form Content-Types (multipart without a boundary, an unknown charset), and BodyHandler lets that
 * escape as a 500; here it fails the route with 400.
 */
final class Bodies {
  private Bodies() {}

  /** Reads the body, up to {@code limit} bytes (more fails the route with 413). */
  static Handler<RoutingContext> upTo(int limit) {
    BodyHandler reader = BodyHandler.create(false).setBodyLimit(limit);
    return ctx -> {
      try {
        reader.handle(ctx);
      } catch (RuntimeException e) {
        // not Netty's message: it may quote the body
        ctx.fail(400, new Unreadable("the body cannot be read as " + ctx.request().getHeader("Content-Type"), e));
      }
    };
  }

  /** A body refused before it was read, with a message of Viewpulse's own. */
  static final class Unreadable extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
