package io.viewpulse.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.auth.Principal;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.CustomDimension;
import java.util.Set;

/**
 * The custom dimensions of the caller's account: {@code GET /api/custom-dimensions} lists them,
 * {@code POST /api/custom-dimensions} with {@code {"name": "experiment"}} declares one (201; 409 for a name declared
 * already; 400 for a bad name or an eleventh). Secret keys only.
 */
final class CustomDimensionRoutes {
  static final String PATH = "/api/custom-dimensions";

  private final Vertx vertx;
  private final Guard guard;
  private final Catalog catalog;

  CustomDimensionRoutes(Vertx vertx, Guard guard, Catalog catalog) {
    this.vertx = vertx;
    this.guard = guard;
    this.catalog = catalog;
  }

  void mount(Router r) {
    r.get(PATH).handler(this::list);
    r.post(PATH).handler(Bodies.upTo(4 * 1024)).handler(this::declare);
  }

  private void list(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      ArrayNode out = Json.array();
      catalog.customDimensions(p.accountId()).forEach(d -> out.add(json(d)));
      return out;
    }, body -> Json.ok(ctx, body));
  }

  private void declare(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      JsonNode body = Bodies.object(ctx, Set.of("name"));
      return (JsonNode) json(catalog.declareDimension(p.accountId(), Bodies.text(body, "name")));
    }, body -> Json.send(ctx, 201, body));
  }

  static ObjectNode json(CustomDimension d) {
    ObjectNode o = Json.object();
    o.put("name", d.name());
    o.put("dimension", CustomDimension.PREFIX + d.name());
    o.put("slot", d.slot());
    o.put("declaredAt", d.declaredAt().toEpochMilli());
    return o;
  }
}
