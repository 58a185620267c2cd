package io.viewpulse.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where and on what a view was watched: the dimensions derived from the user agent and the viewer's address, the
 * network it came over (autonomous system number and its organisation, the CDN that served it), and the account's
 * custom dimensions ({@link #custom}). Any field may be null when unknown. Instances are interned by the enricher, so
 * many sessions share one.
 *
 * @param custom the values of the account's custom dimensions by slot ({@link CustomDimension#slot} 1 is index 0),
 *     {@link CustomDimension#MAX} of them, null where the player sent none; or null when it sent none at all
 * @param asn the autonomous system number of the viewer's address, as decimal digits
 * @param isp the organisation that holds that autonomous system
 * @param cdn the CDN that served the media, as the player or the forwarder reported it
 */
public record Dimensions(
    String deviceType,
    String device,
    String cpu,
    String os,
    String browser,
    String browserEngine,
    String continent,
    String country,
    String subdivision,
    String timezone,
    String geohash,
    List<String> custom,
    String asn,
    String isp,
    String cdn) {

  public static final Dimensions UNKNOWN =
      new Dimensions(null, null, null, null, null, null, null, null, null, null, null);

  public Dimensions {
    if (custom != null) {
      if (custom.size() != CustomDimension.MAX) {
        throw new IllegalArgumentException("custom dimensions come in " + CustomDimension.MAX + " slots");
      }
      custom = custom.stream().allMatch(v -> v == null) ? null
          : Collections.unmodifiableList(new ArrayList<>(custom));
    }
  }

  /** The dimensions of the user agent and the address only. */
  public Dimensions(String deviceType, String device, String cpu, String os, String browser, String browserEngine,
      String continent, String country, String subdivision, String timezone, String geohash) {
    this(deviceType, device, cpu, os, browser, browserEngine, continent, country, subdivision, timezone, geohash,
        null, null, null, null);
  }

  /** The value of custom slot {@code slot} (1 to {@link CustomDimension#MAX}), or null. */
  public String custom(int slot) {
    return custom == null ? null : custom.get(slot - 1);
  }

  /** These dimensions with the given custom values (null: none). */
  public Dimensions withCustom(List<String> values) {
    return new Dimensions(deviceType, device, cpu, os, browser, browserEngine, continent, country, subdivision,
        timezone, geohash, values, asn, isp, cdn);
  }

  /** These dimensions with the given CDN. */
  public Dimensions withCdn(String value) {
    return new Dimensions(deviceType, device, cpu, os, browser, browserEngine, continent, country, subdivision,
        timezone, geohash, custom, asn, isp, value);
  }

  /**
   * These dimensions, with the custom values (and CDN) an earlier beacon of the session set kept where this one's
   * are null: a player may send its metadata with its first beacon only.
   */
  public Dimensions over(Dimensions earlier) {
    if (earlier == null || (earlier.custom == null && earlier.cdn == null) || earlier == this) {
      return this;
    }
    List<String> merged = custom;
    if (earlier.custom != null) {
      merged = new ArrayList<>(earlier.custom);
      if (custom != null) {
        for (int i = 0; i < custom.size(); i++) {
          if (custom.get(i) != null) {
            merged.set(i, custom.get(i));
          }
        }
      }
    }
    String c = cdn != null ? cdn : earlier.cdn;
    if (java.util.Objects.equals(merged, custom) && java.util.Objects.equals(c, cdn)) {
      return this;
    }
    return new Dimensions(deviceType, device, cpu, os, browser, browserEngine, continent, country, subdivision,
        timezone, geohash, merged, asn, isp, c);
  }

  /** Every field's value as text, in the order of the log and state codecs after the first eleven. */
  public String[] tail() {
    String[] out = new String[CustomDimension.MAX + 3];
    for (int i = 0; i < CustomDimension.MAX; i++) {
      out[i] = custom == null ? null : custom.get(i);
    }
    out[CustomDimension.MAX] = asn;
    out[CustomDimension.MAX + 1] = isp;
    out[CustomDimension.MAX + 2] = cdn;
    return out;
  }

  /** The inverse of {@link #tail}. */
  public Dimensions withTail(String[] t) {
    return new Dimensions(deviceType, device, cpu, os, browser, browserEngine, continent, country, subdivision,
        timezone, geohash, java.util.Arrays.asList(t).subList(0, CustomDimension.MAX), t[CustomDimension.MAX],
        t[CustomDimension.MAX + 1], t[CustomDimension.MAX + 2]);
  }
}
