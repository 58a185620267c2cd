package io.viewpulse.query;

import java.time.Instant;
import java.util.List;

/**
 * Views playing now: sessions not ended that sent a beacon since {@code activeSince}.
 *
 * @param breakdown among playbackId, device, browser, country
 */
public record RealtimeQuery(String accountId, String playbackId, String creatorId, Instant activeSince,
    List<Dimension> breakdown) {
  public RealtimeQuery {
    breakdown = List.copyOf(breakdown);
  }
}
