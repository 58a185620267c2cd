package io.viewpulse.alerts;

import java.util.List;

/** The bound of an anomaly rule from its baseline values (one a previous week, those with too few views left out). */
final class Baseline {
  private Baseline() {}

  /**
   * {@code factor x mean} of at least one week; or {@code mean + stddevs x standard deviation} (population, minus for
   * a downward comparison) of at least two. Null when there are not enough weeks.
   */
  static Double bound(Rule r, List<Double> values) {
    Rule.Anomaly a = r.anomaly();
    if (values.isEmpty() || (a.stddevs() != null && values.size() < 2)) {
      return null;
    }
    double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    if (a.factor() != null) {
      return a.factor() * mean;
    }
    double var = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.size();
    double sd = Math.sqrt(var);
    return r.comparison().upward() ? mean + a.stddevs() * sd : mean - a.stddevs() * sd;
  }
}
