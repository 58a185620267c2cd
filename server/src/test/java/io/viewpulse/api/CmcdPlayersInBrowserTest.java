package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.MediaServer;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.NpmDeps;
import io.viewpulse.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * dash.js 5.2.1, hls.js 1.7.4 and Shaka Player 5.2.12, unmodified from npm, in real Chromium, each told nothing but
 * Viewpulse's CMCD URL as its CMCD v2 event target (and which events to send). They play locally made media (DASH,
 * HLS in MPEG-TS, HLS in CMAF; tools/make-test-media.sh) from a media server that holds one video segment back, so
 * each stalls once. The view Viewpulse registers has the playing time, startup time and stall time the page itself
 * measured from its video element's events, within what the players' own timing allows. The reports each player sent
 * are written to target/cmcd-reports for a person to read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CmcdPlayersInBrowserTest {
  /** How long the media server holds the segment back: playback reaches it about 6 s in, so about 2 s of stall. */
  private static final long HOLD_MS = 8_000;
  /**
   * How far the view may be from the page's own measurement: the page and the player see the video element's events
   * at slightly different moments, and a player's startup begins when it begins (dash.js and hls.js report starting
   * as they set up, the page counts from its load call).
   */
  private static final double TOLERANCE_MS = 500;
  private TestServer vp;
  private MediaServer media;
  private Chromium chromium;

  @BeforeAll
  void start() {
    Path deps = NpmDeps.install("cmcd-players", "shaka-player/package.json",
        List.of("package.json", "package-lock.json"));
    vp = new TestServer(MutableClock.real(), c -> c);
    vp.asset("cmcd-dash");
    vp.asset("cmcd-hls");
    vp.asset("cmcd-shaka");
    vp.asset("cmcd-shaka-release");
    media = new MediaServer(deps, null);
    chromium = new Chromium(null);
  }

  @AfterAll
  void stop() {
    chromium.close();
    media.close();
    vp.close();
  }

  @Test
  void dashJsPlayingDashRegistersAViewWithItsPlaytimeStartupAndStall() throws Exception {
    Watched w = watch("dashjs", "", "/media/cmaf/manifest.mpd", "cmcd-dash", "chunk-0-00004.m4s",
        "chunk-1-00004.m4s");
    w.matchesThePage();
  }

  @Test
  void hlsJsPlayingHlsRegistersAViewWithItsPlaytimeStartupAndStall() throws Exception {
    Watched w = watch("hlsjs", "", "/media/hls/index.m3u8", "cmcd-hls", "seg3.ts");
    w.matchesThePage();
  }

  @Test
  void shakasDebugBuildPlayingCmafHlsRegistersAViewWithItsPlaytimeStartupAndStall() throws Exception {
    Watched w = watch("shaka", "&build=debug", "/media/cmaf/master.m3u8", "cmcd-shaka", "chunk-0-00004.m4s",
        "chunk-1-00004.m4s");
    w.matchesThePage();
  }

  /**
   * Shaka Player 5.2.12's release build (shaka-player.compiled.js) never reports a play state: Closure Compiler renamed
   * the {@code sta} key of the object its CMCD manager hands to the reporter ({@code update({sta: ...})} became
   * {@code {Gm: ...}}), so the reporter, which looks for the field by its name, never sees a state change. It sends the
   * time-interval reports ({@code e=t}) without {@code sta}, which Viewpulse takes (200) but which tell no view.
   */
  @Test
  void shakasReleaseBuildSendsNoPlayStateSoItsReportsTellNoView() throws Exception {
    String collector = "http://127.0.0.1:" + vp.vp.port() + "/analytics/cmcd?playbackId=cmcd-shaka-release";
    Chromium.Tab t = chromium.open("about:blank");
    List<String> reports = new CopyOnWriteArrayList<>();
    List<Integer> statuses = new CopyOnWriteArrayList<>();
    t.page().onRequest(r -> {
      if (r.url().contains("/analytics/cmcd") && r.method().equals("POST")) {
        reports.add(r.postData());
      }
    });
    t.page().onResponse(r -> {
      if (r.url().contains("/analytics/cmcd") && r.request().method().equals("POST")) {
        statuses.add(r.status());
      }
    });
    t.page().navigate(media.base() + "/pages/cmcd.html?player=shaka&src="
        + URLEncoder.encode(media.base() + "/media/cmaf/master.m3u8", StandardCharsets.UTF_8) + "&collector="
        + URLEncoder.encode(collector, StandardCharsets.UTF_8));
    try {
      t.page().waitForFunction("window.state && (window.state.ended || window.state.errors.length > 0)", null,
          new Page.WaitForFunctionOptions().setTimeout(90_000));
      t.page().waitForTimeout(1_000);
      Files.createDirectories(Path.of("target", "cmcd-reports"));
      Files.writeString(Path.of("target", "cmcd-reports", "shaka-release.txt"), String.join("\n", reports) + "\n");
      assertThat(reports).as("the release build played: it sent its first time-interval report").isNotEmpty();
      assertThat(reports).allSatisfy(r -> assertThat(r).startsWith("e=t,").doesNotContain("sta="));
      assertThat(statuses).containsOnly(200);
      assertThat(vp.query("/api/data/views/query/total/cmcd-shaka-release").json().get("viewCount").asLong())
          .isZero();
    } finally {
      t.page().close();
    }
  }

  /** What the page measured, what the player sent, and the view Viewpulse registered. */
  private record Watched(String player, JsonNode page, List<String> reports, JsonNode view) {
    /** The view has the playing, startup and stall time the page measured, within the players' own timing. */
    void matchesThePage() {
      double pagePlayingMs = page.get("playingMs").asDouble();
      double pageTtffMs = page.get("firstPlayingAt").asDouble() - page.get("loadAt").asDouble();
      double pageStallMs = page.get("stallMs").asDouble();
      double playingMs = view.get("playtimeMins").asDouble() * 60_000;
      double ratio = view.get("rebufferRatio").asDouble();
      double rebufferMs = ratio * playingMs / (1 - ratio);
      assertThat(page.get("stalls").asInt()).as("the held segment made the player stall once").isEqualTo(1);
      assertThat(view.get("viewCount").asLong()).isEqualTo(1);
      assertThat(view.get("errorRate").asDouble()).isZero();
      assertThat(view.get("exitsBeforeStart").asDouble()).isZero();
      assertThat(view.get("browser").asText()).isEqualTo("Chrome");
      assertThat(playingMs).as("playing time").isCloseTo(pagePlayingMs, within(TOLERANCE_MS));
      assertThat(rebufferMs).as("stall time").isCloseTo(pageStallMs, within(TOLERANCE_MS));
      assertThat(view.get("ttffMs").asDouble()).as("startup time").isCloseTo(pageTtffMs, within(TOLERANCE_MS));
    }
  }

  private Watched watch(String player, String options, String src, String playbackId, String... held)
      throws Exception {
    for (String segment : held) {
      media.delay(segment, HOLD_MS);
    }
    String collector = "http://127.0.0.1:" + vp.vp.port() + "/analytics/cmcd?playbackId=" + playbackId;
    Chromium.Tab t = chromium.open("about:blank");
    List<String> reports = new CopyOnWriteArrayList<>();
    t.page().onRequest(r -> {
      if (r.url().contains("/analytics/cmcd") && r.method().equals("POST")) {
        reports.add(r.headers().getOrDefault("content-type", "?") + "\n" + r.postData());
      }
    });
    t.page().navigate(media.base() + "/pages/cmcd.html?player=" + player + options + "&src="
        + URLEncoder.encode(media.base() + src, StandardCharsets.UTF_8) + "&collector="
        + URLEncoder.encode(collector, StandardCharsets.UTF_8));
    try {
      t.page().waitForFunction("window.state && (window.state.ended || window.state.errors.length > 0)", null,
          new Page.WaitForFunctionOptions().setTimeout(90_000));
      JsonNode page = io.viewpulse.testing.Http.JSON.readTree((String) t.page().evaluate("JSON.stringify(window.state)"));
      Path out = Path.of("target", "cmcd-reports", player + ".txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, String.join("\n\n", reports) + "\n\npage: " + page + "\n");
      assertThat(page.get("errors").size()).as(page.toString()).isZero();
      // the ended report goes out as the video ends
      JsonNode view = endedView(playbackId);
      t.screenshot("cmcd-" + player);
      Files.writeString(out, "view: " + view + "\n", java.nio.file.StandardOpenOption.APPEND);
      return new Watched(player, page, reports, view);
    } finally {
      t.page().close();
      for (String segment : held) {
        media.delay(segment, 0);
      }
    }
  }

  /** The view of this video, once it arrived and ended (polls the API: the player's reports come when they come). */
  private JsonNode endedView(String playbackId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode total = vp.query("/api/data/views/query/total/" + playbackId).json();
      JsonNode now = vp.query("/api/data/views/now?playbackId=" + playbackId).json();
      if (total.get("viewCount").asLong() == 1 && now.get(0).get("viewCount").asLong() == 0) {
        return vp.query("/api/data/views/query?playbackId=" + playbackId + "&breakdownBy[]=browser").json().get(0);
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no ended view of " + playbackId + ": " + vp.query("/api/data/views/query?playbackId="
        + playbackId).body());
  }
}
