package io.viewpulse.client;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finished view, as the views explorer lists it ({@link Viewpulse#listViews}). Unknown values are null.
 *
 * @param viewId identifies the view in its store (a string: it may use all 64 bits)
 * @param startedAt when the view started (whole seconds)
 * @param ttffMs play to first frame, null without a first frame
 * @param rebufferMs stalled and waiting time after the first frame
 * @param failed the player reported an error
 * @param asn the autonomous system number of the viewer's network (null without an ASN database on the server)
 * @param isp the organisation holding that autonomous system
 * @param cdn the CDN the player or the forwarder reported
 * @param custom the account's custom dimensions by name (without {@code custom.}), in the order they were declared,
 *     each with the view's value or null: every name the account had declared when the page was read
 * @param quality the view's playback quality, null from a server that does not report it
 */
public record View(String viewId, String playbackId, String creatorId, String dStorageUrl, String viewerId,
    Instant startedAt, String deviceType, String device, String cpu, String os, String browser, String browserEngine,
    String continent, String country, String subdivision, String timezone, String geohash, String domain,
    boolean live, long playtimeMs, Integer ttffMs, long rebufferMs, int errors, boolean firstFrame, boolean ended,
    boolean failed, String asn, String isp, String cdn, Map<String, String> custom, Quality quality) {

  public View {
    custom = custom == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(custom));
  }

  /** A view without its playback quality (as before the server reported it). */
  public View(String viewId, String playbackId, String creatorId, String dStorageUrl, String viewerId,
      Instant startedAt, String deviceType, String device, String cpu, String os, String browser, String browserEngine,
      String continent, String country, String subdivision, String timezone, String geohash, String domain,
      boolean live, long playtimeMs, Integer ttffMs, long rebufferMs, int errors, boolean firstFrame, boolean ended,
      boolean failed, String asn, String isp, String cdn, Map<String, String> custom) {
    this(viewId, playbackId, creatorId, dStorageUrl, viewerId, startedAt, deviceType, device, cpu, os, browser,
        browserEngine, continent, country, subdivision, timezone, geohash, domain, live, playtimeMs, ttffMs,
        rebufferMs, errors, firstFrame, ended, failed, asn, isp, cdn, custom, null);
  }

  /** How a view went: it played. */
  public static final String PLAYED = "played";
  /** A fatal error before the first frame, or with none. */
  public static final String FAILED_TO_START = "failedToStart";
  /** A fatal error after the first frame. */
  public static final String FAILED_AFTER_START = "failedAfterStart";
  /** Ended without a first frame and without a fatal error. */
  public static final String EXITED_BEFORE_START = "exitedBeforeStart";

  /**
   * One view's playback quality: per view, the figures the views query's quality metrics aggregate
   * ({@link ViewsQuery}, {@code metrics=quality}); a figure null where it is undefined (no seek, no bitrate or sizes
   * known, no frames counted).
   *
   * @param outcome {@link #PLAYED}, {@link #FAILED_TO_START}, {@link #FAILED_AFTER_START} or
   *     {@link #EXITED_BEFORE_START}
   * @param nonFatalErrors warnings and errors the player recovered from
   * @param rebufferCount rebuffers after the first frame
   * @param seekCount seeks whose latency the player measured
   * @param seekLatencyMs their mean latency (seeking to playing again)
   * @param averageBitrateBps bitrate of the renditions played, weighted by their playing time, in bits per second
   * @param upscalePercentage mean upscaling over the playing time whose sizes are known, as a fraction
   * @param downscalePercentage mean downscaling over that time, as a fraction
   * @param maxUpscalePercentage the largest upscaling, as a fraction
   * @param droppedFrames frames dropped
   * @param totalFrames frames decoded, dropped ones included
   * @param droppedFrameRate share of the decoded frames that were dropped
   * @param switchesUp rendition switches up
   * @param switchesDown rendition switches down
   */
  public record Quality(String outcome, int nonFatalErrors, int rebufferCount, int seekCount, Double seekLatencyMs,
      Double averageBitrateBps, Double upscalePercentage, Double downscalePercentage, Double maxUpscalePercentage,
      int droppedFrames, int totalFrames, Double droppedFrameRate, int switchesUp, int switchesDown) {

    /** Whether playback failed: a fatal error, before or after the first frame. */
    public boolean failed() {
      return FAILED_TO_START.equals(outcome) || FAILED_AFTER_START.equals(outcome);
    }
  }

  /** The view's value of a custom dimension ({@link Dimension#custom}) or another dimension, or null when unknown. */
  public String dimension(Dimension d) {
    if (d.isCustom()) {
      return custom.get(d.apiName().substring(Dimension.CUSTOM_PREFIX.length()));
    }
    return switch (d.apiName()) {
      case "playbackId" -> playbackId;
      case "dStorageUrl" -> dStorageUrl;
      case "deviceType" -> deviceType;
      case "device" -> device;
      case "cpu" -> cpu;
      case "os" -> os;
      case "browser" -> browser;
      case "browserEngine" -> browserEngine;
      case "continent" -> continent;
      case "country" -> country;
      case "subdivision" -> subdivision;
      case "timezone" -> timezone;
      case "geohash" -> geohash;
      case "viewerId" -> viewerId;
      case "creatorId" -> creatorId;
      case "asn" -> asn;
      case "isp" -> isp;
      case "cdn" -> cdn;
      default -> null;
    };
  }
}
