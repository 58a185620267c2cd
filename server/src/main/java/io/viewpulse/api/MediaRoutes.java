package io.viewpulse.api;

import io.viewpulse.model.DomainException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.auth.Principal;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** Assets and streams of the caller's account: {@code /api/asset} and {@code /api/stream}. Secret keys only. */
final class MediaRoutes {
  private static final Set<String> ASSET_FIELDS = Set.of("id", "name", "playbackId", "creatorId", "dStorageUrl");
  private static final Set<String> STREAM_FIELDS = Set.of("id", "name", "playbackId", "creatorId", "type");

  private final Vertx vertx;
  private final Guard guard;
  private final Catalog catalog;

  MediaRoutes(Vertx vertx, Guard guard, Catalog catalog) {
    this.vertx = vertx;
    this.guard = guard;
    this.catalog = catalog;
  }

  void mount(Router r) {
    for (Media.Kind kind : Media.Kind.values()) {
      String base = "/api/" + kind.wire();
      r.get(base).handler(ctx -> list(ctx, kind));
      r.post(base).handler(Bodies.upTo(16 * 1024)).handler(ctx -> create(ctx, kind));
      r.get(base + "/:id").handler(ctx -> get(ctx, kind));
      r.delete(base + "/:id").handler(ctx -> delete(ctx, kind));
    }
  }

  private void list(RoutingContext ctx, Media.Kind kind) {
    run(ctx, () -> {
      Principal p = guard.secret(ctx);
      String search = Params.string(ctx, "search");
      ArrayNode out = Json.array();
      for (Media m : catalog.list(p.accountId(), kind)) {
        if (search == null || matches(m, search)) {
          out.add(json(m));
        }
      }
      return out;
    }, body -> Json.ok(ctx, body));
  }

  private void create(RoutingContext ctx, Media.Kind kind) {
    run(ctx, () -> {
      Principal p = guard.secret(ctx);
      JsonNode body = body(ctx, kind == Media.Kind.ASSET ? ASSET_FIELDS : STREAM_FIELDS);
      Catalog.NewMedia req = new Catalog.NewMedia(kind, text(body, "id"), text(body, "name"), text(body, "playbackId"),
          text(body, "creatorId"), text(body, "dStorageUrl"), text(body, "type"));
      return (JsonNode) json(catalog.create(p.accountId(), req));
    }, body -> Json.send(ctx, 201, body));
  }

  private void get(RoutingContext ctx, Media.Kind kind) {
    run(ctx, () -> {
      Principal p = guard.secret(ctx);
      Media m = catalog.get(p.accountId(), ctx.pathParam("id")).filter(x -> x.kind() == kind)
          .orElseThrow(() -> DomainException.notFound(kind.wire() + " not found"));
      return (JsonNode) json(m);
    }, body -> Json.ok(ctx, body));
  }

  private void delete(RoutingContext ctx, Media.Kind kind) {
    run(ctx, () -> {
      Principal p = guard.secret(ctx);
      String id = ctx.pathParam("id");
      boolean mine = catalog.get(p.accountId(), id).filter(x -> x.kind() == kind).isPresent();
      if (!mine || !catalog.delete(p.accountId(), id)) {
        throw DomainException.notFound(kind.wire() + " not found");
      }
      return Boolean.TRUE;
    }, ok -> ctx.response().setStatusCode(204).end());
  }

  static ObjectNode json(Media m) {
    return io.viewpulse.admin.Admin.mediaJson(m);
  }


  private static boolean matches(Media m, String search) {
    String s = search.toLowerCase(Locale.ROOT);
    return m.name().toLowerCase(Locale.ROOT).contains(s) || m.playbackId().toLowerCase(Locale.ROOT).contains(s)
        || m.id().startsWith(s);
  }

  static JsonNode body(RoutingContext ctx, Set<String> allowed) {
    JsonNode n;
    try {
      n = ctx.body().buffer() == null ? null : Json.MAPPER.readTree(ctx.body().buffer().getBytes());
    } catch (IOException e) {
      throw new IllegalArgumentException("body is not valid JSON");
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException("unknown field '" + f + "' (expected " + String.join(", ",
            allowed.stream().sorted().toList()) + ")");
      }
    }
    return n;
  }

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

  private <T> void run(RoutingContext ctx, Callable<T> work, Consumer<T> reply) {
    Blocking.run(vertx, ctx, work, reply);
  }
}
