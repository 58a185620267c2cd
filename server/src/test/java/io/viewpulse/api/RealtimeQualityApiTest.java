package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.OpenSessions;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code /api/data/views/now?metrics=quality}: the quality metrics of the sessions playing now, over their open
 * snapshots, on every store. The sessions are {@link OpenSessions}': three of pbN playing now, one of pbM ended.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class RealtimeQualityApiTest {
  @Parameter
  TestStores.Engine engine;
  private TestServer s;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    OpenSessions.play(s);
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private JsonNode only(String query) {
    Http.Response r = s.query(query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().size()).as(r.body()).isEqualTo(1);
    return r.json().get(0);
  }

  @Test
  void withoutMetricsQualityTheAnswerIsLivepeersAsBefore() {
    Http.Response r = s.query("/api/data/views/now");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).as("1 of the 3 open sessions has an error")
        .isEqualTo("[{\"viewCount\":3,\"errorRate\":0.3333333333333333}]");
    assertThat(s.query("/api/data/views/now?metrics=livepeer").body()).isEqualTo(r.body());
  }

  @Test
  void theOpenSessionsQualityMetricsComeFromTheirSnapshots() {
    JsonNode r = only("/api/data/views/now?metrics=quality");
    assertThat(r.get("viewCount").asLong()).as("o-ended is not playing now").isEqualTo(3);
    assertThat(r.get("errorRate").asText()).isEqualTo("0.3333333333333333");
    assertThat(r.get("playbackFailureRate").asText()).as("o-startfail, 1 of 3").isEqualTo("0.3333333");
    assertThat(r.get("videoStartupFailureRate").asText()).as("o-startfail, 1 of 3").isEqualTo("0.3333333");
    assertThat(r.get("ttffP50Ms").asText()).as("o-play's alone started").isEqualTo("200.0");
    assertThat(r.get("ttffP95Ms").asText()).isEqualTo("200.0");
    assertThat(r.get("rebufferRatio").asText()).as("1 s stalled of 8.8 s played + 1 s").isEqualTo("0.1020408");
    assertThat(r.get("rebufferCount").asLong()).isEqualTo(1);
    assertThat(r.get("rebufferCount").isIntegralNumber()).isTrue();
    assertThat(r.get("rebufferFrequency").asText()).as("1 per 9.8 s of watch time").isEqualTo("6.122449");
    assertThat(r.get("averageBitrateBps").asText()).as("(4.8 s x 2 + 4 s x 1 Mb/s) / 8.8 s").isEqualTo("1545455.0");
  }

  @Test
  void theMetricsBreakDownAndTheParameterIsChecked() {
    JsonNode r = only("/api/data/views/now?metrics=quality&breakdownBy[]=playbackId");
    assertThat(r.get("playbackId").asText()).isEqualTo("pbN");
    assertThat(r.get("viewCount").asLong()).isEqualTo(3);
    Http.Response bad = s.query("/api/data/views/now?metrics=mux");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("invalid metrics: mux (expected livepeer or quality)");
  }
}
