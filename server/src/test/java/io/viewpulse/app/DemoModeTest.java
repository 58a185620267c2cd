package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** serve --demo: a week of history at once, and simulated viewers watching now, on demo videos and a live channel. */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class DemoModeTest {
  @Parameter
  TestStores.Engine engine;

  @Test
  void theDemoFillsTheDashboardWithinSeconds() throws Exception {
    try (TestServer s = new TestServer(engine, MutableClock.real(), c -> c)) {
      s.vp.startDemo(60);
      JsonNode byVideo = null;
      long now = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        byVideo = s.query("/api/data/views/query?breakdownBy[]=playbackId").json();
        now = s.query("/api/data/views/now").json().get(0).get("viewCount").asLong();
        long total = 0;
        for (JsonNode r : byVideo) {
          total += r.get("viewCount").asLong();
        }
        if (total >= 3_000 && now >= 30) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(byVideo).extracting(r -> r.get("playbackId").asText())
          .contains("demo-bbb", "demo-sintel", "demo-tears", "demo-live");
      assertThat(now).as("simulated viewers watching now").isGreaterThanOrEqualTo(30);
      assertThat(s.vp.catalog().get(s.accountId, Demo.LIVE_ID).orElseThrow().streamType()).isEqualTo("channel");
      JsonNode quality = s.query("/api/data/views/query").json().get(0);
      assertThat(quality.get("errorRate").asDouble()).isBetween(0.005, 0.1);
      assertThat(quality.get("exitsBeforeStart").asDouble()).isBetween(0.005, 0.1);
    }
  }
}
