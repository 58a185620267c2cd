package io.viewpulse.alerts;

import java.time.Instant;

/**
 * A notification in the outbox ({@link AlertStore#putNotification}): the opening or the resolution of an incident, to
 * be posted to its rule's webhook. It carries the rule and the incident as they were when it was made, so that a
 * notification delivered late says what happened then. {@code id} is also the delivery id receivers de-duplicate on:
 * the incident's id and {@code :opened} or {@code :resolved} ({@link #idOf}), the same for every attempt and for every
 * evaluator that made it.
 *
 * @param createdAt the minute of the opening or resolution
 * @param attempts how many attempts were made so far
 * @param nextAttemptAt when the next attempt is due (on the server's clock)
 */
public record Notification(String id, Rule rule, Incident incident, Instant createdAt, int attempts,
    Instant nextAttemptAt) {
  /** The delivery id of the notification of {@code incident}'s current state. */
  public static String idOf(Incident incident) {
    return incident.id() + (incident.open() ? ":opened" : ":resolved");
  }

  /**
   * A new notification of {@code incident}, made and due at the minute of its opening or resolution: so that every
   * evaluator of that minute makes the very same notification.
   */
  static Notification of(Rule rule, Incident incident) {
    Instant at = incident.open() ? incident.openedAt() : incident.resolvedAt();
    return new Notification(idOf(incident), rule, incident, at, 0, at);
  }

  /** This notification after one more attempt, due again at {@code next} (if it failed). */
  Notification attempted(Instant next) {
    return new Notification(id, rule, incident, createdAt, attempts + 1, next);
  }
}
