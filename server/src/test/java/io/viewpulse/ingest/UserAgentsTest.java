package io.viewpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

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
}
