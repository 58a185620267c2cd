package io.viewpulse.ingest;

/**
 * Where a viewer is, as far as the address tells. Any field may be null.
 *
 * @param continent continent name, e.g. "North America"
 * @param country ISO 3166-1 alpha-2 code, e.g. "US"
 * @param subdivision first-level subdivision name, e.g. "California"
 * @param subdivisionCode its ISO 3166-2 code without the country part, e.g. "CA"
 * @param timezone IANA zone, e.g. "America/Los_Angeles"
 * @param geohash three-character geohash of the location (about 150 km): coarse on purpose
 */
record GeoLocation(String continent, String country, String subdivision, String subdivisionCode, String timezone,
    String geohash) {
  static final GeoLocation UNKNOWN = new GeoLocation(null, null, null, null, null, null);
}
