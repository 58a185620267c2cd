package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code /api/data/views/now?metrics=quality}: the quality metrics of the sessions playing now, over their open
 * snapshots, on every store. Three sessions of pbN, none ended, and one of pbM that ended (not playing now):
 *
 * <pre>
 * o-play       play, first frame (TTFF 200), plays 4.8 s at 2 Mb/s, then 4 s at 1 Mb/s and stalls 1 s
 * o-startfail  play, a fatal error before a frame (waited 1 s)
 * o-waiting    play, waits 2 s for a frame
 * o-ended      pbM: play, first frame, plays 5 s, ends
 * </pre>
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
    s.asset("pbN");
    s.asset("pbM");
    Instant t = T0;
    send(Beacons.session("o-ended", "pbM").play(t).heartbeat("e1", t.plusSeconds(5), 4800, 0, 200, 0, 200L)
        .ended(t.plusSeconds(5)), t.plusSeconds(5));
    send(Beacons.session("o-play", "pbN").play(t)
        .heartbeat("p1", t.plusSeconds(5), 4800, 0, 200, 0, 200L).with("bitrate_bps", 2_000_000)
        .heartbeat("p2", t.plusSeconds(10), 4000, 1000, 0, 0, null).with("bitrate_bps", 1_000_000),
        t.plusSeconds(10));
    send(Beacons.session("o-startfail", "pbN").play(t.plusSeconds(1))
        .error(t.plusSeconds(2), "unknown", "media error 4")
        .heartbeat("s1", t.plusSeconds(2), 0, 0, 1000, 1, null), t.plusSeconds(2));
    send(Beacons.session("o-waiting", "pbN").play(t.plusSeconds(2))
        .heartbeat("w1", t.plusSeconds(4), 0, 0, 2000, 0, null), t.plusSeconds(4));
    s.clock.set(T0.plusSeconds(12));
    // the snapshots are in the store before the first query, not whenever the sessionizer's next tick writes them
    s.flush();
  }

  private void send(Beacons b, Instant at) {
    s.clock.set(at);
    Http.Response r = s.beacon(b.json(), "192.0.2.10");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
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
