package io.viewpulse.client;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java client's realtime views with their quality ({@code metrics=quality}) against a real server, on every store.
 * Sessions of pbQ playing now (none ended), and one of pbE that ended (not playing now):
 *
 * <pre>
 * q-play       Chrome: play, first frame (TTFF 400), plays 6 s at 3 Mb/s, then 3 s at 1.5 Mb/s and stalls 1 s
 * q-startfail  Chrome: play, a fatal error before a frame (waited 1 s)
 * q-waiting    Safari: play, waits 2 s for a frame
 * e-ended      pbE: play, first frame, plays 5 s, ends
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class RealtimeQualityClientTest {
  @Parameter
  TestStores.Engine engine;
  private TestServer s;
  private Viewpulse client;

  @BeforeParameterizedClassInvocation
  void start() {
    s = new TestServer(engine);
    client = Viewpulse.builder().baseUrl("http://127.0.0.1:" + s.vp.port()).apiKey(s.secretKey).build();
    s.asset("pbQ");
    s.asset("pbE");
    Instant t = T0;
    send(Beacons.session("e-ended", "pbE").play(t).heartbeat("e1", t.plusSeconds(5), 5000, 0, 0, 0, 300L)
        .ended(t.plusSeconds(5)), t.plusSeconds(5));
    send(Beacons.session("q-play", "pbQ").play(t)
        .heartbeat("p1", t.plusSeconds(6), 6000, 0, 400, 0, 400L).with("bitrate_bps", 3_000_000)
        .heartbeat("p2", t.plusSeconds(10), 3000, 1000, 0, 0, null).with("bitrate_bps", 1_500_000),
        t.plusSeconds(10));
    send(Beacons.session("q-startfail", "pbQ").play(t.plusSeconds(1))
        .error(t.plusSeconds(2), "unknown", "media error 4")
        .heartbeat("s1", t.plusSeconds(2), 0, 0, 1000, 1, null), t.plusSeconds(2));
    send(Beacons.session("q-waiting", "pbQ").userAgent(Beacons.SAFARI_IPHONE).play(t.plusSeconds(2))
        .heartbeat("w1", t.plusSeconds(4), 0, 0, 2000, 0, null), t.plusSeconds(4));
    s.clock.set(T0.plusSeconds(12));
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

  @Test
  void withoutQualityTheRowsHaveNone() {
    assertThat(client.getRealtimeViews(RealtimeQuery.builder().playbackId("pbQ").build()))
        .containsExactly(new RealtimeMetric(Map.of(), 3, 1.0 / 3));
  }

  @Test
  void theQualityOfTheSessionsPlayingNowComesTyped() {
    List<RealtimeMetric> rows = client.getRealtimeViews(RealtimeQuery.builder().withQuality().build());
    assertThat(rows).hasSize(1);
    RealtimeMetric all = rows.get(0);
    assertThat(all.viewCount()).as("e-ended is not playing now").isEqualTo(3);
    assertThat(all.errorRate()).isEqualTo(1.0 / 3);
    RealtimeQuality q = all.quality();
    assertThat(q.ttffP50Ms()).as("q-play's alone started").isEqualTo(400.0);
    assertThat(q.ttffP95Ms()).isEqualTo(400.0);
    assertThat(q.rebufferRatio()).as("1 s stalled of 9 s played + 1 s").isEqualTo(0.1);
    assertThat(q.rebufferCount()).isEqualTo(1L);
    assertThat(q.rebufferFrequency()).as("1 per 10 s of watch time, per minute").isEqualTo(6.0);
    assertThat(q.rebufferDurationMs()).as("1 s over 3 sessions").isEqualTo(333.3333);
    assertThat(q.averageBitrateBps()).as("(6 s x 3 + 3 s x 1.5 Mb/s) / 9 s").isEqualTo(2_500_000.0);
    assertThat(q.playbackFailureRate()).as("q-startfail, 1 of 3").isEqualTo(0.3333333);
    assertThat(q.videoStartupFailureRate()).isEqualTo(0.3333333);
    assertThat(q.nonFatalErrorRate()).isEqualTo(0.0);
    assertThat(q.nonFatalErrorCount()).isEqualTo(0L);
    assertThat(q.renditionSwitchUpCount()).isEqualTo(0L);
    assertThat(q.droppedFrameCount()).isEqualTo(0L);
    assertThat(q.playbackSuccessScore()).as("100, 0 for the failure, 100 for q-waiting (still waiting: no exit)")
        .isEqualTo(66.66667);
    assertThat(q.startupTimeScore()).as("8 / (8 + 0.4) x 100").isEqualTo(95.2381);
    assertThat(q.seekLatencyMs()).as("no seek").isNull();
    assertThat(q.droppedFrameRate()).as("no frame counts").isNull();
    assertThat(q.upscalePercentage()).as("no sizes").isNull();
    assertThat(q.videoQualityScore()).isNull();
  }

  @Test
  void qualityBreaksDownAndFiltersAndIsNullWhereUndefined() {
    List<RealtimeMetric> rows = client.getRealtimeViews(RealtimeQuery.builder().playbackId("pbQ")
        .breakdownBy(Dimension.BROWSER).withQuality().build());
    assertThat(rows).extracting(r -> r.dimension(Dimension.BROWSER) + "=" + r.viewCount())
        .containsExactly("Chrome=2", "Safari=1");
    RealtimeQuality chrome = rows.get(0).quality();
    assertThat(chrome.playbackFailureRate()).isEqualTo(0.5);
    assertThat(chrome.rebufferDurationMs()).as("1 s over 2 sessions").isEqualTo(500.0);
    assertThat(chrome.playbackSuccessScore()).isEqualTo(50.0);
    RealtimeQuality safari = rows.get(1).quality();
    assertThat(safari.ttffP50Ms()).as("no first frame yet").isNull();
    assertThat(safari.rebufferRatio()).as("nothing played").isNull();
    assertThat(safari.averageBitrateBps()).isNull();
    assertThat(safari.startupTimeScore()).isNull();
    assertThat(safari.playbackSuccessScore()).isEqualTo(100.0);
    assertThat(safari.viewerExperienceScore()).isEqualTo(100.0);
    assertThat(safari.rebufferCount()).isEqualTo(0L);

    List<RealtimeMetric> notSafari = client.getRealtimeViews(RealtimeQuery.builder()
        .exclude(Dimension.BROWSER, "Safari").withQuality().build());
    assertThat(notSafari).extracting(RealtimeMetric::viewCount).containsExactly(2L);
    assertThat(notSafari.get(0).quality()).isEqualTo(chrome);
    assertThat(client.getRealtimeViewsAsync(RealtimeQuery.builder().filter(Dimension.BROWSER, "Safari")
        .withQuality().build()).join()).extracting(RealtimeMetric::quality).containsExactly(safari);
  }
}
