package io.viewpulse.alerts;

import java.util.concurrent.CompletableFuture;

/** Delivers the notification of an incident's opening or resolution ({@link Incident#open()} says which). */
public interface Notifier {
  /**
   * Delivers one notification without blocking: the future completes when it was delivered, or exceptionally when it
   * was not (it is then retried). It may complete on any thread: chain no blocking work on it.
   */
  CompletableFuture<Void> send(Rule rule, Incident incident);

  /**
   * Refuses a webhook URL this notifier will never post to (by its form, or an address literal it may not reach),
   * when a rule is saved; names no field. Nothing by default.
   *
   * @throws io.viewpulse.model.DomainException saying what is wrong
   */
  default void check(String url) {}

  /** Delivers nothing. */
  Notifier NONE = (rule, incident) -> CompletableFuture.completedFuture(null);
}
