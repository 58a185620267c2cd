package io.viewpulse.model;

import java.util.List;

/**
 * An accepted, enriched beacon: what the event log keeps. It holds no address and no raw user agent: only what was
 * derived from them.
 *
 * @param accountId owner of the playback id
 * @param mediaId id of the asset or stream the playback id belongs to
 * @param sessionId the player's session id, a hash of it when long ({@link Bounded#sessionId})
 * @param viewerId the player's viewer id (a hash of it when long, {@link Bounded#viewerId}), or a salted hash of
 *     address, user agent and page domain
 * @param live the player reported live playback, or the playback id belongs to a stream
 * @param domain host name of the page the player is on, or null ({@link Bounded#host})
 * @param sourceHost host name of the media URL the player plays (the "domain" of live statistics), or null
 * @param region ISO 3166-2 subdivision code without the country part (e.g. "CA"), or null
 * @param lastOfPage sent by sendBeacon as the page was hidden or left
 * @param receivedAtMs server time of arrival
 * @param events accepted events, in the order sent
 */
public record Beacon(
    String accountId,
    String mediaId,
    String playbackId,
    String creatorId,
    String dStorageUrl,
    String sessionId,
    String viewerId,
    boolean live,
    String domain,
    String sourceHost,
    Dimensions dims,
    String region,
    boolean lastOfPage,
    long receivedAtMs,
    List<PlayerEvent> events) implements LogEntry {

  /** The ids and hosts bounded ({@link Bounded}): also those of a beacon an older version wrote to the log. */
  public Beacon {
    sessionId = Bounded.sessionId(sessionId);
    viewerId = Bounded.viewerId(viewerId);
    domain = Bounded.host(domain);
    sourceHost = Bounded.host(sourceHost);
    events = List.copyOf(events);
  }

  @Override
  public String partitionKey() {
    return accountId + '|' + playbackId + '|' + sessionId;
  }
}
