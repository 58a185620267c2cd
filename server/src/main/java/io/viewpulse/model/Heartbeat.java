package io.viewpulse.model;

/**
 * The measurements of a heartbeat: deltas since the previous heartbeat, except that a heartbeat re-sent under the same
 * id after a failed send carries the cumulative values of every heartbeat merged into it (see the sessions package).
 *
 * @param playToFirstFrameMs time to first frame, sent once; null when absent
 * @param mountToFirstFrameMs sent once when a frame was shown; null when absent
 * @param durationMs media duration for on-demand video; null when absent
 * @param positionMs the playhead (the video's current time) when the heartbeat was sent, on-demand video only:
 *     Viewpulse's collector sends it with every heartbeat; null when absent
 * @param offsetMs where playback started in the video, sent once (Livepeer's player); null when absent
 */
public record Heartbeat(
    int errors,
    int warnings,
    int stalledCount,
    int waitingCount,
    long timeErroredMs,
    long timeWarningMs,
    long timeStalledMs,
    long timePlayingMs,
    long timeWaitingMs,
    Long playToFirstFrameMs,
    Long mountToFirstFrameMs,
    Long durationMs,
    Long positionMs,
    Long offsetMs) {

  /** A heartbeat without a playhead or a start offset. */
  public Heartbeat(int errors, int warnings, int stalledCount, int waitingCount, long timeErroredMs,
      long timeWarningMs, long timeStalledMs, long timePlayingMs, long timeWaitingMs, Long playToFirstFrameMs,
      Long mountToFirstFrameMs, Long durationMs) {
    this(errors, warnings, stalledCount, waitingCount, timeErroredMs, timeWarningMs, timeStalledMs, timePlayingMs,
        timeWaitingMs, playToFirstFrameMs, mountToFirstFrameMs, durationMs, null, null);
  }

  /**
   * The most one heartbeat may report of any duration; ingest drops heartbeats beyond it. Generous on purpose: a
   * heartbeat merged over a long outage legitimately carries hours.
   */
  public static final long MAX_DURATION_MS = 24 * 3_600_000L;
}
