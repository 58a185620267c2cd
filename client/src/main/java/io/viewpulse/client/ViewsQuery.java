package io.viewpulse.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of {@link Viewpulse#getViews} and {@link Viewpulse#getViewsByCreator}. Every field is optional;
 * build with {@link #builder()}.
 *
 * @param from inclusive lower bound on view start
 * @param to exclusive upper bound on view start
 * @param filters conditions on dimensions ({@link Filter})
 */
public record ViewsQuery(String playbackId, String assetId, String streamId, String creatorId, Instant from,
    Instant to, TimeStep timeStep, List<Dimension> breakdownBy, List<Filter> filters) {

  public ViewsQuery {
    breakdownBy = breakdownBy == null ? List.of() : List.copyOf(breakdownBy);
    filters = filters == null ? List.of() : List.copyOf(filters);
  }

  /** Without filters. */
  public ViewsQuery(String playbackId, String assetId, String streamId, String creatorId, Instant from, Instant to,
      TimeStep timeStep, List<Dimension> breakdownBy) {
    this(playbackId, assetId, streamId, creatorId, from, to, timeStep, breakdownBy, List.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ViewsQuery}. */
  public static final class Builder {
    private String playbackId;
    private String assetId;
    private String streamId;
    private String creatorId;
    private Instant from;
    private Instant to;
    private TimeStep timeStep;
    private final List<Dimension> breakdownBy = new ArrayList<>();
    private final List<Filter> filters = new ArrayList<>();

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

    public Builder from(Instant v) {
      from = v;
      return this;
    }

    public Builder to(Instant v) {
      to = v;
      return this;
    }

    public Builder timeStep(TimeStep v) {
      timeStep = v;
      return this;
    }

    public Builder breakdownBy(Dimension... v) {
      breakdownBy.addAll(List.of(v));
      return this;
    }

    /** Keeps views whose {@code dimension} is one of {@code values} (with other calls: one of all of them). */
    public Builder filter(Dimension dimension, String... values) {
      for (String v : values) {
        filters.add(Filter.is(dimension, v));
      }
      return this;
    }

    /** Drops views whose {@code dimension} is any of {@code values}. */
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

    public ViewsQuery build() {
      return new ViewsQuery(playbackId, assetId, streamId, creatorId, from, to, timeStep, breakdownBy, filters);
    }
  }
}
