package io.viewpulse.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.admin.Admin;
import io.viewpulse.auth.KeyService;
import io.viewpulse.auth.MetricsToken;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.auth.SignedRequests;
import io.viewpulse.ingest.Ingest;
import io.viewpulse.ingest.StreamEvents;
import io.viewpulse.model.Readiness;
import io.viewpulse.viewership.StreamStats;
import io.viewpulse.viewership.Viewership;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP face of Viewpulse: a route table of thin handlers that translate HTTP to typed calls and back. Anything
 * blocking runs on worker threads.
 */
public final class ApiServer implements AutoCloseable {
  private static final io.vertx.core.buffer.Buffer OPENAPI;

  static {
    try (var in = ApiServer.class.getResourceAsStream("/io/viewpulse/web/openapi.json")) {
      OPENAPI = io.vertx.core.buffer.Buffer.buffer(in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static final String METRICS_LOCAL_ONLY = "/metrics answers this machine only (a loopback peer, not relayed by a"
      + " proxy): to scrape it from elsewhere, start Viewpulse with --metrics-token-file <file> and send"
      + " Authorization: Bearer <the token in it>";
  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_HEADERS = 16 * 1024;
  /** Answers smaller than this go uncompressed whatever the client accepts (see the server options). */
  static final int COMPRESS_FROM = 1024;

  private final Vertx vertx;
  private final String deployment;
  private final HttpServer server;
  private final Router router;
  private final LoopLag lag;

  /** What the routes need. */
  public record Services(Ingest ingest, StreamEvents streamEvents, KeyService keys, Catalog catalog,
      Viewership viewership, io.viewpulse.viewership.ViewExplorer explorer, io.viewpulse.privacy.Erasures erasures,
      StreamStats streamStats, io.viewpulse.alerts.Alerts alerts, Admin admin,
      java.util.function.Predicate<String> isAdminToken, PrometheusMeterRegistry metrics,
      MetricsToken metricsToken, InstantSource clock, java.util.function.Predicate<String> loopbackPeer,
      List<String> publicHosts, java.util.function.Supplier<Readiness> readiness,
      io.viewpulse.webhooks.Webhooks webhooks, io.viewpulse.savedviews.SavedViews savedViews,
      WorkerShare workerShare) {}

  private static void health(RoutingContext ctx, Readiness r) {
    ObjectNode body = Json.object().put("status", r.ready() ? "ok" : "not ready");
    r.parts().forEach(body::putPOJO);
    if (r.ready()) {
      Json.ok(ctx, body);
    } else {
      ctx.response().setStatusCode(503).putHeader("Retry-After", "1").putHeader("Content-Type", Json.CONTENT_TYPE)
          .end(body.toString());
    }
  }

  private ApiServer(Vertx vertx, String deployment, HttpServer server, Router router, LoopLag lag) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.server = server;
    this.lag = lag;
    this.router = router;
  }

  /** Starts listening; returns once the port is bound. */
  public static ApiServer start(Vertx vertx, String host, int port, java.nio.file.Path tlsKeystore,
      String tlsPassword, boolean benchEndpoints, Services s) {
    Router router = Router.router(vertx);
    Guard guard = new Guard(s.keys());
    LocalRequests local = new LocalRequests(s.loopbackPeer(), s.publicHosts());
    router.route().failureHandler(Failures::clientAbort);
    router.route().handler(local::checkHost);
    router.route("/api/*").handler(Cors::handle);
    // the API's blocking work is shared between accounts (Blocking); ingest's routes do none
    router.route("/api/*").handler(new Blocking.Fair(new AccountShares(s.workerShare().perAccount(),
        s.workerShare().queuePerAccount(), s.metrics()), guard)::mark);
    BeaconRoutes beacons = new BeaconRoutes(s.ingest(), s.clock(), 20_000);
    beacons.mount(router);
    new CmcdRoutes(beacons, s.ingest(), s.clock()).mount(router);
    new CollectorRoutes(s.ingest().legacy()).mount(router);
    new ViewRoutes(vertx, guard, s.explorer(), s.erasures(), s.catalog()::declaredDimensions).mount(router);
    new DataRoutes(vertx, guard, s.viewership()).mount(router);
    new AlertRoutes(vertx, guard, s.alerts()).mount(router);
    new WebhookRoutes(vertx, guard, s.webhooks()).mount(router);
    new MediaRoutes(vertx, guard, s.catalog()).mount(router);
    new CustomDimensionRoutes(vertx, guard, s.catalog()).mount(router);
    new SavedViewRoutes(vertx, guard, s.savedViews()).mount(router);
    new AdminRoutes(vertx, s.admin(), s.isAdminToken(), local).mount(router);
    new LiveRoutes(vertx, guard, new SignedRequests(s.keys(), s.clock()), s.streamStats(), s.streamEvents())
        .mount(router);
    new DashboardRoutes().mount(router);
    if (benchEndpoints) {
      // the ingest benchmark's baseline: the same server, body handling and answer, without ingest
      router.post("/bench/noop").handler(Bodies.upTo(BeaconRoutes.BODY_LIMIT)).handler(
          ctx -> Json.ok(ctx, Json.object().put("accepted", 0)));
    }
    router.get("/api/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", Json.CONTENT_TYPE)
        .putHeader("Access-Control-Allow-Origin", "*").end(OPENAPI));
    // ready (200) or not (503), and what is not: for load balancers and orchestrators
    // ready (200) or not (503), and what is not: for load balancers and orchestrators; answered from what the parts
    // last knew, never waiting
    router.get("/healthz").handler(ctx -> health(ctx, s.readiness().get()));
    router.get("/metrics").handler(ctx -> metrics(ctx, s.metrics(), s.metricsToken(), local));
    // what Vert.x-Web itself refuses, such as a query string that is not valid percent-encoding
    router.errorHandler(400, ctx -> Json.error(ctx, 400, Failures.badRequest(ctx, ctx.failure())));
    router.errorHandler(404, ctx -> Json.error(ctx, 404, "no route " + ctx.request().method() + " "
        + ctx.request().path()));
    router.errorHandler(405, ctx -> Json.error(ctx, 405, "method " + ctx.request().method() + " not allowed on "
        + ctx.request().path()));
    router.errorHandler(413, ctx -> Json.error(ctx, 413, "request body too large"));
    router.errorHandler(500, ApiServer::internal);
    HttpServerOptions opts = new HttpServerOptions().setHost(host).setPort(port)
        .setMaxHeaderSize(MAX_HEADERS).setMaxInitialLineLength(MAX_LINE)
        // Browsers ask for gzip with every request, beacons included. Compressing every answer made a 15-byte
        // acknowledgement 41 bytes and cost a deflater per beacon: a fifth of ingest's throughput with the headers
        // players send. Only answers of a kilobyte or more are compressed, at level 1: a 7 MB series by hour
        // shrinks 4x in 38 ms (level 6, Netty's default: 5x in 115 ms, a third of the query's own time).
        .setCompressionSupported(true).setCompressionContentSizeThreshold(COMPRESS_FROM).setCompressionLevel(1)
        // The only WebSocket, Livepeer's legacy reporter, sends a few hundred bytes a second; a browser offers
        // permessage-deflate, and accepted, each socket would keep a zlib inflater (tens of KB) to save little
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        .setIdleTimeout(120).setIdleTimeoutUnit(TimeUnit.SECONDS)
        // no upgrade to HTTP/2 over plain HTTP: clients that offer it (Java's HttpClient does by default) stay on
        // HTTP/1.1. Upgraded, about one answer in fifty over 64 KB reached them unframed, a protocol error
        .setHttp2ClearTextEnabled(false);
    if (tlsKeystore != null) {
      opts.setSsl(true).setKeyCertOptions(new io.vertx.core.net.PfxOptions()
          .setPath(tlsKeystore.toAbsolutePath().toString()).setPassword(tlsPassword));
    }
    try {
      // one server per event loop on the same port, each deployed as a verticle instance so that it is bound to an
      // event loop of its own: Vert.x shares the socket and deals the connections out among them. (Servers created
      // from one plain thread all landed on the same loop, and every connection with them: a profile at 30,000
      // beacons/s showed one busy event loop out of four.) Vert.x shares a port it was asked for by number, so a
      // random port (0, in tests) gets one server.
      int loops = port == 0 ? 1 : Math.max(2, Runtime.getRuntime().availableProcessors());
      List<HttpServer> servers = java.util.Collections.synchronizedList(new ArrayList<>());
      String deployment = vertx.deployVerticle(() -> new VerticleBase() {
        @Override
        public Future<?> start() {
          return vertx.createHttpServer(opts).invalidRequestHandler(ApiServer::undecodable)
              .requestHandler(new Framing(router))
              .listen().onSuccess(servers::add);
        }
      }, new DeploymentOptions().setInstances(loops)).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      return new ApiServer(vertx, deployment, servers.get(0), router, LoopLag.watch(vertx, s.metrics()));
    } catch (Exception e) {
      // an I/O failure the operator can act on (a busy port, a missing keystore), not a bug
      throw new java.io.UncheckedIOException("cannot listen on " + host + ":" + port + ": " + rootMessage(e),
          new java.io.IOException(rootMessage(e), e));
    }
  }

  /**
   * Prometheus metrics (they name every tenant's live stream ids): with a metrics token, to whoever presents it; without
   * one, to this machine only ({@link LocalRequests}).
   */
  private static void metrics(RoutingContext ctx, PrometheusMeterRegistry registry, MetricsToken token,
      LocalRequests local) {
    if (token.required() && !token.admits(ctx.request().getHeader("Authorization"))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
      Json.error(ctx, 401, "/metrics needs the metrics token: Authorization: Bearer <the token in the server's"
          + " --metrics-token-file>");
      return;
    }
    if (!token.required() && !local.fromThisMachine(ctx.request())) {
      Json.error(ctx, 403, METRICS_LOCAL_ONLY);
      return;
    }
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
  }

  /**
   * A request the HTTP decoder refused (request line or headers too long, a control character in a header): Vert.x
   * would answer with an empty body and close the connection without saying so, and a keep-alive client would send
   * its next request into the closed connection. The API's error shape instead, and Connection: close.
   */
  private static void undecodable(io.vertx.core.http.HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    int status = 400;
    String message = "the request is not valid HTTP/1.1"
        + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage());
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      status = 414;
      message = "the request line is longer than " + MAX_LINE + " bytes";
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      status = 431;
      message = "the request headers are larger than " + MAX_HEADERS + " bytes";
    }
    com.fasterxml.jackson.databind.node.ObjectNode body = Json.object();
    body.putArray("errors").add(message);
    req.response().setStatusCode(status).putHeader("Content-Type", Json.CONTENT_TYPE)
        .putHeader("Connection", "close").end(body.toString())
        .onComplete(done -> req.connection().close());
  }

  private static void internal(RoutingContext ctx) {
    Failures.reply(ctx, ctx.failure() == null ? new IllegalStateException("failure") : ctx.failure());
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** The prefix of a regex route's name that gives its path in the route table. */
  static final String NAMED_ROUTE = "route:";

  /**
   * The route table as {@code "METHOD /path/{param}"} lines (the path syntax of OpenAPI), for checking the published
   * document against what the server really serves.
   */
  public java.util.SortedSet<String> routes() {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (io.vertx.ext.web.Route r : router.getRoutes()) {
      String path = r.getPath() != null ? r.getPath().replaceAll(":([A-Za-z]+)", "{$1}")
          : r.isRegexPath() && r.getName() != null && r.getName().startsWith(NAMED_ROUTE)
              ? r.getName().substring(NAMED_ROUTE.length())
          : r.isRegexPath() ? "/json_video+{playbackId}.js" : null;
      if (path == null || r.methods() == null || r.methods().isEmpty()) {
        continue;
      }
      // the totals route takes the rest of the path, slashes included (ipfs://CID typed as is)
      if (path.endsWith("/query/total/")) {
        path += "{playbackId}";
      }
      // so do a viewer's routes: the viewer id (then /views for its views)
      boolean viewer = path.equals("/api/data/viewers/");
      // so does CMCD's request mode: the forwarded media request's path
      if (path.endsWith("/cmcd/request/")) {
        path += "{mediaPath}";
      }
      for (var m : r.methods()) {
        out.add(m.name() + " " + path + (!viewer ? "" : m.name().equals("DELETE") ? "{viewerId}"
            : "{viewerId}/views"));
      }
    }
    return out;
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    lag.close();
    try {
      // undeploying closes the servers of every instance
      vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
