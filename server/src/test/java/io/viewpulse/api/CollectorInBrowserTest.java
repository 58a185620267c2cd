package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MediaServer;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.NpmDeps;
import io.viewpulse.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Viewpulse collector in real headless Chromium, playing real video from a local media server, reporting to a
 * real Viewpulse; every scenario is checked through the query API. Screenshots land in target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectorInBrowserTest {
  private TestServer vp;
  private MediaServer media;
  private Chromium chromium;

  @BeforeAll
  void start() {
    Path deps = NpmDeps.install("browser", "hls.js/dist/hls.min.js", List.of("package.json", "package-lock.json"));
    vp = new TestServer(TestServer.newTempDir(), MutableClock.real(), true, "dbip", "none", List.of("127.0.0.1/32"));
    media = new MediaServer(deps, null);
    chromium = new Chromium(null);
  }

  @AfterAll
  void stop() {
    chromium.close();
    media.close();
    vp.close();
  }

  private Chromium.Tab play(String playbackId, String src, String extra) {
    vp.asset(playbackId);
    String url = media.base() + "/pages/player.html?vp=" + enc("http://127.0.0.1:" + vp.vp.port()) + "&src="
        + enc(src) + "&pb=" + playbackId + extra;
    return chromium.open(url);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void waitDone(Chromium.Tab t) {
    t.page().waitForFunction("window.state && window.state.done", null,
        new Page.WaitForFunctionOptions().setTimeout(60_000));
  }

  /** Leaves the page (pagehide sends the last beacon) and reads the view once Viewpulse has it ended. */
  private JsonNode leaveAndRead(Chromium.Tab t, String playbackId) {
    t.page().navigate("about:blank");
    awaitEnded(playbackId);
    JsonNode rows = vp.query("/api/data/views/query?playbackId=" + playbackId + "&breakdownBy[]=browser"
        + "&breakdownBy[]=os&breakdownBy[]=deviceType&metrics=quality").json();
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  /** Waits until the session has reported and ended (it no longer counts as watching now). */
  private void awaitEnded(String playbackId) {
    until("/api/data/views/query/total/" + playbackId, total -> total.get("viewCount").asLong() == 1
        && nowCount(playbackId) == 0);
  }

  private long nowCount(String playbackId) {
    JsonNode now = vp.query("/api/data/views/now?playbackId=" + playbackId).json();
    return now.get(0).get("viewCount").asLong();
  }

  private JsonNode until(String query, Predicate<JsonNode> ready) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = vp.query(query).json();
      if (ready.test(last)) {
        return last;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("not reached in 30 s; last answer " + last);
  }

  private static double num(Chromium.Tab t, String expr) {
    return ((Number) t.page().evaluate(expr)).doubleValue();
  }

  @Test
  void normalPlaybackIsOneViewWithItsPlayingTime() {
    Chromium.Tab t = play("br-normal", media.base() + "/media/clip.mp4", "&playFor=4");
    waitDone(t);
    double played = num(t, "state.pausedAt");
    t.screenshot("collector-normal-playback");
    assertThat(t.errors()).isEmpty();
    JsonNode v = leaveAndRead(t, "br-normal");
    assertThat(v.get("viewCount").asLong()).isEqualTo(1);
    assertThat(v.get("playtimeMins").asDouble() * 60_000).isCloseTo(played * 1000, within(400.0));
    assertThat(v.get("ttffMs").asDouble()).isGreaterThan(0).isLessThan(3000);
    assertThat(v.get("errorRate").asDouble()).isZero();
    assertThat(v.get("exitsBeforeStart").asDouble()).isZero();
    assertThat(v.get("playbackFailureRate").asDouble()).isZero();
    assertThat(v.get("nonFatalErrorCount").asLong()).isZero();
  }

  @Test
  void theCollectorSendsItsCustomDimensionsAndCdn() {
    vp.vp.catalog().declareDimension(vp.accountId, "experiment");
    Chromium.Tab t = play("br-custom", media.base() + "/media/clip.mp4", "&playFor=2&cdn=akamai&custom="
        + enc("{\"experiment\":\"B\",\"color\":{\"nested\":1}}"));
    waitDone(t);
    assertThat(t.errors()).isEmpty();
    t.page().navigate("about:blank");
    awaitEnded("br-custom");
    JsonNode rows = vp.query("/api/data/views/query?playbackId=br-custom&breakdownBy[]=custom.experiment"
        + "&breakdownBy[]=cdn").json();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("custom.experiment").asText() + " " + rows.get(0).get("cdn").asText() + " "
        + rows.get(0).get("viewCount").asLong()).as("an object value is not sent").isEqualTo("B akamai 1");
  }

  @Test
  void theVideosScalingAndFramesAreWhatThePageShowed() {
    Chromium.Tab t = play("br-video", media.base() + "/media/clip.mp4", "&playFor=3");
    waitDone(t);
    @SuppressWarnings("unchecked")
    List<Number> page = (List<Number>) t.page().evaluate("(() => { const v = document.getElementById('v');"
        + " const q = v.getVideoPlaybackQuality(); return [v.videoWidth, v.videoHeight, v.clientWidth,"
        + " v.clientHeight, q.droppedVideoFrames, q.totalVideoFrames]; })()");
    double factor = Math.min(page.get(2).doubleValue() / page.get(0).doubleValue(),
        page.get(3).doubleValue() / page.get(1).doubleValue());
    JsonNode v = leaveAndRead(t, "br-video");
    assertThat(page.get(5).longValue()).as("the page decoded frames").isPositive();
    // one size all along: the mean scaling over the playing time is the page's own
    assertThat(v.get("upscalePercentage").asDouble()).isCloseTo(Math.max(0, factor - 1), within(1e-6));
    assertThat(v.get("downscalePercentage").asDouble()).isCloseTo(Math.max(0, 1 - factor), within(1e-6));
    assertThat(v.get("droppedFrameCount").asLong()).isEqualTo(page.get(4).longValue());
    assertThat(v.get("droppedFrameRate").asDouble())
        .isCloseTo(page.get(4).doubleValue() / page.get(5).doubleValue(), within(1e-6));
    assertThat(v.get("renditionSwitchUpCount").asLong() + v.get("renditionSwitchDownCount").asLong())
        .as("one rendition").isZero();
    assertThat(v.has("averageBitrateBps")).as("native playback of a file tells no bitrate").isFalse();
  }

  @Test
  void aSeekIsTimedFromSeekingToPlayingAgain() {
    Chromium.Tab t = play("br-seek", media.base() + "/media/clip.mp4", "&seekAt=1&seekTo=6&playFor=8");
    waitDone(t);
    double pageSeekMs = num(t, "state.seekMs");
    JsonNode v = leaveAndRead(t, "br-seek");
    assertThat(t.beacons()).anyMatch(b -> b.contains("\"type\":\"seek\"") && b.contains("\"latency_ms\""));
    assertThat(v.get("seekLatencyMs").asDouble()).as("one seek, as the page timed it")
        .isCloseTo(pageSeekMs, within(150.0));
    assertThat(v.get("rebufferCount").asLong()).as("the seek's wait is not a rebuffer").isZero();
  }

  @Test
  void chromiumOnLinuxIsADesktopBrowser() {
    // native HLS (Chromium has it) and the ES module build of the collector
    Chromium.Tab t = play("br-dims", media.base() + "/media/hls/index.m3u8", "&playFor=1&build=module");
    waitDone(t);
    t.screenshot("collector-module-build");
    JsonNode v = leaveAndRead(t, "br-dims");
    assertThat(v.get("browser").asText()).isEqualTo("Chrome");
    assertThat(v.get("os").asText()).isEqualTo("Linux");
    assertThat(v.get("deviceType").asText()).isEqualTo("desktop");
  }

  @Test
  void aSourceThatFailsIsAnErrorNotAnExitBeforeStart() {
    Chromium.Tab t = play("br-error", media.base() + "/media/missing.mp4", "");
    waitDone(t);
    t.screenshot("collector-failed-source");
    JsonNode v = leaveAndRead(t, "br-error");
    assertThat(v.get("viewCount").asLong()).isEqualTo(1);
    assertThat(v.get("errorRate").asDouble()).isEqualTo(1.0);
    assertThat(v.get("exitsBeforeStart").asDouble()).isZero();
    // the video element's error stops playback: a fatal error, before any frame
    assertThat(v.get("playbackFailureRate").asDouble()).isEqualTo(1.0);
    assertThat(v.get("videoStartupFailureRate").asDouble()).isEqualTo(1.0);
  }

  @Test
  void closingThePageBeforeTheFirstFrameIsAnExitBeforeStart() {
    media.delay("never.mp4", MediaServer.HANG);
    Chromium.Tab t = play("br-exit", media.base() + "/media/never.mp4", "");
    t.page().waitForFunction("document.getElementById('v').paused === false", null,
        new Page.WaitForFunctionOptions().setTimeout(30_000));
    t.screenshot("collector-exit-before-start");
    JsonNode v = leaveAndRead(t, "br-exit");
    assertThat(v.get("viewCount").asLong()).isEqualTo(1);
    assertThat(v.get("exitsBeforeStart").asDouble()).as(v + "\n" + String.join("\n", t.beacons())).isEqualTo(1.0);
    assertThat(v.get("errorRate").asDouble()).isZero();
    assertThat(v.get("playbackFailureRate").asDouble()).isZero();
    assertThat(v.get("playtimeMins").asDouble()).isZero();
  }

  @Test
  void aStallingMediaServerShowsAsRebuffering() {
    media.delay("seg3.ts", 3500);
    Chromium.Tab t = play("br-stall", media.base() + "/media/hls/index.m3u8", "&mode=hls&playFor=9");
    waitDone(t);
    double stallMs = num(t, "state.stallMs");
    double played = num(t, "state.pausedAt");
    t.screenshot("collector-stalling-server");
    assertThat(t.errors()).isEmpty();
    JsonNode v = leaveAndRead(t, "br-stall");
    double rebufferMs = v.get("rebufferRatio").asDouble() * (v.get("playtimeMins").asDouble() * 60_000)
        / (1 - v.get("rebufferRatio").asDouble());
    assertThat(stallMs).as("the page saw the stall").isGreaterThan(1000).isLessThan(3600);
    assertThat(rebufferMs).as("Viewpulse's rebuffer time").isCloseTo(stallMs, within(400.0));
    assertThat(v.get("playtimeMins").asDouble() * 60_000).isCloseTo(played * 1000, within(500.0));
  }

  @Test
  void hlsJsPlaysALiveStreamReportedAsLive() {
    vp.stream("br-live", "event");
    String url = media.base() + "/pages/player.html?vp=" + enc("http://127.0.0.1:" + vp.vp.port()) + "&src="
        + enc(media.base() + "/media/hls/index.m3u8") + "&pb=br-live&mode=hls&live=1&playFor=3";
    Chromium.Tab t = chromium.open(url);
    waitDone(t);
    t.screenshot("collector-hlsjs-live");
    assertThat(t.errors()).isEmpty();
    t.page().navigate("about:blank");
    awaitEnded("br-live");
    JsonNode v = vp.query("/api/data/views/query?playbackId=br-live").json().get(0);
    assertThat(v.get("playtimeMins").asDouble() * 60).isCloseTo(3.0, within(0.6));
    // its minutes close a little after they end: move the server's clock on and read the live statistics
    vp.clock.advance(Duration.ofMinutes(3));
    vp.flush();
    String id = vp.vp.catalog().byPlaybackId("br-live").orElseThrow().id();
    JsonNode series = vp.http.getWithKey("/api/v4/monitoring/stream_stats_enhanced/" + id + "/series", vp.secretKey)
        .json();
    double served = 0;
    for (JsonNode m : series.get("items")) {
      served += m.at("/stats/concurrent/total_time").asDouble() + m.at("/stats/new/total_time").asDouble();
      assertThat(m.at("/stats/type").asText()).isEqualTo("event");
    }
    assertThat(served).isCloseTo(v.get("playtimeMins").asDouble() * 60, within(0.01));
  }

  @Test
  void insideAnIframeTheBeaconsNameTheEmbeddingPage() {
    vp.asset("br-frame");
    String query = "?vp=" + enc("http://127.0.0.1:" + vp.vp.port()) + "&src=" + enc(media.base() + "/media/clip.mp4")
        + "&pb=br-frame&playFor=1";
    Chromium.Tab t = chromium.open(media.base() + "/pages/frame.html" + query);
    t.page().frames().get(1).waitForFunction("window.state && window.state.done", null,
        new com.microsoft.playwright.Frame.WaitForFunctionOptions().setTimeout(60_000));
    t.screenshot("collector-in-iframe");
    t.page().navigate("about:blank");
    awaitEnded("br-frame");
    assertThat(t.beacons()).isNotEmpty().allMatch(b -> b.contains("\"path\":\"/pages/frame.html\""));
    assertThat(t.errors()).isEmpty();
  }

  @Test
  void anUnreachableViewpulseCostsThePageNothing() {
    Chromium.Tab t = play("br-down", media.base() + "/media/clip.mp4",
        "&playFor=3&endpoint=" + enc("http://127.0.0.1:9/analytics/log"));
    waitDone(t);
    t.screenshot("collector-unreachable-server");
    assertThat(num(t, "state.pausedAt")).isGreaterThanOrEqualTo(3.0);
    assertThat(t.page().evaluate("state.collectorErrors.length")).isEqualTo(0);
    assertThat(t.errors()).as("only the failed requests themselves")
        .allMatch(e -> e.startsWith("Failed to load resource") || e.contains("127.0.0.1:9"));
    assertThat(vp.query("/api/data/views/query/total/br-down").json().get("viewCount").asLong()).isZero();
  }

  @Test
  void theCollectorIsServedAsScriptAndModule() {
    Http.Response script = vp.http.get("/collector.js");
    assertThat(script.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(script.body()).contains("window.Viewpulse = vp;");
    Http.Response module = vp.http.get("/collector.mjs");
    assertThat(module.body()).contains("export const addMediaMetrics");
    assertThat(module.header("Access-Control-Allow-Origin")).isEqualTo("*");
  }
}
