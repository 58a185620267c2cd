package io.viewpulse.query;

/**
 * The playback-quality metrics a views query answers with {@code metrics=quality}, beside Livepeer's: their API names
 * and whether they are counts (written as integers) or values. How each is computed from the per-view facts is defined
 * once, for every store, in {@code store.ViewMetrics}; what the facts are, in {@code sessions.ViewState}.
 */
public enum QualityMetric {
  /** Share of views with a fatal error at any point (CTA-2066 and Mux: playback failure). */
  PLAYBACK_FAILURE_RATE("playbackFailureRate", false),
  /** Share of views with a fatal error before their first frame (video startup failure). */
  VIDEO_STARTUP_FAILURE_RATE("videoStartupFailureRate", false),
  /** Share of views with at least one non-fatal error (a warning, or an error the player recovered from). */
  NON_FATAL_ERROR_RATE("nonFatalErrorRate", false),
  /** Non-fatal errors of the group's views, all told. */
  NON_FATAL_ERROR_COUNT("nonFatalErrorCount", true),
  /** Rebuffers (stalls after the first frame) of the group's views, all told. */
  REBUFFER_COUNT("rebufferCount", true),
  /** Rebuffers per minute of watch time (playing plus rebuffering). */
  REBUFFER_FREQUENCY("rebufferFrequency", false),
  /** Rebuffer time per view, in milliseconds. */
  REBUFFER_DURATION_MS("rebufferDurationMs", false),
  /** Mean time from seeking to playing again, in milliseconds, over the seeks whose players measure it. */
  SEEK_LATENCY_MS("seekLatencyMs", false),
  /** Bitrate of the renditions played, weighted by their playing time, in bits per second. */
  AVERAGE_BITRATE_BPS("averageBitrateBps", false),
  /** Rendition switches to a higher bitrate (or more pixels), all told. */
  RENDITION_SWITCH_UP_COUNT("renditionSwitchUpCount", true),
  /** Rendition switches to a lower one, all told. */
  RENDITION_SWITCH_DOWN_COUNT("renditionSwitchDownCount", true),
  /** Frames dropped, all told. */
  DROPPED_FRAME_COUNT("droppedFrameCount", true),
  /** Share of the decoded frames that were dropped. */
  DROPPED_FRAME_RATE("droppedFrameRate", false),
  /** Mean upscaling over the playing time whose sizes are known (Mux: upscale percentage), as a fraction. */
  UPSCALE_PERCENTAGE("upscalePercentage", false),
  /** Mean downscaling over that time, as a fraction. */
  DOWNSCALE_PERCENTAGE("downscalePercentage", false),
  /** Mux's playback success score, 0 to 100: per view 100, 50 for an exit before start, 0 for a failure. */
  PLAYBACK_SUCCESS_SCORE("playbackSuccessScore", false),
  /** Startup time score, 0 to 100: per view with a TTFF of s seconds 8 / (8 + s) x 100. */
  STARTUP_TIME_SCORE("startupTimeScore", false),
  /** Mux's smoothness score, 0 to 100, over the views with a first frame. */
  SMOOTHNESS_SCORE("smoothnessScore", false),
  /** Mux's video quality score, 0 to 100, over the views with a first frame and known sizes. */
  VIDEO_QUALITY_SCORE("videoQualityScore", false),
  /** The viewer experience score, 0 to 100: per view, the other scores combined (see store.ViewMetrics). */
  VIEWER_EXPERIENCE_SCORE("viewerExperienceScore", false);

  private final String apiName;
  private final boolean count;

  QualityMetric(String apiName, boolean count) {
    this.apiName = apiName;
    this.count = count;
  }

  public String apiName() {
    return apiName;
  }

  /** A count of things, written as an integer; else a value, written to seven significant digits. */
  public boolean count() {
    return count;
  }

  /** The name of its column in the stores' answers. */
  public String column() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
