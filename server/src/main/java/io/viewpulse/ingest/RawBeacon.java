package io.viewpulse.ingest;

import io.viewpulse.model.PlayerEvent;
import java.util.List;

/**
 * A beacon body, parsed and type-checked but not yet trusted: the playback id may belong to nobody and events may
 * still be dropped. Field names follow the wire protocol.
 */
record RawBeacon(
    String sessionId,
    String playbackId,
    String sourceUrl,
    String domain,
    String userAgent,
    String uid,
    boolean live,
    List<PlayerEvent> events,
    Metadata metadata) {

  /**
   * What the player says of itself beyond its events: its custom dimensions by name (a value that is no string,
   * number or boolean as null, dropped by ingest), its name (Livepeer's {@code player} field), and the CDN it plays
   * from.
   */
  record Metadata(java.util.Map<String, String> custom, String player, String cdn) {
    static final Metadata NONE = new Metadata(java.util.Map.of(), null, null);
  }

  RawBeacon(String sessionId, String playbackId, String sourceUrl, String domain, String userAgent, String uid,
      boolean live, List<PlayerEvent> events) {
    this(sessionId, playbackId, sourceUrl, domain, userAgent, uid, live, events, Metadata.NONE);
  }
}
