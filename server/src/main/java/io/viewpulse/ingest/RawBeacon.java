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
    List<PlayerEvent> events) {}
