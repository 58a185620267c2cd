package io.viewpulse.client;

import java.time.Instant;
import java.util.List;

/**
 * An alert rule: {@code metric} (a metric of the views query, such as {@code errorRate} or
 * {@code videoStartupFailureRate}, or {@code viewsNow}, {@code concurrentViewers}) over the views started in the
 * last {@code windowMinutes}, compared ({@code >}, {@code >=}, {@code <}, {@code <=}) with {@code threshold}, or in
 * anomaly mode with a bound from the same hour of the previous weeks. Null fields take the server's defaults; the
 * server's answer has them filled in, with {@code id} and {@code createdAt}. The answer's {@code webhookUrl} is the
 * URL's scheme, host and port only ({@code https://hooks.slack.com/…}), since the path of a Slack-style URL is its
 * secret; a rule replaced with that form keeps the URL it has.
 */
public record AlertRule(String id, String name, String metric, List<String> filters, String comparison,
    Double threshold, Anomaly anomaly, Long minViews, Integer windowMinutes, Integer openAfter, Integer resolveAfter,
    String webhookUrl, Instant createdAt) {

  public AlertRule {
    filters = filters == null ? List.of() : List.copyOf(filters);
  }

  /**
   * The baseline of the last {@code weeks} weeks' same hour; the bound is mean + {@code stddevs} standard deviations,
   * or {@code factor} x mean (set one).
   */
  public record Anomaly(Integer weeks, Double stddevs, Double factor) {}

  /** A rule on a threshold, with the server's defaults for the rest. */
  public static AlertRule threshold(String name, String metric, String comparison, double threshold) {
    return new AlertRule(null, name, metric, List.of(), comparison, threshold, null, null, null, null, null, null,
        null);
  }

  /** A rule in anomaly mode, with the server's defaults for the rest. */
  public static AlertRule anomaly(String name, String metric, String comparison, Anomaly anomaly) {
    return new AlertRule(null, name, metric, List.of(), comparison, null, anomaly, null, null, null, null, null,
        null);
  }

  public AlertRule withFilters(List<String> v) {
    return new AlertRule(id, name, metric, v, comparison, threshold, anomaly, minViews, windowMinutes, openAfter,
        resolveAfter, webhookUrl, createdAt);
  }

  public AlertRule withMinViews(long v) {
    return new AlertRule(id, name, metric, filters, comparison, threshold, anomaly, v, windowMinutes, openAfter,
        resolveAfter, webhookUrl, createdAt);
  }

  public AlertRule withWindowMinutes(int v) {
    return new AlertRule(id, name, metric, filters, comparison, threshold, anomaly, minViews, v, openAfter,
        resolveAfter, webhookUrl, createdAt);
  }

  public AlertRule withHysteresis(int openAfterEvaluations, int resolveAfterEvaluations) {
    return new AlertRule(id, name, metric, filters, comparison, threshold, anomaly, minViews, windowMinutes,
        openAfterEvaluations, resolveAfterEvaluations, webhookUrl, createdAt);
  }

  public AlertRule withWebhookUrl(String v) {
    return new AlertRule(id, name, metric, filters, comparison, threshold, anomaly, minViews, windowMinutes,
        openAfter, resolveAfter, v, createdAt);
  }
}
