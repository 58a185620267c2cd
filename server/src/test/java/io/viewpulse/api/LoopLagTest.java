package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.viewpulse.testing.TestServer;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopLagTest {
  @Test
  void aBlockedEventLoopShowsAsLagOfAtLeastTheBlockLessOnePeriod() throws Exception {
    Vertx vertx = Vertx.vertx();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (LoopLag watch = LoopLag.watch(vertx, metrics)) {
      Timer lag = metrics.get("viewpulse_event_loop_lag").timer();
      // a handler that blocks its loop for 500 ms, as a blocking call on the event loop would
      vertx.runOnContext(v -> sleep(500));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (lag.max(TimeUnit.MILLISECONDS) < 400 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      // the loop's watch task was due at most one period into the block, and ran when the block ended
      assertThat(lag.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(500.0 - LoopLag.PERIOD_MS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theServerPublishesItsEventLoopLag() throws Exception {
    try (TestServer s = new TestServer()) {
      String metrics = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      // the first tasks run one period after start
      while (!metrics.contains("viewpulse_event_loop_lag_seconds_count") && System.nanoTime() < deadline) {
        Thread.sleep(LoopLag.PERIOD_MS);
        metrics = s.http.get("/metrics").body();
      }
      assertThat(metrics).contains("viewpulse_event_loop_lag_seconds{quantile=\"0.99\"}")
          .contains("viewpulse_event_loop_lag_seconds_max");
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
