package io.viewpulse.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.auth.Principal;
import io.viewpulse.webhooks.WebhookStore;
import io.viewpulse.webhooks.Webhooks;
import java.util.Set;

/**
 * The streaming export's endpoints, per account (secret keys only): {@code POST /api/data/webhooks} creates one and
 * answers its signing secret, that once; {@code GET} lists them (never a secret); {@code DELETE .../{id}} removes one.
 */
final class WebhookRoutes {
  private static final String BASE = "/api/data/webhooks";
  private final Vertx vertx;
  private final Guard guard;
  private final Webhooks webhooks;

  WebhookRoutes(Vertx vertx, Guard guard, Webhooks webhooks) {
    this.vertx = vertx;
    this.guard = guard;
    this.webhooks = webhooks;
  }

  void mount(Router r) {
    r.get(BASE).handler(this::list);
    r.post(BASE).handler(Bodies.upTo(8 * 1024)).handler(this::create);
    r.delete(BASE + "/:id").handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      ArrayNode list = Json.array();
      webhooks.list(p.accountId()).forEach(e -> list.add(json(e)));
      return (JsonNode) Json.object().set("webhooks", list);
    }, body -> Json.ok(ctx, body));
  }

  private void create(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      String url = url(ctx);
      Webhooks.Created c = webhooks.create(p.accountId(), url);
      return (JsonNode) json(c.endpoint()).put("secret", c.secret());
    }, body -> Json.send(ctx, 201, body));
  }

  private void delete(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      webhooks.delete(p.accountId(), ctx.pathParam("id"));
      return Boolean.TRUE;
    }, ok -> ctx.response().setStatusCode(204).end());
  }

  static ObjectNode json(WebhookStore.Endpoint e) {
    return Json.object().put("id", e.id()).put("url", e.url()).put("createdAt", e.createdAt().toEpochMilli());
  }

  private static String url(RoutingContext ctx) {
    return Bodies.text(Bodies.object(ctx, Set.of("url")), "url");
  }
}
