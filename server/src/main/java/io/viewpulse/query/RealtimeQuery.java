package io.viewpulse.query;

import java.time.Instant;
import java.util.List;

/**
 * Views playing now: sessions not ended that sent a beacon since {@code activeSince}.
 *
 * @param breakdown among playbackId, device, browser, country
 * @param filters on those dimensions ({@link Filter})
 * @param quality whether to answer the quality metrics of the open sessions too ({@code metrics=quality})
 */
public record RealtimeQuery(String accountId, String playbackId, String creatorId, Instant activeSince,
    List<Dimension> breakdown, List<Filter> filters, boolean quality) {
  public RealtimeQuery {
    breakdown = List.copyOf(breakdown);
    filters = List.copyOf(filters);
  }

  /** Without the quality metrics. */
  public RealtimeQuery(String accountId, String playbackId, String creatorId, Instant activeSince,
      List<Dimension> breakdown, List<Filter> filters) {
    this(accountId, playbackId, creatorId, activeSince, breakdown, filters, false);
  }

  /** Without filters. */
  public RealtimeQuery(String accountId, String playbackId, String creatorId, Instant activeSince,
      List<Dimension> breakdown) {
    this(accountId, playbackId, creatorId, activeSince, breakdown, List.of());
  }
}
