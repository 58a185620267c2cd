package io.viewpulse.live;

/**
 * A player session on a live stream, as live statistics see it.
 *
 * @param startServerMs when it started, on the server's clock
 * @param domain host of the media URL it plays (Uplynk's "domain": the host the stream was requested from)
 * @param location {@code country:region} in lower case, {@code ??} for what is unknown
 * @param platform OS family in lower case
 */
public record LiveSession(String key, String accountId, String streamId, long startServerMs, String domain,
    String location, String platform) {}
