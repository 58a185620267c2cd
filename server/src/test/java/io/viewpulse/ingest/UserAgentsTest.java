package io.viewpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import static io.viewpulse.testing.Beacons.FIRE_TV;
import static io.viewpulse.testing.Beacons.SAMSUNG_TV_BROWSER;
import static io.viewpulse.testing.Beacons.TIZEN_4;
import static io.viewpulse.testing.Beacons.TIZEN_5_5;
import static io.viewpulse.testing.Beacons.TIZEN_6;
import static io.viewpulse.testing.Beacons.TIZEN_6_5;
import static io.viewpulse.testing.Beacons.TIZEN_7;
import static io.viewpulse.testing.Beacons.WEBOS_1;
import static io.viewpulse.testing.Beacons.WEBOS_4;

import io.viewpulse.testing.Beacons;
import org.junit.jupiter.api.Test;

class UserAgentsTest {
  @Test
  void chromeOnLinuxIsADesktop() {
    assertThat(UserAgents.parse(Beacons.CHROME_LINUX)).isEqualTo(
        new UserAgents.Parsed("desktop", "Linux Desktop", "Intel x86_64", "Linux", "Chrome", "Blink"));
  }

  @Test
  void safariOnIphoneIsAMobile() {
    assertThat(UserAgents.parse(Beacons.SAFARI_IPHONE)).isEqualTo(
        new UserAgents.Parsed("mobile", "Apple iPhone", null, "iOS", "Safari", "AppleWebKit"));
  }

  @Test
  void firefoxOnWindows() {
    assertThat(UserAgents.parse(Beacons.FIREFOX_WINDOWS)).isEqualTo(
        new UserAgents.Parsed("desktop", "Desktop", "Intel x86_64", "Windows NT", "Firefox", "Gecko"));
  }

  @Test
  void aRepeatedUserAgentIsAnsweredFromTheCache() {
    UserAgents.Parsed first = UserAgents.parse(Beacons.SAFARI_IPHONE + " repeat");
    assertThat(UserAgents.parse(Beacons.SAFARI_IPHONE + " repeat")).isSameAs(first);
  }

  @Test
  void controlCharactersNeverReachAParsedField() {
    UserAgents.Parsed p = UserAgents.parse("Mozilla/5.0 (X11; Linux x86_64)\u0007 Firefox/120.0\u0085");
    assertThat(p.browser()).isEqualTo("Firefox");
    assertThat(String.join("", java.util.Arrays.asList(p.deviceType(), p.device(), p.os(), p.browser())))
        .doesNotContainPattern("\\p{Cntrl}");
  }

  @Test
  void anEmptyUserAgentGivesNothing() {
    assertThat(UserAgents.parse("")).isEqualTo(new UserAgents.Parsed(null, null, null, null, null, null));
  }

  @Test
  void deviceClassesFoldIntoLivepeerNames() {
    assertThat(UserAgents.deviceType("Phone")).isEqualTo("mobile");
    assertThat(UserAgents.deviceType("Tablet")).isEqualTo("tablet");
    assertThat(UserAgents.deviceType("Set-top box")).isEqualTo("tv");
    assertThat(UserAgents.deviceType("Robot")).isEqualTo("bot");
    assertThat(UserAgents.deviceType("Unknown")).isNull();
  }

  /**
   * Yauaa sees at most the first {@value UserAgents#MAX_LENGTH} characters of a user agent: a long one parses as
   * what it starts with, and user agents alike that far share one parse (so distinct long ones cost one).
   */
  @Test
  void onlyTheFirstCharactersOfALongUserAgentAreParsed() {
    String start = Beacons.CHROME_LINUX + " " + "x".repeat(UserAgents.MAX_LENGTH);
    UserAgents.Parsed a = UserAgents.parse(start + "a".repeat(1_500));
    assertThat(UserAgents.parse(start + "b".repeat(1_500))).isSameAs(a);
    assertThat(a.browser()).isEqualTo("Chrome");
    assertThat(UserAgents.cached(start + "c")).isSameAs(a);
  }

  @Test
  void aUserAgentNotParsedYetIsNotCached() {
    String ua = Beacons.FIREFOX_WINDOWS + " never-" + System.nanoTime();
    assertThat(UserAgents.cached(ua)).isNull();
    assertThat(UserAgents.cached(null)).isEqualTo(new UserAgents.Parsed(null, null, null, null, null, null));
    UserAgents.Parsed p = UserAgents.parse(ua);
    assertThat(UserAgents.cached(ua)).isSameAs(p);
  }

  @Test
  void samsungTizenTvsHaveTheirBrowserByNameNeverAVersionNumber() {
    UserAgents.Parsed chromiumBased = new UserAgents.Parsed("tv", "Samsung Smart TV", null, "Tizen", "Tizen Browser",
        "Blink");
    for (String ua : new String[] {TIZEN_7, TIZEN_6_5, TIZEN_6, TIZEN_5_5}) {
      assertThat(UserAgents.parse(ua)).as(ua).isEqualTo(chromiumBased);
    }
    assertThat(UserAgents.parse(TIZEN_4)).as("the same engine before 2020, which calls itself Safari")
        .isEqualTo(new UserAgents.Parsed("tv", "Samsung Smart TV", null, "Tizen", "Tizen Browser", "AppleWebKit"));
    assertThat(UserAgents.parse(SAMSUNG_TV_BROWSER)).as("the TV's browser app names itself")
        .isEqualTo(new UserAgents.Parsed("tv", "Samsung Smart TV", null, "Tizen", "SamsungBrowser", "Blink"));
  }

  @Test
  void otherSmartTvsAndSetTopBoxesHaveABrowserAndAnEngine() {
    assertThat(UserAgents.parse(WEBOS_4))
        .isEqualTo(new UserAgents.Parsed("tv", "LG SmartTv", null, "WebOS", "LG Browser", "Blink"));
    assertThat(UserAgents.parse(WEBOS_1))
        .isEqualTo(new UserAgents.Parsed("tv", "LG SmartTv", null, "WebOS", "LG Browser", "AppleWebKit"));
    // Chrome 25 predates Blink
    assertThat(UserAgents.parse(FIRE_TV)).isEqualTo(new UserAgents.Parsed("tv", "Amazon Fire TV-1ST GEN (2014)", null,
        "FireOS", "Chrome", "AppleWebKit"));
  }
}
