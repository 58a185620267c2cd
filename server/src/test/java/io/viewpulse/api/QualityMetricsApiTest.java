package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.QualitySessions;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scripted sessions through the real server, and the exact quality metrics of {@code metrics=quality} on every store.
 *
 * <pre>
 * session        what happens                                                    facts
 * q-played       play, first frame (TTFF 200), plays 10 s, ends                   played
 * q-startfail    play, a fatal error (unknown), the page closes                   failed to start, 1 error
 * q-playfail     play, first frame, plays 5 s, a fatal error (offline), ends      failed after start, 1 error
 * q-fallback     play, an error the player recovers from (fallback), first       played, 1 error, 2 non-fatal
 *                frame, plays 5 s, a warning, ends
 * q-ebvs         play, waits 3 s, the page closes before a frame                  exit before start
 * q-ebvs-warn    play, a warning, the page closes before a frame                  exit before start, 1 non-fatal
 * q-unreported   play, first frame, plays 5 s; a heartbeat counts an error      failed after start, 1 error
 *                whose event never came, ends
 * q-rebuffer     play, first frame (TTFF 250 after a 250 ms wait), plays 13 s,   played, 2 rebuffers of 1,500 ms,
 *                stalls 1 s and waits 0.5 s, seeks twice (400 and 600 ms), ends  2 seeks of 1,000 ms
 *                its heartbeats (4, 4 and 5 s of play) report the video shown:
 *                720p in a 720p player at 2 Mb/s, 120 frames, 2 dropped          scale 1
 *                the player grows to 1080p, down to 1 Mb/s, 100 frames           upscaled by 0.5, 1 switch down
 *                up to 2160p at 8 Mb/s, 130 frames, 3 dropped                    downscaled by 0.5, 1 switch up
 * (the others report no sizes, bitrate or frames)
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class QualityMetricsApiTest {
  @Parameter
  TestStores.Engine engine;
  private TestServer s;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    s.asset("pbQ");
    s.asset("pbR");
    QualitySessions.play(s, QualitySessions.Browsers.DEFAULT);
    s.clock.set(T0.plusSeconds(3600));
    s.flush();
  }


  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private List<JsonNode> rows(String query) {
    Http.Response r = s.query(query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().forEach(out::add);
    return out;
  }

  @Test
  void theVideoShownIsWeightedByPlayingTimeOverTheTimeThePlayersReportedIt() {
    JsonNode r = rows("/api/data/views/query?metrics=quality").get(0);
    assertThat(r.get("averageBitrateBps").asText()).as("(4 s x 2 + 4 s x 1 + 5 s x 8 Mb/s) / 13 s")
        .isEqualTo("4000000.0");
    assertThat(r.get("upscalePercentage").asText()).as("4 s upscaled by 0.5 over 13 s").isEqualTo("0.1538462");
    assertThat(r.get("downscalePercentage").asText()).as("5 s downscaled by 0.5 over 13 s").isEqualTo("0.1923077");
    assertThat(r.get("droppedFrameCount").asLong()).isEqualTo(5);
    assertThat(r.get("droppedFrameRate").asText()).as("5 of 350").isEqualTo("0.01428571");
    assertThat(r.get("renditionSwitchUpCount").asLong()).isEqualTo(1);
    assertThat(r.get("renditionSwitchDownCount").asLong()).isEqualTo(1);
    JsonNode other = rows("/api/data/views/query?metrics=quality&playbackId=pbR").get(0);
    assertThat(other.has("averageBitrateBps")).as("no view of pbR reported a bitrate: undefined").isFalse();
    assertThat(other.has("upscalePercentage")).isFalse();
    assertThat(other.get("droppedFrameCount").asLong()).isZero();
  }

  /**
   * The views' scores: q-played, q-fallback, q-rebuffer succeed (100), q-ebvs and q-ebvs-warn exit before start (50),
   * the three failures 0. Startup over the five with a TTFF: 800 / (8 + 0.2), / 8.15, / 8.3, / 8.1, / 8.25.
   * Smoothness over the five with a first frame: 100 but q-rebuffer's (100 / sqrt(2) + 100 e^(-10 x 1500 / 14500)) / 2
   * = 53.12585. Video quality, q-rebuffer's alone: 100 e^(-0.33 (0.15 x 0.5 + 0.85 x 2000 / 13000)) = 93.43503.
   * Experience: failures 0, exits 50, q-played (0.25 x 97.56098 + 0.45 x 100) / 0.7 = 99.12892, q-fallback 98.70912,
   * q-rebuffer (0.25 x 96.9697 + 0.45 x 53.12585 + 0.3 x 93.43503) / 1 = 76.17956.
   */
  @Test
  void theScoresFollowMuxsFormulasPerViewAndAverageOverTheViewsThatHaveThem() {
    JsonNode r = rows("/api/data/views/query?metrics=quality").get(0);
    assertThat(r.get("playbackSuccessScore").asText()).as("(3 x 100 + 2 x 50) / 8").isEqualTo("50.0");
    assertThat(r.get("startupTimeScore").asText()).isEqualTo("97.56823");
    assertThat(r.get("smoothnessScore").asText()).as("(4 x 100 + 53.12585) / 5").isEqualTo("90.62517");
    assertThat(r.get("videoQualityScore").asText()).isEqualTo("93.43503");
    assertThat(r.get("viewerExperienceScore").asText()).as("(99.12892 + 98.70912 + 76.17956 + 2 x 50) / 8")
        .isEqualTo("46.7522");
    // q-ebvs alone: the views started in the 20 s around its start
    List<JsonNode> only = rows("/api/data/views/query?metrics=quality&from=" + T0.plusSeconds(230).toEpochMilli()
        + "&to=" + T0.plusSeconds(250).toEpochMilli());
    assertThat(only).hasSize(1);
    JsonNode ebvs = only.get(0);
    assertThat(ebvs.get("viewCount").asLong()).isEqualTo(1);
    assertThat(ebvs.get("exitsBeforeStart").asText()).isEqualTo("1.0");
    assertThat(ebvs.has("startupTimeScore")).as("no first frame: no startup, smoothness or quality score").isFalse();
    assertThat(ebvs.has("smoothnessScore")).isFalse();
    assertThat(ebvs.get("viewerExperienceScore").asText()).isEqualTo("50.0");
  }

  @Test
  void failuresSplitIntoStartFailuresPlaybackFailuresAndExitsWithNonFatalErrorsApart() {
    JsonNode r = rows("/api/data/views/query?metrics=quality").get(0);
    assertThat(r.get("viewCount").asLong()).isEqualTo(8);
    assertThat(r.get("playbackFailureRate").asText()).as("3 of 8").isEqualTo("0.375");
    assertThat(r.get("videoStartupFailureRate").asText()).as("1 of 8").isEqualTo("0.125");
    assertThat(r.get("exitsBeforeStart").asText()).as("2 of 8, the one with a warning too").isEqualTo("0.25");
    assertThat(r.get("nonFatalErrorRate").asText()).as("2 of 8").isEqualTo("0.25");
    assertThat(r.get("nonFatalErrorCount").asLong()).isEqualTo(3);
    assertThat(r.get("nonFatalErrorCount").isIntegralNumber()).isTrue();
    assertThat(r.get("errorRate").asText()).as("Livepeer's: any error, fatal or not: 4 of 8").isEqualTo("0.5");
  }

  @Test
  void rebuffersAreCountedPerMinuteOfWatchTimeAndTimedPerViewBesideTheRatio() {
    JsonNode r = rows("/api/data/views/query?metrics=quality").get(0);
    // playing 38,000 ms in all, rebuffering 1,500 ms (q-rebuffer's stall and wait; startup waits do not count)
    assertThat(r.get("rebufferRatio").asText()).as("1,500 / 39,500").isEqualTo("0.03797468");
    assertThat(r.get("rebufferCount").asLong()).isEqualTo(2);
    assertThat(r.get("rebufferFrequency").asText()).as("2 per 39.5 s of watch time, per minute").isEqualTo("3.037975");
    assertThat(r.get("rebufferDurationMs").asText()).as("1,500 ms over 8 views").isEqualTo("187.5");
    assertThat(r.get("seekLatencyMs").asText()).as("400 and 600 ms").isEqualTo("500.0");
  }

  @Test
  void theQualityMetricsBreakDownLikeEveryOther() {
    List<JsonNode> rows = rows("/api/data/views/query?metrics=quality&breakdownBy[]=playbackId");
    assertThat(rows).extracting(n -> n.get("playbackId").asText() + " " + n.get("viewCount").asLong() + " "
        + n.get("playbackFailureRate").asText() + " " + n.get("videoStartupFailureRate").asText() + " "
        + n.get("nonFatalErrorCount").asLong() + " " + n.get("exitsBeforeStart").asText())
        .containsExactly("pbQ 4 0.5 0.25 0 0.0", "pbR 4 0.25 0.0 3 0.5");
  }

  @Test
  void withoutMetricsQualityTheAnswerIsLivepeersAlone() {
    JsonNode r = rows("/api/data/views/query").get(0);
    assertThat(r.has("playbackFailureRate")).isFalse();
    assertThat(r.has("nonFatalErrorCount")).isFalse();
    assertThat(r.get("exitsBeforeStart").asText()).isEqualTo("0.25");
    assertThat(rows("/api/data/views/query?metrics=livepeer").get(0).has("playbackFailureRate")).isFalse();
  }

  @Test
  void anUnknownMetricsValueIsRefusedWithWhatIsAllowed() {
    Http.Response r = s.query("/api/data/views/query?metrics=everything");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid metrics: everything (expected livepeer or quality)");
  }
}
