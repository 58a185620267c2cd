package io.viewpulse.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Debian's headless Chromium, driven by Playwright. Each page keeps its console errors, and a test can save a
 * screenshot of it under target/screenshots for a person to look at.
 */
public final class Chromium implements AutoCloseable {
  public static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

  private final Playwright playwright;
  private final Browser browser;
  private final BrowserContext context;
  private final List<BrowserContext> others = new CopyOnWriteArrayList<>();

  /** @param hostRules Chromium host-resolver rules, e.g. "MAP playback.livepeer.studio 127.0.0.1:8443", or null */
  public Chromium(String hostRules) {
    playwright = Playwright.create();
    List<String> args = new ArrayList<>(List.of("--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required", "--ignore-certificate-errors"));
    if (hostRules != null) {
      args.add("--host-resolver-rules=" + hostRules);
    }
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(EXECUTABLE)
        .setHeadless(true).setArgs(args));
    context = browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true)
        .setViewportSize(800, 600));
  }

  /** A page and what it reported. */
  public record Tab(Page page, List<String> errors, List<String> beacons) {
    public void screenshot(String name) {
      try {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(name + ".png")));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  public Tab open(String url) {
    return open(url, null);
  }

  /** Opens a page with a viewport of its own (e.g. a phone's), or the default one when null. */
  public Tab open(String url, int[] viewport) {
    return open(context.newPage(), url, viewport);
  }

  /** Opens a page in a context of its own whose browser time zone is {@code timezoneId}, e.g. "America/New_York". */
  public Tab openInTimeZone(String url, String timezoneId) {
    BrowserContext zoned = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800)
        .setTimezoneId(timezoneId));
    others.add(zoned);
    return open(zoned.newPage(), url, null);
  }

  private Tab open(Page page, String url, int[] viewport) {
    if (viewport != null) {
      page.setViewportSize(viewport[0], viewport[1]);
    }
    List<String> errors = new CopyOnWriteArrayList<>();
    page.onConsoleMessage(m -> {
      if (m.type().equals("error")) {
        errors.add(m.text());
      }
    });
    page.onPageError(errors::add);
    List<String> beacons = new CopyOnWriteArrayList<>();
    page.onRequest(r -> {
      if (r.url().contains("/analytics/log") && r.method().equals("POST")) {
        beacons.add(r.headers().getOrDefault("sec-fetch-mode", "?") + " " + r.postData());
      }
    });
    page.onResponse(r -> {
      if (r.status() >= 400) {
        errors.add("HTTP " + r.status() + " " + r.url());
      }
    });
    page.navigate(url);
    return new Tab(page, errors, beacons);
  }

  public String userAgent() {
    Page p = context.newPage();
    try {
      return (String) p.evaluate("navigator.userAgent");
    } finally {
      p.close();
    }
  }

  @Override
  public void close() {
    others.forEach(BrowserContext::close);
    context.close();
    browser.close();
    playwright.close();
  }
}
