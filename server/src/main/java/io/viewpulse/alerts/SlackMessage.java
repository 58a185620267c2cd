package io.viewpulse.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The body of a notification: Slack's incoming-webhook form ({@code text}, and the same text as a {@code mrkdwn}
 * section in {@code blocks}), which Slack, Mattermost, Rocket.Chat and Discord's Slack-compatible endpoint take, and
 * the incident itself under {@code viewpulse} for receivers of their own (Slack ignores it).
 */
final class SlackMessage {
  private SlackMessage() {}

  static byte[] of(Rule r, Incident i) {
    String text = text(r, i);
    ObjectNode n = RuleJson.MAPPER.createObjectNode().put("text", text);
    n.putArray("blocks").addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
        .put("text", text);
    ObjectNode v = n.putObject("viewpulse").put("status", i.open() ? "firing" : "resolved")
        .put("accountId", i.accountId()).put("ruleId", i.ruleId()).put("ruleName", i.ruleName())
        .put("incidentId", i.id()).put("metric", i.metric()).put("openedAt", i.openedAt().toString());
    if (i.resolvedAt() == null) {
      v.putNull("resolvedAt");
    } else {
      v.put("resolvedAt", i.resolvedAt().toString());
    }
    v.put("value", i.value()).put("bound", i.bound());
    return n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * {@code [FIRING] <rule>: <metric> <value> <comparison> <bound> (...)} at the opening;
   * {@code [RESOLVED] <rule>: <metric> no longer <comparison> <bound> (...)} at the resolution.
   */
  static String text(Rule r, Incident i) {
    String scope = r.filters().isEmpty() ? "" : " where " + String.join(", ", r.filters().stream()
        .map(Object::toString).toList());
    String bound = r.threshold() != null ? number(i.bound()) : number(i.bound()) + " (anomaly bound)";
    if (i.open()) {
      return "[FIRING] " + r.name() + ": " + i.metric() + " " + number(i.value()) + " " + r.comparison().symbol()
          + " " + bound + scope + ", since " + i.openedAt();
    }
    return "[RESOLVED] " + r.name() + ": " + i.metric() + " no longer " + r.comparison().symbol() + " " + bound
        + scope + ", from " + i.openedAt() + " to " + i.resolvedAt();
  }

  /** Four significant digits, without trailing zeros. */
  static String number(double v) {
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
