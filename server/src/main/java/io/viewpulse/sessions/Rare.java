package io.viewpulse.sessions;

/**
 * The facts most sessions never have (errors and warnings, seeks, the CMCD play state), apart so that those
 * sessions do not carry them: made when one of them first is not its initial value.
 */
final class Rare {
  /** The initial values, read while a session has no {@link Rare} of its own; never written. */
  static final Rare NONE = new Rare();
  int heartbeatErrors;
  int errorEvents;
  int authFailures;
  /** Time of the earliest fatal error event, or {@link ViewState#UNSET}. */
  long firstFatalAt = ViewState.UNSET;
  /** Error events of a category the player recovered from ({@link ViewState#RECOVERED_CATEGORIES}). */
  int recoveredErrors;
  int warningEvents;
  /** The heartbeats' warning counts, summed as their error counts are. */
  int heartbeatWarnings;
  /** Seeks with a latency (from seeking to playing again), and their latencies summed. */
  int seekCount;
  int seekMs;
  /** The last play state a CMCD report gave (its letter), or 0 before any. */
  char playState;
  /** The time of the report that gave {@link #playState}. */
  long playStateAt = ViewState.UNSET;
  /** When the startup began (the first {@code s}, or {@code r} before the first frame), for TTFF without msd. */
  long startingAt = ViewState.UNSET;
  /** TTFF was derived from play states, so a media start delay reported later replaces it. */
  boolean ttffDerived;
  /**
   * When the play state last entered {@code r} after the first frame (a stall under way), or {@link ViewState#UNSET}.
   */
  long stallSince = ViewState.UNSET;

  boolean initial() {
    return heartbeatErrors == 0 && errorEvents == 0 && authFailures == 0 && firstFatalAt == ViewState.UNSET
        && recoveredErrors == 0 && warningEvents == 0 && heartbeatWarnings == 0 && seekCount == 0 && seekMs == 0
        && playState == 0 && playStateAt == ViewState.UNSET && startingAt == ViewState.UNSET && !ttffDerived
        && stallSince == ViewState.UNSET;
  }
}
