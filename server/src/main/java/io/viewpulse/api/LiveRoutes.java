package io.viewpulse.api;

import io.viewpulse.model.DomainException;
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
 * endpoint that slate and auth failures are reported to, which takes a secret Bearer key or a signed request whose
 * {@code msg} carries the body's digest ({@link SignedRequests#bodyDigest}).
 *
 * <p>Paths under {@code /api/v4} reach the handlers only in canonical form (no empty or dot segment, no
 * percent-encoded unreserved character): Vert.x-Web routes by the normalized path, and a route must not be reachable
 * under spellings that look like other requests. A GET there carries no body.
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
    r.route("/api/v4/*").handler(LiveRoutes::canonicalPath).handler(Bodies.upTo(256 * 1024))
        .handler(LiveRoutes::noBodyOnGet);
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
      Auth a = authenticate(ctx, SignedRequests.ANY);
      String id = ctx.pathParam("id");
      return item(base, stats.latest(a.principal().accountId(), List.of(id)).get(0));
    }, body -> reply(ctx, body, deprecated, ENHANCED + "/" + ctx.pathParam("id")));
  }

  private void many(RoutingContext ctx, String base, boolean deprecated) {
    Blocking.run(vertx, ctx, () -> {
      Auth a = authenticate(ctx, SignedRequests.ANY);
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
      Auth a = authenticate(ctx, SignedRequests.ANY);
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
      Auth a = authenticate(ctx, SignedRequests.bodyDigest(bodyBytes(ctx)));
      return events.accept(a.principal().accountId(), Bodies.object(ctx));
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

  /**
   * A signed request (msg and sig in the query or the form) that meets the route's {@code requirement}, else a secret
   * Bearer key.
   */
  private Auth authenticate(RoutingContext ctx, java.util.function.Consumer<JsonNode> requirement) {
    String msg = param(ctx, "msg");
    String sig = param(ctx, "sig");
    if (msg != null || sig != null) {
      SignedRequests.Signed s = signed.verify(msg, sig, requirement);
      return new Auth(s.principal(), s.params());
    }
    if (ctx.request().getHeader("Authorization") == null) {
      throw AuthException.unauthenticated("sign the request (msg and sig) or send Authorization: Bearer <secret key>");
    }
    return new Auth(guard.secret(ctx), Json.object());
  }

  private static byte[] bodyBytes(RoutingContext ctx) {
    return ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
  }

  /** Refuses a path that is not in canonical form, naming what is wrong and the canonical spelling. */
  private static void canonicalPath(RoutingContext ctx) {
    String raw = ctx.request().path();
    String problem = nonCanonical(raw);
    if (problem != null) {
      Json.error(ctx, 400, "the path is not in canonical form: " + problem + "; send " + ctx.normalizedPath());
      return;
    }
    ctx.next();
  }

  /** What makes a raw path non-canonical, or null when it is canonical. */
  static String nonCanonical(String raw) {
    if (raw.contains("//")) {
      return "it has an empty segment (//)";
    }
    for (String segment : raw.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return "it has a dot segment (/" + segment + ")";
      }
    }
    for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
      int hi = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
      int lo = hi < 0 ? -1 : hex(raw.charAt(i + 2));
      if (lo >= 0) {
        int c = hi * 16 + lo;
        if (unreserved(c)) {
          return "it percent-encodes the unreserved character '" + (char) c + "' (" + raw.substring(i, i + 3)
              + ")";
        }
      }
    }
    return null;
  }

  private static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10
        : -1;
  }

  private static boolean unreserved(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
        || c == '~';
  }

  /** A GET carries its parameters in the query: a body would be unsigned data riding on a signed request. */
  private static void noBodyOnGet(RoutingContext ctx) {
    if (ctx.request().method() == io.vertx.core.http.HttpMethod.GET && ctx.body() != null
        && ctx.body().length() > 0) {
      Json.error(ctx, 400, "a GET request carries no body: send its parameters in the query string");
      return;
    }
    ctx.next();
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
      ids = Bodies.object(ctx).get("stream_ids");
    } else if (ctx.request().getFormAttribute("stream_ids") != null) {
      ids = Json.MAPPER.getNodeFactory().textNode(ctx.request().getFormAttribute("stream_ids"));
    } else if (ctx.body().length() > 0) {
      ids = Bodies.object(ctx).get("stream_ids");
    }
    if (ids == null && signedParams != null) {
      ids = signedParams.get("stream_ids");
    }
    if (ids == null || ids.isNull()) {
      throw DomainException.invalid("stream_ids is required: a JSON list of live channel or live event ids");
    }
    if (ids.isTextual()) {
      try {
        ids = Json.MAPPER.readTree(ids.asText());
      } catch (IOException e) {
        throw DomainException.invalid("stream_ids is a string that does not hold a JSON list");
      }
    }
    if (ids == null || !ids.isArray()) {
      throw DomainException.invalid("stream_ids must be a list of ids");
    }
    // an id asked for twice is answered once, in the order first asked
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode id : ids) {
      if (!id.isTextual() || id.asText().isEmpty() || id.asText().length() > 128) {
        throw DomainException.invalid("stream_ids must hold ids as strings of 1 to 128 characters");
      }
      out.add(id.asText());
    }
    return List.copyOf(out);
  }
}
