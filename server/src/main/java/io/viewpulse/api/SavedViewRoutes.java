package io.viewpulse.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.auth.Principal;
import io.viewpulse.savedviews.SavedView;
import io.viewpulse.savedviews.SavedViews;
import java.util.Set;

/**
 * The dashboard's saved views of the caller's account, {@code /api/saved-view}: listed, saved, read and deleted with a
 * secret key (the dashboard signs in with one), every key of the account seeing the same ones.
 */
final class SavedViewRoutes {
  static final String BASE = "/api/saved-view";
  private static final Set<String> FIELDS = Set.of("name", "state");

  private final Vertx vertx;
  private final Guard guard;
  private final SavedViews saved;

  SavedViewRoutes(Vertx vertx, Guard guard, SavedViews saved) {
    this.vertx = vertx;
    this.guard = guard;
    this.saved = saved;
  }

  void mount(Router r) {
    r.get(BASE).handler(ctx -> Blocking.run(vertx, ctx, () -> {
      ArrayNode out = Json.array();
      saved.list(guard.secret(ctx).accountId()).forEach(v -> out.add(json(v)));
      return out;
    }, body -> Json.ok(ctx, body)));
    r.post(BASE).handler(Bodies.upTo(16 * 1024)).handler(ctx -> Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      JsonNode body = Bodies.object(ctx, FIELDS);
      return json(saved.create(p.accountId(), p.keyId(), Bodies.text(body, "name"),
          Bodies.text(body, "state")));
    }, body -> Json.send(ctx, 201, body)));
    r.get(BASE + "/:id").handler(ctx -> Blocking.run(vertx, ctx,
        () -> json(saved.get(guard.secret(ctx).accountId(), ctx.pathParam("id"))), body -> Json.ok(ctx, body)));
    r.delete(BASE + "/:id").handler(ctx -> Blocking.run(vertx, ctx, () -> {
      saved.delete(guard.secret(ctx).accountId(), ctx.pathParam("id"));
      return Boolean.TRUE;
    }, ok -> ctx.response().setStatusCode(204).end()));
  }

  /** A saved view as the API shows it: {@code createdAt} in Unix milliseconds, as assets and streams. */
  private static ObjectNode json(SavedView v) {
    return Json.object().put("id", v.id()).put("name", v.name()).put("state", v.state())
        .put("createdAt", v.createdAt().toEpochMilli()).put("createdBy", v.keyId());
  }
}
