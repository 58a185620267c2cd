package io.viewpulse.alerts;

import io.viewpulse.query.MetricRow;
import io.viewpulse.query.QualityMetric;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a rule can watch, by the names the views query answers with: Livepeer's metrics and, with
 * {@code metrics=quality}, every {@link QualityMetric}, read from a {@link MetricRow} of the views started in the
 * rule's window (their definitions stay in {@code store.ViewMetrics}); and two read from the sessions playing now
 * ({@code viewsNow}; {@code concurrentViewers}, the same for one stream named by a {@code playbackId} filter).
 *
 * @param count a count of things, which grows with the window (an anomaly baseline of an hour is scaled to it)
 * @param quality needs the quality facts ({@code metrics=quality}), a scan more
 */
public record AlertMetric(String name, boolean realtime, boolean count, boolean quality,
    Function<MetricRow, Double> read) {
  /** Views playing now (a beacon in the last minute, not ended), of the rule's filters. */
  public static final String VIEWS_NOW = "viewsNow";
  /** Views playing now of one stream: {@link #VIEWS_NOW} with one {@code playbackId} filter. */
  public static final String CONCURRENT_VIEWERS = "concurrentViewers";
  private static final Map<String, AlertMetric> BY_NAME;

  static {
    Map<String, AlertMetric> m = new LinkedHashMap<>();
    List<AlertMetric> all = new ArrayList<>(List.of(
        views("viewCount", true, r -> (double) r.viewCount()),
        views("playtimeMins", true, MetricRow::playtimeMins),
        views("ttffMs", false, MetricRow::ttffMs),
        views("ttffP50Ms", false, MetricRow::ttffP50Ms),
        views("ttffP95Ms", false, MetricRow::ttffP95Ms),
        views("rebufferRatio", false, MetricRow::rebufferRatio),
        views("errorRate", false, MetricRow::errorRate),
        views("exitsBeforeStart", false, MetricRow::exitsBeforeStart),
        views("uniqueViewers", true, r -> r.uniqueViewers() == null ? null : (double) r.uniqueViewers())));
    for (QualityMetric q : QualityMetric.values()) {
      all.add(new AlertMetric(q.apiName(), false, q.count(), true, r -> r.quality(q)));
    }
    all.add(new AlertMetric(VIEWS_NOW, true, true, false, null));
    all.add(new AlertMetric(CONCURRENT_VIEWERS, true, true, false, null));
    for (AlertMetric a : all) {
      m.put(a.name(), a);
    }
    BY_NAME = Collections.unmodifiableMap(m);
  }

  private static AlertMetric views(String name, boolean count, Function<MetricRow, Double> read) {
    return new AlertMetric(name, false, count, false, read);
  }

  /** The metric of this name, or null. */
  public static AlertMetric byName(String name) {
    return BY_NAME.get(name);
  }

  /** Every name, in a fixed order. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }
}
