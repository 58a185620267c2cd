package io.viewpulse.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The web dashboard in real Chromium against a real server with seeded views: sign in, every page, range and
 * breakdown changes, filters, an asset's total views, a live page updating by itself, sign out. Screenshots of every
 * page land in target/screenshots; no page may log a console error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardInBrowserTest {
  private TestServer s;
  private Chromium chromium;
  private Media launch;
  private String base;

  @BeforeAll
  void seed() {
    s = new TestServer(MutableClock.real(), c -> c);
    base = "http://127.0.0.1:" + s.vp.port();
    launch = s.asset("launch1");
    s.asset("teaser2");
    s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, "chan1", "Channel 1", "chanpb", null,
        null, "channel"));
    Instant now = Instant.now();
    // 3 views of launch1 two hours ago (2 Chrome, 1 Safari) and 1 of teaser2 yesterday; and one 3 days ago
    view("d1", "launch1", Beacons.CHROME_LINUX, now.minusSeconds(7200), "192.0.2.10", 60_000);
    view("d2", "launch1", Beacons.CHROME_LINUX, now.minusSeconds(7100), "203.0.113.10", 30_000);
    view("d3", "launch1", Beacons.SAFARI_IPHONE, now.minusSeconds(7000), "198.51.100.10", 90_000);
    view("d4", "teaser2", Beacons.FIREFOX_WINDOWS, now.minus(Duration.ofHours(26)), "192.0.2.11", 20_000);
    view("d5", "teaser2", Beacons.FIREFOX_WINDOWS, now.minus(Duration.ofDays(3)), "192.0.2.12", 20_000);
    // a live viewer for two minutes, then the server's clock moves on so those minutes close
    for (int i = 1; i <= 24; i++) {
      s.beacon(Beacons.session("live-a", "chanpb").live(true).heartbeat("la" + i, Instant.now(), 5000, 0, 0, 0, null)
          .json(), "192.0.2.20");
      if (i % 12 == 0) {
        s.clock.advance(Duration.ofSeconds(60));
      }
    }
    s.clock.advance(Duration.ofSeconds(90));
    s.flush();
    chromium = new Chromium(null);
  }

  private void view(String session, String playbackId, String ua, Instant start, String ip, long playMs) {
    assertThat(s.beacon(Beacons.session(session, playbackId).userAgent(ua).play(start)
        .heartbeat(session + "h", start.plusMillis(playMs), playMs, 0, 0, 0, 250L).ended(start.plusMillis(playMs))
        .json(), ip).status()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    chromium.close();
    s.close();
  }

  private static String text(Page p, String selector) {
    p.waitForSelector(selector);
    return p.textContent(selector).strip();
  }

  private void signIn(Chromium.Tab t) {
    t.page().waitForSelector("#key");
    t.page().fill("#key", s.secretKey);
    t.page().press("#key", "Enter");
    t.page().waitForSelector("#signout", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
  }

  @Test
  @Order(1)
  void aViewerSignsInSeesEveryPageAndSignsOut() {
    Chromium.Tab t = chromium.open(base + "/");
    Page p = t.page();
    p.waitForSelector("#signin");
    t.screenshot("dashboard-sign-in");
    p.fill("#key", "vp_wrong_key");
    p.press("#key", "Enter");
    assertThat(text(p, "#signin .error")).isEqualTo("invalid API key");
    assertThat(t.errors()).as("the refused key's request").hasSize(2).allMatch(e -> e.contains("401"));
    t.errors().clear();

    p.fill("#key", s.secretKey);
    p.click("#signin button");
    assertThat(text(p, "[data-metric=viewCount]")).as("views in the last 7 days, the live one too").isEqualTo("6");
    assertThat(text(p, "[data-metric=uniqueViewers]")).isEqualTo("6");
    assertThat(p.getAttribute("[data-estimate=uniqueViewers]", "title")).as("an estimate, and said to be one")
        .isEqualTo("An estimate (HyperLogLog): exact for small groups, within a few percent beyond, never more than"
            + " the views.");
    assertThat(text(p, "[data-estimates]")).startsWith("≈ estimated: unique viewers");
    assertThat(p.url()).doesNotContain(s.secretKey);
    t.screenshot("dashboard-overview-7d");

    p.selectOption("#range", "24h");
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("4");
    assertThat(text(p, "[data-metric=playtimeMins]")).isEqualTo("5.0 min");
    t.screenshot("dashboard-overview-24h");

    p.click("[data-nav=breakdown]");
    p.waitForSelector("#dimension");
    p.selectOption("#dimension", "browser");
    p.waitForSelector("[data-filter='browser:Chrome']");
    assertThat(p.locator("#table tbody tr").count()).isEqualTo(2);
    t.screenshot("dashboard-breakdown-browser");
    p.click("[data-filter='browser:Chrome']");
    p.waitForSelector(".chip");
    assertThat(text(p, ".chip")).startsWith("browser = Chrome");
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("3");
    t.screenshot("dashboard-overview-filtered");
    p.click(".chip button");
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("4");

    p.click("[data-nav=videos]");
    p.waitForSelector("#assets table");
    assertThat(p.locator("#assets tbody tr").count()).isEqualTo(2);
    p.fill("#search", "teaser");
    PlaywrightAssertions.assertThat(p.locator("#assets tbody tr")).hasCount(1);
    t.screenshot("dashboard-videos-search");
    p.fill("#search", "");
    PlaywrightAssertions.assertThat(p.locator("#assets tbody tr")).hasCount(2);
    p.click("text=video launch1");
    assertThat(text(p, "#allTimeViews")).isEqualTo("3");
    assertThat(text(p, "#allTimeWatch")).isEqualTo("3.0 min");
    assertThat(text(p, "#assetKpis [data-metric=viewCount]")).isEqualTo("3");
    t.screenshot("dashboard-asset");

    p.click("[data-nav=live]");
    p.click("text=Channel 1");
    assertThat(text(p, "[data-live=concurrent]")).isEqualTo("1");
    t.screenshot("dashboard-live");

    assertThat(t.errors()).isEmpty();
    p.click("#signout");
    p.waitForSelector("#signin");
    PlaywrightAssertions.assertThat(p.locator("#top")).isHidden();
    t.screenshot("dashboard-signed-out");
  }

  /**
   * The video page with a range and a filter: its figures and both charts answer for that scope, as the API does for
   * the same asset, range and filter; the all-time total is shown apart, as such.
   */
  @Test
  void aVideosFiguresAndChartsAnswerForTheSelectedRangeAndFilters() {
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    signIn(t);
    Page p = t.page();
    p.evaluate("location.hash = '#/asset/" + launch.id() + "?range=24h&step=hour&f=browser:Chrome'");
    p.waitForSelector("#assetKpis [data-metric=viewCount]");
    p.waitForFunction("() => window.Chart && Chart.getChart(document.getElementById('assetQuality'))");
    t.screenshot("dashboard-asset-filtered");

    long now = System.currentTimeMillis();
    String scope = "assetId=" + launch.id() + "&from=" + (now - 24 * 3600_000L) + "&to=" + now
        + "&filters[]=browser:Chrome";
    var api = s.query("/api/data/views/query?" + scope).json().get(0);
    assertThat(api.get("viewCount").asLong()).as("the two Chrome views of launch1").isEqualTo(2);
    assertThat(text(p, "#assetKpis [data-metric=viewCount]")).isEqualTo("2");
    assertThat(api.get("playtimeMins").asDouble()).isEqualTo(1.5);
    assertThat(text(p, "#assetKpis [data-metric=playtimeMins]")).isEqualTo("1.5 min");
    assertThat(api.get("uniqueViewers").asLong()).isEqualTo(2);
    assertThat(text(p, "#assetKpis [data-metric=uniqueViewers]")).isEqualTo("2");
    assertThat(api.get("ttffP50Ms").asDouble()).isEqualTo(250.0);
    assertThat(text(p, "#assetKpis [data-metric=ttffP50Ms]")).isEqualTo("250 ms");
    assertThat(text(p, "#scope")).isEqualTo("(last 24 hours · browser = Chrome)");
    assertThat(text(p, "#allTime")).contains("All time, every viewer (no range or filter)");
    assertThat(text(p, "#allTimeViews")).isEqualTo("3");

    // the charts: the hourly series of the same scope, bucket by bucket
    List<Long> perHour = new java.util.ArrayList<>();
    List<Double> p50PerHour = new java.util.ArrayList<>();
    s.query("/api/data/views/query?" + scope + "&timeStep=hour").json().forEach(r -> {
      perHour.add(r.get("viewCount").asLong());
      p50PerHour.add(r.get("ttffP50Ms").asDouble());
    });
    assertThat(perHour.stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
    assertThat(chartPoints(p, "assetViews", 0, "v > 0")).isEqualTo(perHour.stream().map(Long::doubleValue).toList());
    assertThat(chartPoints(p, "assetQuality", 0, "v !== null")).isEqualTo(p50PerHour);
    assertThat(t.errors()).isEmpty();
    p.click("#signout");
  }

  /** The points of a chart's dataset that pass a filter on {@code v}, in order, as numbers. */
  private static List<Double> chartPoints(Page p, String canvas, int dataset, String keep) {
    List<?> points = (List<?>) p.evaluate("() => Chart.getChart(document.getElementById('" + canvas + "')).data"
        + ".datasets[" + dataset + "].data.filter((v) => " + keep + ")");
    return points.stream().map(v -> ((Number) v).doubleValue()).toList();
  }

  @Test
  void theLivePageUpdatesAsBeaconsArrive() {
    Chromium.Tab t = chromium.open(base + "/dashboard/#/live/chan1");
    signIn(t);
    t.page().addInitScript("sessionStorage.setItem('viewpulse.refreshMs', '500')");
    t.page().navigate(base + "/dashboard/#/live/chan1");
    t.page().waitForSelector("[data-live=concurrent]");
    String before = text(t.page(), "[data-live=new]");
    // a second viewer joins; a minute later (on the server's clock) the page shows it without a reload
    for (int i = 1; i <= 12; i++) {
      s.beacon(Beacons.session("live-b", "chanpb").live(true)
          .heartbeat("lb" + i, Instant.now(), 5000, 0, 0, 0, null).json(), "198.51.100.30");
    }
    s.clock.advance(Duration.ofSeconds(90));
    s.flush();
    PlaywrightAssertions.assertThat(t.page().locator("[data-live=new]")).not().hasText(before,
        new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(20_000));
    t.screenshot("dashboard-live-updated");
    assertThat(t.errors()).isEmpty();
  }

  /**
   * Refreshes of the live page fail (its requests cut off, as when the server is down): a notice says how old the
   * numbers on screen are, the page keeps retrying by itself, and the notice goes once a refresh succeeds.
   */
  @Test
  void theLivePageSaysWhenItsNumbersAreStaleAndClearsItOnceARefreshSucceeds() {
    Chromium.Tab t = chromium.open(base + "/dashboard/#/live/chan1");
    signIn(t);
    Page p = t.page();
    p.evaluate("sessionStorage.setItem('viewpulse.refreshMs', '500')");
    p.reload();
    p.waitForSelector("[data-live=concurrent]");
    PlaywrightAssertions.assertThat(p.locator("#stale")).isHidden();
    String shown = text(p, "[data-live=concurrent]");

    String live = "**/api/v4/monitoring/**";
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    p.route(live, r -> {
      refused.incrementAndGet();
      r.abort();
    });
    PlaywrightAssertions.assertThat(p.locator("#stale")).isVisible();
    assertThat(text(p, "#stale")).matches("Not updated since \\d\\d:\\d\\d:\\d\\d UTC: the server did not answer\\."
        + " The numbers below are from then\\. Retrying every 1 s…");
    assertThat(text(p, "[data-live=concurrent]")).as("the last numbers stay").isEqualTo(shown);
    t.screenshot("dashboard-live-stale");
    int tries = refused.get();
    p.waitForCondition(() -> refused.get() >= tries + 4);
    // still failing, still said
    PlaywrightAssertions.assertThat(p.locator("#stale")).isVisible();

    p.unroute(live);
    PlaywrightAssertions.assertThat(p.locator("#stale")).isHidden();
    assertThat(text(p, "[data-live=concurrent]")).isEqualTo(shown);
    assertThat(t.errors()).as("only the refused requests")
        .allMatch(e -> e.contains("net::ERR_FAILED"));
    p.click("#signout");
  }

  @Test
  void onAPhoneTheOverviewStillReads() {
    Chromium.Tab t = chromium.open(base + "/dashboard/", new int[] {390, 844});
    signIn(t);
    t.page().waitForSelector("#viewsChart");
    t.screenshot("dashboard-phone");
    assertThat(t.page().viewportSize().width).isEqualTo(390);
    assertThat(t.page().locator("main").boundingBox().width).isLessThanOrEqualTo(390);
    assertThat(t.errors()).isEmpty();
  }

  @Test
  void aNewAccountIsToldWhatToDoNext() {
    var other = s.otherAccount("newcomer");
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    t.page().waitForSelector("#key");
    t.page().fill("#key", other.token());
    t.page().press("#key", "Enter");
    t.page().waitForSelector("#empty", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
    assertThat(text(t.page(), "#empty")).contains("/collector.js").contains("Authorization: Bearer $KEY");
    // the key is never on the page (screen sharing, screenshots): the snippet names a variable instead
    assertThat(t.page().content()).doesNotContain(other.token());
    t.screenshot("dashboard-empty-state");
    assertThat(t.errors()).isEmpty();
    t.page().click("#signout");
  }

  @Test
  void anInjectedBaseElementDoesNotMoveTheDashboardsUrls() {
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    t.page().waitForSelector("#key");
    // what markup injected into the page would do: relative URLs (scripts, API calls) would then go to its host
    Object after = t.page().evaluate("() => { const b = document.createElement('base');"
        + " b.href = 'https://attacker.example/'; document.head.prepend(b); return document.baseURI; }");
    assertThat(after).isEqualTo(base + "/dashboard/");
    assertThat(t.errors()).as("the browser reports the refusal").anyMatch(e -> e.contains("base-uri"));
    assertThat(s.http.get("/dashboard/").header("Content-Security-Policy")).contains("base-uri 'none'");
  }

  @Test
  void anAnswerThatArrivesAfterTheViewerMovedOnIsNotDrawn() {
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    signIn(t);
    Page p = t.page();
    p.waitForSelector("#viewsChart");
    // flag country rows shown on any page but the country breakdown
    p.evaluate("() => { window.staleRows = 0; new MutationObserver(() => {"
        + " if (document.querySelector(\"[data-filter^='country:']\") && !location.hash.includes('/breakdown/country'))"
        + " window.staleRows++; }).observe(document.body, { subtree: true, childList: true }); }");
    // hold the country page's second request (its series) until the viewer is on another page
    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.function.Predicate<String> countrySeries = u -> u.contains("country") && u.contains("timeStep");
    p.route(countrySeries, held::add);
    p.evaluate("location.hash = '#/breakdown/country'");
    p.waitForCondition(() -> !held.isEmpty());
    p.selectOption("#dimension", "browser");
    p.waitForSelector("[data-filter='browser:Chrome']");
    p.waitForResponse(r -> countrySeries.test(r.url()), () -> held.get(0).resume());
    p.unroute(countrySeries);
    // two more round trips (another breakdown) after the stale answer: its page had every chance to draw it
    p.selectOption("#dimension", "os");
    p.waitForSelector("[data-filter='os:Linux']");
    assertThat(((Number) p.evaluate("window.staleRows")).intValue()).isZero();
    assertThat(p.locator("#table tbody tr").count()).isEqualTo(3);
    assertThat(t.errors()).isEmpty();
    p.click("#signout");
  }

}
