package io.viewpulse.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.ingest.Edge;
import io.viewpulse.ingest.Ingest;
import io.viewpulse.ingest.Reason;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The player endpoint, {@code /analytics/log}, as Livepeer's player reporter uses it: GET to discover the reporting
 * host, POST (fetch, or sendBeacon as the page goes away) with a JSON body sent as text/plain.
 */
final class BeaconRoutes {
  /** sendBeacon refuses payloads above 64 KiB, so no real player batch is larger. */
  static final int BODY_LIMIT = 64 * 1024;

  private final Ingest ingest;
  private final InstantSource clock;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();

  BeaconRoutes(Ingest ingest, InstantSource clock, int maxInFlight) {
    this.ingest = ingest;
    this.clock = clock;
    this.maxInFlight = maxInFlight;
  }

  void mount(Router r) {
    r.route("/analytics/log").handler(Cors::handle);
    r.get("/analytics/log").handler(this::discover);
    r.head("/analytics/log").handler(this::discover);
    r.post("/analytics/log")
        .handler(Bodies.upTo(BODY_LIMIT))
        .handler(this::log)
        .failureHandler(this::failed);
  }

  private void discover(RoutingContext ctx) {
    ctx.response().setStatusCode(200).putHeader("Content-Type", "text/plain; charset=utf-8").end();
  }

  private void log(RoutingContext ctx) {
    accept(ctx, edge(ctx));
  }

  /**
   * Hands what arrived to ingest and answers once it is durable: {@code {"accepted": n, "dropped": {...}}}, or the
   * refusal. At most {@code maxInFlight} beacons wait at once, CMCD requests included (503 beyond).
   */
  void accept(RoutingContext ctx, Edge edge) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      ingest.rejected(Reason.OVERLOADED);
      ctx.response().putHeader("Retry-After", "1");
      Json.error(ctx, 503, "Viewpulse is overloaded; retry in a few seconds");
      return;
    }
    java.util.concurrent.CompletableFuture<Ingest.Ack> accepted;
    try {
      accepted = ingest.accept(edge);
    } catch (RuntimeException e) {
      accepted = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    Future.fromCompletionStage(accepted, ctx.vertx().getOrCreateContext())
        .onComplete(ar -> {
          inFlight.decrementAndGet();
          if (ar.failed()) {
            Failures.reply(ctx, ar.cause());
            return;
          }
          if (ar.result().dropped().isEmpty()) {
            // the common answer, without building a JSON tree
            ctx.response().putHeader("Content-Type", Json.CONTENT_TYPE).putHeader("Cache-Control", "no-store")
                .end("{\"accepted\":" + ar.result().acceptedEvents() + ",\"dropped\":{}}");
            return;
          }
          ObjectNode body = Json.object();
          body.put("accepted", ar.result().acceptedEvents());
          ObjectNode dropped = body.putObject("dropped");
          ar.result().dropped().forEach((reason, n) -> dropped.put(reason.tag(), n));
          Json.ok(ctx, body);
        });
  }

  void failed(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      ingest.rejected(Reason.BODY_TOO_LARGE);
      Json.error(ctx, 413, "body is larger than " + BODY_LIMIT + " bytes (the sendBeacon limit)");
    } else if (ctx.statusCode() == 400) {
      ingest.rejected(Reason.MALFORMED_JSON);
      Json.error(ctx, 400, "body cannot be read");
    } else {
      Failures.reply(ctx, ctx.failure() == null ? new IllegalStateException("status " + ctx.statusCode())
          : ctx.failure());
    }
  }

  /** Only the headers ingest reads, by lower-case name: the user agent, proxies' and CDNs' address and geo headers. */
  static Map<String, String> ingestHeaders(HttpServerRequest req) {
    Map<String, String> headers = new HashMap<>();
    req.headers().forEach(h -> {
      String name = h.getKey();
      char c = Character.toLowerCase(name.charAt(0));
      if (c == 'u' || c == 'x' || c == 'c' || c == 'f' || c == 's') {
        headers.putIfAbsent(name.toLowerCase(Locale.ROOT), h.getValue());
      }
    });
    return headers;
  }

  private Edge edge(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Map<String, String> headers = ingestHeaders(req);
    String mode = headers.get("sec-fetch-mode");
    boolean lastOfPage = "no-cors".equalsIgnoreCase(mode) || "1".equals(req.getParam("last"));
    return new Edge(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes(),
        req.remoteAddress() == null ? null : req.remoteAddress().hostAddress(), headers, lastOfPage,
        clock.millis());
  }
}
