package io.viewpulse.web;

import static io.viewpulse.testing.DashboardPages.axe;
import static io.viewpulse.testing.DashboardPages.axeViolations;
import static io.viewpulse.testing.DashboardPages.scrollWidth;
import static io.viewpulse.testing.DashboardPages.signIn;
import static io.viewpulse.testing.DashboardPages.text;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Chromium;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The live page's "Playing now": the quality of the stream's open sessions (GET /api/data/views/now?metrics=quality),
 * apart from the window's figures (every view started in it, ended or open), in real Chromium at 1440x900 and 390x844. The server's clock
 * and the browser's stand at T0 + 12 s; the stream's views:
 *
 * <pre>
 * n-ended      T0 - 10 min: play, first frame after 400 ms, plays 5 s, ends
 * o-play       T0: play, first frame after 200 ms, plays 4.8 s, then 4 s and stalls 1 s (open)
 * o-startfail  T0 + 1 s: play, a fatal error before a frame (open)
 * o-waiting    T0 + 2 s: play, waits 2 s for a frame (open)
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardLiveNowInBrowserTest {
  private static final int[] DESKTOP = {1440, 900};
  private static final int[] PHONE = {390, 844};
  private static final Instant NOW = T0.plusSeconds(12);
  private TestServer s;
  private Chromium chromium;
  private String base;

  @BeforeAll
  void script() {
    s = new TestServer();
    base = "http://127.0.0.1:" + s.vp.port();
    s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, "chanN", "Channel N", "chanpbN", null,
        null, "channel"));
    Instant e = T0.minusSeconds(600);
    send(live("n-ended").play(e).heartbeat("n1", e.plusSeconds(5), 5000, 0, 400, 0, 400L).ended(e.plusSeconds(5)),
        e.plusSeconds(5));
    send(live("o-play").play(T0).heartbeat("p1", T0.plusSeconds(5), 4800, 0, 200, 0, 200L)
        .heartbeat("p2", T0.plusSeconds(10), 4000, 1000, 0, 0, null), T0.plusSeconds(10));
    send(live("o-startfail").play(T0.plusSeconds(1)).error(T0.plusSeconds(2), "unknown", "media error 4")
        .heartbeat("s1", T0.plusSeconds(2), 0, 0, 1000, 1, null), T0.plusSeconds(2));
    send(live("o-waiting").play(T0.plusSeconds(2)).heartbeat("w1", T0.plusSeconds(4), 0, 0, 2000, 0, null),
        T0.plusSeconds(4));
    s.clock.set(NOW);
    s.flush();
    chromium = new Chromium(null);
  }

  private static Beacons live(String session) {
    return Beacons.session(session, "chanpbN").live(true).userAgent(Beacons.CHROME_LINUX);
  }

  private void send(Beacons b, Instant at) {
    s.clock.set(at);
    Http.Response r = s.beacon(b.json(), "192.0.2.10");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    chromium.close();
    s.close();
  }

  /** The figures of a row of cards, as "label: value (note)". */
  private static List<String> cards(Page p, String box) {
    return p.locator("#" + box + " .kpi").all().stream().map(c -> c.locator(".label").textContent().strip() + ": "
        + c.locator(".value").textContent().strip() + " (" + c.locator(".delta").textContent().strip() + ")").toList();
  }

  /**
   * Playing now shows the open sessions' error rate, rebuffering and startup so far, labelled as such, beside the
   * window's figures of every view started in it; when its refreshes fail the staleness notice says so and the figures stay, and
   * it goes once a refresh succeeds.
   */
  @Test
  void playingNowShowsTheOpenSessionsQualityApartFromTheEndedViews() throws Exception {
    String axe = axe();
    for (int[] size : List.of(DESKTOP, PHONE)) {
      Chromium.Tab t = chromium.open(base + "/dashboard/", size);
      Page p = t.page();
      signIn(p, s.secretKey);
      p.evaluate("sessionStorage.setItem('viewpulse.refreshMs', '500')");
      p.clock().setFixedTime(java.util.Date.from(NOW));
      p.evaluate("location.hash = '#/live/chanN'");
      p.waitForSelector("[data-now=viewCount]");
      assertThat(text(p, "#nowTitle")).isEqualTo("Playing now");
      assertThat(text(p, "#nowNote").replaceAll("\\s+", " ")).isEqualTo("The sessions open now (a beacon in the"
          + " last 60 s, not ended), over what their players have reported so far: errors, rebuffering and startup"
          + " of the viewers watching, before their views end.");
      assertThat(cards(p, "nowKpis")).containsExactly(
          "Sessions playing now: 3 (open sessions)",
          "Error rate (playing now): 33.3% (of 3 open sessions)",
          "Rebuffer ratio (playing now): 10.2% (of their watch time so far)",
          "Time to first frame (p50, playing now): 200 ms (median startup of those started)");
      // the window's figures are of every view started in it, the ended one and the open ones alike
      p.waitForSelector("[data-window=errorRate]");
      // (errors 1 of 4; stalled 1 s of 5 + 8.8 + 1 s watched; first frames after 200 and 400 ms)
      // the peak: the minute of n-ended's five seconds (a new session, under a minute); T0's minute is not over
      assertThat(cards(p, "windowKpis")).containsExactly(
          "Peak sessions in a minute: 1 (minute to 09:51 UTC)",
          "Error rate: 25.0% (4 views)",
          "Rebuffer ratio: 6.76% (of watch time)",
          "Time to first frame (p50): 300 ms (median startup)");
      assertThat(text(p, "#windowNote").replaceAll("\\s+", " ")).isEqualTo("Peak: the most sessions watching in one"
          + " minute, concurrent and new. Errors, rebuffering and startup here:"
          + " the stream's views that started in the window, ended or still open (the views query); Playing now"
          + " above has the open sessions alone.");
      assertThat(scrollWidth(p)).isEqualTo(size[0]);
      assertThat(axeViolations(p, axe)).isEmpty();
      p.evaluate("document.getElementById('nowTitle').scrollIntoView()");
      t.screenshot("dashboard-live-now-" + size[0]);

      // its refreshes fail: the notice, and the figures from then
      java.util.function.Predicate<String> now = u -> u.contains("/api/data/views/now");
      AtomicInteger refused = new AtomicInteger();
      p.route(now, r -> {
        refused.incrementAndGet();
        r.abort();
      });
      PlaywrightAssertions.assertThat(p.locator("#stale")).isVisible();
      assertThat(text(p, "#stale")).matches("Not updated since \\d\\d:\\d\\d:\\d\\d UTC: the server did not answer\\."
          + " The numbers below are from then\\. Retrying every 1 s…");
      assertThat(text(p, "[data-now=errorRate]")).isEqualTo("33.3%");
      int tries = refused.get();
      p.waitForCondition(() -> refused.get() >= tries + 2);
      PlaywrightAssertions.assertThat(p.locator("#stale")).isVisible();
      p.unroute(now);
      PlaywrightAssertions.assertThat(p.locator("#stale")).isHidden();
      assertThat(text(p, "[data-now=viewCount]")).isEqualTo("3");
      assertThat(t.errors()).as("only the refused requests").allMatch(e -> e.contains("net::ERR_FAILED"));
      p.close();
    }
  }
}
