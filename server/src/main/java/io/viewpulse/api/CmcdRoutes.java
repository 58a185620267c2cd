package io.viewpulse.api;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.ingest.Edge;
import io.viewpulse.ingest.Ingest;
import io.viewpulse.ingest.Reason;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The CMCD collector (CTA-5004, Common Media Client Data): the same ingest as beacons, the same per-address limits,
 * CORS and answers.
 *
 * <ul>
 *   <li>{@code POST /analytics/cmcd}: event mode (CMCD v2), what dash.js, hls.js and Shaka Player send to an event
 *       target: one report a line ({@code application/cmcd}; any type is taken). {@code ?playbackId=} names the video
 *       for reports whose {@code cid} does not.
 *   <li>{@code GET|HEAD|POST /analytics/cmcd/request[/<media path>]}: request mode, for an origin, proxy or edge
 *       function forwarding the CMCD its players send with media requests: the {@code CMCD} query argument and the
 *       {@code CMCD-Object}, {@code CMCD-Request}, {@code CMCD-Session} and {@code CMCD-Status} headers, with the
 *       player's {@code User-Agent} and {@code X-Forwarded-For} (believed from {@code --trusted-proxies} only). The
 *       media request's path after the prefix (or {@code ?url=}) names the video when {@code cid} does not.
 * </ul>
 */
final class CmcdRoutes {
  private final BeaconRoutes beacons;
  private final Ingest ingest;
  private final InstantSource clock;

  CmcdRoutes(BeaconRoutes beacons, Ingest ingest, InstantSource clock) {
    this.beacons = beacons;
    this.ingest = ingest;
    this.clock = clock;
  }

  void mount(Router r) {
    r.route("/analytics/cmcd").handler(Cors::handle);
    r.route("/analytics/cmcd/*").handler(Cors::handle);
    r.post("/analytics/cmcd")
        .handler(Bodies.upTo(BeaconRoutes.BODY_LIMIT))
        .handler(ctx -> beacons.accept(ctx, edge(ctx, false)))
        .failureHandler(this::failed);
    for (String path : new String[] {"/analytics/cmcd/request", "/analytics/cmcd/request/*"}) {
      for (io.vertx.core.http.HttpMethod m : new io.vertx.core.http.HttpMethod[] {io.vertx.core.http.HttpMethod.GET,
          io.vertx.core.http.HttpMethod.HEAD, io.vertx.core.http.HttpMethod.POST}) {
        r.route(m, path)
            .handler(Bodies.upTo(BeaconRoutes.BODY_LIMIT))
            .handler(ctx -> beacons.accept(ctx, edge(ctx, true)))
            .failureHandler(this::failed);
      }
    }
  }

  private void failed(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      ingest.rejected(Reason.BODY_TOO_LARGE);
      Json.error(ctx, 413, "body is larger than " + BeaconRoutes.BODY_LIMIT + " bytes; send fewer reports at once");
    } else {
      beacons.failed(ctx);
    }
  }

  private Edge edge(RoutingContext ctx, boolean requestMode) {
    HttpServerRequest req = ctx.request();
    String mediaUrl = null;
    String query = null;
    if (requestMode) {
      String path = req.path();
      int prefix = "/analytics/cmcd/request".length();
      mediaUrl = path.length() > prefix ? path.substring(prefix) : req.getParam("url");
      query = req.getParam("CMCD");
    }
    byte[] body = requestMode || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    return new Edge(body, req.remoteAddress() == null ? null : req.remoteAddress().hostAddress(), headers(req), false,
        clock.millis(), new Edge.Cmcd(requestMode, req.getParam("playbackId"), query, mediaUrl));
  }

  /**
   * The headers ingest reads for CMCD, by lower-case name: those of a beacon (user agent, proxies' and CDNs' address
   * and geo headers), the {@code CMCD-*} headers, Origin and Referer for the page's host, and a forwarder's
   * {@code Viewpulse-CDN} (the CDN that served the media).
   */
  private static Map<String, String> headers(HttpServerRequest req) {
    Map<String, String> headers = new HashMap<>();
    req.headers().forEach(h -> {
      String name = h.getKey();
      char c = Character.toLowerCase(name.charAt(0));
      if (c == 'u' || c == 'x' || c == 'c' || c == 'f' || c == 'o' || c == 'r' || c == 'v') {
        headers.putIfAbsent(name.toLowerCase(Locale.ROOT), h.getValue());
      }
    });
    return headers;
  }
}
