package io.viewpulse.model;

/**
 * Where and on what a view was watched: the dimensions derived from the user agent and the viewer's address.
 * Any field may be null when unknown. Instances are interned by the enricher, so many sessions share one.
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
    String geohash) {

  public static final Dimensions UNKNOWN =
      new Dimensions(null, null, null, null, null, null, null, null, null, null, null);
}
