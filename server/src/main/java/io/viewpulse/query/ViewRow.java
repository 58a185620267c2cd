package io.viewpulse.query;

import io.viewpulse.model.Dimensions;

/**
 * One finished view as a store keeps it ({@link ViewField} names its fields): what the views explorer lists and the
 * export writes.
 *
 * @param viewId identifies the view in its store, and orders views that started in the same second: on ClickHouse
 *     the view's own id (derived from its session and start), on DuckDB its row in the append-only views table
 * @param startedAtMs when the view started, in whole seconds (as both stores keep it)
 * @param ttffMs play-to-first-frame, null when no first frame was reported
 * @param rebufferMs stalled or waiting time after the first frame
 * @param errors the errors the player reported; a view with any failed
 * @param quality the view's playback quality, as the stores derive it from its facts
 */
public record ViewRow(
    long viewId,
    String playbackId,
    String creatorId,
    String dStorageUrl,
    String viewerId,
    long startedAtMs,
    Dimensions dims,
    String domain,
    boolean live,
    long playtimeMs,
    Integer ttffMs,
    long rebufferMs,
    int errors,
    boolean firstFrame,
    boolean ended,
    Quality quality) {

  /** A view's outcome ({@link Quality#outcome}): it played. */
  public static final String PLAYED = "played";
  /** A fatal error before the first frame, or with none. */
  public static final String FAILED_TO_START = "failedToStart";
  /** A fatal error after the first frame. */
  public static final String FAILED_AFTER_START = "failedAfterStart";
  /** Ended without a first frame and without a fatal error. */
  public static final String EXITED_BEFORE_START = "exitedBeforeStart";

  /**
   * The playback quality of one view: its facts ({@code model.ViewQuality}) and, per view, the figures the views
   * query's quality metrics aggregate, as {@code store.ViewMetrics.PerView} defines them for every store; the
   * figures null where their metric's denominator is 0.
   *
   * @param outcome {@link #PLAYED}, {@link #FAILED_TO_START}, {@link #FAILED_AFTER_START} or
   *     {@link #EXITED_BEFORE_START} (as the playback failure, startup failure and exits before start count it)
   * @param seekLatencyMs mean time from seeking to playing again
   * @param averageBitrateBps bitrate of the renditions played, weighted by their playing time
   * @param upscalePercentage mean upscaling over the playing time whose sizes are known, as a fraction
   * @param downscalePercentage mean downscaling over that time, as a fraction
   * @param maxUpscalePercentage the largest upscaling, as a fraction, null when no sizes are known
   * @param droppedFrameRate share of the decoded frames that were dropped
   */
  public record Quality(
      String outcome,
      int nonFatalErrors,
      int rebufferCount,
      int seekCount,
      Double seekLatencyMs,
      Double averageBitrateBps,
      Double upscalePercentage,
      Double downscalePercentage,
      Double maxUpscalePercentage,
      int droppedFrames,
      int totalFrames,
      Double droppedFrameRate,
      int switchesUp,
      int switchesDown) {}

  /** Whether playback failed: the player reported an error (the views API's error rate counts these views). */
  public boolean failed() {
    return errors > 0;
  }

  /**
   * The value of one field, as the API writes it (the export, the explorer, the webhooks): a String, Long, Integer,
   * Boolean, {@link java.math.BigDecimal} or null; the view id a string (ClickHouse's ids use all 64 bits, beyond a
   * JavaScript number), the start Unix milliseconds, a real figure rounded to seven significant digits (as the views
   * query writes its metrics).
   */
  public Object field(ViewField f) {
    Dimensions d = dims;
    Quality q = quality;
    return switch (f) {
      case VIEW_ID -> Long.toString(viewId);
      case PLAYBACK_ID -> playbackId;
      case CREATOR_ID -> creatorId;
      case D_STORAGE_URL -> dStorageUrl;
      case VIEWER_ID -> viewerId;
      case STARTED_AT -> startedAtMs;
      case DEVICE_TYPE -> d.deviceType();
      case DEVICE -> d.device();
      case CPU -> d.cpu();
      case OS -> d.os();
      case BROWSER -> d.browser();
      case BROWSER_ENGINE -> d.browserEngine();
      case CONTINENT -> d.continent();
      case COUNTRY -> d.country();
      case SUBDIVISION -> d.subdivision();
      case TIMEZONE -> d.timezone();
      case GEOHASH -> d.geohash();
      case DOMAIN -> domain;
      case LIVE -> live;
      case PLAYTIME_MS -> playtimeMs;
      case TTFF_MS -> ttffMs;
      case REBUFFER_MS -> rebufferMs;
      case ERRORS -> errors;
      case FIRST_FRAME -> firstFrame;
      case ENDED -> ended;
      case ASN -> d.asn();
      case ISP -> d.isp();
      case CDN -> d.cdn();
      case OUTCOME -> q.outcome();
      case NON_FATAL_ERRORS -> q.nonFatalErrors();
      case REBUFFER_COUNT -> q.rebufferCount();
      case SEEK_COUNT -> q.seekCount();
      case SEEK_LATENCY_MS -> decimal(q.seekLatencyMs());
      case AVERAGE_BITRATE_BPS -> decimal(q.averageBitrateBps());
      case UPSCALE_PERCENTAGE -> decimal(q.upscalePercentage());
      case DOWNSCALE_PERCENTAGE -> decimal(q.downscalePercentage());
      case MAX_UPSCALE_PERCENTAGE -> decimal(q.maxUpscalePercentage());
      case DROPPED_FRAMES -> q.droppedFrames();
      case TOTAL_FRAMES -> q.totalFrames();
      case DROPPED_FRAME_RATE -> decimal(q.droppedFrameRate());
      case SWITCHES_UP -> q.switchesUp();
      case SWITCHES_DOWN -> q.switchesDown();
    };
  }

  /** A real figure to seven significant digits, without trailing zeros (written plain: no exponent); null as null. */
  private static java.math.BigDecimal decimal(Double v) {
    if (v == null || !Double.isFinite(v)) {
      return null;
    }
    java.math.BigDecimal r = new java.math.BigDecimal(v).round(new java.math.MathContext(7)).stripTrailingZeros();
    return r.scale() < 0 ? r.setScale(0) : r;
  }

  /** The view's place in the order of views (start, then id). */
  public ViewPosition position() {
    return new ViewPosition(Math.floorDiv(startedAtMs, 1000L), viewId);
  }
}
