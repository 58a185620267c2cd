package io.viewpulse.alerts;

import io.viewpulse.query.Filter;
import java.time.Instant;
import java.util.List;

/**
 * An alert rule of an account, validated ({@link RuleJson#read}). The condition holds when the metric's value over
 * the views started in the last {@code windowMinutes} compares as {@code comparison} says with the bound: the
 * threshold, or in anomaly mode a bound from the same hour of the previous weeks ({@link Anomaly}). Fewer than
 * {@code minViews} views in the window (or no value) is taken as clear. An incident opens once the condition held at
 * {@code openAfter} evaluations in a row and resolves once it was clear at {@code resolveAfter} in a row.
 *
 * @param webhookUrl where notifications go (a Slack-compatible JSON body, signed), or null for none
 */
public record Rule(String id, String accountId, String name, String metric, List<Filter> filters,
    Comparison comparison, Double threshold, Anomaly anomaly, long minViews, int windowMinutes, int openAfter,
    int resolveAfter, String webhookUrl, Instant createdAt) {

  public Rule {
    filters = List.copyOf(filters);
  }

  /** This rule with another webhook URL. */
  Rule withWebhookUrl(String url) {
    return new Rule(id, accountId, name, metric, filters, comparison, threshold, anomaly, minViews, windowMinutes,
        openAfter, resolveAfter, url, createdAt);
  }

  public AlertMetric alertMetric() {
    return AlertMetric.byName(metric);
  }

  /**
   * The anomaly mode: the baseline is the metric over the same clock hour (UTC) of each of the previous {@code weeks}
   * weeks, weeks with fewer than the rule's minimum views left out; the bound is {@code mean + stddevs x standard
   * deviation} (minus, for a rule of {@code <} or {@code <=}), or {@code factor x mean}. Exactly one of
   * {@code stddevs} and {@code factor} is set.
   */
  public record Anomaly(int weeks, Double stddevs, Double factor) {}

  /** How the value compares with the bound for the condition to hold. */
  public enum Comparison {
    ABOVE(">"),
    AT_LEAST(">="),
    BELOW("<"),
    AT_MOST("<=");

    private final String symbol;

    Comparison(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    boolean holds(double value, double bound) {
      return switch (this) {
        case ABOVE -> value > bound;
        case AT_LEAST -> value >= bound;
        case BELOW -> value < bound;
        case AT_MOST -> value <= bound;
      };
    }

    boolean upward() {
      return this == ABOVE || this == AT_LEAST;
    }

    static Comparison of(String symbol) {
      for (Comparison c : values()) {
        if (c.symbol.equals(symbol)) {
          return c;
        }
      }
      return null;
    }
  }
}
