package io.viewpulse.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.auth.AuthException;
import io.viewpulse.auth.Principal;
import io.viewpulse.auth.SignedRequests;
import io.viewpulse.ingest.StreamEvents;
import io.viewpulse.query.QueryException;
import io.viewpulse.viewership.StreamStats;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Live statistics in the shape of Uplynk's Live Streaming Statistics API v4, authenticated by Uplynk-style signed
 * requests ({@code msg} and {@code sig}, in the query string or a form body) or a secret Bearer key; and the server
 * endpoint that slate and auth failures are reported to.
 */
final class LiveRoutes {
  static final String ENHANCED = "/api/v4/monitoring/stream_stats_enhanced";
  static final String DEPRECATED = "/api/v4/monitoring/stream_stats";
  private static final DateTimeFormatter ISO_MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final Vertx vertx;
  private final Guard guard;
  private final SignedRequests signed;
  private final StreamStats stats;
  private final StreamEvents events;

  LiveRoutes(Vertx vertx, Guard guard, SignedRequests signed, StreamStats stats, StreamEvents events) {
    this.vertx = vertx;
    this.guard = guard;
    this.signed = signed;
    this.stats = stats;
    this.events = events;
  }

  void mount(Router r) {
    r.route("/api/v4/*").handler(Bodies.upTo(256 * 1024));
    r.get(ENHANCED + "/:id/series").handler(this::series);
    for (String base : List.of(ENHANCED, DEPRECATED)) {
      boolean old = base.equals(DEPRECATED);
      r.get(base + "/:id").handler(ctx -> single(ctx, base, old));
      r.post(base).handler(ctx -> many(ctx, base, old));
    }
    r.post("/api/live/events").handler(Bodies.upTo(512 * 1024)).handler(this::report);
  }

  private void single(RoutingContext ctx, String base, boolean deprecated) {
    Blocking.run(vertx, ctx, () -> {
      Auth a = authenticate(ctx);
      String id = ctx.pathParam("id");
      return item(base, stats.latest(a.principal().accountId(), List.of(id)).get(0));
    }, body -> reply(ctx, body, deprecated, ENHANCED + "/" + ctx.pathParam("id")));
  }

  private void many(RoutingContext ctx, String base, boolean deprecated) {
    Blocking.run(vertx, ctx, () -> {
      Auth a = authenticate(ctx);
      List<String> ids = streamIds(ctx, a.params());
      ObjectNode out = Json.object();
      out.put("@id", base);
      out.put("@type", "Collection");
      ArrayNode items = out.putArray("items");
      for (StreamStats.Item i : stats.latest(a.principal().accountId(), ids)) {
        items.add(item(base, i));
      }
      out.put("total_items", items.size());
      return (JsonNode) out;
    }, body -> reply(ctx, body, deprecated, ENHANCED));
  }

