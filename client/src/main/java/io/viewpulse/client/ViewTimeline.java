package io.viewpulse.client;

import java.time.Instant;
import java.util.List;

/**
 * One view opened ({@link Viewpulse#getView}): its fields as the list has them and its timeline, empty past the
 * server's retention period.
 *
 * @param events in the order of the player's clock
 * @param dropped events the server's bound per session left out
 */
public record ViewTimeline(View view, List<Event> events, int dropped) {
  /**
   * One event. Fields its type does not carry are null.
   *
   * @param type play, first-frame, stall, seek, rendition, pause, error or end
   * @param offsetMs from the view's start (whole seconds)
   * @param durationMs a stall's length
   * @param count how many stalls
   * @param latencyMs a seek's latency, when measured
   * @param from a rendition switch's rendition before
   * @param to and after
   * @param fatal an error the player did not recover from
   * @param category an error's category
   * @param message an error's message
   * @param cause an end's cause: ended, quit, page or timeout
   */
  public record Event(String type, Instant at, long offsetMs, Long durationMs, Integer count, Long latencyMs,
      Rendition from, Rendition to, Boolean fatal, String category, String message, String cause) {}

  /** A rendition: its bitrate and video size, null when unknown. */
  public record Rendition(Long bitrateBps, Integer width, Integer height) {}
}
