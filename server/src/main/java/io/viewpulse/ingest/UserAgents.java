package io.viewpulse.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Locale;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * Device, OS and browser of a user agent, by Yauaa. Building the analyzer takes seconds and a few hundred MB, so
 * there is one per JVM, built on first use.
 *
 * <p>Results are cached here rather than in Yauaa: a hit in Yauaa's own cache still builds a fresh user-agent object
 * and copies its set of wanted fields, which made it about a tenth of the event loops' ingest work (profiled at
 * 31,000 beacons/s); a hit here is one map lookup and keeps six strings instead of Yauaa's whole result.
 *
 * <p>Yauaa sees at most {@link #MAX_LENGTH} characters of a user agent (real ones are 100 to 300; what identifies a
 * browser comes first), so that no user agent costs more than one of that length to parse, and user agents alike in
 * their first {@value #MAX_LENGTH} characters share one cache entry. A miss of the cache still costs a parse of up to
 * milliseconds: ingest runs it off the event loops ({@link #cached} tells whether a parse is needed).
 *
 * <p>Where Yauaa reads a user agent literally and the result misleads, it is corrected here, for real agents only:
 * a browser name that is a version number is no name (unknown); Samsung's Tizen TVs, whose agents name their web
 * engine by a Chromium version ("76.0.3809.146/6.0", from 2020) or as "Version/4.0 TV Safari" (before), are the
 * browser {@value #TIZEN_BROWSER}, and the Chromium-versioned ones run on Blink. LG's webOS TVs ("LG Browser") and
 * Fire TV's web views parse right as they are ({@code UserAgentsTest}).
 */
final class UserAgents {
  /** Device, CPU, OS, browser and engine of one user agent; any field may be null. */
  record Parsed(String deviceType, String device, String cpu, String os, String browser, String browserEngine) {}

  /** The most of a user agent that is parsed (the rest is left out). */
  static final int MAX_LENGTH = 512;

  private static final class Holder {
    static final UserAgentAnalyzer ANALYZER = UserAgentAnalyzer.newBuilder()
        .hideMatcherLoadStats()
        .withoutCache()
        .withUserAgentMaxLength(MAX_LENGTH)
        .withField(UserAgent.DEVICE_CLASS)
        .withField(UserAgent.DEVICE_NAME)
        .withField(UserAgent.DEVICE_CPU)
        .withField(UserAgent.OPERATING_SYSTEM_NAME)
        .withField(UserAgent.AGENT_NAME)
        .withField(UserAgent.LAYOUT_ENGINE_NAME)
        .immediateInitialization()
        .build();
  }

  private static final Cache<String, Parsed> PARSED = Caffeine.newBuilder().maximumSize(20_000).build();
  private static final Parsed NONE = new Parsed(null, null, null, null, null, null);

  private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("\\p{Cntrl}|[\\x80-\\x9f]");

  /** A version number where a name should be ("76.0.3809.146"): never a browser's name. */
  private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("[0-9][0-9.]*");

  /** The browser of Samsung's Tizen TVs: the web engine their web apps and pages run in. */
  static final String TIZEN_BROWSER = "Tizen Browser";

  private UserAgents() {}

  /** Forces the analyzer to load now (at start-up rather than on the first beacon). */
  static void warmUp() {
    parse("Mozilla/5.0");
  }

  /** A scan rather than the pattern: nearly every user agent has none, and this runs once per beacon. */
  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
        return true;
      }
    }
    return false;
  }

  static Parsed parse(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return NONE;
    }
    return PARSED.get(capped(userAgent), UserAgents::analyze);
  }

  /** The parse of a user agent when it needs no work (cached, or nothing to parse), else null. */
  static Parsed cached(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return NONE;
    }
    return PARSED.getIfPresent(capped(userAgent));
  }

  private static String capped(String userAgent) {
    return userAgent.length() <= MAX_LENGTH ? userAgent : userAgent.substring(0, MAX_LENGTH);
  }

  private static Parsed analyze(String userAgent) {
    // Yauaa copies parts of the string into its fields: control characters would end up in stored dimensions
    UserAgent ua =
        Holder.ANALYZER.parse(hasControl(userAgent) ? CONTROL.matcher(userAgent).replaceAll(" ") : userAgent);
    String os = known(ua.getValue(UserAgent.OPERATING_SYSTEM_NAME));
    String browser = known(ua.getValue(UserAgent.AGENT_NAME));
    String engine = known(ua.getValue(UserAgent.LAYOUT_ENGINE_NAME));
    if ("TV".equals(ua.getValue(UserAgent.DEVICE_CLASS)) && "Tizen".equals(os)) {
      if (browser != null && VERSION.matcher(browser).matches()) {
        // "... (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36": Samsung's web engine names itself by the
        // version of the Chromium it is built on, then the Tizen version (Samsung's TVs from 2020 on)
        browser = TIZEN_BROWSER;
        engine = "Blink";
      } else if ("Safari".equals(browser)) {
        // "... (KHTML, like Gecko) Version/4.0 TV Safari/537.36": the same engine before 2020; no Safari runs there
        browser = TIZEN_BROWSER;
      }
    }
    return new Parsed(
        deviceType(ua.getValue(UserAgent.DEVICE_CLASS)),
        known(ua.getValue(UserAgent.DEVICE_NAME)),
        known(ua.getValue(UserAgent.DEVICE_CPU)),
        os,
        browser == null || VERSION.matcher(browser).matches() ? null : browser,
        engine);
  }

  /** Yauaa's device classes folded into the short names Livepeer uses (mobile, tablet, desktop...). */
  static String deviceType(String deviceClass) {
    if (known(deviceClass) == null) {
      return null;
    }
    return switch (deviceClass) {
      case "Phone", "Mobile" -> "mobile";
      case "Tablet" -> "tablet";
      case "Desktop" -> "desktop";
      case "TV", "Set-top box" -> "tv";
      case "Game Console", "Handheld Game Console" -> "console";
      case "Watch" -> "wearable";
      case "Virtual Reality" -> "vr";
      case "Car" -> "car";
      case "eReader" -> "ereader";
      case "Robot", "Robot Mobile", "Robot Imitator", "Spy", "Hacker" -> "bot";
      default -> deviceClass.toLowerCase(Locale.ROOT).replace(' ', '-');
    };
  }

  private static String known(String v) {
    if (v == null || v.isBlank() || v.equals("Unknown") || v.equals("??") || v.startsWith("Unknown ")) {
      return null;
    }
    return v;
  }
}
