package io.viewpulse.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code viewpulse_alert_firing{account, rule_id, rule}}: 1 while a rule has an open incident, 0 otherwise, one
 * series per rule (at most {@link Alerts#MAX_RULES} an account), for Alertmanager. Updated after each evaluation.
 */
final class AlertGauges {
  private final MultiGauge gauge;
  /** Held here because Micrometer keeps weak references to the values. */
  private final Map<String, AtomicInteger> values = new HashMap<>();

  AlertGauges(MeterRegistry metrics) {
    gauge = MultiGauge.builder("viewpulse_alert_firing")
        .description("1 while an alert rule has an open incident, 0 otherwise").register(metrics);
  }

  synchronized void publish(List<Rule> rules, java.util.function.Predicate<String> firing) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    Map<String, AtomicInteger> kept = new HashMap<>();
    for (Rule r : rules) {
      String key = r.id() + "\u0000" + r.name() + "\u0000" + r.accountId();
      AtomicInteger v = values.getOrDefault(key, new AtomicInteger());
      v.set(firing.test(r.id()) ? 1 : 0);
      kept.put(key, v);
      rows.add(MultiGauge.Row.of(Tags.of("account", r.accountId(), "rule_id", r.id(), "rule", r.name()), v));
    }
    values.clear();
    values.putAll(kept);
    gauge.register(rows, false);
  }
}
