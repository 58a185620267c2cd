package io.viewpulse.query;

import java.util.List;

/**
 * The fields of one finished view as the views explorer lists it and the export writes it, in the export's column
 * order: every dimension and fact the views table keeps, and the view's id, then the view's playback quality
 * ({@link ViewRow.Quality}: per view, the figures the views query's quality metrics aggregate). Each store maps every
 * field to its column, and writes Parquet columns under these names; CSV headers and JSON keys are these names too.
 */
public enum ViewField {
  VIEW_ID("viewId"),
  PLAYBACK_ID("playbackId"),
  CREATOR_ID("creatorId"),
  D_STORAGE_URL("dStorageUrl"),
  VIEWER_ID("viewerId"),
  STARTED_AT("startedAt"),
  DEVICE_TYPE("deviceType"),
  DEVICE("device"),
  CPU("cpu"),
  OS("os"),
  BROWSER("browser"),
  BROWSER_ENGINE("browserEngine"),
  CONTINENT("continent"),
  COUNTRY("country"),
  SUBDIVISION("subdivision"),
  TIMEZONE("timezone"),
  GEOHASH("geohash"),
  DOMAIN("domain"),
  LIVE("live"),
  PLAYTIME_MS("playtimeMs"),
  TTFF_MS("ttffMs"),
  REBUFFER_MS("rebufferMs"),
  ERRORS("errors"),
  FIRST_FRAME("firstFrame"),
  ENDED("ended"),
  ASN("asn"),
  ISP("isp"),
  CDN("cdn"),
  OUTCOME("outcome"),
  NON_FATAL_ERRORS("nonFatalErrors"),
  REBUFFER_COUNT("rebufferCount"),
  SEEK_COUNT("seekCount"),
  SEEK_LATENCY_MS("seekLatencyMs"),
  AVERAGE_BITRATE_BPS("averageBitrateBps"),
  UPSCALE_PERCENTAGE("upscalePercentage"),
  DOWNSCALE_PERCENTAGE("downscalePercentage"),
  MAX_UPSCALE_PERCENTAGE("maxUpscalePercentage"),
  DROPPED_FRAMES("droppedFrames"),
  TOTAL_FRAMES("totalFrames"),
  DROPPED_FRAME_RATE("droppedFrameRate"),
  SWITCHES_UP("switchesUp"),
  SWITCHES_DOWN("switchesDown");

  /** Every field, in the export's column order. */
  public static final List<ViewField> ALL = List.of(values());

  private final String apiName;

  ViewField(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }
}
