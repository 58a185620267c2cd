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
 */
public record Edge(byte[] body, String peerAddress, Map<String, String> headers, boolean lastOfPage,
    long receivedAtMs) {

  String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }
}
