package io.viewpulse.alerts;

import java.time.Instant;

/**
 * A time a rule's condition held: opened at the evaluation that completed {@code openAfter} in a row, resolved at the
 * one that completed {@code resolveAfter} clear evaluations in a row (null while open). {@code value} is the metric's
 * value at the opening evaluation and {@code bound} the threshold or anomaly bound it was compared with.
 */
public record Incident(String id, String accountId, String ruleId, String ruleName, String metric, Instant openedAt,
    Instant resolvedAt, double value, double bound) {
  public boolean open() {
    return resolvedAt == null;
  }

  Incident resolved(Instant at) {
    return new Incident(id, accountId, ruleId, ruleName, metric, openedAt, at, value, bound);
  }
}
