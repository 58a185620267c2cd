package io.viewpulse.web;

import static io.viewpulse.testing.DashboardPages.axe;
import static io.viewpulse.testing.DashboardPages.go;
import static io.viewpulse.testing.DashboardPages.settled;
import static io.viewpulse.testing.DashboardPages.signedIn;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.DashboardPages;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A country chosen on the world map shows its subdivisions: ranked by the chosen metric in a table with bars for every
 * country, and on a map of their own for the US (us-atlas's states, served by Viewpulse). In real Chromium at a
 * desktop's 1440x900 and a phone's 390x844, against a server behind a trusted CDN (CloudFront) whose headers place
 * each view, on 2026-03-02:
 *
 * <pre>
 * US  California  3 views (one fails with an error)
 *     Texas       2 views
 *     New York    1 view
 *     (no region) 1 view
 * DE  Bavaria     2 views
 *     Berlin      1 view, which fails
 * GB  England     1 view
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardSubdivisionsInBrowserTest {
  private static final String DAY = "range=custom&from=2026-03-02&to=2026-03-02&step=hour";
  private static final int[] DESKTOP = {1440, 900};
  private static final int[] PHONE = {390, 844};
  private TestServer s;
  private Chromium chromium;
  private String base;
  private int sessions;

  @BeforeAll
  void script() {
    s = new TestServer(TestServer.newTempDir(), new MutableClock(T0), true, "dbip", "cloudfront", List.of());
    base = "http://127.0.0.1:" + s.vp.port();
    s.asset("pbS");
    view("US", "California", true);
    view("US", "California", false);
    view("US", "California", false);
    view("US", "Texas", false);
    view("US", "Texas", false);
    view("US", "New York", false);
    view("US", null, false);
    view("DE", "Bavaria", false);
    view("DE", "Bavaria", false);
    view("DE", "Berlin", true);
    view("GB", "England", false);
    s.clock.set(T0.plusSeconds(3600));
    s.flush();
    chromium = new Chromium(null);
  }

  /** A view of 10 s (the first frame after 200 ms) that ends, or fails with an error, placed by CloudFront's headers. */
  private void view(String country, String region, boolean fails) {
    String session = "s" + sessions;
    Instant start = T0.plusSeconds(60L * sessions++);
    Instant end = start.plusSeconds(10);
    s.clock.set(end);
    Beacons b = Beacons.session(session, "pbS").userAgent(Beacons.CHROME_LINUX).play(start);
    if (fails) {
      b.error(start.plusSeconds(2), "unknown", "").heartbeat(session + "-h", end, 0, 0, 2000, 1, null);
    } else {
      b.heartbeat(session + "-h", end, 10_000, 0, 200, 0, 200L).ended(end);
    }
    List<String> headers = new ArrayList<>(List.of("Content-Type", "text/plain;charset=UTF-8",
        "Origin", "https://www.example.com", "CloudFront-Viewer-Address", "192.0.2." + (10 + sessions) + ":5000",
        "CloudFront-Viewer-Country", country));
    if (region != null) {
      headers.addAll(List.of("CloudFront-Viewer-Country-Region-Name", region));
    }
    Http.Response r = s.http.post("/analytics/log", b.json(), headers.toArray(String[]::new));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    chromium.close();
    s.close();
  }

  /** Waits for the subdivisions of a country to be drawn (their title naming it, their table or "none" under it). */
  private static void subdivisionsOf(Page p, String title) {
    p.waitForFunction("(t) => document.getElementById('placesTitle')?.textContent === t"
        + " && !document.getElementById('places').hasAttribute('aria-busy')", title);
  }

  /** The rows of the subdivisions' table, cells joined by " | ". */
  private static List<String> ranked(Page p) {
    return p.locator("#placesTable tbody tr").all().stream()
        .map(r -> String.join(" | ", r.locator("th, td").allTextContents().stream().map(String::strip).toList()))
        .toList();
  }

  /** The shade and figure of each state with one on the subdivisions' map, as "California shade-5 3". */
  private static List<String> shadedStates(Page p) {
    return new ArrayList<>(((List<?>) p.evaluate("() => [...document.querySelectorAll('#placeMap path[data-value]')]"
        + ".map((e) => e.dataset.subdivision + ' ' + e.getAttribute('class') + ' ' + e.dataset.value).sort()"))
        .stream().map(String::valueOf).toList());
  }

  /** The page fits the screen, axe-core finds nothing serious, and a screenshot is saved. */
  private static void checked(Chromium.Tab t, String axe, String name, int width) {
    DashboardPages.checked(t, axe, "dashboard-", name, width);
  }

  /**
   * The US clicked on the world map: its states ranked by views with bars, on a map of the states; the choice is in
   * the address, focus moves to the subdivisions, and Back returns to every country.
   */
  @Test
  void aCountryClickedOnTheMapShowsItsSubdivisionsRankedAndOnAMapOfTheirOwn() throws Exception {
    String axe = axe();
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = signedIn(chromium, s, size, "#/breakdown/country?" + DAY);
      Page p = t.page();
      p.waitForSelector("#worldMap path[data-country=US]");
      assertThat(p.isHidden("#places")).as("nothing chosen yet").isTrue();
      assertThat(p.getAttribute("#worldMap path[data-country=US]", "aria-label")).isEqualTo("United States: 7");
      assertThat(p.getAttribute("#worldMap path[data-country=US]", "role")).isEqualTo("button");
      assertThat(p.getAttribute("#worldMap path[data-country=FR]", "tabindex")).as("no views: not a button").isNull();

      p.dispatchEvent("#worldMap path[data-country=US]", "click");
      subdivisionsOf(p, "Views in United States by subdivision");
      assertThat((String) p.evaluate("location.hash")).isEqualTo("#/breakdown/country/viewCount/US?" + DAY);
      assertThat(p.evaluate("document.activeElement.id")).as("focus moves to what was shown").isEqualTo(
          "placesTitle");
      assertThat(p.getAttribute("#worldMap path[data-country=US]", "aria-pressed")).isEqualTo("true");
      assertThat(p.getAttribute("#worldMap path[data-country=DE]", "aria-pressed")).isEqualTo("false");
      assertThat(p.locator("#placesTable thead th").allTextContents()).containsExactly("Rank", "Subdivision",
          "Views");
      assertThat(ranked(p)).containsExactly("1 | California | 3", "2 | Texas | 2", "3 | New York | 1");
      assertThat(p.evaluate("() => [...document.querySelectorAll('#placesTable .bar')].map((b) => b.style.width)"))
          .as("each figure against the largest").isEqualTo(List.of("100%", "66.7%", "33.3%"));
      assertThat(p.textContent("#placesUnknown").replaceAll("\\s+", " ").strip())
          .isEqualTo("1 view in United States without a known subdivision is not listed.");
      // the states' map: views 3, 2 and 1 on five shades up to 3; a state without views is grey
      p.waitForSelector("#placeMap");
      assertThat(shadedStates(p)).containsExactly("California shade-5 3", "New York shade-2 1", "Texas shade-4 2");
      assertThat(p.locator("#placeMap path").count()).as("50 states and D.C.").isEqualTo(51);
      assertThat(p.getAttribute("#placeMap path[data-subdivision=Florida]", "class")).isEqualTo("shade-0");
      assertThat(p.textContent("#placeMap path[data-subdivision=Texas] title")).isEqualTo("Texas: 2");
      assertThat(p.getAttribute("#placeMap", "aria-label")).isEqualTo("Views by subdivision of United States on a"
          + " map: 3 subdivisions with views (the table below has every figure)");
      assertThat(p.locator("#placeLegend li").allTextContents()).containsExactly("no views", "1", "2", "3");
      p.evaluate("document.getElementById('places').scrollIntoView()");
      checked(t, axe, "subdivisions-us", size[0]);

      // Back: every country again, nothing chosen
      p.goBack();
      settled(p);
      p.waitForSelector("#worldMap");
      assertThat((String) p.evaluate("location.hash")).isEqualTo("#/breakdown/country?" + DAY);
      assertThat(p.isHidden("#places")).isTrue();
      assertThat(t.errors()).isEmpty();
      p.close();
    }
  }

  /**
   * By keyboard: Tab to Germany on the map and press Enter. Germany has no map of its subdivisions here, so they are
   * a ranked table only, by the chosen metric (its error rate) with each one's views; the address opens the US
   * ranked by error rate (ties by views); "Filter every page by" filters by the country.
   */
  @Test
  void byKeyboardTheSubdivisionsAreRankedByTheChosenMetricAndTheCountryFiltersEveryPage() throws Exception {
    String axe = axe();
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = signedIn(chromium, s, size, "#/breakdown/country/errorRate?" + DAY);
      Page p = t.page();
      p.waitForSelector("#worldMap path[data-country=DE]");
      p.focus("#worldMap path[data-country=DE]");
      p.keyboard().press("Enter");
      subdivisionsOf(p, "Error rate in Germany by subdivision");
      assertThat((String) p.evaluate("location.hash")).isEqualTo("#/breakdown/country/errorRate/DE?" + DAY);
      assertThat(p.locator("#placeMapBox").count()).as("no shapes of Germany's states are served").isZero();
      assertThat(p.locator("#placesTable thead th").allTextContents()).containsExactly("Rank", "Subdivision",
          "Error rate", "Views");
      assertThat(ranked(p)).containsExactly("1 | Berlin | 100.0% | 1", "2 | Bavaria | 0.00% | 2");
      assertThat(p.isVisible("#placesUnknown")).as("every German view placed").isFalse();
      p.evaluate("document.getElementById('places').scrollIntoView()");
      checked(t, axe, "subdivisions-de-error-rate", size[0]);

      // the table of countries chooses too: Great Britain by its name's button
      p.click("#mapNumbers summary");
      p.click("#mapTable [data-place=GB]");
      subdivisionsOf(p, "Error rate in United Kingdom by subdivision");
      assertThat(ranked(p)).containsExactly("1 | England | 0.00% | 1");

      // the address alone: the US's states by error rate, California's 1 of 3 first, Texas before New York by views
      go(p, "#/breakdown/country/errorRate/US?" + DAY);
      subdivisionsOf(p, "Error rate in United States by subdivision");
      assertThat(ranked(p)).containsExactly("1 | California | 33.3% | 3", "2 | Texas | 0.00% | 2",
          "3 | New York | 0.00% | 1");
      p.waitForSelector("#placeMap");
      assertThat(shadedStates(p)).containsExactly("California shade-5 0.3333333", "New York shade-1 0",
          "Texas shade-1 0");
      p.evaluate("document.getElementById('places').scrollIntoView()");
      checked(t, axe, "subdivisions-us-error-rate", size[0]);

      // the country filters every page; its map and subdivisions stay
      p.click("#placeFilter");
      p.waitForFunction("() => location.hash.includes('f=country%3AUS')");
      settled(p);
      subdivisionsOf(p, "Error rate in United States by subdivision");
      // the map is drawn again for the filter: wait until it has its one shaded country
      p.waitForFunction("() => [...document.querySelectorAll('#worldMap path[data-value]')]"
          + ".map((e) => e.dataset.country).join() === 'US'");
      assertThat(p.evaluate("() => [...document.querySelectorAll('#worldMap path[data-value]')]"
          + ".map((e) => e.dataset.country)")).isEqualTo(List.of("US"));
      assertThat(p.locator("#filters .chip").allTextContents().stream().map(c -> c.replace("×", "").strip()))
          .containsExactly("Country = US");
      // and back to every country
      p.click("#placeClose");
      settled(p);
      p.waitForFunction("() => document.getElementById('places')?.hidden === true");
      assertThat((String) p.evaluate("location.hash")).startsWith("#/breakdown/country/errorRate?" + DAY);
      assertThat(t.errors()).isEmpty();
      p.close();
    }
  }
}
