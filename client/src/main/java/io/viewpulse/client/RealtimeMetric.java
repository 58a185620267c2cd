package io.viewpulse.client;

import java.util.Map;

/**
 * Views playing now, for one group of the asked dimensions.
 *
 * @param quality the group's quality so far when asked for ({@link RealtimeQuery.Builder#withQuality()}), else null
 */
public record RealtimeMetric(Map<Dimension, String> dimensions, long viewCount, double errorRate,
    RealtimeQuality quality) {
  public RealtimeMetric {
    dimensions = Map.copyOf(dimensions);
  }

  /** Without quality. */
  public RealtimeMetric(Map<Dimension, String> dimensions, long viewCount, double errorRate) {
    this(dimensions, viewCount, errorRate, null);
  }

  /** The value of a dimension, or null when not asked for or unknown. */
  public String dimension(Dimension d) {
    return dimensions.get(d);
  }
}
