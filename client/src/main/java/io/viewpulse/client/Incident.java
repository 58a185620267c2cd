package io.viewpulse.client;

import java.time.Instant;

/**
 * A time an alert rule's condition held: opened and resolved (null while open) at the evaluations that decided it,
 * with the value that opened it and the threshold or anomaly bound it was compared with.
 */
public record Incident(String id, String ruleId, String ruleName, String metric, Instant openedAt,
    Instant resolvedAt, double value, double bound) {
  public boolean open() {
    return resolvedAt == null;
  }
}
