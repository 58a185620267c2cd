package io.viewpulse.model;

/**
 * The playback-quality facts of one view, beside Livepeer's ({@link ViewRecord}): how they are derived from player
 * events is defined in the sessions package ({@code ViewState}), how they aggregate into metrics in
 * {@code store.ViewMetrics}.
 *
 * @param fatal {@link #NO_FAILURE}, {@link #FAILED_TO_START} (a fatal error before the first frame, or with none) or
 *     {@link #FAILED_AFTER_START}
 * @param nonFatalErrors warnings and errors the player recovered from
 * @param rebufferCount rebuffers after the first frame
 * @param seekCount seeks whose latency the player measured
 * @param seekMs their latencies (seeking to playing again), summed
 * @param bitrateMs playing time whose rendition's bitrate is known
 * @param bitrateBits over that time, the bitrate times the time: bits played at the renditions' bitrates
 * @param scaleMs playing time whose video and player sizes are known
 * @param upscaleMs over that time, the time times the upscaling (the factor the video is enlarged by to fit the
 *     player, less 1; 0 when it is not enlarged), summed
 * @param downscaleMs likewise the downscaling (1 less the factor it is shrunk by)
 * @param droppedFrames frames dropped
 * @param totalFrames frames decoded, dropped ones included
 * @param switchesUp rendition switches up
 * @param switchesDown rendition switches down
 * @param maxUpscale the largest upscaling of any heartbeat's playing time (0 for none)
 */
public record ViewQuality(int fatal, int nonFatalErrors, int rebufferCount, int seekCount, int seekMs,
    long bitrateMs, long bitrateBits, long scaleMs, double upscaleMs, double downscaleMs, int droppedFrames,
    int totalFrames, int switchesUp, int switchesDown, double maxUpscale) {

  /** Without anything known of the video shown. */
  public ViewQuality(int fatal, int nonFatalErrors, int rebufferCount, int seekCount, int seekMs) {
    this(fatal, nonFatalErrors, rebufferCount, seekCount, seekMs, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  public static final int NO_FAILURE = 0;
  public static final int FAILED_TO_START = 1;
  public static final int FAILED_AFTER_START = 2;

  /** Nothing known beyond Livepeer's facts. */
  public static final ViewQuality NONE = new ViewQuality(NO_FAILURE, 0, 0, 0, 0);

  /**
   * What is known of a view that has only Livepeer's facts (a view stored before these existed): its errors, of
   * unknown kind, taken as fatal, as a player counts an error it does not report as a warning.
   */
  public static ViewQuality ofErrors(int errors, boolean firstFrame) {
    if (errors <= 0) {
      return NONE;
    }
    return new ViewQuality(firstFrame ? FAILED_AFTER_START : FAILED_TO_START, 0, 0, 0, 0);
  }
}
