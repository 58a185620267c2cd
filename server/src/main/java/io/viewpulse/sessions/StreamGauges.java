package io.viewpulse.sessions;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code viewpulse_stream_sessions}: one gauge per stream watched in the last ten minutes, so a stream's gauge falls to
 * 0 before it goes. Updated by the sessionizer's thread; read by scrapes.
 */
final class StreamGauges {
  private static final long KEEP_MS = 600_000;

  private final MultiGauge gauge;
  private final Map<String, Long> seen = new HashMap<>();
  /** The gauges' values; held here because Micrometer only keeps weak references to them. */
  private final Map<String, AtomicInteger> counts = new HashMap<>();

  StreamGauges(MeterRegistry metrics) {
    gauge = MultiGauge.builder("viewpulse_stream_sessions")
        .description("sessions watching a live stream now (a beacon in the last minute, not ended)")
        .register(metrics);
  }

  /** Publishes how many sessions watch each stream at {@code now}. */
  void publish(long now, Map<String, Integer> watching) {
    watching.keySet().forEach(id -> seen.put(id, now));
    seen.values().removeIf(t -> now - t > KEEP_MS);
    counts.keySet().retainAll(seen.keySet());
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (String id : seen.keySet()) {
      AtomicInteger count = counts.computeIfAbsent(id, k -> new AtomicInteger());
      count.set(watching.getOrDefault(id, 0));
      rows.add(MultiGauge.Row.of(Tags.of("stream_id", id), count));
    }
    // rows already registered keep their meter, which reads the same AtomicInteger: re-registering them (overwrite)
    // removed and added every stream's meter each second, and a scrape in between missed a stream or saw it twice
    gauge.register(rows, false);
  }
}
