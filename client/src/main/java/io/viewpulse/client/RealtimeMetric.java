package io.viewpulse.client;

import java.util.Map;

/** Views playing now, for one group of the asked dimensions. */
public record RealtimeMetric(Map<Dimension, String> dimensions, long viewCount, double errorRate) {
  public RealtimeMetric {
    dimensions = Map.copyOf(dimensions);
  }
}
