package io.viewpulse.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.OpenSessions;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
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
 * The sessions are {@link OpenSessions}': three of pbN playing now (two in Chrome, one in Safari), one of pbM ended.
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
    OpenSessions.play(s);
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  @Test
  void withoutQualityTheRowsHaveNone() {
    assertThat(client.getRealtimeViews(RealtimeQuery.builder().playbackId("pbN").build()))
        .containsExactly(new RealtimeMetric(Map.of(), 3, 1.0 / 3));
  }

  @Test
  void theQualityOfTheSessionsPlayingNowComesTyped() {
    List<RealtimeMetric> rows = client.getRealtimeViews(RealtimeQuery.builder().withQuality().build());
    assertThat(rows).hasSize(1);
    RealtimeMetric all = rows.get(0);
    assertThat(all.viewCount()).as("o-ended is not playing now").isEqualTo(3);
    assertThat(all.errorRate()).isEqualTo(1.0 / 3);
    RealtimeQuality q = all.quality();
    assertThat(q.ttffP50Ms()).as("o-play's alone started").isEqualTo(200.0);
    assertThat(q.ttffP95Ms()).isEqualTo(200.0);
    assertThat(q.rebufferRatio()).as("1 s stalled of 8.8 s played + 1 s").isEqualTo(0.1020408);
    assertThat(q.rebufferCount()).isEqualTo(1L);
    assertThat(q.rebufferFrequency()).as("1 per 9.8 s of watch time, per minute").isEqualTo(6.122449);
    assertThat(q.rebufferDurationMs()).as("1 s over 3 sessions").isEqualTo(333.3333);
    assertThat(q.averageBitrateBps()).as("(4.8 s x 2 + 4 s x 1 Mb/s) / 8.8 s").isEqualTo(1_545_455.0);
    assertThat(q.playbackFailureRate()).as("o-startfail, 1 of 3").isEqualTo(0.3333333);
    assertThat(q.videoStartupFailureRate()).isEqualTo(0.3333333);
    assertThat(q.nonFatalErrorRate()).isEqualTo(0.0);
    assertThat(q.nonFatalErrorCount()).isEqualTo(0L);
    assertThat(q.renditionSwitchUpCount()).isEqualTo(0L);
    assertThat(q.droppedFrameCount()).isEqualTo(0L);
    assertThat(q.playbackSuccessScore()).as("100, 0 for the failure, 100 for o-waiting (still waiting: no exit)")
        .isEqualTo(66.66667);
    assertThat(q.startupTimeScore()).as("8 / (8 + 0.2) x 100").isEqualTo(97.56098);
    assertThat(q.seekLatencyMs()).as("no seek").isNull();
    assertThat(q.droppedFrameRate()).as("no frame counts").isNull();
    assertThat(q.upscalePercentage()).as("no sizes").isNull();
    assertThat(q.videoQualityScore()).isNull();
  }

  @Test
  void qualityBreaksDownAndFiltersAndIsNullWhereUndefined() {
    List<RealtimeMetric> rows = client.getRealtimeViews(RealtimeQuery.builder().playbackId("pbN")
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
