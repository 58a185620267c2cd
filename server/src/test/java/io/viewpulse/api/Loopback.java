package io.viewpulse.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/** A router of test routes served on loopback by its own Vert.x, for tests of one piece of the API. */
final class Loopback implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final Vertx vertx;
  private final HttpServer server;

  private Loopback(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Serves {@code router} (built on {@code vertx}) on a free loopback port. */
  static Loopback serve(Vertx vertx, Router router) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new Loopback(vertx, server);
  }

  int port() {
    return server.actualPort();
  }

  HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
