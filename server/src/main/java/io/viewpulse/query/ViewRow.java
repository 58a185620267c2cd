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
    boolean ended) {

  /** Whether playback failed: the player reported an error (the views API's error rate counts these views). */
  public boolean failed() {
    return errors > 0;
  }

  /**
   * The value of one field, as the API writes it (the export, the explorer, the webhooks): a String, Long, Integer,
   * Boolean or null; the view id a string (ClickHouse's ids use all 64 bits, beyond a JavaScript number), the start
   * Unix milliseconds.
   */
  public Object field(ViewField f) {
    Dimensions d = dims;
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
    };
  }

  /** The view's place in the order of views (start, then id). */
  public ViewPosition position() {
    return new ViewPosition(Math.floorDiv(startedAtMs, 1000L), viewId);
  }
}
