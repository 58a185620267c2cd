package io.viewpulse.client;

import java.util.ArrayList;
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
  public static final class Builder {
    private String playbackId;
    private String assetId;
    private String streamId;
    private String creatorId;
    private final List<Dimension> breakdownBy = new ArrayList<>();
    private final List<Filter> filters = new ArrayList<>();
    private boolean quality;

    public Builder playbackId(String v) {
      playbackId = v;
      return this;
    }

    public Builder assetId(String v) {
      assetId = v;
      return this;
    }

    public Builder streamId(String v) {
      streamId = v;
      return this;
    }

    public Builder creatorId(String v) {
      creatorId = v;
      return this;
    }

    public Builder breakdownBy(Dimension... v) {
      breakdownBy.addAll(List.of(v));
      return this;
    }

    /** Keeps sessions whose {@code dimension} is one of {@code values} (with other calls: one of all of them). */
    public Builder filter(Dimension dimension, String... values) {
      for (String v : values) {
        filters.add(Filter.is(dimension, v));
      }
      return this;
    }

    /** Drops sessions whose {@code dimension} is any of {@code values}. */
    public Builder exclude(Dimension dimension, String... values) {
      for (String v : values) {
        filters.add(Filter.not(dimension, v));
      }
      return this;
    }

    public Builder filters(List<Filter> v) {
      filters.addAll(v);
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
