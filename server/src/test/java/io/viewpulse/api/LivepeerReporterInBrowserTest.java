package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.MediaServer;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.NpmDeps;
import io.viewpulse.testing.TestCerts;
import io.viewpulse.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seed's snippet with Livepeer's unmodified {@code @livepeer/core-web} 5.2.6 (bundled by esbuild; the seed's
 * import path {@code @livepeer/core-web/media/browser} is an alias of today's {@code @livepeer/core-web/browser}),
 * in real Chromium, with Livepeer's host names resolved to local servers as a deployment would do with DNS:
 * {@code playback.livepeer.studio} to Viewpulse over TLS, {@code livepeercdn.studio} to the media server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LivepeerReporterInBrowserTest {
  static final String PLAYBACK_ID = "bd600224-d93a-4ddc-a6ac-2d71e3c36768";
  private TestServer vp;
  private MediaServer cdn;
  private MediaServer pages;
  private Chromium chromium;

  @BeforeAll
  void start() throws Exception {
    Path deps = NpmDeps.install("browser", "@livepeer/core-web/package.json",
        List.of("package.json", "package-lock.json", "livepeer-seed.js"));
    Process esbuild = new ProcessBuilder(deps.resolve("node_modules/.bin/esbuild").toString(), "livepeer-seed.js",
        "--bundle", "--format=iife", "--alias:@livepeer/core-web/media/browser=@livepeer/core-web/browser",
        "--outfile=livepeer-seed.bundle.js").directory(deps.toFile()).redirectErrorStream(true).start();
    String log = new String(esbuild.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(esbuild.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(esbuild.exitValue()).as(log).isZero();

    Path keystore = TestCerts.keystore("playback.livepeer.studio", "livepeercdn.studio");
    vp = new TestServer(MutableClock.real(), c -> c.withTls(keystore, TestCerts.PASSWORD));
    vp.asset(PLAYBACK_ID);
    cdn = new MediaServer(null, keystore);
    pages = new MediaServer(deps, null);
    chromium = new Chromium("MAP playback.livepeer.studio 127.0.0.1:" + vp.vp.port()
        + ", MAP livepeercdn.studio 127.0.0.1:" + cdn.port());
  }

  @AfterAll
  void stop() {
    chromium.close();
    pages.close();
    cdn.close();
    vp.close();
  }

  @Test
  void theSeedsSnippetRegistersAViewInViewpulse() throws Exception {
    Chromium.Tab t = chromium.open(pages.base() + "/pages/livepeer.html?playFor=6");
    t.page().waitForFunction("window.state && window.state.done", null,
        new Page.WaitForFunctionOptions().setTimeout(60_000));
    double played = ((Number) t.page().evaluate("state.pausedAt")).doubleValue();
    // let a heartbeat go out the normal way (every 5 s) before leaving the page
    t.page().waitForTimeout(5_500);
    t.screenshot("livepeer-core-web-snippet");
    assertThat(t.errors()).isEmpty();
    t.page().navigate("about:blank");

    // wait until the view has arrived and ended (the page's last beacon), then read it
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    boolean ended = false;
    while (!ended && System.nanoTime() < deadline) {
      ended = vp.query("/api/data/views/query/total/" + PLAYBACK_ID).json().get("viewCount").asLong() == 1
          && vp.query("/api/data/views/now").json().get(0).get("viewCount").asLong() == 0;
      if (!ended) {
        Thread.sleep(250);
      }
    }
    assertThat(ended).as("a view arrived and ended").isTrue();
    JsonNode v = vp.query("/api/data/views/query?breakdownBy[]=playbackId&breakdownBy[]=browser").json().get(0);
    assertThat(v.get("playbackId").asText()).isEqualTo(PLAYBACK_ID);
    assertThat(v.get("viewCount").asLong()).isEqualTo(1);
    // Livepeer's reporter counts the startup as playing time, hence the wider tolerance
    assertThat(v.get("playtimeMins").asDouble() * 60).isCloseTo(played, within(1.0));
    assertThat(v.get("ttffMs").asDouble()).isGreaterThan(0).isLessThan(5000);
    assertThat(v.get("errorRate").asDouble()).isZero();
    assertThat(v.get("browser").asText()).isEqualTo("Chrome");
  }
}
