package io.viewpulse.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.ingest.LegacyReports;
import io.viewpulse.ingest.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Viewpulse collector, served by Viewpulse itself so a site can load it first-party ({@code /collector.js}, a
 * classic script defining {@code window.Viewpulse.addMediaMetrics}; {@code /collector.mjs}, an ES module exporting
 * {@code addMediaMetrics}); and the endpoint of Livepeer's legacy WebSocket reporter ({@code @livepeer/core} before 3.2),
 * whose messages become beacons ({@link LegacyReports}).
 */
final class CollectorRoutes {
  private static final Buffer SCRIPT;
  private static final Buffer MODULE;
  private static final Pattern LEGACY_PATH = Pattern.compile("/json_video\\+([^/]+)\\.js");

  private final LegacyReports legacy;

  CollectorRoutes(LegacyReports legacy) {
    this.legacy = legacy;
  }

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

  /**
   * Livepeer's legacy reporter: answers its discovery GET, then takes its reports over a WebSocket. An upgrade for a
   * playback id that is malformed or belongs to nobody is refused with 404 (503 at capacity, 429 when the client's
   * address holds as many sockets as it may), before anything is kept.
   */
  private void legacy(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String upgrade = req.getHeader("Upgrade");
    if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
      Matcher m = LEGACY_PATH.matcher(req.path());
      String playbackId = m.matches() ? m.group(1) : null;
      LegacyReports.Connection c;
      try {
        c = legacy.open(playbackId, req.getParam("tkn"),
            req.remoteAddress() == null ? null : req.remoteAddress().hostAddress(), BeaconRoutes.ingestHeaders(req));
      } catch (Rejection r) {
        // refused before the upgrade: nothing is kept for an unknown playback id, a server at capacity
        Failures.reply(ctx, r);
        return;
      }
      req.toWebSocket().onSuccess(ws -> {
        ws.textMessageHandler(c::message);
        ws.binaryMessageHandler(msg -> { });
        ws.closeHandler(v -> c.closed());
        ws.exceptionHandler(e -> ws.close());
      }).onFailure(e -> c.release());
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    ctx.response().putHeader("Access-Control-Allow-Origin", origin == null ? "*" : origin)
        .putHeader("Content-Type", "text/plain; charset=utf-8").end();
  }
}
