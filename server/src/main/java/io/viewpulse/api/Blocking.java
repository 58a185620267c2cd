package io.viewpulse.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.model.DomainException;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Runs a handler's blocking part on a worker thread and answers with its result or a JSON error. A request under
 * {@code /api} with an account's key takes that account's share of the worker threads ({@link AccountShares}): it
 * waits in the account's queue while the account runs its share, is refused (429) when that queue is full, and is not
 * run when its client goes away while it waits. Other requests (the admin's, or without a key that authenticates,
 * which fail at once) run as they come.
 */
final class Blocking {
  /** Where the router puts the {@link Fair} of the API's requests in their {@link RoutingContext}. */
  static final String FAIR = "viewpulse.fair";

  /** The accounts' shares of the worker threads, and who the caller of a request is. */
  record Fair(AccountShares shares, Guard guard) {
    /** Puts this in the request's context for {@link Blocking#run}; a route handler. */
    void mark(RoutingContext ctx) {
      ctx.put(FAIR, this);
      ctx.next();
    }
  }

  private Blocking() {}

  static <T> void run(Vertx vertx, RoutingContext ctx, Callable<T> work, Consumer<T> reply) {
    Context context = vertx.getOrCreateContext();
    Fair fair = ctx.get(FAIR);
    String account = fair == null ? null : fair.guard().account(ctx);
    if (account == null) {
      execute(context, ctx, work, reply, () -> {});
      return;
    }
    AccountShares.Task task = new AccountShares.Task() {
      @Override
      public boolean abandoned() {
        return ctx.response().closed();
      }

      @Override
      public void start(Runnable done) {
        execute(context, ctx, work, reply, done);
      }
    };
    try {
      if (fair.shares().submit(account, task) == AccountShares.Admission.QUEUED) {
        // called when the response ends or its connection closes: only a task still waiting is taken out
        ctx.addEndHandler(ended -> fair.shares().withdraw(account, task));
      }
    } catch (DomainException e) {
      Failures.reply(ctx, e);
    }
  }

  private static <T> void execute(Context context, RoutingContext ctx, Callable<T> work, Consumer<T> reply,
      Runnable done) {
    context.executeBlocking(work, false).onComplete(ar -> {
      done.run();
      if (ar.succeeded()) {
        reply.accept(ar.result());
      } else {
        Failures.reply(ctx, ar.cause());
      }
    });
  }
}
