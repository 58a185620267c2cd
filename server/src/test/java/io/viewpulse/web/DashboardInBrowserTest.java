package io.viewpulse.web;

import static io.viewpulse.testing.DashboardPages.axe;
import static io.viewpulse.testing.DashboardPages.axeViolations;
import static io.viewpulse.testing.DashboardPages.scrollWidth;
import static io.viewpulse.testing.DashboardPages.settled;
import static io.viewpulse.testing.DashboardPages.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.DashboardPages;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
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
  private Media teaser;
  private String base;

  @BeforeAll
  void seed() {
    s = new TestServer(MutableClock.real(), c -> c);
    base = "http://127.0.0.1:" + s.vp.port();
    launch = s.asset("launch1");
    teaser = s.asset("teaser2");
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

  private void signIn(Chromium.Tab t) {
    DashboardPages.signIn(t.page(), s.secretKey);
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
    assertThat(text(p, "#table thead th")).isEqualTo("Browser");
    t.screenshot("dashboard-breakdown-browser");
    p.selectOption("#dimension", "os");
    p.waitForSelector("[data-filter='os:Linux']");
    assertThat(p.locator("#table tbody td:first-child > :first-child").allTextContents()).as("platform names, as on the live page")
        .containsExactly("Linux", "iOS");
    assertThat(text(p, "#table thead th")).isEqualTo("OS");
    assertThat(p.content()).doesNotContain(s.secretKey);
    p.selectOption("#dimension", "browser");
    p.waitForSelector("[data-filter='browser:Chrome']");
    p.click("[data-filter='browser:Chrome']");
    p.waitForSelector(".chip");
    assertThat(text(p, ".chip")).as("a label and the value, not the field name").startsWith("Browser = Chrome");
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
    assertThat(p.locator("#platforms thead th").allTextContents())
        .containsExactly("Platform", "Sessions", "Missing-content slate", "Ad slate");
    assertThat(text(p, "#platforms tbody td")).as("the live API's \"linux\", named as the breakdowns name it")
        .isEqualTo("Linux");
    var latest = s.query("/api/v4/monitoring/stream_stats_enhanced/chan1").json().get("stats");
    long served = Math.round(latest.get("concurrent").get("total_time").asDouble()
        + latest.get("new").get("total_time").asDouble());
    assertThat(served).as("a minute of one viewer's play").isBetween(1L, 3600L);
    assertThat(text(p, "[data-live=served]")).as("seconds as a duration")
        .isEqualTo(served < 60 ? served + " s" : served / 60 + " min " + String.format("%02d", served % 60) + " s");
    assertThat(p.content()).doesNotContain(s.secretKey);
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
    assertThat(text(p, "#scope")).isEqualTo("(last 24 hours · Browser = Chrome)");
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

  /**
   * At 390x844 every page is as wide as the screen (a wide table scrolls inside its own box), the header is one
   * row, the number cards sit two by two, and the breakdown table keeps every quality column.
   */
  @Test
  void onAPhoneNoPageIsWiderThanTheScreen() {
    Chromium.Tab t = chromium.open(base + "/dashboard/", new int[] {390, 844});
    Page p = t.page();
    p.waitForSelector("#key");
    assertThat(scrollWidth(p)).as("sign-in").isEqualTo(390);
    signIn(t);
    p.waitForSelector("#viewsChart");
    assertThat(p.viewportSize().width).isEqualTo(390);
    String[][] pages = {
        {"#/overview?range=7d&step=auto", "[data-metric=viewCount]", "overview"},
        {"#/breakdown/country?range=7d&step=auto", "#table table", "breakdown-country"},
        {"#/breakdown/browser?range=7d&step=auto", "#table table", "breakdown-browser"},
        {"#/videos", "#assets table", "videos"},
        {"#/views?range=7d&step=auto", "#viewList table", "views"},
        {"#/asset/" + launch.id() + "?range=7d&step=auto", "#countries table", "asset"},
        {"#/live", "main table", "live-list"},
        {"#/live/chan1", "[data-live=concurrent]", "live"},
        {"#/overview?range=24h&step=auto&f=browser:Opera", "#noMatch", "no-match"},
    };
    for (String[] page : pages) {
      p.evaluate("location.hash = '" + page[0] + "'");
      p.waitForSelector(page[1]);
      p.waitForFunction("() => !document.getElementById('main').hasAttribute('aria-busy')");
      assertThat(scrollWidth(p)).as(page[2] + ": the page is as wide as the screen").isEqualTo(390);
      t.screenshot("dashboard-phone-" + page[2]);
      if (page[2].equals("overview")) {
        assertThat(rowTops(p, "#top .brand, #top nav a, #signout")).as("the header is one row").hasSize(1);
        List<?> cards = (List<?>) p.evaluate("() => [...document.querySelectorAll('#kpis .kpi')]"
            + ".map((c) => { const r = c.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.top)]; })");
        assertThat(cards).hasSize(8);
        assertThat(cards.stream().map(c -> ((List<?>) c).get(0)).distinct().count()).as("two columns").isEqualTo(2);
        assertThat(cards.stream().map(c -> ((List<?>) c).get(1)).distinct().count()).as("four rows").isEqualTo(4);
      }
      if (page[2].equals("breakdown-browser")) {
        assertThat(p.locator("#table thead th").allTextContents()).as("every quality column is kept")
            .containsExactly("Browser", "Views", "Share of views", "Watch time", "Unique viewers ≈", "Error rate",
                "Time to first frame (p50) ≈", "Time to first frame (p95) ≈", "Rebuffer ratio", "Exits before start");
        assertThat((Boolean) p.evaluate("() => { const b = document.getElementById('table');"
            + " return b.scrollWidth > b.clientWidth; }")).as("the table scrolls inside its box").isTrue();
        p.evaluate("() => { document.getElementById('table').scrollLeft = 10000; }");
        var last = p.locator("#table thead th").last().boundingBox();
        assertThat(last.x + last.width).as("the last column, scrolled to").isLessThanOrEqualTo(390);
        assertThat(last.x).isGreaterThanOrEqualTo(0);
      }
    }
    assertThat(t.errors()).isEmpty();
    p.click("#signout");
  }

  /** The distinct vertical centres (rounded to 4 px) of the elements a selector matches. */
  private static List<?> rowTops(Page p, String selector) {
    return (List<?>) p.evaluate("() => [...new Set([...document.querySelectorAll('" + selector + "')].map((e) => {"
        + " const r = e.getBoundingClientRect(); return Math.round((r.top + r.height / 2) / 4); }))]");
  }

  @Test
  void aNewAccountIsToldWhatToDoNext() {
    var other = s.otherAccount("newcomer");
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    t.page().waitForSelector("#key");
    t.page().fill("#key", other.token());
    t.page().press("#key", "Enter");
    t.page().waitForSelector("#empty", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
    assertThat(text(t.page(), "#empty h2")).isEqualTo("No views yet");
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

  /**
   * Three different kinds of nothing, each said as what it is: filters that match no view (with a way to clear
   * them), a range without views while the video has views at other times, and an account with no views at all
   * (in {@link #aNewAccountIsToldWhatToDoNext}).
   */
  @Test
  void aFilterThatMatchesNothingIsToldApartFromARangeWithoutViews() {
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    signIn(t);
    Page p = t.page();
    p.evaluate("location.hash = '#/overview?range=24h&step=auto&f=browser:Opera'");
    p.waitForSelector("#noMatch");
    assertThat(text(p, "#noMatch h2")).isEqualTo("Nothing matches these filters");
    assertThat(text(p, "#noMatch p")).isEqualTo("No views in the last 24 hours match Browser = Opera.");
    assertThat(p.locator("#empty").count()).as("not the first-steps guide: this account has views").isZero();
    t.screenshot("dashboard-overview-no-match");
    p.click("#noMatch [data-clear-filters]");
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("4");
    assertThat(p.url()).doesNotContain("f=");
    assertThat(p.locator(".chip").count()).isZero();

    p.evaluate("location.hash = '#/breakdown/os?range=24h&step=auto&f=browser:Opera'");
    p.waitForSelector("#noMatch");
    assertThat(text(p, "#noMatch p")).isEqualTo("No views in the last 24 hours match Browser = Opera.");

    // teaser2 was watched 26 hours and 3 days ago: nothing in the last 24 hours, which is not "no data"
    p.evaluate("location.hash = '#/asset/" + teaser.id() + "?range=24h&step=auto'");
    p.waitForSelector("#noneInRange");
    assertThat(p.innerText("#noneInRange").strip()).isEqualTo("No views of this video in the last 24 hours."
        + " Its views are at other times: choose another range.");
    assertThat(text(p, "#allTimeViews")).isEqualTo("2");
    t.screenshot("dashboard-asset-none-in-range");
    assertThat(t.errors()).isEmpty();
    p.click("#signout");
  }

  /** A request fails: the page says what went wrong in words, and "Try again" loads it once the server answers. */
  @Test
  void aFailedPageSaysWhatWentWrongAndTryAgainLoadsIt() {
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    signIn(t);
    Page p = t.page();
    p.waitForSelector("[data-metric=viewCount]");
    java.util.function.Predicate<String> views = u -> u.contains("/api/data/views/query?");
    p.route(views, r -> r.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setStatus(503)
        .setContentType("application/json").setBody("{\"errors\": [\"the store is busy\"]}")));
    p.evaluate("location.hash = '#/overview?range=24h&step=auto'");
    PlaywrightAssertions.assertThat(p.locator("#error")).isVisible();
    assertThat(text(p, "#errorText")).isEqualTo("Could not load this page: the store is busy.");
    PlaywrightAssertions.assertThat(p.locator("#retry")).hasText("Try again");
    t.screenshot("dashboard-error");

    p.unroute(views);
    p.route(views, com.microsoft.playwright.Route::abort);
    p.click("#retry");
    PlaywrightAssertions.assertThat(p.locator("#errorText"))
        .hasText("Could not load this page: the server did not answer.");

    p.unroute(views);
    p.click("#retry");
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("4");
    PlaywrightAssertions.assertThat(p.locator("#error")).isHidden();
    assertThat(p.url()).as("the page's state survives the retry").contains("range=24h");
    assertThat(t.errors()).as("only the failed requests").isNotEmpty()
        .allMatch(e -> e.contains("503") || e.contains("net::ERR_FAILED"));
    p.click("#signout");
  }

  /** While a page waits for the API it shows grey placeholders in the shape of its figures and says it is busy. */
  @Test
  void aLoadingPageShowsPlaceholdersAndSaysItIsBusy() {
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    signIn(t);
    Page p = t.page();
    p.waitForSelector("[data-metric=viewCount]");
    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.function.Predicate<String> views = u -> u.contains("/api/data/views/query?");
    p.route(views, held::add);
    p.evaluate("location.hash = '#/overview?range=30d&step=auto'");
    // the figures now and before, and both periods' series
    p.waitForCondition(() -> held.size() == 4);
    assertThat(p.locator("#kpis [data-loading]").count()).as("one placeholder per figure").isEqualTo(8);
    assertThat(p.getAttribute("#main", "aria-busy")).isEqualTo("true");
    assertThat(p.locator(".chart.is-loading").count()).isEqualTo(1);
    t.screenshot("dashboard-loading");
    p.unroute(views);
    held.forEach(com.microsoft.playwright.Route::resume);
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("6");
    assertThat(p.locator("[data-loading]").count()).isZero();
    assertThat(p.locator(".chart.is-loading").count()).isZero();
    assertThat(p.getAttribute("#main", "aria-busy")).isNull();
    assertThat(t.errors()).isEmpty();
    p.click("#signout");
  }

  /**
   * Time: today, yesterday and custom days start at midnight in the chosen zone (UTC, or the browser's, here New
   * York's), the controls say which zone is shown, hours are labelled in it, and only the steps that make sense for
   * the range can be chosen (a step that does not falls back to Auto).
   */
  @Test
  void rangesStartAtMidnightInTheChosenTimeZoneAndOnlySensibleStepsCanBeChosen() {
    ZoneId ny = ZoneId.of("America/New_York");
    Chromium.Tab t = chromium.openInTimeZone(base + "/dashboard/", ny.getId());
    signIn(t);
    Page p = t.page();
    p.waitForSelector("[data-metric=viewCount]");
    assertThat(text(p, "#tzNote")).isEqualTo("Times are UTC.");
    assertThat(p.textContent("#tzLocal")).isEqualTo("This browser's (America/New_York)");

    for (String[] r : new String[][] {{"24h", "auto,hour"}, {"today", "auto,hour"}, {"7d", "auto,hour,day"},
        {"30d", "auto,day,week"}, {"90d", "auto,day,week,month"}}) {
      p.evaluate("location.hash = '#/overview?range=" + r[0] + "&step=auto'");
      PlaywrightAssertions.assertThat(p.locator("#range")).hasValue(r[0]);
      assertThat(String.join(",", enabledSteps(p))).as("steps for " + r[0]).isEqualTo(r[1]);
    }
    p.evaluate("location.hash = '#/overview?range=7d&step=hour'");
    PlaywrightAssertions.assertThat(p.locator("#step")).hasValue("hour");
    var weekly = p.waitForRequest(u -> u.url().contains("timeStep="),
        () -> p.evaluate("location.hash = '#/overview?range=90d&step=hour'"));
    assertThat(weekly.url()).as("90 days by hour is not drawn").contains("timeStep=week");
    PlaywrightAssertions.assertThat(p.locator("#step")).hasValue("auto");

    p.selectOption("#tz", "local");
    PlaywrightAssertions.assertThat(p.locator("#tzNote"))
        .hasText("Times are America/New_York; days, weeks and months are UTC days.");
    settled(p);
    ZonedDateTime midnight = ZonedDateTime.now(ny).truncatedTo(ChronoUnit.DAYS);
    var today = p.waitForRequest(u -> u.url().contains("timeStep="), () -> p.selectOption("#range", "today"));
    assertThat(param(today.url(), "from")).isEqualTo(midnight.toInstant().toEpochMilli());
    // the page asks for the previous period's series too: the next request watched for is the next page's
    settled(p);
    var yesterday = p.waitForRequest(u -> u.url().contains("timeStep="),
        () -> p.selectOption("#range", "yesterday"));
    assertThat(param(yesterday.url(), "from")).isEqualTo(midnight.minusDays(1).toInstant().toEpochMilli());
    assertThat(param(yesterday.url(), "to")).isEqualTo(midnight.toInstant().toEpochMilli());
    assertThat(yesterday.url()).contains("timeStep=hour");
    settled(p);

    // one day in New York, the one of the views two hours ago: by hour, labelled from its local midnight
    LocalDate watched = ZonedDateTime.now(ny).minusHours(2).toLocalDate();
    var oneDay = p.waitForRequest(u -> u.url().contains("timeStep="), () -> p.evaluate(
        "location.hash = '#/overview?range=custom&from=" + watched + "&to=" + watched + "&step=auto&tz=local'"));
    assertThat(param(oneDay.url(), "from")).isEqualTo(watched.atStartOfDay(ny).toInstant().toEpochMilli());
    assertThat(param(oneDay.url(), "to")).isEqualTo(watched.plusDays(1).atStartOfDay(ny).toInstant().toEpochMilli());
    p.waitForFunction("() => window.Chart && Chart.getChart(document.getElementById('viewsChart'))");
    assertThat(p.evaluate("Chart.getChart(document.getElementById('viewsChart')).data.labels[0]"))
        .isEqualTo(watched.toString().substring(5) + " 00:00");
    t.screenshot("dashboard-custom-day-new-york");

    // custom days picked in the controls, in UTC: the day of the view three days ago holds that view alone
    p.selectOption("#tz", "utc");
    PlaywrightAssertions.assertThat(p.locator("#tzNote")).hasText("Times are UTC.");
    LocalDate d5 = ZonedDateTime.now(ZoneOffset.UTC).minusDays(3).toLocalDate();
    p.fill("#from", d5.toString());
    p.fill("#to", d5.toString());
    p.waitForURL("**to=" + d5 + "**");
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("1");
    assertThat(p.url()).contains("from=" + d5);
    assertThat(t.errors()).isEmpty();
    p.click("#signout");
  }

  private static Page.WaitForSelectorOptions attached() {
    return new Page.WaitForSelectorOptions().setState(WaitForSelectorState.ATTACHED);
  }

  private static List<String> enabledSteps(Page p) {
    List<?> v = (List<?>) p.evaluate("() => [...document.querySelectorAll('#step option')]"
        + ".filter((o) => !o.disabled).map((o) => o.value)");
    return v.stream().map(String::valueOf).toList();
  }

  private static long param(String url, String name) {
    var m = java.util.regex.Pattern.compile("[?&]" + name + "=(\\d+)").matcher(url);
    assertThat(m.find()).as(name + " in " + url).isTrue();
    return Long.parseLong(m.group(1));
  }

  /**
   * Light and dark (following the system's setting, emulated here): on every page and state every text has at least
   * 4.5:1 contrast with what is behind it (3:1 when large), and every chart line 3:1 with its card.
   */
  @Test
  void everyTextIsReadableInLightAndInDarkMode() throws Exception {
    String contrast;
    try (var in = getClass().getResourceAsStream("/dashboard/contrast.js")) {
      contrast = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    Page p = t.page();
    String[][] pages = {
        {"#/overview?range=7d&step=auto", "#viewsChart", "overview"},
        {"#/breakdown/browser?range=7d&step=auto", "#table table", "breakdown"},
        {"#/videos", "#assets table", "videos"},
        {"#/views?range=7d&step=auto", "#viewList table", "views"},
        {"#/asset/" + launch.id() + "?range=7d&step=auto", "#countries table", "asset"},
        {"#/live/chan1", "[data-live=concurrent]", "live"},
        {"#/overview?range=24h&step=auto&f=browser:Opera", "#noMatch", "no-match"},
        {"#/overview?range=custom&from=2020-01-01&to=2020-01-02&step=auto&tz=local", "#noneInRange", "none-in-range"},
    };
    for (var scheme : List.of(com.microsoft.playwright.options.ColorScheme.LIGHT,
        com.microsoft.playwright.options.ColorScheme.DARK)) {
      String mode = scheme.name().toLowerCase(java.util.Locale.ROOT);
      p.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
      p.waitForSelector("#key");
      p.fill("#key", "vp_wrong_key");
      p.press("#key", "Enter");
      p.waitForSelector("#signin .error");
      assertThat((List<?>) p.evaluate(contrast)).as(mode + " sign-in").isEmpty();
      t.screenshot("dashboard-" + mode + "-sign-in");
      signIn(t);
      assertThat(p.evaluate("getComputedStyle(document.documentElement).backgroundColor"))
          .isEqualTo(scheme == com.microsoft.playwright.options.ColorScheme.DARK ? "rgb(15, 19, 26)" : "rgb(246, 247, 249)");
      for (String[] page : pages) {
        p.evaluate("location.hash = '" + page[0] + "'");
        p.waitForSelector(page[1]);
        p.waitForFunction("() => !document.getElementById('main').hasAttribute('aria-busy')");
        assertThat((List<?>) p.evaluate(contrast)).as(mode + " " + page[2]).isEmpty();
        t.screenshot("dashboard-" + mode + "-" + page[2]);
      }
      p.click("#signout");
    }
    assertThat(t.errors()).as("only the refused sign-ins").hasSize(4).allMatch(e -> e.contains("401"));
  }

  /**
   * Moving between pages: the tab's title names the page and focus lands on its heading (main is not one big live
   * region); every chart has its numbers as a table; a change against the previous period says better or worse in
   * words and an arrow, not only in colour.
   */
  @Test
  void focusAndTitleMoveWithThePageAndEveryChartHasItsNumbers() {
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    Page p = t.page();
    p.waitForSelector("#key");
    assertThat(p.title()).isEqualTo("Sign in · Viewpulse");
    signIn(t);
    p.evaluate("location.hash = '#/overview?range=24h&step=auto'");
    PlaywrightAssertions.assertThat(p.locator("[data-metric=viewCount]")).hasText("4");
    assertThat(p.title()).isEqualTo("Overview · Viewpulse");
    assertThat(p.getAttribute("#main", "aria-live")).isNull();
    assertThat(text(p, "[data-metric=viewCount] + .delta")).as("4 views against 1 the 24 hours before")
        .isEqualTo("▲ +300.0% vs previous period (better)");
    assertThat(p.locator("details[data-for=viewsChart] summary").textContent())
        .isEqualTo("Views over time: the numbers");
    assertThat(p.locator("details[data-for=viewsChart] thead th").allTextContents()).containsExactly("Time", "Views",
        "Previous period: time", "Previous period");
    List<String> perHour = p.locator("details[data-for=viewsChart] tbody td:nth-of-type(1)").allTextContents();
    assertThat(perHour.stream().mapToInt(Integer::parseInt).sum()).as("the chart's views, hour by hour").isEqualTo(4);
    assertThat(perHour.size()).isEqualTo(((Number) p.evaluate(
        "Chart.getChart(document.getElementById('viewsChart')).data.labels.length")).intValue());

    p.click("[data-nav=breakdown]");
    p.waitForSelector("#table table");
    assertThat(p.title()).isEqualTo("Breakdown by Country · Viewpulse");
    assertThat(p.evaluate("document.activeElement.tagName + ' ' + document.activeElement.textContent"))
        .as("focus on the new page's heading").isEqualTo("H1 Breakdown by Country");
    p.waitForSelector("details[data-for=dimTime] table", attached());
    assertThat(p.locator("details[data-for=dimChart] thead th").allTextContents()).containsExactly("Country", "Views");
    assertThat(p.locator("details[data-for=dimChart] tbody tr").count()).isEqualTo(p.locator("#table tbody tr").count());

    p.evaluate("location.hash = '#/asset/" + launch.id() + "?range=24h&step=auto'");
    p.waitForSelector("details[data-for=assetQuality] table", attached());
    assertThat(p.title()).isEqualTo("video launch1 · Viewpulse");
    assertThat(p.locator("details[data-for=assetQuality] thead th").allTextContents())
        .containsExactly("Time", "TTFF p50 (ms)", "TTFF p95 (ms)");

    p.click("[data-nav=live]");
    p.click("text=Channel 1");
    p.waitForSelector("details[data-for=liveChart] table", attached());
    assertThat(p.title()).isEqualTo("Channel 1 (live) · Viewpulse");
    assertThat(p.locator("details[data-for=liveChart] thead th").allTextContents())
        .containsExactly("Minute", "Concurrent", "New");
    assertThat(t.errors()).isEmpty();
    p.click("#signout");
  }

  /** axe-core (pinned, from npm) finds no serious or critical accessibility violation on any page or state. */
  @Test
  void axeFindsNoSeriousViolationOnAnyPage() throws Exception {
    String axe = axe();
    Chromium.Tab t = chromium.open(base + "/dashboard/");
    Page p = t.page();
    p.waitForSelector("#key");
    assertThat(axeViolations(p, axe)).as("sign-in").isEmpty();
    signIn(t);
    String[][] pages = {
        {"#/overview?range=7d&step=auto", "#viewsChart", "overview"},
        {"#/breakdown/browser?range=7d&step=auto", "#table table", "breakdown"},
        {"#/videos", "#assets table", "videos"},
        {"#/views?range=7d&step=auto", "#viewList table", "views"},
        {"#/asset/" + launch.id() + "?range=7d&step=auto", "#countries table", "asset"},
        {"#/live", "main table", "live list"},
        {"#/live/chan1", "[data-live=concurrent]", "live"},
        {"#/overview?range=24h&step=auto&f=browser:Opera", "#noMatch", "no match"},
        {"#/overview?range=custom&from=2020-01-01&to=2020-01-02&step=auto", "#noneInRange", "none in range"},
    };
    for (var scheme : List.of(com.microsoft.playwright.options.ColorScheme.LIGHT,
        com.microsoft.playwright.options.ColorScheme.DARK)) {
      p.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
      for (String[] page : pages) {
        p.evaluate("location.hash = '" + page[0] + "'");
        p.waitForSelector(page[1]);
        p.waitForFunction("() => !document.getElementById('main').hasAttribute('aria-busy')");
        assertThat(axeViolations(p, axe)).as(scheme + " " + page[2]).isEmpty();
      }
    }
    assertThat(t.errors()).isEmpty();
    p.click("#signout");
  }

}
