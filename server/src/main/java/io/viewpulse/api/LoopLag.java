package io.viewpulse.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How late the event loops run what is due on them ({@code viewpulse_event_loop_lag}): every loop runs a task every
 * 100 ms and records how much later than due it ran. A loop that is blocked or short of CPU delays every request it
 * owns by as much, before any handler (and so any per-request timer) sees the request; this is the one place that
 * shows it.
 */
final class LoopLag implements AutoCloseable {
  static final long PERIOD_MS = 100;

  private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

  private LoopLag() {}

  /** Starts watching every event loop of {@code vertx}; {@link #close()} stops. */
  static LoopLag watch(Vertx vertx, MeterRegistry metrics) {
    Timer lag = Timer.builder("viewpulse_event_loop_lag")
        .description("how much later than due a task ran on an event loop (blocked or CPU-starved loops)")
        .publishPercentiles(0.5, 0.99).register(metrics);
    LoopLag watch = new LoopLag();
    long period = TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
    // Vert.x 5 exposes its Netty event loops only on the internal interface; every Vertx instance implements it
    for (EventExecutor loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      long[] due = {System.nanoTime() + period};
      watch.tasks.add(loop.scheduleWithFixedDelay(() -> {
        long now = System.nanoTime();
        lag.record(Math.max(0, now - due[0]), TimeUnit.NANOSECONDS);
        due[0] = now + period;
      }, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS));
    }
    return watch;
  }

  @Override
  public void close() {
    tasks.forEach(t -> t.cancel(false));
  }
}
