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
      JsonNode body = Bodies.object(ctx, kind == Media.Kind.ASSET ? ASSET_FIELDS : STREAM_FIELDS);
      Catalog.NewMedia req = new Catalog.NewMedia(kind, Bodies.text(body, "id"), Bodies.text(body, "name"),
          Bodies.text(body, "playbackId"), Bodies.text(body, "creatorId"), Bodies.text(body, "dStorageUrl"),
          Bodies.text(body, "type"));
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

  private <T> void run(RoutingContext ctx, Callable<T> work, Consumer<T> reply) {
    Blocking.run(vertx, ctx, work, reply);
  }
}
