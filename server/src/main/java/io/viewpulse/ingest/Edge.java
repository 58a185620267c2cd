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
    long receivedAtMs, Cmcd cmcd) {

  /** A beacon of the wire protocol. */
  public Edge(byte[] body, String peerAddress, Map<String, String> headers, boolean lastOfPage, long receivedAtMs) {
    this(body, peerAddress, headers, lastOfPage, receivedAtMs, null);
  }

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
