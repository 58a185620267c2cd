package io.viewpulse.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A web server for browser tests: the test pages, the media fixtures (MP4 and HLS), the npm packages the pages load,
 * and Livepeer-shaped media URLs ({@code /recordings/<id>/<file>}). A test can make a file slow, or never answer.
 */
public final class MediaServer implements AutoCloseable {
  /** Never answer this file. */
  public static final long HANG = -1;

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, Long> delays = new ConcurrentHashMap<>();

  /** @param keystore serve HTTPS with it, or plain HTTP when null */
  public MediaServer(Path deps, Path keystore) {
    Path resources = classpathDir();
    Router r = Router.router(vertx);
    r.route().handler(ctx -> {
      ctx.response().putHeader("Access-Control-Allow-Origin", "*");
      String name = ctx.request().path().substring(ctx.request().path().lastIndexOf('/') + 1);
      Long delay = delays.get(name);
      if (delay == null) {
        ctx.next();
      } else if (delay != HANG) {
        vertx.setTimer(delay, t -> ctx.next());
      }
    });
    r.get("/favicon.ico").handler(ctx -> ctx.response().setStatusCode(204).end());
    r.route("/recordings/:id/*").handler(ctx -> ctx.reroute("/media/hls/" + ctx.pathParam("*")));
    r.route("/media/*").handler(StaticHandler.create(FileSystemAccess.ROOT, resources.resolve("media").toString())
        .setCachingEnabled(false));
    r.route("/pages/*").handler(StaticHandler.create(FileSystemAccess.ROOT, resources.resolve("pages").toString())
        .setCachingEnabled(false));
    if (deps != null) {
      r.route("/deps/*").handler(StaticHandler.create(FileSystemAccess.ROOT, deps.toString()).setCachingEnabled(false));
    }
    HttpServerOptions opts = new HttpServerOptions().setHost("127.0.0.1").setPort(0);
    if (keystore != null) {
      opts.setSsl(true).setKeyCertOptions(new PfxOptions().setPath(keystore.toString()).setPassword(TestCerts.PASSWORD));
    }
    try {
      server = vertx.createHttpServer(opts).requestHandler(r).listen().toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path classpathDir() {
    try {
      return Path.of(MediaServer.class.getResource("/media").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Answers the file with this name (e.g. "seg3.ts") only after {@code millis}, or never with {@link #HANG}; 0 answers
   * it at once again.
   */
  public void delay(String fileName, long millis) {
    if (millis == 0) {
      delays.remove(fileName);
    } else {
      delays.put(fileName, millis);
    }
  }

  public int port() {
    return server.actualPort();
  }

  public String base() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
