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
      // every simulated viewer is placed (the test server's GeoIP file knows none of their addresses): in a country
      // of the demo's spread, a region and a time zone
      java.util.Set<String> countries = new java.util.TreeSet<>();
      for (JsonNode r : s.query("/api/data/views/query?breakdownBy[]=country&breakdownBy[]=timezone").json()) {
        assertThat(r.path("country").asText(null)).as(r.toString()).isNotNull();
        assertThat(r.path("timezone").asText(null)).as(r.toString()).isNotNull();
        countries.add(r.get("country").asText());
      }
      assertThat(countries).hasSizeGreaterThanOrEqualTo(20).isSubsetOf("US", "CA", "MX", "BR", "AR", "GB", "IE",
          "FR", "DE", "NL", "ES", "IT", "SE", "PL", "NG", "ZA", "EG", "IN", "JP", "KR", "ID", "PH", "AU", "NZ");
      java.util.Set<String> states = new java.util.TreeSet<>();
      for (JsonNode r : s.query("/api/data/views/query?breakdownBy[]=subdivision&filters[]=country:US").json()) {
        states.add(r.path("subdivision").asText("none"));
      }
      assertThat(states).as("the 23 states and Washington, D.C. of the demo's spread, each with views").containsExactly(
          "Arizona", "California", "Colorado", "District of Columbia", "Florida", "Georgia", "Illinois", "Maryland",
          "Massachusetts", "Michigan", "Minnesota", "Missouri", "Nevada", "New Jersey", "New York", "North Carolina",
          "Ohio", "Oregon", "Pennsylvania", "Tennessee", "Texas", "Utah", "Virginia", "Washington");
    }
  }
}
