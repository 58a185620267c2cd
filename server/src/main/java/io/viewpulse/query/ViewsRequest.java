package io.viewpulse.query;

import java.time.Instant;
import java.util.List;

/** The parameters of a viewership request, typed but not yet resolved against the catalog. */
public record ViewsRequest(String playbackId, String assetId, String streamId, String creatorId, Instant from,
    Instant to, TimeStep timeStep, List<Dimension> breakdown, List<Filter> filters) {
  public ViewsRequest {
    breakdown = List.copyOf(breakdown);
    filters = List.copyOf(filters);
  }
}
