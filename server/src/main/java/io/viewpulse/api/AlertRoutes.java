package io.viewpulse.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.alerts.Alerts;
import io.viewpulse.alerts.Incident;
import io.viewpulse.alerts.Rule;
import io.viewpulse.alerts.RuleJson;
import io.viewpulse.model.DomainException;
import java.io.IOException;

/**
 * Alert rules and their incidents, under {@code /api/alerts} with a secret key, scoped to its account
 * ({@link Alerts}). A rule's JSON is checked field by field; a wrong one is refused with a 400 naming it.
 */
final class AlertRoutes {
  private static final String RULES = "/api/alerts/rules";
  private static final int DEFAULT_LIMIT = 50;

  private final Vertx vertx;
  private final Guard guard;
  private final Alerts alerts;

  AlertRoutes(Vertx vertx, Guard guard, Alerts alerts) {
    this.vertx = vertx;
    this.guard = guard;
    this.alerts = alerts;
  }

  void mount(Router r) {
    r.get(RULES).handler(this::list);
    r.post(RULES).handler(Bodies.upTo(16 * 1024)).handler(this::create);
    r.get(RULES + "/:id").handler(this::get);
    r.put(RULES + "/:id").handler(Bodies.upTo(16 * 1024)).handler(this::replace);
    r.delete(RULES + "/:id").handler(this::delete);
    r.get("/api/alerts/incidents").handler(this::incidents);
    r.get("/api/alerts/signing-secret").handler(this::secret);
  }

  /** {@code GET /api/alerts/signing-secret}: what the account's notifications are signed with. */
  private void secret(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> (JsonNode) Json.object().put("secret",
        alerts.signingSecret(guard.secret(ctx).accountId())), body -> Json.ok(ctx, body));
  }

  private void list(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      ArrayNode out = Json.array();
      alerts.rules(guard.secret(ctx).accountId()).forEach(x -> out.add(RuleJson.write(x)));
      return (JsonNode) Json.object().set("rules", out);
    }, body -> Json.ok(ctx, body));
  }

  private void create(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> (JsonNode) RuleJson.write(alerts.create(guard.secret(ctx).accountId(),
        body(ctx))), body -> Json.send(ctx, 201, body));
  }

  private void get(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> (JsonNode) RuleJson.write(alerts.rule(guard.secret(ctx).accountId(),
        ctx.pathParam("id"))), body -> Json.ok(ctx, body));
  }

  private void replace(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      String account = guard.secret(ctx).accountId();
      Rule r = alerts.replace(account, ctx.pathParam("id"), body(ctx));
      return (JsonNode) RuleJson.write(r);
    }, body -> Json.ok(ctx, body));
  }

  private void delete(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      alerts.delete(guard.secret(ctx).accountId(), ctx.pathParam("id"));
      return Boolean.TRUE;
    }, ok -> ctx.response().setStatusCode(204).end());
  }

  /** {@code GET /api/alerts/incidents?open=true&limit=50}: newest first. */
  private void incidents(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      String account = guard.secret(ctx).accountId();
      String open = Params.string(ctx, "open");
      if (open != null && !open.equals("true") && !open.equals("false")) {
        throw DomainException.invalid("invalid open: " + open + " (expected true or false)");
      }
      int limit = Params.limit(ctx, DEFAULT_LIMIT, Alerts.MAX_LIST);
      ArrayNode out = Json.array();
      for (Incident i : alerts.incidents(account, "true".equals(open), limit)) {
        out.add(json(i));
      }
      return (JsonNode) Json.object().set("incidents", out);
    }, body -> Json.ok(ctx, body));
  }

  static ObjectNode json(Incident i) {
    ObjectNode n = Json.object().put("id", i.id()).put("ruleId", i.ruleId()).put("ruleName", i.ruleName())
        .put("metric", i.metric()).put("openedAt", i.openedAt().toEpochMilli());
    if (i.resolvedAt() == null) {
      n.putNull("resolvedAt");
    } else {
      n.put("resolvedAt", i.resolvedAt().toEpochMilli());
    }
    return n.put("value", i.value()).put("bound", i.bound()).put("open", i.open());
  }

  private static JsonNode body(RoutingContext ctx) {
    try {
      return ctx.body().buffer() == null ? null : Json.MAPPER.readTree(ctx.body().buffer().getBytes());
    } catch (IOException e) {
      throw DomainException.invalid("body is not valid JSON");
    }
  }
}
