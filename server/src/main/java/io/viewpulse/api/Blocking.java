package io.viewpulse.api;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** Runs a handler's blocking part on a worker thread and answers with its result or a JSON error. */
final class Blocking {
  private Blocking() {}

  static <T> void run(Vertx vertx, RoutingContext ctx, Callable<T> work, Consumer<T> reply) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.succeeded()) {
        reply.accept(ar.result());
      } else {
        Failures.reply(ctx, ar.cause());
      }
    });
  }
}
