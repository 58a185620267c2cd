package io.viewpulse.query;

import java.util.Map;

/**
 * One row of the realtime answer.
 *
 * @param quality the open sessions' quality metrics, null unless asked for ({@link RealtimeQuery#quality()})
 */
public record RealtimeRow(Map<Dimension, String> dimensions, long viewCount, double errorRate,
    RealtimeQuality quality) {
  /** Without the quality metrics. */
  public RealtimeRow(Map<Dimension, String> dimensions, long viewCount, double errorRate) {
    this(dimensions, viewCount, errorRate, null);
  }

  /**
   * The quality metrics of a group of open sessions; a null (NaN in {@code metrics}) where undefined.
   *
   * @param metrics by {@link QualityMetric#ordinal()}
   */
  public record RealtimeQuality(Double ttffP50Ms, Double ttffP95Ms, Double rebufferRatio, double[] metrics) {}
}
