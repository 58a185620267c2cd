package io.viewpulse.alerts;

/** Delivers the notification of an incident's opening or resolution ({@link Incident#open()} says which). */
public interface Notifier {
  /** Delivers one notification; throws when it was not delivered (it is then retried). Blocking. */
  void send(Rule rule, Incident incident) throws Exception;

  /** Delivers nothing. */
  Notifier NONE = (rule, incident) -> { };
}
