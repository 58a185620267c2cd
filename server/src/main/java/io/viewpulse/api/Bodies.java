package io.viewpulse.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * Request bodies: reading them, and reading a JSON object from one.
 *
 * <p>{@link #upTo} is Vert.x-Web's body handler, except that a body its decoder cannot even start on is the client's
 * mistake. Netty throws on some form Content-Types (multipart without a boundary, an unknown charset), and
 * BodyHandler lets that escape as a 500; here it fails the route with 400.
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

  /**
   * The body read as a JSON object, refused (as bad input) when it is missing, not JSON or not an object. Its fields
   * are not checked.
   */
  static JsonNode object(RoutingContext ctx) {
    JsonNode n;
    try {
      n = ctx.body().buffer() == null ? null : Json.MAPPER.readTree(ctx.body().buffer().getBytes());
    } catch (IOException e) {
      throw new IllegalArgumentException("body is not valid JSON");
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    return n;
  }

  /** The body read as a JSON object ({@link #object(RoutingContext)}) of no other fields than {@code allowed}. */
  static JsonNode object(RoutingContext ctx, Set<String> allowed) {
    JsonNode n = object(ctx);
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException("unknown field '" + f + "' (expected " + String.join(", ",
            allowed.stream().sorted().toList()) + ")");
      }
    }
    return n;
  }

  /** A string field of a JSON object: null when missing or null, refused when of another type. */
  static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.asText();
  }

  /** A body refused before it was read, with a message of Viewpulse's own. */
  static final class Unreadable extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
