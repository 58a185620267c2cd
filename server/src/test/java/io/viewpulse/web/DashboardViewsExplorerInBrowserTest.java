package io.viewpulse.web;

import static io.viewpulse.testing.DashboardPages.go;
import static io.viewpulse.testing.DashboardPages.settled;
import static io.viewpulse.testing.DashboardPages.signIn;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.DashboardPages;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The views explorer in real Chromium: the Views page (every view of the account in the range and filters, newest
 * first, page by page along the list's cursor), a viewer's views, and one view opened with its dimensions, figures and
 * timeline, on the Views page and on a video's page, by a click or by a link. Against a server with the test GeoIP and
 * ASN databases and one declared custom dimension, experiment; seven views on 2026-03-02 from 10:00 UTC, a minute
 * apart, the i-th playing i + 1 seconds (TTFF 200 + i ms):
 *
 * <pre>
 * i  video  viewer  browser  address       CDN     experiment  what else
 * 0  pbA    alice   Chrome   192.0.2.10    akamai  A
 * 1  pbB    bob     Firefox  192.0.2.10    akamai  B
 * 2  pbA    carol   Chrome   192.0.2.10    akamai  A
 * 3  pbB    alice   Firefox  192.0.2.10                        a fatal error after a second
 * 4  pbA    bob     Chrome   192.0.2.10            A
 * 5  pbB    carol   Firefox  203.0.113.5                       (no network known)
 * 6  pbA    alice   Chrome   192.0.2.10            A           1,500 ms stalled (1,294 after the first frame)
 * </pre>
 *
 * and a view of pbA by dave the day before. Every page and state is checked with axe-core (no serious or critical
 * finding) and for its width, on a desktop and on a phone, and for console errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardViewsExplorerInBrowserTest {
  private static final String DAY = "range=custom&from=2026-03-02&to=2026-03-02&step=hour";
  private static final String API_DAY = "from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z";
  private static final int[] DESKTOP = {1440, 900};
  private static final int[] PHONE = {390, 844};
  private static final List<String> HEADINGS = List.of("Started (UTC)", "Video", "Viewer", "Device", "OS", "Browser",
      "Country", "Watch time", "Time to first frame", "Rebuffering", "Errors", "Outcome", "ASN", "ISP", "CDN",
      "experiment");
  private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.UTC);
  private static final String[] VIEWERS = {"alice", "bob", "carol"};
  private TestServer s;
  private Chromium chromium;
  private String axe;
  private String base;
  private Media pbA;

  @BeforeAll
  void script() throws Exception {
    s = new TestServer(TestStores.Engine.DUCKDB);
    base = "http://127.0.0.1:" + s.vp.port();
    pbA = s.asset("pbA");
    s.asset("pbB");
    Http.Response declared = s.http.post("/api/custom-dimensions", "{\"name\":\"experiment\"}", "Authorization",
        "Bearer " + s.secretKey, "Content-Type", "application/json");
    assertThat(declared.status()).as(declared.body()).isEqualTo(201);
    Instant before = T0.minus(java.time.Duration.ofDays(1));
    ended(Beacons.session("dave-1", "pbA").uid("dave").userAgent(Beacons.CHROME_LINUX).play(before)
        .heartbeat("hd", before.plusSeconds(3), 3000, 0, 0, 0, 150L).ended(before.plusSeconds(3)),
        before.plusSeconds(3), "192.0.2.10");
    for (int i = 0; i < 7; i++) {
      Instant start = T0.plusSeconds(60L * i);
      Instant end = start.plusSeconds(i + 1);
      Beacons b = Beacons.session("x-" + i, i % 2 == 0 ? "pbA" : "pbB").uid(VIEWERS[i % 3])
          .userAgent(i % 2 == 0 ? Beacons.CHROME_LINUX : Beacons.FIREFOX_WINDOWS).play(start);
      if (i < 3) {
        b.field("cdn", "akamai");
      }
      if (i % 2 == 0) {
        b.customDimension("experiment", "A");
      } else if (i == 1) {
        b.customDimension("experiment", "B");
      }
      if (i == 3) {
        b.error(start.plusSeconds(1), "network", "segment 404");
      }
      b.heartbeat("h" + i, end, 1000L * (i + 1), i == 6 ? 1500 : 0, 0, i == 3 ? 1 : 0, 200L + i).ended(end);
      ended(b, end, i == 5 ? "203.0.113.5" : "192.0.2.10");
    }
    // an hour on: every view has ended and is stored
    s.clock.set(T0.plusSeconds(3600));
    s.flush();
    chromium = new Chromium(null);
    axe = DashboardPages.axe();
  }

  private void ended(Beacons b, Instant at, String ip) {
    s.clock.set(at);
    Http.Response r = s.beacon(b.json(), ip);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    chromium.close();
    s.close();
  }

  /** Opens the dashboard at this size with pages of 4 views, signed in, at {@code hash}. */
  private Chromium.Tab open(int[] size, String hash) {
    Chromium.Tab t = chromium.open(base + "/dashboard/", size);
    Page p = t.page();
    p.waitForSelector("#key");
    p.evaluate("sessionStorage.setItem('viewpulse.viewsPageSize', '4')");
    signIn(p, s.secretKey);
    go(p, hash);
    return t;
  }

  private void checked(Chromium.Tab t, String name, int width) {
    DashboardPages.checked(t, axe, "dashboard-explorer-", name, width);
  }

  private JsonNode api(String pathAndQuery) {
    Http.Response r = s.query(pathAndQuery);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static String orUnknown(JsonNode v, String field) {
    return v.get(field).isNull() ? "Unknown" : v.get(field).asText();
  }

  /**
   * A view of the API's list as the explorer's table shows it, cell by cell (every view here is under a minute; the
   * OS by its one name, "Windows NT" as "Windows"), with the network columns of {@code network}.
   */
  private static List<String> row(JsonNode v, List<String> network) {
    String outcome = Map.of("played", "Played", "failedToStart", "Failed to start", "failedAfterStart",
        "Failed after it started", "exitedBeforeStart", "Left before it started").get(v.get("outcome").asText());
    List<String> out = new ArrayList<>(List.of(STARTED.format(Instant.ofEpochMilli(v.get("startedAt").asLong())),
        "video " + v.get("playbackId").asText(), v.get("viewerId").asText(), orUnknown(v, "deviceType"),
        orUnknown(v, "os").startsWith("Windows") ? "Windows" : orUnknown(v, "os"), orUnknown(v, "browser"),
        orUnknown(v, "country"), Math.round(v.get("playtimeMs").asLong() / 1000.0) + " s",
        v.get("ttffMs").isNull() ? "–" : v.get("ttffMs").asText() + " ms",
        Math.round(v.get("rebufferMs").asLong() / 1000.0) + " s", v.get("errors").asText(), outcome));
    for (String k : network) {
      out.add(v.get(k).isNull() ? "Unknown" : k.equals("asn") ? "AS" + v.get(k).asText() : v.get(k).asText());
    }
    out.add(orUnknown(v, "custom.experiment"));
    return out;
  }

  /** A page of the API's list as the table shows it: a network column where a view of the page has that dimension. */
  private static List<List<String>> rows(JsonNode page) {
    List<String> network = new ArrayList<>();
    for (String k : List.of("asn", "isp", "cdn")) {
      boolean any = false;
      for (JsonNode v : page.get("views")) {
        any |= !v.get(k).isNull();
      }
      if (any) {
        network.add(k);
      }
    }
    List<List<String>> out = new ArrayList<>();
    page.get("views").forEach(v -> out.add(row(v, network)));
    return out;
  }

  /** The table's rows as shown, cell by cell. */
  private static List<List<String>> shown(Page p) {
    p.waitForSelector("#views");
    List<List<String>> out = new ArrayList<>();
    int n = p.locator("#views tbody tr").count();
    for (int i = 0; i < n; i++) {
      out.add(p.locator("#views tbody tr").nth(i).locator("td").allTextContents().stream().map(String::strip).toList());
    }
    return out;
  }

  /** A two-column table of the panel: each name and its value. */
  private static Map<String, String> pairs(Page p, String table) {
    List<String> names = p.locator(table + " th").allTextContents();
    List<String> values = p.locator(table + " td").allTextContents();
    assertThat(names).hasSameSizeAs(values);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i).strip(), values.get(i).strip());
    }
    return out;
  }

  private static List<String> chips(Page p) {
    return p.locator(".chip").allTextContents().stream().map(c -> c.replace("×", "").strip()).toList();
  }

  /**
   * Every view of the day, newest first, four a page: each row exactly as the API's list for the same scope has it,
   * Next page asking for the API's cursor, Newer views back to the first page; on a phone too, every column kept and
   * the table scrolling inside its box.
   */
  @Test
  void theViewsPageListsEveryViewOfTheRangeNewestFirstPageByPage() {
    JsonNode first = api("/api/data/views?" + API_DAY + "&limit=4");
    JsonNode second = api("/api/data/views?" + API_DAY + "&limit=4&cursor="
        + URLEncoder.encode(first.get("next").asText(), StandardCharsets.UTF_8));
    assertThat(second.get("next").isNull()).isTrue();
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = open(size, "#/views?" + DAY);
      Page p = t.page();
      assertThat(p.title()).isEqualTo("Views · Viewpulse");
      assertThat(p.getAttribute("[data-nav=views]", "aria-current")).isEqualTo("page");
      assertThat(p.locator("#views thead th").allTextContents()).as("no view of the first page has a CDN")
          .containsExactlyElementsOf(HEADINGS.stream().filter(h -> !h.equals("CDN")).toList());
      List<List<String>> page1 = shown(p);
      assertThat(page1).isEqualTo(rows(first));
      assertThat(page1.stream().map(r -> r.get(0) + " " + r.get(1) + " " + r.get(2)).toList()).containsExactly(
          "2026-03-02 10:06:00 video pbA alice", "2026-03-02 10:05:00 video pbB carol",
          "2026-03-02 10:04:00 video pbA bob", "2026-03-02 10:03:00 video pbB alice");
      assertThat(page1.get(0).subList(7, 15)).containsExactly("7 s", "206 ms", "1 s", "0", "Played", "AS64500",
          "Example Cable Ltd", "A");
      assertThat(page1.get(3).get(11)).as("a fatal error before the heartbeat that reports the first frame, as the"
          + " startup failure rate counts it").isEqualTo("Failed to start");
      assertThat(page1.get(1).subList(12, 15)).containsExactly("Unknown", "Unknown", "Unknown");
      assertThat(p.textContent("#viewPage").strip()).isEqualTo("Page 1");
      PlaywrightAssertions.assertThat(p.locator("#newer")).isDisabled();
      if (size == PHONE) {
        assertThat((Boolean) p.evaluate("() => { const b = document.getElementById('viewList');"
            + " return b.scrollWidth > b.clientWidth; }")).as("the table scrolls inside its box").isTrue();
      }
      checked(t, "views-page-1", size[0]);

      var asked = p.waitForRequest(r -> r.url().contains("/api/data/views?") && r.url().contains("cursor="),
          () -> p.click("#older"));
      assertThat(asked.url()).contains("cursor=" + URLEncoder.encode(first.get("next").asText(),
          StandardCharsets.UTF_8));
      PlaywrightAssertions.assertThat(p.locator("#viewPage")).hasText("Page 2");
      settled(p);
      assertThat(p.locator("#views thead th").allTextContents()).containsExactlyElementsOf(HEADINGS);
      assertThat(shown(p)).isEqualTo(rows(second));
      assertThat(shown(p).get(0).subList(12, 16)).containsExactly("AS64500", "Example Cable Ltd", "akamai", "A");
      assertThat(shown(p).stream().map(r -> r.get(0)).toList())
          .containsExactly("2026-03-02 10:02:00", "2026-03-02 10:01:00", "2026-03-02 10:00:00");
      PlaywrightAssertions.assertThat(p.locator("#older")).isDisabled();
      checked(t, "views-page-2", size[0]);
      p.click("#newer");
      PlaywrightAssertions.assertThat(p.locator("#viewPage")).hasText("Page 1");
      settled(p);
      assertThat(shown(p)).isEqualTo(page1);
      assertThat(t.errors()).isEmpty();
      p.close();
    }
  }

  /**
   * "Is not" filters from the address narrow the list as the API does; a filter matching nothing and a range without
   * views say which kind of empty each is.
   */
  @Test
  void filtersFromTheAddressNarrowTheListAndEmptyStatesSayWhy() {
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = open(size, "#/views?" + DAY + "&f=%21browser%3AChrome&f=%21custom.experiment%3AB");
      Page p = t.page();
      assertThat(chips(p)).containsExactly("Browser is not Chrome", "experiment is not B");
      JsonNode expected = api("/api/data/views?" + API_DAY + "&limit=4&filters[]=!browser:Chrome"
          + "&filters[]=!custom.experiment:B");
      assertThat(p.locator("#views thead th").allTextContents()).as("no view here has a CDN")
          .containsExactlyElementsOf(HEADINGS.stream().filter(h -> !h.equals("CDN")).toList());
      assertThat(shown(p)).isEqualTo(rows(expected));
      assertThat(shown(p).stream().map(r -> r.get(0) + " " + r.get(5)).toList())
          .containsExactly("2026-03-02 10:05:00 Firefox", "2026-03-02 10:03:00 Firefox");
      PlaywrightAssertions.assertThat(p.locator("#older")).isDisabled();
      checked(t, "is-not", size[0]);

      go(p, "#/views?" + DAY + "&f=browser%3AOpera");
      p.waitForSelector("#noMatch");
      assertThat(p.innerText("#noMatch h2").strip()).isEqualTo("Nothing matches these filters");
      assertThat(p.isVisible("#noMatch [data-clear-filters]")).isTrue();
      checked(t, "no-match", size[0]);
      go(p, "#/views?range=custom&from=2020-01-01&to=2020-01-01&step=hour");
      p.waitForSelector("#noneInRange");
      assertThat(p.innerText("#noneInRange h2").strip()).isEqualTo("No views in this range");
      checked(t, "none-in-range", size[0]);
      assertThat(t.errors()).isEmpty();
      p.close();
    }
  }

  /**
   * A viewer id typed in: that viewer's views (the API's answer for the viewer in the same scope), the id in the
   * address so a reload or a link shows them again; a viewer the account never saw says so, apart from a viewer with
   * views at other times only and from an error (with Try again).
   */
  @Test
  void aViewerSearchShowsThatViewersViewsAndTellsAnUnknownViewerFromAnError() {
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = open(size, "#/views?" + DAY);
      Page p = t.page();
      p.fill("#viewerId", "alice");
      p.press("#viewerId", "Enter");
      p.waitForFunction("() => location.hash.startsWith('#/views/viewer/alice?')");
      settled(p);
      assertThat(p.textContent("h1").strip()).isEqualTo("Views of viewer alice");
      assertThat(p.title()).isEqualTo("Views of viewer alice · Viewpulse");
      assertThat((String) p.evaluate("location.hash")).isEqualTo("#/views/viewer/alice?" + DAY);
      JsonNode alice = api("/api/data/viewers/alice/views?" + API_DAY + "&limit=4");
      assertThat(shown(p)).isEqualTo(rows(alice));
      assertThat(shown(p).stream().map(r -> r.get(0) + " " + r.get(2)).toList()).containsExactly(
          "2026-03-02 10:06:00 alice", "2026-03-02 10:03:00 alice", "2026-03-02 10:00:00 alice");
      checked(t, "viewer", size[0]);

      // kept in the address: a reload shows the same viewer's views
      p.reload();
      p.waitForSelector("#signout", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
      settled(p);
      assertThat(shown(p)).isEqualTo(rows(alice));
      assertThat(p.inputValue("#viewerId")).isEqualTo("alice");
      // a viewer's link in the list opens that viewer's views
      go(p, "#/views?" + DAY);
      p.click("#views tbody tr:nth-child(2) td:nth-child(3) a");
      p.waitForFunction("() => location.hash.startsWith('#/views/viewer/carol?')");
      settled(p);
      assertThat(shown(p).stream().map(r -> r.get(2)).toList()).containsExactly("carol", "carol");

      // a viewer the account never saw, and one with views on another day only
      go(p, "#/views/viewer/nobody?" + DAY);
      p.waitForSelector("#noViewer");
      assertThat(p.innerText("#noViewer h2").strip()).isEqualTo("No views for this viewer");
      assertThat(p.innerText("#noViewer p").replaceAll("\\s+", " ").strip())
          .startsWith("No view of this account has the viewer id “nobody”, at any time.");
      assertThat(p.isVisible("#error")).isFalse();
      checked(t, "unknown-viewer", size[0]);
      go(p, "#/views/viewer/dave?" + DAY);
      p.waitForSelector("#viewerNoneHere");
      assertThat(p.innerText("#viewerNoneHere p").replaceAll("\\s+", " ").strip())
          .isEqualTo("This viewer has views, but none in 2026-03-02: choose another range.");
      go(p, "#/views/viewer/dave?range=custom&from=2026-03-01&to=2026-03-01&step=hour");
      assertThat(shown(p).stream().map(r -> r.get(0) + " " + r.get(2)).toList())
          .containsExactly("2026-03-01 10:00:00 dave");

      // the server not answering is an error with Try again, not "no views"
      Consumer<Route> refuse = Route::abort;
      p.route("**/api/data/viewers/**", refuse);
      go(p, "#/views/viewer/bob?" + DAY);
      p.waitForSelector("#errorText");
      assertThat(p.textContent("#errorText").strip())
          .isEqualTo("Could not load this page: the server did not answer.");
      assertThat(p.locator("#noViewer").count()).isZero();
      checked(t, "viewer-error", size[0]);
      p.unroute("**/api/data/viewers/**", refuse);
      p.click("#retry");
      settled(p);
      assertThat(shown(p)).isEqualTo(rows(api("/api/data/viewers/bob/views?" + API_DAY + "&limit=4")));
      assertThat(t.errors()).as("only the refused requests").allMatch(e -> e.contains("net::ERR_FAILED"));
      p.close();
    }
  }

  /** The newest view's dimensions by their labels, exactly (the custom one by its declared name). */
  private void assertNewestViewOpened(Page p, String viewId) {
    p.waitForSelector("#events");
    assertThat(p.textContent("#viewTitle").strip()).isEqualTo("View of 2026-03-02 10:06:00 by alice");
    assertThat(p.evaluate("document.activeElement.id")).as("focus on the panel's heading").isEqualTo("viewTitle");
    assertThat((String) p.evaluate("location.hash")).endsWith("&viewId=" + viewId);
    JsonNode v = api("/api/data/views/" + viewId).get("view");
    Map<String, String> dims = pairs(p, "#viewDims");
    assertThat(dims.keySet()).containsExactly("Video", "Viewer", "Country", "Subdivision", "Continent", "Time zone",
        "Browser", "Browser engine", "OS", "Device type", "Device", "CPU", "Creator", "Geohash", "ASN", "ISP", "CDN",
        "Page domain", "Live or on demand", "experiment");
    assertThat(dims).containsEntry("Video", "video pbA (pbA)").containsEntry("Viewer", "alice")
        .containsEntry("Browser", "Chrome").containsEntry("OS", "Linux").containsEntry("ASN", "AS64500")
        .containsEntry("ISP", "Example Cable Ltd").containsEntry("CDN", "Unknown")
        .containsEntry("Live or on demand", "On demand").containsEntry("experiment", "A")
        .containsEntry("Country", orUnknown(v, "country")).containsEntry("Device type", orUnknown(v, "deviceType"))
        .containsEntry("Page domain", orUnknown(v, "domain"));
    assertThat(pairs(p, "#viewMetrics")).containsExactly(Map.entry("Watch time", "7 s"),
        Map.entry("Time to first frame", "206 ms"), Map.entry("Rebuffering time", "1,294 ms"),
        // the stall of the heartbeat that carries the first frame: its time past the first frame is rebuffering,
        // its one stall the startup wait (sessions.ViewState), as the quality metrics count it
        Map.entry("Rebuffers", "0"), Map.entry("Errors", "0"), Map.entry("Non-fatal errors", "0"),
        Map.entry("Outcome", "Played"), Map.entry("Seeks", "0"), Map.entry("Average bitrate", "Not reported"),
        Map.entry("Rendition switches", "0 up, 0 down"), Map.entry("Dropped frames", "Not reported"),
        Map.entry("Upscaling", "Not reported"), Map.entry("Downscaling", "Not reported"));
    assertThat(p.locator("#events tbody tr").allInnerTexts().stream().map(r -> r.replace('\t', '|').strip()))
        .containsExactly("+0.0 s|Play|", "+7.0 s|First frame|", "+7.0 s|Stall|1,294 ms", "+7.0 s|End|the video ended");
    assertThat(v.get("rebufferMs").asLong()).as("the stall after the first frame, 206 ms after play").isEqualTo(1294);
  }

  /**
   * A view's start opens it below the list, on the Views page and on a video's page: its dimensions, figures and
   * timeline in one panel, focus on its heading, its id in the address, so the address opens it again; Close removes
   * it from the address.
   */
  @Test
  void openingAViewShowsItsDimensionsFiguresAndTimelineAndItsLinkOpensIt() {
    String viewId = api("/api/data/views?" + API_DAY + "&limit=1").get("views").get(0).get("viewId").asText();
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = open(size, "#/views?" + DAY);
      Page p = t.page();
      // while the view loads: its panel says so, in grey placeholders; when the server does not answer: why, and
      // Try again
      String one = "**/api/data/views/" + viewId;
      List<Route> held = new ArrayList<>();
      Consumer<Route> hold = held::add;
      p.route(one, hold);
      p.locator("#views tbody tr").first().locator("button.open-view").click();
      p.waitForSelector("#viewPanel [data-loading]", new Page.WaitForSelectorOptions()
          .setState(WaitForSelectorState.ATTACHED));
      assertThat(p.textContent("#viewTitle").strip()).isEqualTo("Opening the view…");
      assertThat(p.getAttribute("#viewPanel", "aria-busy")).isEqualTo("true");
      p.waitForCondition(() -> !held.isEmpty());
      held.get(0).abort();
      p.unroute(one, hold);
      settled(p);
      assertThat(p.textContent("#viewPanel .error p").strip())
          .isEqualTo("Could not open the view: the server did not answer.");
      assertThat(p.evaluate("document.activeElement.id")).isEqualTo("viewTitle");
      checked(t, "view-error", size[0]);
      p.click("#retryView");
      settled(p);
      assertNewestViewOpened(p, viewId);
      assertThat(shown(p)).as("the list stays").hasSize(4);
      checked(t, "view-opened", size[0]);

      // the address opens it: a fresh tab at the link
      String link = (String) p.evaluate("location.hash");
      Chromium.Tab other = open(size, link);
      assertNewestViewOpened(other.page(), viewId);
      assertThat(other.errors()).isEmpty();
      other.page().close();

      // Close: the panel goes, and so does the id from the address
      p.click("#closeView");
      settled(p);
      assertThat(p.isVisible("#viewPanel")).isFalse();
      assertThat((String) p.evaluate("location.hash")).isEqualTo("#/views?" + DAY);

      // on a video's page, the same panel
      go(p, "#/asset/" + pbA.id() + "?" + DAY);
      assertThat(p.locator("#views thead th").allTextContents()).as("no video column on a video's page")
          .containsExactlyElementsOf(HEADINGS.stream().filter(h -> !h.equals("Video")).toList());
      p.locator("#views tbody tr").first().locator("button.open-view").click();
      settled(p);
      assertNewestViewOpened(p, viewId);
      checked(t, "asset-view-opened", size[0]);
      go(p, "#/asset/" + pbA.id() + "?" + DAY + "&viewId=" + viewId);
      assertNewestViewOpened(p, viewId);

      // a view the account does not have says so
      go(p, "#/views?" + DAY + "&viewId=12345");
      p.waitForSelector("#viewPanel .error");
      assertThat(p.textContent("#viewPanel .error p").strip())
          .isEqualTo("Could not open the view: this account has no view with this id.");
      assertThat(t.errors()).as("only the view refused and the view not found")
          .allMatch(e -> e.contains("404") || e.contains("net::ERR_FAILED"));
      p.close();
    }
  }
}
