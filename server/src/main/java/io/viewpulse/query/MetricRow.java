package io.viewpulse.query;

import java.util.Map;

/**
 * One row of a viewership answer. Nullable numbers are null when undefined for the group (no view reported a first
 * frame, no playing time...), and are then left out of the JSON.
 *
 * @param timestamp bucket start in Unix ms, only with a time step
 * @param dimensions the group's value of every asked dimension; a value is null when unknown
 * @param quality the {@link QualityMetric}s by ordinal, NaN where undefined for the group; null unless the query asked
 *     for them ({@link ViewsQuery.Detail#QUALITY})
 */
public record MetricRow(
    Long timestamp,
    Map<Dimension, String> dimensions,
    long viewCount,
    double playtimeMins,
    Double ttffMs,
    Double ttffP50Ms,
    Double ttffP95Ms,
    Double rebufferRatio,
    Double errorRate,
    Double exitsBeforeStart,
    Long uniqueViewers,
    double[] quality) {

  /** A row without the quality metrics. */
  public MetricRow(Long timestamp, Map<Dimension, String> dimensions, long viewCount, double playtimeMins,
      Double ttffMs, Double ttffP50Ms, Double ttffP95Ms, Double rebufferRatio, Double errorRate, Double exitsBeforeStart,
      Long uniqueViewers) {
    this(timestamp, dimensions, viewCount, playtimeMins, ttffMs, ttffP50Ms, ttffP95Ms, rebufferRatio, errorRate,
        exitsBeforeStart, uniqueViewers, null);
  }

  /** The value of a quality metric, null when undefined for the group or not asked for. */
  public Double quality(QualityMetric m) {
    if (quality == null) {
      return null;
    }
    double v = quality[m.ordinal()];
    return Double.isNaN(v) ? null : v;
  }
}
