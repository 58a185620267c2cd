package io.viewpulse.alerts;

import java.time.Instant;
import java.util.List;

/**
 * Where alert rules, incidents and the outbox of their notifications are kept. Blocking: call from worker threads.
 * Failures of the store throw {@link io.viewpulse.model.StoreException}. Small: read whole or by account.
 */
public interface AlertStore {
  /** Stores {@code rule}, replacing the account's rule of the same id. */
  void putRule(Rule rule);

  /** Deletes the account's rule {@code ruleId}; whether there was one. Its incidents stay. */
  boolean deleteRule(String accountId, String ruleId);

  /** The rules of {@code accountId} (of every account when null), oldest first. */
  List<Rule> rules(String accountId);

  /** Stores {@code incident}, replacing the account's incident of the same id (its resolution). */
  void putIncident(Incident incident);

  /**
   * The incidents of {@code accountId} (of every account when null), newest opening first, at most {@code limit}; only
   * those still open when {@code openOnly}.
   */
  List<Incident> incidents(String accountId, boolean openOnly, int limit);

  /**
   * Adds {@code notification} to the outbox, pending, unless the outbox has one of the same id already (pending,
   * delivered or given up): then nothing changes. So two evaluators that make the same notification make one.
   */
  void putNotification(Notification notification);

  /**
   * The pending notifications of every account that are due by {@code dueBy} (next attempt not after it) and come
   * after no pending notification of their incident that is not due: oldest first (by creation, then id), at most
   * {@code limit}. So notifications waiting for a retry never hide the others, and an incident's go in order.
   */
  List<Notification> pendingNotifications(Instant dueBy, int limit);

  /**
   * Records an attempt at {@code notification} (as it stands after it: its attempts and next attempt): it stays pending
   * unless {@code done} (delivered, or given up). A notification that is done stays done.
   */
  void notificationAttempted(Notification notification, boolean done);

  /**
   * Deletes the notifications made before {@code before} that are done (every trace of them: a later put of such an
   * id is a new notification); returns nothing. Pending ones stay.
   */
  void dropDoneNotifications(Instant before);
}
