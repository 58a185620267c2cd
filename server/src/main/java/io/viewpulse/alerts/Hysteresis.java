package io.viewpulse.alerts;

/**
 * One rule's run of evaluations: how many in a row its condition held or was clear, and whether it has an open
 * incident. An incident opens when the condition held at {@code openAfter} evaluations in a row, and resolves when it
 * was clear at {@code resolveAfter} in a row: so it opens once and resolves once, however the value wavers between.
 */
final class Hysteresis {
  enum Change {
    NONE,
    OPEN,
    RESOLVE
  }

  private int held;
  private int clear;
  Incident open;

  Hysteresis(Incident open) {
    this.open = open;
  }

  /** Takes one evaluation's outcome; says whether an incident opens or resolves now. */
  Change next(Rule r, boolean holds) {
    if (holds) {
      held++;
      clear = 0;
      return open == null && held >= r.openAfter() ? Change.OPEN : Change.NONE;
    }
    clear++;
    held = 0;
    return open != null && clear >= r.resolveAfter() ? Change.RESOLVE : Change.NONE;
  }
}
