package io.viewpulse.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's alerts page in real Chromium: the account's rules with their conditions and state, and the
 * incidents, open first, as the server evaluated them on the test's clock. No console error.
 */
class AlertsDashboardInBrowserTest {
  private TestServer s;
  private Chromium chromium;

  @BeforeEach
  void start() {
    s = new TestServer();
    chromium = new Chromium(null);
  }

  @AfterEach
  void stop() {
    chromium.close();
    s.close();
  }

  private String rule(String json) {
    return s.http.post("/api/alerts/rules", json, "Authorization", "Bearer " + s.secretKey, "Content-Type",
        "application/json").json().get("id").asText();
  }

  @Test
  void thePageListsRulesAndIncidentsOpenFirst() {
    rule("{\"name\": \"errors\", \"metric\": \"errorRate\", \"comparison\": \">\", \"threshold\": 0.2,"
        + " \"minViews\": 10}");
    s.clock.advance(Duration.ofSeconds(1));
    rule("{\"name\": \"slow start\", \"metric\": \"ttffP95Ms\", \"comparison\": \">=\", \"filters\": [\"country:DE\"],"
        + " \"anomaly\": {\"weeks\": 4, \"stddevs\": 3}}");
    List<ViewRecord> views = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      views.add(new ViewRecord(500 + i, s.accountId, "pb", null, null, "v" + i,
          TestServer.T0.toEpochMilli() + 30_000 + i, null, new Dimensions("desktop", "Desktop", null, "Linux",
          "Chrome", "Blink", "EU", "DE", "Berlin", null, null), "example.com", false, 60_000, 300, 0, i < 10 ? 1 : 0,
          true, true));
    }
    s.vp.store().load(views);
    for (int m : new int[] {1, 2, 6, 7, 8, 9}) {
      s.clock.set(TestServer.T0.plus(Duration.ofMinutes(m)));
      s.vp.alerts().evaluateNow();
      if (m == 7) {
        // a second incident, still open at the end: the views of minute 8 err again
        List<ViewRecord> again = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          ViewRecord v = views.get(i);
          again.add(new ViewRecord(600 + i, v.accountId(), v.playbackId(), null, null, v.viewerId(),
              TestServer.T0.toEpochMilli() + 420_000 + i, null, v.dims(), v.domain(), false, 60_000, 300, 0, 1, true,
              true));
        }
        s.vp.store().load(again);
      }
    }
    Chromium.Tab t = chromium.open("http://127.0.0.1:" + s.vp.port() + "/#/alerts");
    Page p = t.page();
    p.waitForSelector("#key");
    p.fill("#key", s.secretKey);
    p.press("#key", "Enter");
    p.waitForSelector("#incidents", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
    assertThat(p.locator("#rules tbody tr").allInnerTexts()).containsExactly(
        "errors\terrorRate\t> 0.2\t\t10\t5 min\tFiring",
        "slow start\tttffP95Ms\t>= mean + 3 sd of 4 weeks\tcountry:DE\t100\t5 min\tOK");
    assertThat(p.locator("#incidents tbody tr").allInnerTexts()).containsExactly(
        "errors\terrorRate\t2026-03-02 10:09 UTC\tOpen\t1\t0.2",
        "errors\terrorRate\t2026-03-02 10:02 UTC\t2026-03-02 10:07 UTC\t0.5\t0.2");
    assertThat(p.title()).isEqualTo("Alerts · Viewpulse");
    t.screenshot("dashboard-alerts");
    assertThat(t.errors()).isEmpty();
  }
}
