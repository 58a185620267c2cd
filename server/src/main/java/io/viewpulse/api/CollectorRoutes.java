package io.viewpulse.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Viewpulse collector, served by Viewpulse itself so a site can load it first-party ({@code /collector.js}, a
 * classic script defining {@code window.Viewpulse.addMediaMetrics}; {@code /collector.mjs}, an ES module exporting
 * {@code addMediaMetrics}); and the endpoint of Livepeer's legacy WebSocket reporter, accepted and drained so it does
 * not reconnect forever.
 */
final class CollectorRoutes {
  private static final Buffer SCRIPT;
  private static final Buffer MODULE;

  static {
    String core;
    try (InputStream in = CollectorRoutes.class.getResourceAsStream("/io/viewpulse/web/collector-core.js")) {
      core = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SCRIPT = Buffer.buffer("(function () {\n" + core
        + "\nvar vp = viewpulseCollector(document.currentScript && document.currentScript.src);\n"
        + "window.Viewpulse = vp;\n"
        + "if (!window.addMediaMetrics) { window.addMediaMetrics = vp.addMediaMetrics; }\n"
        + "})();\n");
    MODULE = Buffer.buffer(core + "\nconst vp = viewpulseCollector(import.meta.url);\n"
        + "export const addMediaMetrics = vp.addMediaMetrics;\nexport default vp;\n");
  }

  void mount(Router r) {
    r.get("/collector.js").handler(ctx -> script(ctx, SCRIPT));
    r.get("/collector.mjs").handler(ctx -> script(ctx, MODULE));
    r.routeWithRegex(HttpMethod.GET, "/json_video\\+[^/]+\\.js").handler(this::legacy);
  }

  private static void script(RoutingContext ctx, Buffer body) {
    ctx.response().putHeader("Content-Type", "text/javascript; charset=utf-8")
        .putHeader("Cache-Control", "public, max-age=300")
        .putHeader("Access-Control-Allow-Origin", "*")
        .end(body);
  }

  /** Livepeer's legacy reporter: answers its discovery GET, then holds its WebSocket open and drops what it sends. */
  private void legacy(RoutingContext ctx) {
    String upgrade = ctx.request().getHeader("Upgrade");
    if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
      ctx.request().toWebSocket().onSuccess(ws -> {
        ws.textMessageHandler(msg -> { });
        ws.binaryMessageHandler(msg -> { });
        ws.exceptionHandler(e -> ws.close());
      });
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    ctx.response().putHeader("Access-Control-Allow-Origin", origin == null ? "*" : origin)
        .putHeader("Content-Type", "text/plain; charset=utf-8").end();
  }
}
