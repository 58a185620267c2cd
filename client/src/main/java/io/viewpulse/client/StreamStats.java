package io.viewpulse.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A live stream's statistics over one minute, in Uplynk's terms.
 *
 * @param ts end of the minute the statistics cover; null (with {@code stats}) when the stream has no data in the
 *     last 24 hours
 */
public record StreamStats(String id, Stats stats, Instant ts) {

  /** The statistics of the minute before {@code ts}. */
  public record Stats(int authFailures, Sessions concurrent, Sessions newSessions, List<Breakdown> domains,
      List<Breakdown> locations, List<Breakdown> platforms, String type) {}

  /**
   * Concurrent (lasted at least a minute) or new sessions.
   *
   * @param totalTime seconds of video played in the minute
   * @param adSlate ad slate by reason code
   * @param mcs missing-content slate by reason code
   */
  public record Sessions(int sessions, double totalTime, Map<String, Slate> adSlate, Map<String, Slate> mcs) {}

  /** Slate served for one reason: seconds, and sessions that got it. */
  public record Slate(double time, int sessions) {}

  /** Concurrent sessions by domain, location or platform, and how many of them got slate. */
  public record Breakdown(String key, int sessions, int mcs, int adSlate) {}
}
