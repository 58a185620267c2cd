package io.viewpulse.client;

import java.util.Map;

/**
 * One row of viewership. {@code dimensions} holds the asked dimensions that are known for the row (a dimension not
 * asked for is absent); nullable metrics are null when undefined for the row (no first frame, no views...).
 *
 * @param timestamp start of the row's time bucket in Unix ms, with a time step only
 */
public record ViewershipMetric(Long timestamp, Map<Dimension, String> dimensions, long viewCount,
    double playtimeMins, Double ttffMs, Double ttffP50Ms, Double ttffP95Ms, Double rebufferRatio, Double errorRate,
    Double exitsBeforeStart, Long uniqueViewers) {

  public ViewershipMetric {
    dimensions = Map.copyOf(dimensions);
  }

  /** The value of a dimension, or null when not asked for or unknown. */
  public String dimension(Dimension d) {
    return dimensions.get(d);
  }
}
