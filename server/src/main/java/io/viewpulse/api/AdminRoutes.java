package io.viewpulse.api;

import io.viewpulse.model.DomainException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.admin.Admin;
import io.viewpulse.auth.AuthException;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The operator's routes under {@code /admin}, used by the command line while the server runs: served to this machine
 * only ({@link LocalRequests}), and authorized by the admin token ({@link io.viewpulse.auth.AdminToken}), never by an
 * account's API key.
 */
final class AdminRoutes {
  static final String ADMIN_LOCAL_ONLY = "the admin routes answer this machine only (the command line on the"
      + " server's machine, over loopback), not a peer elsewhere or a request relayed by a proxy";

  private final Vertx vertx;
  private final Admin admin;
  private final java.util.function.Predicate<String> isAdminToken;
  private final LocalRequests local;

  AdminRoutes(Vertx vertx, Admin admin, java.util.function.Predicate<String> isAdminToken, LocalRequests local) {
    this.vertx = vertx;
    this.admin = admin;
    this.isAdminToken = isAdminToken;
    this.local = local;
  }

  void mount(Router r) {
    r.route("/admin/*").handler(Bodies.upTo(16 * 1024));
    r.get("/admin/accounts").handler(ctx -> run(ctx, admin::accounts));
    r.post("/admin/accounts").handler(ctx -> run(ctx, () -> admin.createAccount(text(Bodies.object(ctx), "name"))));
    r.get("/admin/keys").handler(ctx -> run(ctx, () -> admin.keys(Params.string(ctx, "account"))));
    r.post("/admin/keys").handler(ctx -> run(ctx, () -> {
      JsonNode b = Bodies.object(ctx);
      List<String> origins = null;
      if (b.hasNonNull("allowedOrigins")) {
        origins = new ArrayList<>();
        for (JsonNode o : b.get("allowedOrigins")) {
          origins.add(o.asText());
        }
      }
      return admin.createKey(text(b, "account"), text(b, "name"), origins);
    }));
    r.post("/admin/keys/:id/revoke").handler(ctx -> run(ctx, () -> admin.revokeKey(ctx.pathParam("id"))));
    r.get("/admin/media").handler(ctx -> run(ctx, () -> admin.media(Params.string(ctx, "account"), kind(ctx))));
    r.post("/admin/media").handler(ctx -> run(ctx, () -> {
      JsonNode b = Bodies.object(ctx);
      Media.Kind kind = kind(text(b, "kind"));
      return admin.createMedia(text(b, "account"), new Catalog.NewMedia(kind, text(b, "id"), text(b, "name"),
          text(b, "playbackId"),
          text(b, "creatorId"), text(b, "dStorageUrl"), text(b, "type")));
    }));
    r.get("/admin/media/:id").handler(ctx -> run(ctx, () -> admin.getMedia(Params.string(ctx, "account"),
        kind(ctx), ctx.pathParam("id"))));
    r.delete("/admin/media/:id").handler(ctx -> run(ctx, () -> admin.deleteMedia(Params.string(ctx, "account"),
        kind(ctx), ctx.pathParam("id"))));
    r.get("/admin/retention").handler(ctx -> run(ctx, () -> admin.retention(Params.string(ctx, "account"))));
    r.put("/admin/retention").handler(ctx -> run(ctx, () -> admin.setRetention(Bodies.object(ctx))));
  }

  private void run(RoutingContext ctx, Callable<JsonNode> work) {
    Blocking.run(vertx, ctx, () -> {
      if (!local.fromThisMachine(ctx.request())) {
        throw AuthException.forbidden(ADMIN_LOCAL_ONLY);
      }
      String h = ctx.request().getHeader("Authorization");
      String token = h != null && h.startsWith("Bearer ") ? h.substring(7).strip() : null;
      if (!isAdminToken.test(token)) {
        throw AuthException.unauthenticated("the admin routes need the admin token (the command line derives it from "
            + "the master key and the admin secret in the data directory)");
      }
      return work.call();
    }, body -> Json.ok(ctx, body));
  }

  private static Media.Kind kind(RoutingContext ctx) {
    return kind(Params.string(ctx, "kind"));
  }

  private static Media.Kind kind(String s) {
    if (s == null) {
      throw new IllegalArgumentException("kind is required: asset or stream");
    }
    try {
      return Media.Kind.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("kind must be asset or stream, got '" + s + "'");
    }
  }

  private static String text(JsonNode b, String f) {
    JsonNode v = b.get(f);
    return v == null || v.isNull() ? null : v.asText();
  }
}
