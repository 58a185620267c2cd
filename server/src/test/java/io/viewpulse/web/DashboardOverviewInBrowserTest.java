package io.viewpulse.web;

import static io.viewpulse.testing.DashboardPages.axe;
import static io.viewpulse.testing.DashboardPages.chartData;
import static io.viewpulse.testing.DashboardPages.go;
import static io.viewpulse.testing.DashboardPages.settled;
import static io.viewpulse.testing.DashboardPages.signIn;
import static io.viewpulse.testing.DashboardPages.signedIn;
import static io.viewpulse.testing.DashboardPages.text;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.DashboardPages;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The overview's full charts against the previous period, in real Chromium at a desktop's 1440x900 and a phone's
 * 390x844, against a server with scripted views whose figures are known exactly:
 *
 * <pre>
 * 2026-03-02 (the range)      10:00 three views from the US; 12:10 two from Germany (one fails with an error);
 *                             12:30 one from Great Britain; 15:00 one from Japan
 * 2026-03-01 (the period      10:00 two views from the US; 14:00 one from Great Britain
 *             before)
 * </pre>
 *
 * (the test GeoIP file places 192.0.2.0/24 in the US, 198.51.100.0/24 in Germany, 203.0.113.0/24 in Great Britain and
 * 2001:db8::/32 in Japan). Every page is checked for console errors and with axe-core (no serious or critical
 * finding) at both sizes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardOverviewInBrowserTest {
  private static final String DAY = "range=custom&from=2026-03-02&to=2026-03-02&step=hour";
  private static final int[] DESKTOP = {1440, 900};
  private static final int[] PHONE = {390, 844};
  private TestServer s;
  private Chromium chromium;
  private String base;

  @BeforeAll
  void script() {
    s = new TestServer();
    base = "http://127.0.0.1:" + s.vp.port();
    s.asset("pbO");
    String chrome = Beacons.CHROME_LINUX;
    Instant before = T0.minus(Duration.ofDays(1));
    for (int i = 0; i < 2; i++) {
      played("p-us-" + i, before.plusSeconds(60L * i), "192.0.2.10");
    }
    played("p-gb", before.plusSeconds(4 * 3600), "203.0.113.30");
    for (int i = 0; i < 3; i++) {
      played("c-us-" + i, T0.plusSeconds(60L * i), "192.0.2.10");
    }
    played("c-de-0", T0.plusSeconds(2 * 3600 + 600), "198.51.100.20");
    Instant e0 = T0.plusSeconds(2 * 3600 + 660);
    s.clock.set(e0.plusSeconds(5));
    ok(s.beacon(Beacons.session("c-de-1", "pbO").userAgent(chrome).play(e0).error(e0.plusSeconds(2), "unknown", "")
        .heartbeat("e1", e0.plusSeconds(5), 0, 0, 0, 1, null).json(), "198.51.100.20"));
    played("c-gb", T0.plusSeconds(2 * 3600 + 1800), "203.0.113.30");
    played("c-jp", T0.plusSeconds(5 * 3600), "2001:db8::1");
    // a live channel: two viewers for 150 s three hours before now, one for 150 s forty minutes before now
    s.vp.catalog().create(s.accountId, new io.viewpulse.catalog.Catalog.NewMedia(io.viewpulse.model.Media.Kind.STREAM,
        "chanO", "Channel O", "chanpbO", null, null, "channel"));
    liveViewers(NOW.minus(Duration.ofHours(3)), "live-a", "live-b");
    liveViewers(NOW.minus(Duration.ofMinutes(40)), "live-c");
    s.clock.set(NOW);
    s.flush();
    chromium = new Chromium(null);
  }

  private static final Instant NOW = T0.plus(Duration.ofDays(2));

  /**
   * Live viewers of chanpbO from {@code start} for 150 s, a heartbeat every 5 s: the first frame after 300 ms; the
   * first viewer of each call stalls 1 s in its 11th heartbeat; the second ends with a fatal error; the others end.
   */
  private void liveViewers(Instant start, String... sessions) {
    for (int k = 0; k <= 30; k++) {
      Instant at = start.plusSeconds(5L * k);
      s.clock.set(at);
      for (int v = 0; v < sessions.length; v++) {
        Beacons b = Beacons.session(sessions[v], "chanpbO").live(true).userAgent(Beacons.CHROME_LINUX);
        if (k == 0) {
          b.play(at);
        }
        boolean fails = k == 30 && v == 1;
        if (fails) {
          b.error(at, "unknown", "");
        }
        b.heartbeat(sessions[v] + "-" + k, at, k == 10 && v == 0 ? 4000 : 5000, k == 10 && v == 0 ? 1000 : 0, 0,
            fails ? 1 : 0, k == 0 ? 300L : null);
        if (k == 30) {
          b.ended(at);
        }
        ok(s.beacon(b.json(), "192.0.2.20"));
      }
    }
  }

  /** A view that plays 10 s (first frame after 200 ms) and ends. */
  private void played(String session, Instant start, String ip) {
    Instant end = start.plusSeconds(10);
    s.clock.set(end);
    ok(s.beacon(Beacons.session(session, "pbO").userAgent(Beacons.CHROME_LINUX).play(start)
        .heartbeat(session + "-h", end, 10_000, 0, 200, 0, 200L).ended(end).json(), ip));
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    chromium.close();
    s.close();
  }

  /** The page fits the screen, axe-core finds nothing serious, and a screenshot is saved. */
  private static void checked(Chromium.Tab t, String axe, String name, int width) {
    DashboardPages.checked(t, axe, "dashboard-", name, width);
  }

  /**
   * Every figure of the overview opens its full chart, the previous day drawn beside the day hour for hour, and the
   * tooltip at an hour names every series with its figure (the previous period's with its own hour).
   */
  @Test
  void everyFigureOpensItsChartWithThePreviousPeriodBesideIt() throws Exception {
    String axe = axe();
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = signedIn(chromium, s, size, "#/overview?" + DAY);
      Page p = t.page();
      assertThat(text(p, "[data-metric=viewCount]")).isEqualTo("7");
      assertThat(text(p, "[data-metric=viewCount] + .delta")).isEqualTo("▲ +133.3% vs previous period (better)");
      assertThat(p.locator(".kpi [data-open]").count()).as("every figure opens its chart").isEqualTo(8);
      assertThat(text(p, "#chartTitle")).isEqualTo("Views over time");
      List<Object> views = chartData(p, "viewsChart", 0);
      List<Object> previous = chartData(p, "viewsChart", 1);
      assertThat(views).hasSize(24);
      assertThat(previous).hasSize(24);
      assertThat(views.subList(9, 16)).containsExactly(0, 3, 0, 3, 0, 0, 1);
      assertThat(previous.subList(9, 16)).containsExactly(0, 2, 0, 0, 0, 1, 0);
      assertThat(views.stream().mapToInt(v -> ((Number) v).intValue()).sum()).isEqualTo(7);
      assertThat(previous.stream().mapToInt(v -> ((Number) v).intValue()).sum()).isEqualTo(3);
      assertThat(p.evaluate("() => Chart.getChart(document.getElementById('viewsChart')).data.datasets"
          + ".map((d) => d.label)")).isEqualTo(List.of("Views", "Previous period"));

      // hovering 10:00: the tooltip shows both series, the previous one at its own hour
      assertThat(tooltipAt(p, "viewsChart", 10)).isEqualTo(List.of("03-02 10:00",
          "Views: 3", "Previous period (03-01 10:00): 2"));
      // the numbers under the chart, hour for hour
      assertThat(p.locator("details[data-for=viewsChart] thead th").allTextContents()).containsExactly("Time",
          "Views", "Previous period: time", "Previous period");
      assertThat(p.locator("details[data-for=viewsChart] tbody tr").nth(10).locator("th, td").allTextContents())
          .containsExactly("03-02 10:00", "3", "03-01 10:00", "2");
      checked(t, axe, "overview-views", size[0]);

      // the error rate: its name opens its chart; the address keeps the choice
      p.click("[data-open=errorRate]");
      settled(p);
      p.waitForFunction("() => document.getElementById('chartTitle')?.textContent === 'Error rate over time'");
      assertThat((String) p.evaluate("location.hash")).isEqualTo("#/overview/errorRate?" + DAY);
      assertThat(p.getAttribute("[data-open=errorRate]", "aria-current")).isEqualTo("true");
      assertThat(text(p, "[data-metric=errorRate]")).as("1 of 7").isEqualTo("14.3%");
      List<Object> errors = chartData(p, "viewsChart", 0);
      assertThat(((Number) errors.get(10)).doubleValue()).isEqualTo(0.0);
      assertThat(((Number) errors.get(12)).doubleValue()).as("1 of the 3 views of 12:00, in percent")
          .isEqualTo(33.33333);
      assertThat(errors.get(11)).as("no views at 11:00: no rate").isNull();
      assertThat(((Number) chartData(p, "viewsChart", 1).get(10)).doubleValue()).isEqualTo(0.0);
      assertThat(tooltipAt(p, "viewsChart", 10)).isEqualTo(List.of("03-02 10:00",
          "Error rate (%): 0", "Previous period (03-01 10:00): 0"));
      assertThat(tooltipAt(p, "viewsChart", 12)).as("no views the day before at 12:00: no rate to show")
          .isEqualTo(List.of("03-02 12:00", "Error rate (%): 33.333"));
      checked(t, axe, "overview-error-rate", size[0]);
      assertThat(t.errors()).isEmpty();
      t.page().close();
    }
  }

  /** Today's last hour is unfinished and says so; the previous period beside it is not marked. */
  @Test
  void todaysUnfinishedHourIsMarkedAndThePreviousPeriodIsNot() {
    Chromium.Tab t = signedIn(chromium, s, DESKTOP, "#/overview?" + DAY);
    Page p = t.page();
    p.clock().setFixedTime(java.util.Date.from(Instant.parse("2026-03-02T12:20:00Z")));
    go(p, "#/overview?range=today&step=hour");
    assertThat(text(p, "[data-metric=viewCount]")).as("the US's three and Germany's two by 12:20").isEqualTo("5");
    List<?> labels = (List<?>) p.evaluate("Chart.getChart(document.getElementById('viewsChart')).data.labels");
    assertThat(labels).hasSize(13);
    assertThat(labels.get(12)).isEqualTo("03-02 12:00 (so far)");
    assertThat(p.evaluate("Chart.getChart(document.getElementById('viewsChart')).data.datasets[1].at[12]"))
        .isEqualTo("03-01 12:00");
    assertThat(chartData(p, "viewsChart", 1).get(10)).as("yesterday by 12:20").isEqualTo(2);
    assertThat(tooltipAt(p, "viewsChart", 12)).isEqualTo(List.of("03-02 12:00 (so far)",
        "Views: 2", "Previous period (03-01 12:00): 0"));
    assertThat(t.errors()).isEmpty();
  }

  /** The shade and figure of each country the map draws with one, as "US shade-5 3". */
  /** Waits until the map has drawn shades for these countries (comma-separated, sorted) and no others. */
  private static void shadedAre(Page p, String countries) {
    p.waitForFunction("(want) => [...document.querySelectorAll('#worldMap path[data-value]')]"
        + ".map((e) => e.dataset.country).sort().join() === want", countries);
  }

  private static List<String> shaded(Page p) {
    return new ArrayList<>(((List<?>) p.evaluate("() => [...document.querySelectorAll('#worldMap path[data-value]')]"
        + ".map((e) => e.dataset.country + ' ' + e.getAttribute('class') + ' ' + e.dataset.value).sort()"))
        .stream().map(String::valueOf).toList());
  }

  private static List<String> mapTable(Page p) {
    return p.locator("#mapTable tbody tr").all().stream()
        .map(r -> String.join(" | ", r.locator("th, td").allTextContents().stream().map(String::strip).toList()))
        .toList();
  }

  /**
   * The breakdown by country draws a world map (shapes served by Viewpulse), shaded by views or by the chosen metric,
   * with the same figures as a table; a country clicked on the map shows its subdivisions, from where it filters
   * every page.
   */
  @Test
  void theWorldMapShadesEachCountryByTheChosenMetricWithATableBesideIt() throws Exception {
    String axe = axe();
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = signedIn(chromium, s, size, "#/breakdown/country?" + DAY);
      Page p = t.page();
      p.waitForSelector("#worldMap");
      assertThat(text(p, "#mapTitle")).isEqualTo("Views by country");
      assertThat(p.isHidden("#geoipOff")).as("the test server has a GeoIP file").isTrue();
      // views: 3, 2, 1 and 1 on a scale of five shades up to 3
      assertThat(shaded(p)).containsExactly("DE shade-4 2", "GB shade-2 1", "JP shade-2 1", "US shade-5 3");
      assertThat(p.getAttribute("#worldMap path[data-country=FR]", "class")).isEqualTo("shade-0");
      assertThat(p.locator(".legend li").allTextContents()).as("the shades in use and their figures")
          .containsExactly("no views", "1", "2", "3");
      assertThat(p.getAttribute("#worldMap path[data-country=RU]", "d")).as("Russia's east, past the antimeridian,"
          + " is drawn off the right edge instead of across the map").doesNotContain("M0.0,", "L0.0,").contains("L960.0,");
      assertThat(p.textContent("#worldMap path[data-country=DE] title")).isEqualTo("Germany: 2");
      assertThat(p.textContent("#worldMap path[data-country=FR] title")).isEqualTo("France: no views");
      assertThat(p.getAttribute("#worldMap", "aria-label")).isEqualTo("Views by country on a world map: 4 countries"
          + " with views (the table below has every figure); choose one to see its subdivisions");
      assertThat(mapTable(p)).containsExactly("United States | US | 3", "Germany | DE | 2",
          "United Kingdom | GB | 1", "Japan | JP | 1");
      assertThat(p.isVisible("#mapUnknown")).as("every view placed").isFalse();
      checked(t, axe, "map-views", size[0]);

      // the error rate: Germany's one failure of two is the worst
      go(p, "#/breakdown/country/errorRate?" + DAY);
      p.waitForSelector("#worldMap");
      assertThat(text(p, "#mapTitle")).isEqualTo("Error rate by country");
      shadedAre(p, "DE,GB,JP,US");
      assertThat(shaded(p)).containsExactly("DE shade-5 0.5", "GB shade-1 0", "JP shade-1 0", "US shade-1 0");
      assertThat(p.locator(".legend li").allTextContents()).containsExactly("no views", "0.00%", "50.0%");
      assertThat(mapTable(p)).containsExactly("Germany | DE | 50.0%", "United Kingdom | GB | 0.00%",
          "Japan | JP | 0.00%", "United States | US | 0.00%");
      checked(t, axe, "map-error-rate", size[0]);

      // a country on the map shows its subdivisions, from where it filters every page
      p.dispatchEvent("#worldMap path[data-country=DE]", "click");
      p.waitForSelector("#placesTable");
      assertThat(p.locator("#placesTable tbody tr").first().locator("th, td").allTextContents().stream()
          .map(String::strip)).containsExactly("1", "Bavaria", "50.0%", "2");
      p.click("#placeFilter");
      p.waitForFunction("() => location.hash.includes('f=country%3ADE')");
      settled(p);
      shadedAre(p, "DE");
      assertThat(shaded(p)).containsExactly("DE shade-5 0.5");
      assertThat(t.errors()).isEmpty();
      p.close();
    }
  }

  /** A server without a GeoIP database says so on its health answer, and the geographic breakdowns say it in words. */
  @Test
  void withoutGeoIpTheGeographicBreakdownsSaySo() throws Exception {
    String axe = axe();
    try (TestServer plain = new TestServer(c -> c.withIngest(new io.viewpulse.ingest.IngestConfig(List.of(),
        List.of("127.0.0.1/32", "::1/128"), "none")))) {
      assertThat(plain.http.get("/healthz").json().get("geoip").asText()).isEqualTo("off");
      assertThat(s.http.get("/healthz").json().get("geoip").asText()).isEqualTo("on");
      for (int[] size : List.of(DESKTOP, PHONE)) {
        Chromium.Tab t = chromium.open("http://127.0.0.1:" + plain.vp.port() + "/dashboard/", size);
        Page p = t.page();
        signIn(p, plain.secretKey);
        for (String dim : List.of("country", "subdivision")) {
          go(p, "#/breakdown/" + dim + "?" + DAY);
          p.waitForSelector("#geoipOff", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
          assertThat(p.innerText("#geoipOff").replaceAll("\\s+", " ").strip()).startsWith("GeoIP is off. This server"
              + " has no GeoIP database loaded, so views get no country, region or time zone");
          checked(t, axe, "geoip-off-" + dim, size[0]);
        }
        go(p, "#/breakdown/browser?" + DAY);
        assertThat(p.isHidden("#geoipOff")).as("not a geographic breakdown").isTrue();
        assertThat(t.errors()).isEmpty();
        p.close();
      }
    }
  }

  /**
   * A view (page, metric, range, step, filters) saved under a name is kept on the server for the account: listed,
   * opened again from the list, and its link (#/saved/id) opens the same view, named, in another browser after
   * sign-in, where the same list shows; a link to a view the account does not have says so; a deletion empties the
   * list on the server.
   */
  @Test
  void aViewIsSavedByNameForTheAccountOpenedAgainSharedByLinkAndDeleted() throws Exception {
    String axe = axe();
    String view = "#/breakdown/country/errorRate?" + DAY + "&f=browser:Chrome";
    List<String> germanErrors = List.of("DE shade-5 0.5", "GB shade-1 0", "JP shade-1 0", "US shade-1 0");
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = signedIn(chromium, s, size, view);
      Page p = t.page();
      p.click("#savedViews summary");
      assertThat(text(p, "#noSaved")).isEqualTo("No saved views yet in this account.");
      p.fill("#savedName", "German errors");
      p.click("#saveView button[type=submit]");
      p.waitForSelector("#savedList");
      assertThat(p.locator("#savedList [data-open-saved]").allTextContents()).containsExactly("German errors");
      // on the server: the name, the address as it was, and the key that saved it
      com.fasterxml.jackson.databind.JsonNode stored = s.http.getWithKey("/api/saved-view", s.secretKey).json();
      assertThat(stored).hasSize(1);
      assertThat(stored.get(0).get("name").asText()).isEqualTo("German errors");
      assertThat(stored.get(0).get("state").asText()).isEqualTo(view);
      assertThat(stored.get(0).get("createdBy").asText()).isEqualTo(s.secretKey.split("_")[1]);
      String link = p.inputValue("#share-0");
      assertThat(link).isEqualTo(base + "/dashboard/#/saved/" + stored.get(0).get("id").asText());
      checked(t, axe, "saved-views", size[0]);

      // elsewhere, then the saved view from the list: the same page, metric, range and filter, named
      go(p, "#/overview?range=7d&step=day");
      p.click("#savedList [data-open-saved]");
      p.waitForSelector("#worldMap");
      settled(p);
      assertThat(text(p, "h1")).isEqualTo("Breakdown by Country");
      assertThat(text(p, "#viewName")).isEqualTo("Saved view: German errors");
      assertThat(p.inputValue("#metric")).isEqualTo("errorRate");
      assertThat(p.inputValue("#range")).isEqualTo("custom");
      assertThat(p.locator("#filters .chip").allTextContents().stream().map(c -> c.replace("×", "").strip()))
          .containsExactly("Browser = Chrome");
      assertThat(shaded(p)).isEqualTo(germanErrors);

      // someone else of the account, in another browser, opens the link and signs in: the same view, named, and
      // the account's list
      Chromium.Tab other = chromium.openInTimeZone(link, "UTC");
      Page o = other.page();
      o.waitForSelector("#key");
      o.fill("#key", s.secretKey);
      o.press("#key", "Enter");
      o.waitForSelector("#worldMap");
      settled(o);
      assertThat(text(o, "#viewName")).isEqualTo("Saved view: German errors");
      assertThat(text(o, "h1")).isEqualTo("Breakdown by Country");
      assertThat(o.inputValue("#metric")).isEqualTo("errorRate");
      assertThat(shaded(o)).isEqualTo(germanErrors);
      o.click("#savedViews summary");
      o.waitForSelector("#savedList");
      assertThat(o.locator("#savedList [data-open-saved]").allTextContents()).as("the account's list")
          .containsExactly("German errors");
      assertThat(o.inputValue("#share-0")).isEqualTo(link);
      checked(other, axe, "saved-view-shared", 1280);
      assertThat(other.errors()).isEmpty();
      // a link to a view this account does not have
      o.evaluate("location.hash = '#/saved/0000000000000000'");
      assertThat(text(o, "#errorText")).isEqualTo(
          "Could not load this page: this account has no such saved view (it may have been deleted).");
      assertThat(other.errors()).as("the refused request, nothing else").containsExactlyInAnyOrder(
          "HTTP 404 " + base + "/api/saved-view/0000000000000000",
          "Failed to load resource: the server responded with a status of 404 (Not Found)");
      o.close();

      p.click("#savedList [data-delete-saved='0']");
      p.waitForSelector("#noSaved");
      assertThat(s.http.getWithKey("/api/saved-view", s.secretKey).json()).as("deleted on the server").isEmpty();
      assertThat(t.errors()).isEmpty();
      p.close();
    }
  }

  /** A save the server refuses (the account keeps as many as it may) says why beside the list, and saves nothing. */
  @Test
  void aSaveTheServerRefusesSaysWhy() {
    List<String> ids = new ArrayList<>();
    try {
      for (int i = 0; i < io.viewpulse.savedviews.SavedViews.MAX_PER_ACCOUNT; i++) {
        Http.Response r = s.http.post("/api/saved-view", "{\"name\": \"view " + i + "\", \"state\": \"#/overview\"}",
            "Authorization", "Bearer " + s.secretKey, "Content-Type", "application/json");
        ok201(r);
        ids.add(r.json().get("id").asText());
      }
      Chromium.Tab t = signedIn(chromium, s, DESKTOP, "#/overview?" + DAY);
      Page p = t.page();
      p.click("#savedViews summary");
      p.waitForSelector("#savedList");
      p.fill("#savedName", "One too many");
      p.click("#saveView button[type=submit]");
      assertThat(text(p, "#savedError")).isEqualTo("Could not save this view: the account has 200 saved views, the"
          + " most it may keep: delete one first");
      assertThat(p.inputValue("#savedName")).as("the name stays, to save once one is deleted").isEqualTo(
          "One too many");
      assertThat(s.http.getWithKey("/api/saved-view", s.secretKey).json()).hasSize(ids.size());
      assertThat(t.errors()).containsExactlyInAnyOrder("HTTP 409 " + base + "/api/saved-view",
          "Failed to load resource: the server responded with a status of 409 (Conflict)");
      p.close();
    } finally {
      ids.forEach(id -> s.http.delete("/api/saved-view/" + id, "Authorization", "Bearer " + s.secretKey));
    }
  }

  private static void ok201(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  /** Moves the mouse over a chart's point and reads its tooltip: the title, then a line per series. */
  @SuppressWarnings("unchecked")
  static List<String> tooltipAt(Page p, String canvas, int index) {
    p.locator("#" + canvas).scrollIntoViewIfNeeded();
    Map<String, Object> at = (Map<String, Object>) p.evaluate("() => { const c = Chart.getChart(document"
        + ".getElementById('" + canvas + "')); const r = c.canvas.getBoundingClientRect();"
        + " return { x: r.left + c.scales.x.getPixelForValue(" + index + "), y: r.top + (c.chartArea.top"
        + " + c.chartArea.bottom) / 2 }; }");
    p.mouse().move(((Number) at.get("x")).doubleValue(), ((Number) at.get("y")).doubleValue());
    p.waitForFunction("() => { const t = Chart.getChart(document.getElementById('" + canvas + "')).tooltip;"
        + " return t.opacity > 0 && t.dataPoints.length > 0 && t.dataPoints[0].dataIndex === " + index + "; }");
    List<String> out = new ArrayList<>();
    out.addAll((List<String>) p.evaluate("() => Chart.getChart(document.getElementById('" + canvas + "'))"
        + ".tooltip.title"));
    out.addAll((List<String>) p.evaluate("() => Chart.getChart(document.getElementById('" + canvas + "'))"
        + ".tooltip.body.flatMap((b) => b.lines)"));
    return out;
  }
}
