package io.viewpulse.api;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.viewpulse.model.DomainException;
import io.viewpulse.model.StoreException;
import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps what went wrong to a status and a JSON error. Only a bug answers 500, and it is logged with its stack. A client
 * that went away (hung up mid-body, reset the connection while its answer was written) is no fault of the server:
 * logged at debug only, so that nobody can flood the log, or wake an operator, by hanging up.
 */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  /** The HTTP status of each kind of domain failure: the one place where they meet. */
  static int status(DomainException.Kind kind) {
    return switch (kind) {
      case INVALID -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
    };
  }

  static void reply(RoutingContext ctx, Throwable t) {
    Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (clientGone(ctx, e)) {
      LOG.debug("client went away during {} {}: {}", ctx.request().method(), ctx.request().path(), e.toString());
      return;
    }
    if (ctx.response().headWritten()) {
      // a streamed answer broke off (the client went away, or read nothing for too long): it was already cut
      LOG.debug("answer to {} {} broken off: {}", ctx.request().method(), ctx.request().path(), e.toString());
      return;
    }
    if (e instanceof StoreException s) {
      LOG.warn("store unavailable: {}", s.getMessage());
      ctx.response().putHeader("Retry-After", "5");
      Json.error(ctx, 503, "the store is unavailable; retry later");
    } else if (e instanceof DomainException d) {
      if (d.retryAfterSeconds() > 0) {
        ctx.response().putHeader("Retry-After", Long.toString(d.retryAfterSeconds()));
      } else if (d.kind() == DomainException.Kind.UNAVAILABLE || d.kind() == DomainException.Kind.RATE_LIMITED) {
        ctx.response().putHeader("Retry-After", "1");
      }
      Json.error(ctx, status(d.kind()), d.getMessage());
    } else if (e instanceof IllegalArgumentException i) {
      Json.error(ctx, 400, i.getMessage());
    } else if (e instanceof HttpException h && h.getStatusCode() >= 400 && h.getStatusCode() < 500) {
      // Vert.x-Web refusing the request, e.g. a query string that is not valid percent-encoding
      Json.error(ctx, h.getStatusCode(), h.getStatusCode() == 400 ? badRequest(ctx, h)
          : h.getPayload() == null ? h.getMessage() : h.getPayload());
    } else {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), e);
      Json.error(ctx, 500, "internal error");
    }
  }

  /**
   * The router's first failure handler: a failure that is a client going away ends there, at debug; any other goes on
   * to the route's own failure handler or the router's error handlers. (Vert.x-Web's body handler fails a request
   * whose connection was reset with status 200, for which no error handler exists: it logged those as errors.)
   */
  static void clientAbort(RoutingContext ctx) {
    if (ctx.failure() != null && clientGone(ctx, ctx.failure())) {
      LOG.debug("client went away during {} {}: {}", ctx.request().method(), ctx.request().path(),
          ctx.failure().toString());
      return;
    }
    ctx.next();
  }

  /**
   * What to say of a request Vert.x or Netty refused as bad, without their messages: those quote what they could not
   * decode (the whole query string, a form field), and that may be a key or a signature.
   */
  static String badRequest(RoutingContext ctx, Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof Bodies.Unreadable) {
        return c.getMessage();
      }
    }
    if (!decodes(ctx.request().query()) || !decodes(ctx.request().path())) {
      return "the " + (decodes(ctx.request().path()) ? "query string" : "path") + " is not valid percent-encoding:"
          + " each % must be followed by two hex digits";
    }
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof io.netty.handler.codec.DecoderException) {
        return "the body cannot be decoded as " + ctx.request().getHeader("Content-Type");
      }
    }
    return "bad request";
  }

  private static boolean decodes(String s) {
    if (s == null) {
      return true;
    }
    try {
      io.netty.handler.codec.http.QueryStringDecoder.decodeComponent(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code t} is the client's connection ending (closed, reset, a broken pipe) rather than a server fault. */
  static boolean clientGone(RoutingContext ctx, Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpClosedException || c instanceof ClosedChannelException || c instanceof SocketException
          || c instanceof IOException && ctx.response().closed()) {
        return true;
      }
    }
    return false;
  }
}
