package io.viewpulse.client;

import java.util.List;

/**
 * The parameters of {@link Viewpulse#getRealtimeViews(RealtimeQuery)}: which sessions playing now, how they are
 * broken down, and whether to answer their quality too. Every field is optional; build with {@link #builder()}.
 *
 * @param breakdownBy among {@link Dimension#PLAYBACK_ID}, device, browser, country and the custom and network
 *     dimensions
 * @param filters conditions on those dimensions ({@link Filter})
 * @param quality answer the quality of the sessions so far too ({@code metrics=quality}: {@link RealtimeQuality})
 */
public record RealtimeQuery(String playbackId, String assetId, String streamId, String creatorId,
    List<Dimension> breakdownBy, List<Filter> filters, boolean quality) {

  public RealtimeQuery {
    breakdownBy = breakdownBy == null ? List.of() : List.copyOf(breakdownBy);
    filters = filters == null ? List.of() : List.copyOf(filters);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RealtimeQuery}. */
  public static final class Builder extends BreakdownQueryBuilder<Builder> {
    private boolean quality;

    @Override
    Builder self() {
      return this;
    }

    /** Asks for the quality of the sessions playing now ({@code metrics=quality}). */
    public Builder withQuality() {
      quality = true;
      return this;
    }

    public RealtimeQuery build() {
      return new RealtimeQuery(playbackId, assetId, streamId, creatorId, breakdownBy, filters, quality);
    }
  }
}