  private void series(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      Auth a = authenticate(ctx);
      String id = ctx.pathParam("id");
      List<StreamStats.Item> rows = stats.series(a.principal().accountId(), id, Params.time(ctx, "from"),
          Params.time(ctx, "to"));
      ObjectNode out = Json.object();
      out.put("@id", ENHANCED + "/" + id + "/series");
      out.put("@type", "StreamStatsSeries");
      out.put("id", id);
      ArrayNode items = out.putArray("items");
      for (StreamStats.Item i : rows) {
        ObjectNode o = items.addObject();
        o.put("ts", i.minuteEnd());
        o.put("ts_iso", ISO_MICROS.format(Instant.ofEpochMilli(i.minuteEnd())));
        o.set("stats", withType(i));
      }
      out.put("total_items", items.size());
      return (JsonNode) out;
    }, body -> Json.ok(ctx, body));
  }

  private void report(RoutingContext ctx) {
    Future.<StreamEvents.Accepted>fromCompletionStage(vertx.executeBlocking(() -> {
      Auth a = authenticate(ctx);
      return events.accept(a.principal().accountId(), jsonBody(ctx));
    }, false).toCompletionStage().thenCompose(f -> f)).onComplete(ar -> {
      if (ar.failed()) {
        Failures.reply(ctx, ar.cause());
      } else {
        ObjectNode answer = Json.object().put("accepted", ar.result().accepted());
        ObjectNode dropped = answer.putObject("dropped");
        if (ar.result().minuteClosed() > 0) {
          dropped.put("minute_closed", ar.result().minuteClosed());
        }
        Json.ok(ctx, answer);
      }
    });
  }

  private void reply(RoutingContext ctx, JsonNode body, boolean deprecated, String successor) {
    if (deprecated) {
      ctx.response().putHeader("Deprecation", "true")
          .putHeader("Link", "<" + successor + ">; rel=\"successor-version\"");
    }
    Json.ok(ctx, body);
  }

  private static ObjectNode item(String base, StreamStats.Item i) throws IOException {
    ObjectNode o = Json.object();
    o.put("@id", base + "/" + i.id());
    o.put("@type", "StreamStats");
    o.put("id", i.id());
    if (i.stats() == null) {
      o.putNull("stats");
      o.putNull("ts");
      o.putNull("ts_iso");
    } else {
      o.set("stats", withType(i));
      o.put("ts", i.minuteEnd());
      o.put("ts_iso", ISO_MICROS.format(Instant.ofEpochMilli(i.minuteEnd())));
    }
    return o;
  }

  private static ObjectNode withType(StreamStats.Item i) {
    return UplynkStats.render(i.stats(), i.type());
  }

  private record Auth(Principal principal, JsonNode params) {}

  /** A signed request (msg and sig in the query or the form), else a secret Bearer key. */
  private Auth authenticate(RoutingContext ctx) {
    String msg = param(ctx, "msg");
    String sig = param(ctx, "sig");
    if (msg != null || sig != null) {
      SignedRequests.Signed s = signed.verify(msg, sig, requestIdentity(ctx));
      return new Auth(s.principal(), s.params());
    }
    if (ctx.request().getHeader("Authorization") == null) {
      throw new AuthException(401, "sign the request (msg and sig) or send Authorization: Bearer <secret key>");
    }
    return new Auth(guard.secret(ctx), Json.object());
  }

  /**
   * Method, path and a digest of the body: what makes two requests with one signature different. Not the query: it
   * carries msg and sig, and anything else in it is unsigned and ignored, so a junk parameter must not turn a
   * captured request into a new one.
   */
  private static String requestIdentity(RoutingContext ctx) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      if (ctx.body() != null && ctx.body().buffer() != null) {
        md.update(ctx.body().buffer().getBytes());
      }
      return ctx.request().method() + " " + ctx.request().path() + " " + java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String param(RoutingContext ctx, String name) {
    String q = ctx.request().getParam(name);
    if (q != null) {
      return q;
    }
    return ctx.request().getFormAttribute(name);
  }

  /** {@code stream_ids} as a JSON list, or a string holding one (as Uplynk's own sample sends it). */
  private static List<String> streamIds(RoutingContext ctx, JsonNode signedParams) throws IOException {
    JsonNode ids = null;
    String ct = ctx.request().getHeader("Content-Type");
    if (ct != null && ct.startsWith("application/json")) {
      ids = jsonBody(ctx).get("stream_ids");
    } else if (ctx.request().getFormAttribute("stream_ids") != null) {
      ids = Json.MAPPER.getNodeFactory().textNode(ctx.request().getFormAttribute("stream_ids"));
    } else if (ctx.body().length() > 0) {
      ids = jsonBody(ctx).get("stream_ids");
    }
    if (ids == null && signedParams != null) {
      ids = signedParams.get("stream_ids");
    }
    if (ids == null || ids.isNull()) {
      throw new QueryException(400, "stream_ids is required: a JSON list of live channel or live event ids");
    }
    if (ids.isTextual()) {
      try {
        ids = Json.MAPPER.readTree(ids.asText());
      } catch (IOException e) {
        throw new QueryException(400, "stream_ids is a string that does not hold a JSON list");
      }
    }
    if (ids == null || !ids.isArray()) {
      throw new QueryException(400, "stream_ids must be a list of ids");
    }
    // an id asked for twice is answered once, in the order first asked
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode id : ids) {
      if (!id.isTextual() || id.asText().isEmpty() || id.asText().length() > 128) {
        throw new QueryException(400, "stream_ids must hold ids as strings of 1 to 128 characters");
      }
      out.add(id.asText());
    }
    return List.copyOf(out);
  }

  private static JsonNode jsonBody(RoutingContext ctx) {
    try {
      JsonNode n = ctx.body().buffer() == null ? null : Json.MAPPER.readTree(ctx.body().buffer().getBytes());
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("body must be a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new IllegalArgumentException("body is not valid JSON");
    }
  }
}
