package io.viewpulse.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How answers show a rule's webhook URL: where it goes, without the path and query that carry its secret. */
class RuleJsonTest {
  @Test
  void aWebhookUrlIsShownByItsSchemeHostAndPortOnly() {
    assertThat(RuleJson.shown("https://hooks.slack.com/services/T0000/B0000/XXXX"))
        .isEqualTo("https://hooks.slack.com/…");
    assertThat(RuleJson.shown("http://127.0.0.1:8125/hook?token=abc")).isEqualTo("http://127.0.0.1:8125/…");
    assertThat(RuleJson.shown("https://[2001:db8::1]:8443/a#b")).isEqualTo("https://[2001:db8::1]:8443/…");
    assertThat(RuleJson.shown("https://alerts.example.com/?key=1")).isEqualTo("https://alerts.example.com/…");
  }

  @Test
  void aWebhookUrlWithNothingAfterItsHostIsShownWhole() {
    assertThat(RuleJson.shown("https://alerts.example.com")).isEqualTo("https://alerts.example.com");
    assertThat(RuleJson.shown("https://alerts.example.com:9000/")).isEqualTo("https://alerts.example.com:9000/");
  }
}
