package io.viewpulse.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A webhook receiver on loopback: records every request (path, headers, body) and answers as the test says (by
 * default 204). Its own Vert.x, closed with it.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One request received. */
  public record Received(String path, MultiMap headers, byte[] body) {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Consumer<HttpServerRequest> answer = r -> r.response().setStatusCode(204).end();

  public WebhookReceiver() throws Exception {
    server = vertx.createHttpServer().requestHandler(r -> r.body().onSuccess(b -> {
      received.add(new Received(r.path(), MultiMap.caseInsensitiveMultiMap().addAll(r.headers()), b.getBytes()));
      answer.accept(r);
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** How the next requests are answered (on the receiver's event loop; leave a request unanswered to hang). */
  public void answer(Consumer<HttpServerRequest> a) {
    answer = a;
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
