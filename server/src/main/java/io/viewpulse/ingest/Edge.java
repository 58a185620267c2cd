package io.viewpulse.ingest;

import java.util.Map;

/**
 * A beacon as it arrived, before anything is trusted: what the HTTP layer hands to ingest. No HTTP types cross this
 * line.
 *
 * @param body raw request body (at most the body limit)
 * @param peerAddress address of the TCP peer
 * @param headers request headers, names in lower case (only the first value of each)
 * @param lastOfPage the browser sent it with {@code navigator.sendBeacon} (Sec-Fetch-Mode: no-cors), which players do
 *     on pagehide or when the page is hidden
 * @param receivedAtMs server time of arrival
 * @param cmcd null for a beacon of the wire protocol; for CMCD, how it came and what its URL said
 */
public record Edge(byte[] body, String peerAddress, Map<String, String> headers, boolean lastOfPage,
    long receivedAtMs, Cmcd cmcd, Place place) {

  /** A beacon of the wire protocol. */
  public Edge(byte[] body, String peerAddress, Map<String, String> headers, boolean lastOfPage, long receivedAtMs) {
    this(body, peerAddress, headers, lastOfPage, receivedAtMs, null, null);
  }

  /** A beacon as it came over HTTP: placed by the trusted CDN's headers or GeoIP, never by itself. */
  public Edge(byte[] body, String peerAddress, Map<String, String> headers, boolean lastOfPage, long receivedAtMs,
      Cmcd cmcd) {
    this(body, peerAddress, headers, lastOfPage, receivedAtMs, cmcd, null);
  }

  /**
   * Where a beacon made inside the server (the demo's simulated viewers) comes from, in place of a GeoIP lookup:
   * taken as a trusted CDN's location headers are (country code, region name, position), and completed the same way
   * (continent, subdivision code, time zone, geohash). No beacon from the network carries one.
   *
   * @param country ISO 3166-1 alpha-2 code
   * @param region the region's name, or null
   */
  public record Place(String country, String region, double latitude, double longitude) {}

  /**
   * What a CMCD request carries besides its body and headers.
   *
   * @param requestMode CMCD of a media request (the {@code CMCD} query argument and the {@code cmcd-*} headers),
   *     forwarded by an origin, proxy or edge; false: event-mode reports, one a line in the body
   * @param playbackId the playback id the collector URL names ({@code ?playbackId=}), or null
   * @param query the forwarded media request's {@code CMCD} query argument, decoded, or null
   * @param mediaUrl the forwarded media request's URL or path, or null
   */
  public record Cmcd(boolean requestMode, String playbackId, String query, String mediaUrl) {}

  String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }
}
