package io.viewpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard in Chromium, as its browser tests drive it: signing in, moving to a page and waiting until it has
 * drawn, and the checks every page gets (axe-core, its width on the screen).
 */
public final class DashboardPages {
  /**
   * Runs axe-core (once {@link #axe()} is on the page) on WCAG 2.1 A and AA and best practice, and answers the serious
   * and critical violations, each as {@code id: help at targets}.
   */
  public static final String AXE_CHECK = "() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a',"
      + " 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }).then((r) => r.violations"
      + ".filter((v) => v.impact === 'serious' || v.impact === 'critical')"
      + ".map((v) => v.id + ': ' + v.help + ' at ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))";

  private DashboardPages() {}

  /**
   * Opens the server's dashboard (with a viewport of this size, or the default one when null), signs in with its
   * secret key and goes to {@code hash} ({@link #go}).
   */
  public static Chromium.Tab signedIn(Chromium chromium, TestServer server, int[] size, String hash) {
    Chromium.Tab t = chromium.open("http://127.0.0.1:" + server.vp.port() + "/dashboard/", size);
    Page p = t.page();
    signIn(p, server.secretKey);
    go(p, hash);
    return t;
  }

  /** Signs in on the sign-in page with {@code key}, and waits until the dashboard shows its sign-out button. */
  public static void signIn(Page p, String key) {
    p.waitForSelector("#key");
    p.fill("#key", key);
    p.press("#key", "Enter");
    p.waitForSelector("#signout", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
  }

  /** Goes to the page of {@code hash} and waits until it has drawn ({@link #settled}). */
  public static void go(Page p, String hash) {
    p.evaluate("location.hash = '" + hash + "'");
    settled(p);
  }

  /**
   * Waits until the page has drawn the address it is at: the page answers for this address (not for the one before,
   * whose route may not have been left yet), nothing busy, every request it makes answered.
   */
  public static void settled(Page p) {
    p.waitForFunction("() => document.getElementById('main').dataset.shown === location.hash"
        + " && !document.getElementById('main').hasAttribute('aria-busy')"
        + " && !document.querySelector('[data-loading]')");
  }

  /** The text of the first element {@code selector} finds, stripped, once there is one. */
  public static String text(Page p, String selector) {
    p.waitForSelector(selector);
    return p.textContent(selector).strip();
  }

  /** The points of a chart's dataset, in order, nulls as nulls. */
  public static List<Object> chartData(Page p, String canvas, int dataset) {
    return new ArrayList<>((List<?>) p.evaluate("() => Chart.getChart(document.getElementById('" + canvas + "'))"
        + ".data.datasets[" + dataset + "].data"));
  }

  /** axe-core's script (pinned, from npm), to evaluate on a page. */
  public static String axe() throws IOException {
    Path deps = NpmDeps.install("axe", "axe-core/axe.min.js", List.of("package.json", "package-lock.json"));
    return Files.readString(deps.resolve("node_modules/axe-core/axe.min.js"));
  }

  /**
   * The page's serious and critical accessibility violations ({@link #AXE_CHECK}), {@code axe} put on the page first
   * if it is not there yet (evaluated through the debugging protocol: the dashboard's Content-Security-Policy allows
   * no inline script).
   */
  public static List<?> axeViolations(Page p, String axe) {
    if (p.evaluate("() => typeof axe").equals("undefined")) {
      p.evaluate(axe);
    }
    return (List<?>) p.evaluate(AXE_CHECK);
  }

  /** How wide the page is, scrolled: as wide as the screen when nothing sticks out. */
  public static int scrollWidth(Page p) {
    return ((Number) p.evaluate("() => document.documentElement.scrollWidth")).intValue();
  }

  /**
   * The page fits a screen {@code width} wide and axe-core finds nothing serious on it (both checks named {@code
   * name}), and a screenshot is saved as {@code prefix + name + "-" + width}.
   */
  public static void checked(Chromium.Tab t, String axe, String prefix, String name, int width) {
    Page p = t.page();
    assertThat(axeViolations(p, axe)).as(name).isEmpty();
    assertThat(scrollWidth(p)).as(name).isEqualTo(width);
    t.screenshot(prefix + name + "-" + width);
  }
}
