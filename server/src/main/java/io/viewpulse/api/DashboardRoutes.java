package io.viewpulse.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web dashboard (static files from the jar) and the charting library it uses (from its WebJar), so a
 * self-hosted Viewpulse needs no CDN. The pages only talk to this server's API.
 */
final class DashboardRoutes {
  void mount(Router r) {
    r.get("/").handler(ctx -> ctx.redirect("/dashboard/"));
    r.route("/dashboard/*").handler(ctx -> {
      // base-uri: an injected <base> would otherwise move every relative URL, the scripts' included, elsewhere;
      // default-src does not cover it
      ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
          + "style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
          .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "same-origin");
      ctx.next();
    });
    r.route("/dashboard/*").handler(StaticHandler.create("io/viewpulse/web/dashboard").setCachingEnabled(false)
        .setDefaultContentEncoding("UTF-8"));
    r.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
  }
}
