package io.viewpulse.query;

import java.util.Map;

/** One row of the realtime answer. */
public record RealtimeRow(Map<Dimension, String> dimensions, long viewCount, double errorRate) {}
