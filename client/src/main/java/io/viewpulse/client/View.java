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
 */
public record View(String viewId, String playbackId, String creatorId, String dStorageUrl, String viewerId,
    Instant startedAt, String deviceType, String device, String cpu, String os, String browser, String browserEngine,
    String continent, String country, String subdivision, String timezone, String geohash, String domain,
    boolean live, long playtimeMs, Integer ttffMs, long rebufferMs, int errors, boolean firstFrame, boolean ended,
    boolean failed, String asn, String isp, String cdn, Map<String, String> custom) {

  public View {
    custom = custom == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(custom));
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
