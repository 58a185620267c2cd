package io.viewpulse.ingest;

import io.viewpulse.model.Heartbeat;
import io.viewpulse.model.PlayerEvent;

/**
 * Value checks on single events. An event that fails one is dropped and counted; the rest of its beacon is kept.
 * The bounds are generous on purpose: a heartbeat merged over a long outage legitimately carries hours.
 */
final class EventChecks {
  /** Clients' clocks drift; beyond this an event is from a broken clock, not the future. */
  static final long MAX_FUTURE_MS = 10 * 60_000L;
  /** Players buffer in memory only, so nothing older than this can be a real re-send. */
  static final long MAX_AGE_MS = 7 * 24 * 3_600_000L;
  static final long MAX_DURATION_MS = Heartbeat.MAX_DURATION_MS;
  static final long MAX_TTFF_MS = 3_600_000L;
  static final long MAX_MEDIA_DURATION_MS = 31 * 24 * 3_600_000L;
  static final long MAX_COUNT = 1_000_000L;
  /** A seek's latency: beyond an hour the player was not waiting for the seek. */
  static final long MAX_SEEK_LATENCY_MS = 3_600_000L;

  private EventChecks() {}

  /** Null when the event is acceptable, else why it is dropped. */
  static Reason check(PlayerEvent e, long nowMs) {
    if (e.timestamp() > nowMs + MAX_FUTURE_MS) {
      return Reason.TIMESTAMP_IN_FUTURE;
    }
    if (e.timestamp() < nowMs - MAX_AGE_MS) {
      return Reason.TIMESTAMP_TOO_OLD;
    }
    Heartbeat h = e.heartbeat();
    if (h != null && !plausible(h)) {
      return Reason.ABSURD_VALUE;
    }
    if (!optional(e.latencyMs(), MAX_SEEK_LATENCY_MS)) {
      return Reason.ABSURD_VALUE;
    }
    return null;
  }

  private static boolean plausible(Heartbeat h) {
    return count(h.errors()) && count(h.warnings()) && count(h.stalledCount()) && count(h.waitingCount())
        && duration(h.timeErroredMs()) && duration(h.timeWarningMs()) && duration(h.timeStalledMs())
        && duration(h.timePlayingMs()) && duration(h.timeWaitingMs())
        && optional(h.playToFirstFrameMs(), MAX_TTFF_MS) && optional(h.mountToFirstFrameMs(), MAX_DURATION_MS)
        && optional(h.durationMs(), MAX_MEDIA_DURATION_MS) && optional(h.positionMs(), MAX_MEDIA_DURATION_MS)
        && optional(h.offsetMs(), MAX_MEDIA_DURATION_MS);
  }

  private static boolean count(long v) {
    return v >= 0 && v <= MAX_COUNT;
  }

  private static boolean duration(long v) {
    return v >= 0 && v <= MAX_DURATION_MS;
  }

  private static boolean optional(Long v, long max) {
    return v == null || (v >= 0 && v <= max);
  }
}
