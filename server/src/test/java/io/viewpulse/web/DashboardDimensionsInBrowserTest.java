package io.viewpulse.web;

import static io.viewpulse.testing.DashboardPages.go;
import static io.viewpulse.testing.DashboardPages.settled;
import static io.viewpulse.testing.DashboardPages.signedIn;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.DashboardPages;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard's network dimensions (ASN, ISP, CDN) and the account's custom dimensions in real Chromium, as
 * breakdowns and as filters ("is" and "is not", the filter builder), kept in the address; against a server with the
 * test ASN database (test-asn.mmdb) and two declared custom dimensions, experiment and content-type. Four views of
 * pbD on 2026-03-02 at 10:00 UTC, each playing 4 seconds:
 *
 * <pre>
 * view  address        network                          CDN     experiment  content-type
 * d1    192.0.2.10     AS64500 Example Cable Ltd        akamai  A           vod
 * d2    192.0.2.11     AS64500 Example Cable Ltd        fastly  B
 * d3    198.51.100.10  AS64501 Beispiel Telekom AG      akamai  A
 * d4    203.0.113.5    (none known)
 * </pre>
 *
 * A second server without an ASN database shows the ASN and ISP breakdowns' note. Every page is checked with axe-core
 * (no serious or critical finding) and for its width, on a desktop and on a phone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardDimensionsInBrowserTest {
  private static final String DAY = "range=custom&from=2026-03-02&to=2026-03-02&step=hour";
  private static final int[] DESKTOP = {1440, 900};
  private static final int[] PHONE = {390, 844};
  private TestServer s;
  private Chromium chromium;
  private String axe;

  @BeforeAll
  void script() throws Exception {
    s = new TestServer(TestStores.Engine.DUCKDB);
    s.asset("pbD");
    for (String name : List.of("experiment", "content-type")) {
      Http.Response r = s.http.post("/api/custom-dimensions", "{\"name\":\"" + name + "\"}", "Authorization",
          "Bearer " + s.secretKey, "Content-Type", "application/json");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
    s.clock.set(T0.plusSeconds(5));
    view(played("d1").field("cdn", "akamai").customDimension("experiment", "A").customDimension("content-type", "vod"),
        "192.0.2.10");
    view(played("d2").field("cdn", "fastly").customDimension("experiment", "B"), "192.0.2.11");
    view(played("d3").field("cdn", "akamai").customDimension("experiment", "A"), "198.51.100.10");
    view(played("d4"), "203.0.113.5");
    s.flush();
    chromium = new Chromium(null);
    axe = DashboardPages.axe();
  }

  private static Beacons played(String session) {
    return Beacons.session(session, "pbD").play(T0).heartbeat("h" + session, T0.plusSeconds(4), 4000, 0, 0, 0, 100L);
  }

  private void view(Beacons b, String ip) {
    Http.Response r = s.beacon(b.json(), ip);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("dropped").toString()).as(r.body()).isEqualTo("{}");
  }

  @AfterAll
  void stop() {
    chromium.close();
    s.close();
  }

  /** The breakdown's rows: each value as shown (Unknown for none) and its views. */
  private static Map<String, String> rows(Page p) {
    p.waitForSelector("#values");
    List<String> names = p.locator("#values tbody td:first-child > :first-child").allTextContents().stream()
        .map(String::strip).toList();
    List<String> views = p.locator("#values tbody td[data-col=viewCount]").allTextContents().stream()
        .map(String::strip).toList();
    assertThat(names).hasSameSizeAs(views);
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), views.get(i));
    }
    return out;
  }

  private static List<String> chips(Page p) {
    return p.locator(".chip").allTextContents().stream().map(c -> c.replace("×", "").strip()).toList();
  }

  /** The page fits the screen, axe-core finds nothing serious, and a screenshot is saved. */
  private void checked(Chromium.Tab t, String name, int width) {
    DashboardPages.checked(t, axe, "dashboard-dimensions-", name, width);
  }

  private Map<String, Long> api(String query, String dimension) {
    Http.Response r = s.query(query + "&from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Map<String, Long> out = new TreeMap<>();
    for (JsonNode n : r.json()) {
      out.put(n.has(dimension) ? n.get(dimension).asText() : "-", n.get("viewCount").asLong());
    }
    return out;
  }

  /**
   * The breakdowns offer ASN, ISP and CDN by their labels and the declared custom dimensions by their names, and each
   * breaks the views down exactly as the API does; a network value clicked filters every page by it.
   */
  @Test
  void networkAndCustomDimensionsAreBreakdownsWithTheirViews() {
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = signedIn(chromium, s, size, "#/breakdown/isp?" + DAY);
      Page p = t.page();
      assertThat(p.textContent("h1").strip()).isEqualTo("Breakdown by ISP");
      List<String> labels = p.locator("#dimension option").allTextContents();
      assertThat(labels.subList(labels.size() - 5, labels.size()))
          .containsExactly("ASN", "ISP", "CDN", "experiment", "content-type");
      assertThat(p.locator("#dimension option").evaluateAll("os => os.slice(-5).map((o) => o.value)"))
          .isEqualTo(List.of("asn", "isp", "cdn", "custom.experiment", "custom.content-type"));
      assertThat(api("/api/data/views/query?breakdownBy[]=isp", "isp"))
          .isEqualTo(Map.of("Example Cable Ltd", 2L, "Beispiel Telekom AG", 1L, "-", 1L));
      assertThat(rows(p)).isEqualTo(Map.of("Example Cable Ltd", "2", "Beispiel Telekom AG", "1", "Unknown", "1"));
      assertThat(p.isHidden("#networkOff")).as("the test server has an ASN database").isTrue();
      checked(t, "isp", size[0]);

      go(p, "#/breakdown/asn?" + DAY);
      assertThat(rows(p)).isEqualTo(Map.of("AS64500", "2", "AS64501", "1", "Unknown", "1"));
      go(p, "#/breakdown/cdn?" + DAY);
      assertThat(p.textContent("h1").strip()).isEqualTo("Breakdown by CDN");
      assertThat(rows(p)).isEqualTo(Map.of("akamai", "2", "fastly", "1", "Unknown", "1"));

      // the dimension picker opens a custom dimension's breakdown, named as declared
      p.selectOption("#dimension", "custom.experiment");
      p.waitForFunction("() => location.hash.startsWith('#/breakdown/custom.experiment?')");
      settled(p);
      p.waitForSelector("#values");
      assertThat(p.textContent("h1").strip()).isEqualTo("Breakdown by experiment");
      assertThat(rows(p)).isEqualTo(Map.of("A", "2", "B", "1", "Unknown", "1"));
      assertThat(p.evaluate("document.getElementById('dimension').value")).isEqualTo("custom.experiment");
      go(p, "#/breakdown/custom.content-type?" + DAY);
      assertThat(rows(p)).isEqualTo(Map.of("vod", "1", "Unknown", "3"));
      checked(t, "custom", size[0]);

      // a network value selected filters every page by it, and the chip names it as shown
      go(p, "#/breakdown/asn?" + DAY);
      p.click("[data-filter='asn:64500']");
      p.waitForFunction("() => location.hash.startsWith('#/overview?')");
      settled(p);
      assertThat(p.url()).contains("f=asn%3A64500");
      assertThat(chips(p)).containsExactly("ASN = AS64500");
      go(p, "#/breakdown/cdn?" + DAY + "&f=asn%3A64500");
      assertThat(rows(p)).isEqualTo(Map.of("akamai", "1", "fastly", "1"));
      assertThat(t.errors()).isEmpty();
      p.close();
    }
  }

  /**
   * "Is not" on a custom dimension's value where it is, and the filter builder offering the network and custom
   * dimensions: the filters are in the address, so a reload keeps them, and each narrows the rows as the API does.
   */
  @Test
  void customAndNetworkDimensionsFilterByIsAndIsNotAndStayInTheAddress() {
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = signedIn(chromium, s, size, "#/breakdown/custom.experiment?" + DAY);
      Page p = t.page();
      p.click("[data-exclude='!custom.experiment:A']");
      p.waitForFunction("() => !document.querySelector(\"[data-filter='custom.experiment:A']\")"
          + " && !document.getElementById('main').hasAttribute('aria-busy')");
      assertThat(p.url()).contains("#/breakdown/custom.experiment?").contains("f=%21custom.experiment%3AA");
      assertThat(chips(p)).containsExactly("experiment is not A");
      assertThat(api("/api/data/views/query?breakdownBy[]=custom.experiment&filters[]=!custom.experiment:A",
          "custom.experiment")).isEqualTo(Map.of("B", 1L, "-", 1L));
      assertThat(rows(p)).isEqualTo(Map.of("B", "1", "Unknown", "1"));

      // the builder lists the network dimensions by label and the custom ones by name
      p.click("#builder summary");
      List<String> labels = p.locator("#filterDim option").allTextContents();
      assertThat(labels.subList(labels.size() - 5, labels.size()))
          .containsExactly("ASN", "ISP", "CDN", "experiment", "content-type");
      checked(t, "builder", size[0]);
      // CDN is not fastly, on top of the first: d4 alone (no experiment, no CDN)
      p.selectOption("#filterDim", "cdn");
      p.selectOption("#filterOp", "!");
      p.fill("#filterValue", "fastly");
      p.click("#addFilter button[type=submit]");
      p.waitForFunction("() => document.querySelectorAll('.chip').length === 2"
          + " && !document.getElementById('main').hasAttribute('aria-busy')");
      assertThat(chips(p)).containsExactly("experiment is not A", "CDN is not fastly");
      assertThat(rows(p)).isEqualTo(Map.of("Unknown", "1"));

      // kept in the address: a reload shows the same page, filters and rows
      p.reload();
      p.waitForSelector("#signout", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
      settled(p);
      assertThat(chips(p)).containsExactly("experiment is not A", "CDN is not fastly");
      assertThat(rows(p)).isEqualTo(Map.of("Unknown", "1"));

      // a custom dimension's value kept by hand: content-type = vod on the ISP breakdown, the filters cleared first
      go(p, "#/breakdown/isp?" + DAY);
      p.click("#builder summary");
      p.selectOption("#filterDim", "custom.content-type");
      p.selectOption("#filterOp", "");
      p.fill("#filterValue", "vod");
      p.click("#addFilter button[type=submit]");
      p.waitForFunction("() => document.querySelectorAll('.chip').length === 1"
          + " && !document.getElementById('main').hasAttribute('aria-busy')");
      assertThat(p.url()).contains("f=custom.content-type%3Avod");
      assertThat(chips(p)).containsExactly("content-type = vod");
      assertThat(rows(p)).isEqualTo(Map.of("Example Cable Ltd", "1"));
      checked(t, "filtered", size[0]);
      assertThat(t.errors()).isEmpty();
      p.close();
    }
  }

  /** A server without an ASN database says so on its health answer, and the ASN and ISP breakdowns say it in words. */
  @Test
  void withoutAnAsnDatabaseTheNetworkBreakdownsSaySo() {
    try (TestServer plain = new TestServer(c -> c.withIngest(new io.viewpulse.ingest.IngestConfig(List.of(),
        List.of("127.0.0.1/32", "::1/128"), "none")))) {
      assertThat(plain.http.get("/healthz").json().get("networkDimensions").asText())
          .isEqualTo("off: no ASN database");
      for (int[] size : List.of(DESKTOP, PHONE)) {
        Chromium.Tab t = signedIn(chromium, plain, size, "#/breakdown/isp?" + DAY);
        Page p = t.page();
        for (String dim : List.of("asn", "isp")) {
          go(p, "#/breakdown/" + dim + "?" + DAY);
          p.waitForSelector("#networkOff", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
          assertThat(p.innerText("#networkOff").replaceAll("\\s+", " ").strip()).startsWith("Network dimensions are"
              + " off. This server has no ASN database loaded, so views get no ASN or ISP and read as Unknown here.");
          checked(t, "network-off-" + dim, size[0]);
        }
        go(p, "#/breakdown/cdn?" + DAY);
        assertThat(p.isHidden("#networkOff")).as("players report the CDN").isTrue();
        assertThat(t.errors()).isEmpty();
        p.close();
      }
    }
  }
}
