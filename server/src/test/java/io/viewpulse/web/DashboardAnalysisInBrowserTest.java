package io.viewpulse.web;

import static io.viewpulse.testing.DashboardPages.axe;
import static io.viewpulse.testing.DashboardPages.axeViolations;
import static io.viewpulse.testing.DashboardPages.chartData;
import static io.viewpulse.testing.DashboardPages.go;
import static io.viewpulse.testing.DashboardPages.scrollWidth;
import static io.viewpulse.testing.DashboardPages.signIn;
import static io.viewpulse.testing.DashboardPages.text;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.DashboardPages;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.QualitySessions;
import io.viewpulse.testing.TestServer;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard's analysis in real Chromium against a server with scripted views whose quality is known exactly (the
 * sessions of QualityMetricsApiTest, on 2026-03-02 between 10:00 and 10:08 UTC, from three browsers):
 *
 * <pre>
 * session        browser  what happens                                       scores, failures
 * q-played       Chrome   first frame (TTFF 200), plays 10 s, ends           experience 99.12892
 * q-startfail    Chrome   a fatal error before a frame                       startup failure, 0
 * q-playfail     Firefox  plays 5 s, then a fatal error                      playback failure, 0
 * q-fallback     Firefox  a recovered error, a warning, plays 5 s            non-fatal errors, 98.70912
 * q-ebvs         Safari   waits 3 s, the page closes before a frame          exit before start, 50
 * q-ebvs-warn    Safari   a warning, the page closes before a frame          exit before start, 50
 * q-unreported   Chrome   plays 5 s; a heartbeat counts an unsent error      playback failure, 0
 * q-rebuffer     Chrome   plays 13 s, 2 rebuffers of 1,500 ms, 2 seeks,      76.17956
 *                         bitrate and sizes (README: quality metrics)
 * </pre>
 *
 * and, for the other pages: a view of pbQ the day before, 12 views of pbV two days after, one view playing now.
 * Covered: the quality page, breakdowns with a metric and negative impact, sorting, CSV and PNG downloads, a video's
 * views page by page and their export, the videos list with figures, watching now, unfinished buckets, filtering by a
 * video. Every page is checked for console errors, contrast (light and dark), width on a phone, and with axe-core (no
 * serious or critical finding, light and dark).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardAnalysisInBrowserTest {
  private static final String DAY = "range=custom&from=2026-03-02&to=2026-03-02&step=hour";
  private TestServer s;
  private Chromium chromium;
  private String base;
  private io.viewpulse.model.Media video;

  @BeforeAll
  void script() {
    s = new TestServer();
    base = "http://127.0.0.1:" + s.vp.port();
    s.asset("pbQ");
    s.asset("pbR");
    String chrome = Beacons.CHROME_LINUX;
    String firefox = Beacons.FIREFOX_WINDOWS;
    QualitySessions.play(s, new QualitySessions.Browsers(chrome, firefox, Beacons.SAFARI_IPHONE));
    // the day before: one view of pbQ that played well (TTFF 200, 10 s), switching up twice
    Instant t = T0.minus(java.time.Duration.ofDays(1));
    ended(Beacons.session("y-played", "pbQ").userAgent(chrome).play(t)
        .heartbeat("y1", t.plusSeconds(10), 10_000, 0, 200, 0, 200L).with("rendition_up_count", 2)
        .ended(t.plusSeconds(10)), t.plusSeconds(10));
    // pbV, two days later: 12 views a minute apart, the i-th by viewer-i, playing i + 1 seconds (TTFF 100 + i) from
    // the start of the 20 s video
    video = s.asset("pbV");
    for (int i = 0; i < 12; i++) {
      Instant start = T0.plus(java.time.Duration.ofDays(2)).plusSeconds(60L * i);
      long play = 1000L * (i + 1);
      ended(Beacons.session("v-" + i, "pbV").uid("viewer-" + i).userAgent(i % 2 == 0 ? chrome : firefox).play(start)
          .heartbeat("v" + i, start.plusMillis(play), play, 0, 0, 0, 100L + i).with("duration_ms", 20_000)
          .with("position_ms", play).ended(start.plusMillis(play)),
          start.plusMillis(play));
    }
    Instant now = T0.plus(java.time.Duration.ofDays(2)).plusSeconds(3600);
    s.clock.set(now);
    // one view playing now (of pbQ, two days after its other views)
    ok(s.beacon(Beacons.session("now-1", "pbQ").userAgent(chrome).play(now.minusSeconds(20))
        .heartbeat("n1", now.minusSeconds(5), 15_000, 0, 0, 0, 150L).json(), "192.0.2.10"));
    s.flush();
    chromium = new Chromium(null);
  }

  private void ended(Beacons b, Instant at) {
    s.clock.set(at);
    ok(s.beacon(b.json(), "192.0.2.10"));
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    chromium.close();
    s.close();
  }

  private Chromium.Tab signedIn(String hash) {
    return DashboardPages.signedIn(chromium, s, null, hash);
  }

  private List<JsonNode> api(String query) {
    Http.Response r = s.query(query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().forEach(out::add);
    return out;
  }

  /**
   * The quality page: the experience score and its four components, the failures split and the playback figures,
   * each exactly as the API answers them (to a tenth, a percentage, a duration), and both charts hour by hour.
   */
  @Test
  void theQualityPageShowsTheScoresAndTheFailuresSplitAsNumbersAndOverTime() throws Exception {
    Chromium.Tab t = signedIn("#/quality?" + DAY);
    Page p = t.page();
    assertThat(p.title()).isEqualTo("Quality · Viewpulse");
    assertThat(p.locator("#scores .kpi .label").allTextContents()).containsExactly("Viewer experience",
        "Playback success", "Startup time", "Smoothness", "Video quality");
    // the API: 46.7522, 50.0, 97.56823, 90.62517, 93.43503
    assertThat(p.locator("#scores .value").allTextContents()).containsExactly("46.8", "50.0", "97.6", "90.6", "93.4");
    // the day before, one view: experience (0.25 x 97.56098 + 0.45 x 100) / 0.7 = 99.12892, no failure
    assertThat(text(p, "#scores [data-metric=viewerExperienceScore] + .delta")).as("46.7522 - 99.12892")
        .isEqualTo("▼ -52.4 pts vs previous period (worse)");
    assertThat(text(p, "#scores [data-metric=videoQualityScore] + .delta")).as("no sizes the day before")
        .isEqualTo("no previous data");
    assertThat(text(p, "#failures [data-metric=playbackFailureRate] + .delta"))
        .isEqualTo("▲ +37.50 pts vs previous period (worse)");
    assertThat(text(p, "#playback [data-metric=renditionSwitchUpCount] + .delta")).as("1 against 2: neither")
        .isEqualTo("▼ -50.0% vs previous period");
    assertThat(p.getAttribute("#playback [data-metric=renditionSwitchUpCount] + .delta", "class"))
        .isEqualTo("delta flat");
    assertThat(p.locator("#failures .kpi .label").allTextContents()).containsExactly("Playback failures",
        "Video startup failures", "Exits before start", "Non-fatal errors");
    assertThat(p.locator("#failures .value").allTextContents()).as("3, 1, 2 and 2 of 8")
        .containsExactly("37.5%", "12.5%", "25.0%", "25.0%");
    assertThat(p.locator("#playback .kpi .label").allTextContents()).containsExactly("Rebuffer ratio",
        "Rebuffer frequency", "Rebuffer time per view", "Rebuffers", "Seek latency", "Average bitrate",
        "Switches up", "Switches down", "Dropped frames", "Upscaling", "Downscaling");
    assertThat(p.locator("#playback .value").allTextContents()).containsExactly("3.80%", "3.04 per min", "188 ms",
        "2", "500 ms", "4.00 Mb/s", "1", "1", "1.43%", "15.4%", "19.2%");

    // the charts: 24 hours of the day, the views all in its 10:00 hour
    JsonNode hour = api("/api/data/views/query?metrics=quality&timeStep=hour&from=2026-03-02T00:00:00Z"
        + "&to=2026-03-03T00:00:00Z").get(0);
    assertThat(hour.get("timestamp").asLong()).isEqualTo(T0.toEpochMilli());
    String[] scores = {"viewerExperienceScore", "playbackSuccessScore", "startupTimeScore", "smoothnessScore",
        "videoQualityScore"};
    for (int i = 0; i < scores.length; i++) {
      List<Object> points = chartData(p, "scoreChart", i);
      assertThat(points).as(scores[i]).hasSize(24);
      assertThat(((Number) points.get(10)).doubleValue()).as(scores[i]).isEqualTo(hour.get(scores[i]).asDouble());
      points.remove(10);
      assertThat(points).as("no views in the other hours: no score").containsOnlyNulls();
    }
    List<Object> failures = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      failures.add(((Number) chartData(p, "failureChart", i).get(10)).doubleValue());
    }
    assertThat(failures).as("percent of views in the 10:00 hour").containsExactly(37.5, 12.5, 25.0, 25.0);
    assertThat(p.locator("details[data-for=failureChart] thead th").allTextContents()).containsExactly("Time",
        "Playback failures (%)", "Video startup failures (%)", "Exits before start (%)", "Non-fatal errors (%)");
    t.screenshot("dashboard-quality");

    // each chart downloads as a PNG (the canvas's size, on the card's colour) and its numbers as CSV
    var png = p.waitForDownload(() -> p.click("[data-exports-for=scoreChart] [data-png]"));
    assertThat(png.suggestedFilename()).isEqualTo("scores-over-time.png");
    byte[] image = Files.readAllBytes(png.path());
    assertThat(java.util.Arrays.copyOf(image, 8)).as("a PNG signature")
        .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    var header = java.nio.ByteBuffer.wrap(image, 16, 8);
    assertThat(List.of(header.getInt(), header.getInt())).as("width and height, as the canvas")
        .isEqualTo(List.of(((Number) p.evaluate("document.getElementById('scoreChart').width")).intValue(),
            ((Number) p.evaluate("document.getElementById('scoreChart').height")).intValue()));
    var table = p.waitForDownload(() -> p.click("[data-exports-for=failureChart] [data-csv]"));
    assertThat(table.suggestedFilename()).isEqualTo("failures-over-time.csv");
    List<String> rows = List.of(Files.readString(table.path()).split("\\r\\n", -1));
    assertThat(rows).hasSize(26);
    assertThat(rows.get(0)).isEqualTo("Time,Playback failures (%),Video startup failures (%),Exits before start (%),"
        + "Non-fatal errors (%)");
    assertThat(rows.get(1)).isEqualTo("03-02 00:00,,,,");
    assertThat(rows.get(11)).isEqualTo("03-02 10:00,37.5,12.5,25,25");
    assertThat(rows.get(25)).isEmpty();

    // a filter applies here too: Safari's two views exited before a frame
    go(p, "#/quality?" + DAY + "&f=browser:Safari");
    PlaywrightAssertions.assertThat(p.locator("#failures [data-metric=exitsBeforeStart]")).hasText("100.0%");
    assertThat(text(p, "#scores [data-metric=viewerExperienceScore]")).isEqualTo("50.0");
    assertThat(text(p, "#scores [data-metric=smoothnessScore]")).as("no view with a frame: none").isEqualTo("–");
    go(p, "#/quality?" + DAY + "&f=browser:Opera");
    assertThat(text(p, "#noMatch h2")).isEqualTo("Nothing matches these filters");
    assertThat(t.errors()).isEmpty();
  }

  private static List<String> column(Page p, String col) {
    return p.locator("#values tbody td" + (col == null ? ":first-child > :first-child" : "[data-col=" + col + "]")).allTextContents()
        .stream().map(String::strip).toList();
  }

  /**
   * A breakdown that analyses: the chosen metric by browser, each value's share of views and its negative impact on
   * the metric ((its figure - the overall one) x its share, worse above zero), ranked worst first; any column sorts.
   */
  @Test
  void aBreakdownRanksValuesByTheirNegativeImpactOnTheChosenMetricAndSortsAnyColumn() throws Exception {
    Chromium.Tab t = signedIn("#/breakdown/browser?" + DAY);
    Page p = t.page();
    p.selectOption("#metric", "playbackFailureRate");
    p.waitForURL("**/breakdown/browser/playbackFailureRate?**");
    p.waitForSelector("#values [data-col=negativeImpact], #values [data-col=impact]");
    assertThat(p.title()).isEqualTo("Breakdown by Browser · Viewpulse");
    // the API's figures behind the page
    var byBrowser = new java.util.TreeMap<String, Double>();
    api("/api/data/views/query?metrics=quality&breakdownBy[]=browser&from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z")
        .forEach(r -> byBrowser.put(r.get("browser").asText(), r.get("playbackFailureRate").asDouble()));
    assertThat(byBrowser).containsExactly(java.util.Map.entry("Chrome", 0.5), java.util.Map.entry("Firefox", 0.5),
        java.util.Map.entry("Safari", 0.0));
    assertThat(p.locator("#values thead th").allTextContents().stream().map(String::strip).toList())
        .containsExactly("Browser", "Views", "Share of views", "Playback failures", "Negative impact", "Watch time",
            "Unique viewers ≈", "Error rate", "Time to first frame (p50) ≈", "Time to first frame (p95) ≈",
            "Rebuffer ratio", "Exits before start");
    // overall 3 of 8 failed: Chrome (0.5 - 0.375) x 4/8, Firefox (0.5 - 0.375) x 2/8, Safari (0 - 0.375) x 2/8
    assertThat(column(p, null)).as("worst first").containsExactly("Chrome", "Firefox", "Safari");
    assertThat(column(p, "impact")).containsExactly("+6.25 pts", "+3.13 pts", "-9.38 pts");
    assertThat(column(p, "playbackFailureRate")).containsExactly("50.0%", "50.0%", "0.00%");
    assertThat(column(p, "share")).containsExactly("50.0%", "25.0%", "25.0%");
    assertThat(p.getAttribute("#values th:has([data-sort=impact])", "aria-sort")).isEqualTo("descending");
    assertThat(p.innerText("#values caption"))
        .contains("(the value's playback failures - the overall 37.5%) x its share of views; above zero it makes"
            + " the overall figure worse.");
    // the bar chart draws the chosen metric, in percent
    p.waitForFunction("() => window.Chart && Chart.getChart(document.getElementById('dimTime'))");
    assertThat(p.evaluate("() => { const c = Chart.getChart(document.getElementById('dimChart'));"
        + " return c.data.labels.map((l, i) => l + ' ' + c.data.datasets[0].data[i]).sort().join(', ')"
        + " + ' / ' + c.data.datasets[0].label; }"))
        .isEqualTo("Chrome 50, Firefox 50, Safari 0 / Playback failures (%)");
    t.screenshot("dashboard-breakdown-impact");

    // the table as CSV: the figures as the API gives them (fractions), in the table's order
    var download = p.waitForDownload(() -> p.click("#csv"));
    assertThat(download.suggestedFilename()).isEqualTo("breakdown-browser-playbackFailureRate.csv");
    String file = Files.readString(download.path());
    List<String> lines = List.of(file.split("\r\n", -1));
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).isEqualTo("browser,viewCount,shareOfViews,playbackFailureRate,negativeImpact,"
        + "playtimeMins,uniqueViewers,errorRate,ttffP50Ms,ttffP95Ms,rebufferRatio,exitsBeforeStart");
    assertThat(lines.subList(1, 4).stream().map(l -> String.join(",", List.of(l.split(",")).subList(0, 5))))
        .containsExactly("Chrome,4,0.5,0.5,0.0625", "Firefox,2,0.25,0.5,0.03125", "Safari,2,0.25,0,-0.09375");
    assertThat(lines.get(4)).as("CRLF after the last line too").isEmpty();

    // a score: higher is better, so a value below the overall one makes it worse
    go(p, "#/breakdown/browser/viewerExperienceScore?" + DAY);
    // Chrome (99.12892 + 0 + 0 + 76.17956) / 4, Firefox (0 + 98.70912) / 2, Safari 50; overall 46.7522
    assertThat(column(p, null)).containsExactly("Chrome", "Firefox", "Safari");
    assertThat(column(p, "viewerExperienceScore")).containsExactly("43.8", "49.4", "50.0");
    assertThat(column(p, "impact")).as("(46.7522 - 43.82712) x 0.5, (46.7522 - 49.35456) x 0.25, (46.7522 - 50) x 0.25")
        .containsExactly("+1.46 pts", "-0.65 pts", "-0.81 pts");
    // sorting: the score from the highest, then turned around; names from A, then from Z
    p.click("#values [data-sort=viewerExperienceScore]");
    assertThat(column(p, null)).containsExactly("Safari", "Firefox", "Chrome");
    assertThat(p.getAttribute("#values th:has([data-sort=viewerExperienceScore])", "aria-sort"))
        .isEqualTo("descending");
    assertThat(p.evaluate("document.activeElement.dataset.sort")).as("focus stays on the column's button")
        .isEqualTo("viewerExperienceScore");
    p.click("#values [data-sort=viewerExperienceScore]");
    assertThat(column(p, null)).containsExactly("Chrome", "Firefox", "Safari");
    assertThat(p.getAttribute("#values th:has([data-sort=viewerExperienceScore])", "aria-sort"))
        .isEqualTo("ascending");
    p.click("#values [data-sort=name]");
    assertThat(column(p, null)).containsExactly("Chrome", "Firefox", "Safari");
    p.click("#values [data-sort=name]");
    assertThat(column(p, null)).containsExactly("Safari", "Firefox", "Chrome");
    p.click("#values [data-sort=ttffP50Ms]");
    assertThat(column(p, "ttffP50Ms")).as("Safari's views had no first frame: last").endsWith("–");
    assertThat(p.locator("#values [data-sort=impact]").count()).isEqualTo(1);

    // a metric that some values do not have: theirs reads "–", with no impact, ranked last
    go(p, "#/breakdown/browser/rebufferRatio?" + DAY);
    // Chrome 1,500 ms of 29,500, Firefox none; overall 1,500 of 39,500
    assertThat(column(p, null)).containsExactly("Chrome", "Firefox", "Safari");
    assertThat(column(p, "rebufferRatio")).containsExactly("5.08%", "0.00%", "–");
    assertThat(column(p, "impact")).containsExactly("+0.64 pts", "-0.95 pts", "–");

    // videos by name: pbQ failed 2 of 4 (q-startfail, q-playfail), pbR 1 of 4 (q-unreported)
    go(p, "#/breakdown/playbackId/playbackFailureRate?" + DAY);
    assertThat(column(p, null)).containsExactly("video pbQ", "video pbR");
    assertThat(column(p, "impact")).containsExactly("+6.25 pts", "-6.25 pts");
    assertThat(p.evaluate("Chart.getChart(document.getElementById('dimChart')).data.labels.join(', ')"))
        .isEqualTo("video pbQ, video pbR");

    // views alone: no impact column, the biggest first; a value still filters every page
    go(p, "#/breakdown/browser?" + DAY);
    assertThat(p.locator("#values [data-sort=impact]").count()).isZero();
    assertThat(column(p, "viewCount")).containsExactly("4", "2", "2");
    p.click("[data-filter='browser:Chrome']");
    PlaywrightAssertions.assertThat(p.locator(".chip")).containsText("Browser = Chrome");
    assertThat(t.errors()).isEmpty();
  }

  /**
   * "Is not": a breakdown's value excluded from the page it is on (the table and the API's answer without it), a filter
   * built by hand with the builder, and keeping a value after excluding it replaces the exclusion.
   */
  @Test
  void aBreakdownValueCanBeExcludedWhereItIsAndAFilterBuiltByHand() {
    Chromium.Tab t = signedIn("#/breakdown/browser?" + DAY);
    Page p = t.page();
    assertThat(column(p, null)).containsExactly("Chrome", "Firefox", "Safari");
    p.click("[data-exclude='!browser:Chrome']");
    p.waitForURL("**/breakdown/browser?**");
    p.waitForFunction("() => !document.querySelector(\"[data-filter='browser:Chrome']\")"
        + " && !document.getElementById('main').hasAttribute('aria-busy')");
    assertThat(p.url()).contains("f=%21browser%3AChrome");
    PlaywrightAssertions.assertThat(p.locator(".chip")).hasText(java.util.regex.Pattern.compile(
        "^Browser is not Chrome"));
    // the API with the same filter: Firefox 2 and Safari 2 of the day's 8 views
    var views = new java.util.TreeMap<String, Long>();
    api("/api/data/views/query?breakdownBy[]=browser&filters[]=!browser:Chrome"
        + "&from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z")
        .forEach(r -> views.put(r.get("browser").asText(), r.get("viewCount").asLong()));
    assertThat(views).containsExactly(java.util.Map.entry("Firefox", 2L), java.util.Map.entry("Safari", 2L));
    assertThat(column(p, null)).containsExactly("Firefox", "Safari");
    assertThat(column(p, "viewCount")).containsExactly("2", "2");

    // the builder: OS is not iOS (the Safari views are the iPhone's), on top of the first
    p.click("#builder summary");
    p.selectOption("#filterDim", "os");
    p.selectOption("#filterOp", "!");
    p.fill("#filterValue", "iOS");
    p.click("#addFilter button[type=submit]");
    p.waitForFunction("() => document.querySelectorAll('.chip').length === 2"
        + " && !document.getElementById('main').hasAttribute('aria-busy')");
    assertThat(p.locator(".chip").allTextContents().stream().map(c -> c.replace("×", "").strip()).toList())
        .containsExactly("Browser is not Chrome", "OS is not iOS");
    assertThat(column(p, null)).containsExactly("Firefox");
    assertThat(column(p, "viewCount")).containsExactly("2");
    assertThat(p.isVisible("#addFilter")).as("the builder closes once it added its filter").isFalse();

    // keeping a value replaces its exclusion: Browser = Firefox instead of nothing
    p.click("#builder summary");
    p.selectOption("#filterDim", "browser");
    p.selectOption("#filterOp", "");
    p.fill("#filterValue", "Chrome");
    p.click("#addFilter button[type=submit]");
    p.waitForFunction("() => [...document.querySelectorAll('.chip')].some(c => c.textContent.startsWith('Browser = '))"
        + " && !document.getElementById('main').hasAttribute('aria-busy')");
    assertThat(p.locator(".chip").allTextContents().stream().map(c -> c.replace("×", "").strip()).toList())
        .containsExactly("OS is not iOS", "Browser = Chrome");
    assertThat(column(p, null)).containsExactly("Chrome");
    assertThat(column(p, "viewCount")).containsExactly("4");
    assertThat(t.errors()).isEmpty();
  }

  /**
   * A video's page shows its audience retention: the i-th view of pbV watched the first 5 (i + 1) percent of the
   * video, so all 12 the start, 2 past the middle, none the end.
   */
  @Test
  void aVideosPageShowsItsAudienceRetention() {
    Chromium.Tab t = signedIn("#/asset/" + video.id() + "?range=custom&from=2026-03-04&to=2026-03-04&step=hour");
    Page p = t.page();
    p.waitForFunction("() => !(document.getElementById('retentionSummary')?.textContent ?? 'Loading').startsWith('Loading')");
    assertThat(text(p, "#retentionSummary")).isEqualTo("Of 12 views: 100.0% watched the start, 16.7% the middle,"
        + " 0.00% the end; the most watched part is 0% to 1% (12 watches, replays counted).");
    assertThat(p.isVisible("#retention")).isTrue();
    t.screenshot("dashboard-audience-retention");
    go(p, "#/asset/" + video.id() + "?" + DAY);
    p.waitForFunction("() => !(document.getElementById('retentionSummary')?.textContent ?? 'Loading').startsWith('Loading')");
    assertThat(text(p, "#retentionSummary")).startsWith("No finished view of this video in the selected range");
    assertThat(p.isVisible("#retention")).isFalse();
    assertThat(t.errors()).isEmpty();
  }

  /** A view of the list opens its timeline below it: each event at its offset from the view's start. */
  @Test
  void aViewOfTheListOpensItsTimeline() {
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    Page p = t.page();
    signIn(p, s.secretKey);
    go(p, "#/asset/" + video.id() + "?range=custom&from=2026-03-04&to=2026-03-04&step=hour");
    p.waitForSelector("#views");
    p.locator("#views tbody tr").first().locator("button.open-view").click();
    p.waitForSelector("#events");
    assertThat(text(p, "#viewTitle")).isEqualTo("View of 2026-03-04 10:11:00 by viewer-11");
    assertThat(p.locator("#events tbody tr").allInnerTexts().stream().map(r -> r.replace('\t', '|').strip()))
        .containsExactly("+0.0 s|Play|", "+12.0 s|First frame|", "+12.0 s|End|the video ended");
    t.screenshot("dashboard-view-timeline");
    assertThat(t.errors()).isEmpty();
  }

  /**
   * A video's views one by one, newest first, a page at a time along the list's cursor (and back), and the export of
   * every view of the scope as CSV.
   */
  @Test
  void aVideosPageListsItsViewsNewestFirstPageByPageAndExportsThemAsCsv() throws Exception {
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    Page p = t.page();
    p.waitForSelector("#key");
    p.evaluate("sessionStorage.setItem('viewpulse.viewsPageSize', '10')");
    signIn(p, s.secretKey);
    String scope = "range=custom&from=2026-03-04&to=2026-03-04&step=hour";
    go(p, "#/asset/" + video.id() + "?" + scope);
    p.waitForSelector("#views");
    assertThat(p.locator("#views thead th").allTextContents()).containsExactly("Started (UTC)", "Viewer", "Device",
        "OS", "Browser", "Country", "Watch time", "Time to first frame", "Rebuffering", "Errors", "Outcome");
    List<String> first = p.locator("#views tbody tr").allInnerTexts();
    assertThat(first).hasSize(10);
    assertThat(p.locator("#views tbody td:first-child").allTextContents()).as("newest first")
        .containsExactly("2026-03-04 10:11:00", "2026-03-04 10:10:00", "2026-03-04 10:09:00", "2026-03-04 10:08:00",
            "2026-03-04 10:07:00", "2026-03-04 10:06:00", "2026-03-04 10:05:00", "2026-03-04 10:04:00",
            "2026-03-04 10:03:00", "2026-03-04 10:02:00");
    assertThat(p.locator("#views tbody tr").first().locator("td").allTextContents().stream().map(String::strip))
        .containsExactly("2026-03-04 10:11:00", "viewer-11", "desktop", "Windows", "Firefox", "US", "12 s", "111 ms",
            "0 s", "0", "Played");
    assertThat(text(p, "#viewPage")).isEqualTo("Page 1");
    PlaywrightAssertions.assertThat(p.locator("#newer")).isDisabled();
    t.screenshot("dashboard-asset-views");

    var cursor = p.waitForRequest(r -> r.url().contains("/api/data/views?") && r.url().contains("cursor="),
        () -> p.click("#older"));
    String next = s.query("/api/data/views?assetId=" + video.id() + "&from=2026-03-04T00:00:00Z"
        + "&to=2026-03-05T00:00:00Z&limit=10").json().get("next").asText();
    assertThat(cursor.url()).as("the first page's cursor").contains("cursor=" + next);
    PlaywrightAssertions.assertThat(p.locator("#viewPage")).hasText("Page 2");
    assertThat(p.locator("#views tbody td:first-child").allTextContents())
        .containsExactly("2026-03-04 10:01:00", "2026-03-04 10:00:00");
    assertThat(p.locator("#views tbody tr").last().locator("td").allTextContents().stream().map(String::strip))
        .containsExactly("2026-03-04 10:00:00", "viewer-0", "desktop", "Linux", "Chrome", "US", "1 s", "100 ms", "0 s",
            "0", "Played");
    PlaywrightAssertions.assertThat(p.locator("#older")).isDisabled();
    p.click("#newer");
    PlaywrightAssertions.assertThat(p.locator("#viewPage")).hasText("Page 1");
    assertThat(p.locator("#views tbody tr").allInnerTexts()).isEqualTo(first);

    // the export: every view of the scope, oldest first, as the server's CSV export writes it
    var download = p.waitForDownload(() -> p.click("#exportViews"));
    assertThat(download.suggestedFilename()).isEqualTo("views-pbV-2026-03-04-to-2026-03-04.csv");
    String file = Files.readString(download.path());
    String expected = s.http.get("/api/data/views/export?format=csv&assetId=" + video.id()
        + "&from=2026-03-04T00:00:00Z&to=2026-03-05T00:00:00Z", "Authorization", "Bearer " + s.secretKey).body();
    assertThat(file).isEqualTo(expected);
    List<String> lines = List.of(file.split("\r\n"));
    assertThat(lines).hasSize(13);
    assertThat(lines.get(1)).contains("viewer-0");
    assertThat(lines.get(12)).contains("viewer-11");

    // another scope: a filter narrows the list, and a scope without views says so
    go(p, "#/asset/" + video.id() + "?" + scope + "&f=browser:Chrome");
    p.waitForSelector("#views");
    assertThat(p.locator("#views tbody td:nth-child(2)").allTextContents()).containsExactly("viewer-10", "viewer-8",
        "viewer-6", "viewer-4", "viewer-2", "viewer-0");
    PlaywrightAssertions.assertThat(p.locator("#older")).isDisabled();
    go(p, "#/asset/" + video.id() + "?range=custom&from=2026-03-02&to=2026-03-02&step=hour");
    assertThat(text(p, "#viewList")).isEqualTo("No finished views in this scope.");

    // filter everything by this video: the overview of its views, the filter named by the video's name, also when
    // the page is loaded afresh with it
    go(p, "#/asset/" + video.id() + "?" + scope);
    p.click("#filterByVideo");
    p.waitForURL("**#/overview?**");
    assertThat(p.url()).contains("f=playbackId%3ApbV");
    PlaywrightAssertions.assertThat(p.locator(".chip")).hasText("Video = video pbV×");
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("12");
    p.reload();
    PlaywrightAssertions.assertThat(p.locator(".chip")).hasText("Video = video pbV×");
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("12");
    assertThat(p.getAttribute(".chip button", "aria-label")).isEqualTo("Remove filter Video = video pbV");
    assertThat(t.errors()).isEmpty();
  }

  /**
   * The videos list with each video's views, watch time and quality for the selected range and filters, sortable by
   * any of them.
   */
  @Test
  void theVideosListShowsEachVideosViewsAndQualityAndSortsByAnyColumn() {
    Chromium.Tab t = signedIn("#/videos?" + DAY);
    Page p = t.page();
    p.waitForSelector("#assets table");
    assertThat(p.locator("#assets thead th").allTextContents().stream().map(String::strip).toList())
        .containsExactly("Name", "Playback id", "Type", "Created", "Views", "Watch time", "Viewer experience",
            "Playback failures", "Rebuffer ratio", "Time to first frame (p50) ≈");
    // pbQ: q-played, q-startfail, q-playfail, q-rebuffer (28 s played, 2 failed); pbR: q-fallback, q-ebvs,
    // q-ebvs-warn, q-unreported (10 s, 1 failed, TTFF 300 and 100); pbV: none that day
    assertThat(p.locator("#assets tbody tr").allInnerTexts().stream()
        .map(r -> r.replaceAll("\\s+", " ").replaceAll(" \\d{4}-\\d\\d-\\d\\d", "").strip()).toList())
        .as("the most viewed first, equals by name")
        .containsExactly("video pbQ pbQ asset 4 28 s 43.8 50.0% 5.08% 200 ms",
            "video pbR pbR asset 4 10 s 49.7 25.0% 0.00% 200 ms",
            "video pbV pbV asset 0 0 s – – – –");
    assertThat(p.getAttribute("#assets th:has([data-sort=viewCount])", "aria-sort")).isEqualTo("descending");
    p.click("#assets [data-sort=viewerExperienceScore]");
    assertThat(p.locator("#assets tbody td:first-child").allTextContents()).as("the best first, none last")
        .containsExactly("video pbR", "video pbQ", "video pbV");
    p.click("#assets [data-sort=viewerExperienceScore]");
    assertThat(p.locator("#assets tbody td:first-child").allTextContents())
        .containsExactly("video pbQ", "video pbR", "video pbV");
    assertThat(p.getAttribute("#assets th:has([data-sort=viewerExperienceScore])", "aria-sort"))
        .isEqualTo("ascending");
    // the order stays while searching; the figures follow the filters
    p.fill("#search", "pbQ");
    PlaywrightAssertions.assertThat(p.locator("#assets tbody tr")).hasCount(1);
    assertThat(p.getAttribute("#assets th:has([data-sort=viewerExperienceScore])", "aria-sort"))
        .isEqualTo("ascending");
    go(p, "#/videos?" + DAY + "&f=browser:Safari");
    p.waitForSelector("#assets table");
    assertThat(p.locator("#assets td[data-col=viewCount]").allTextContents()).as("pbR's two Safari views")
        .containsExactly("2", "0", "0");
    assertThat(p.locator("#assets tbody td:first-child").allTextContents()).as("still by experience, none last")
        .containsExactly("video pbR", "video pbQ", "video pbV");
    t.screenshot("dashboard-videos-quality");
    assertThat(t.errors()).isEmpty();
  }

  /** The overview says how many views are playing now, whatever the range and filters. */
  @Test
  void theOverviewSaysHowManyAreWatchingNow() {
    Chromium.Tab t = signedIn("#/overview?" + DAY);
    Page p = t.page();
    assertThat(api("/api/data/views/now").stream().mapToLong(r -> r.get("viewCount").asLong()).sum()).isEqualTo(1);
    assertThat(text(p, "[data-now]")).isEqualTo("1");
    assertThat(p.innerText("#now").replaceAll("\\s+", " ").strip())
        .isEqualTo("Watching now: 1 (views with a beacon in the last minute, whatever the range and filters)");
    assertThat(text(p, "[data-metric=viewCount]")).as("the day's views: the one playing now is not among them")
        .isEqualTo("8");
    p.waitForFunction("() => window.Chart && Chart.getChart(document.getElementById('viewsChart'))");
    assertThat(p.evaluate("Chart.getChart(document.getElementById('viewsChart')).data.labels.filter("
        + "(l) => l.includes('so far')).length")).as("a day in the past: every hour finished").isEqualTo(0);
    go(p, "#/overview?" + DAY + "&f=browser:Safari");
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("2");
    assertThat(text(p, "[data-now]")).isEqualTo("1");

    // today, at 11:30 UTC on the day of pbV's views (the page's clock set there), ends in the hour under way: its
    // label says so, in the chart and in its numbers
    p.clock().setFixedTime(java.util.Date.from(Instant.parse("2026-03-04T11:30:00Z")));
    go(p, "#/overview?range=today&step=hour");
    assertThat(text(p, "[data-metric=viewCount]")).as("pbV's 12 and the one playing").isEqualTo("13");
    p.waitForFunction("() => window.Chart && Chart.getChart(document.getElementById('viewsChart'))");
    List<String> labels = ((List<?>) p.evaluate("Chart.getChart(document.getElementById('viewsChart')).data.labels"))
        .stream().map(String::valueOf).toList();
    assertThat(labels.stream().filter(l -> l.endsWith(" (so far)")).toList()).as("the last alone")
        .containsExactly(labels.get(labels.size() - 1));
    assertThat(p.locator("details[data-for=viewsChart] tbody th").last().textContent()).endsWith(" (so far)");
    assertThat(t.errors()).isEmpty();
  }

  private String[][] pages() {
    return new String[][] {
        {"#/quality?" + DAY, "quality"},
        {"#/quality?" + DAY + "&f=browser:Opera", "quality-no-match"},
        {"#/breakdown/browser/viewerExperienceScore?" + DAY, "breakdown-score"},
        {"#/breakdown/country/rebufferRatio?" + DAY, "breakdown-rebuffering"},
        {"#/asset/" + video.id() + "?range=custom&from=2026-03-04&to=2026-03-04&step=hour", "asset-views"},
        {"#/videos?" + DAY, "videos"},
        {"#/views?" + DAY, "views"},
        {"#/overview?" + DAY, "overview"},
    };
  }

  /**
   * The new pages in light and dark: every text at least 4.5:1 against what is behind it (3:1 when large) and every
   * chart line 3:1 with its card (the contrast script of the dashboard's other test).
   */
  @Test
  void theAnalysisPagesAreReadableInLightAndDarkMode() throws Exception {
    String contrast;
    try (var in = getClass().getResourceAsStream("/dashboard/contrast.js")) {
      contrast = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Chromium.Tab t = signedIn("#/quality?" + DAY);
    Page p = t.page();
    for (var scheme : List.of(com.microsoft.playwright.options.ColorScheme.LIGHT,
        com.microsoft.playwright.options.ColorScheme.DARK)) {
      String mode = scheme.name().toLowerCase(java.util.Locale.ROOT);
      p.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
      for (String[] page : pages()) {
        go(p, page[0]);
        assertThat((List<?>) p.evaluate(contrast)).as(mode + " " + page[1]).isEmpty();
        t.screenshot("dashboard-" + mode + "-" + page[1]);
      }
    }
    assertThat(t.errors()).isEmpty();
  }

  /** At 390x844 the new pages are as wide as the screen: their wide tables scroll inside their own boxes. */
  @Test
  void onAPhoneTheAnalysisPagesAreNoWiderThanTheScreen() {
    Chromium.Tab t = chromium.open(base + "/dashboard/", new int[] {390, 844});
    Page p = t.page();
    signIn(p, s.secretKey);
    // the header: every section's link (seven now, with Quality, Views and Alerts) in view, without scrolling the menu
    List<?> rights = (List<?>) p.evaluate("() => [...document.querySelectorAll('#top nav a, #signout')]"
        + ".map((a) => Math.ceil(a.getBoundingClientRect().right))");
    assertThat(rights).hasSize(8).allMatch(r -> ((Number) r).intValue() <= 390);
    assertThat((Boolean) p.evaluate("() => { const n = document.querySelector('#top nav');"
        + " return n.scrollWidth <= n.clientWidth; }")).as("the menu does not scroll").isTrue();
    for (String[] page : pages()) {
      go(p, page[0]);
      assertThat(scrollWidth(p)).as(page[1] + ": the page is as wide as the screen").isEqualTo(390);
      t.screenshot("dashboard-phone-" + page[1]);
    }
    assertThat(t.errors()).isEmpty();
  }

  /** axe-core (pinned) on the new pages and states, light and dark: no serious or critical finding. */
  @Test
  void axeFindsNoSeriousViolationOnTheAnalysisPages() throws Exception {
    String axe = axe();
    Chromium.Tab t = signedIn("#/quality?" + DAY);
    Page p = t.page();
    for (var scheme : List.of(com.microsoft.playwright.options.ColorScheme.LIGHT,
        com.microsoft.playwright.options.ColorScheme.DARK)) {
      p.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
      for (String[] page : pages()) {
        go(p, page[0]);
        assertThat(axeViolations(p, axe)).as(scheme + " " + page[1]).isEmpty();
      }
    }
    assertThat(t.errors()).isEmpty();
  }
}
