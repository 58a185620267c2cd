package io.viewpulse.client;

import java.time.Instant;
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
  public static final class Builder extends BreakdownQueryBuilder<Builder> {
    private Instant from;
    private Instant to;
    private TimeStep timeStep;

    @Override
    Builder self() {
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

    public ViewsQuery build() {
      return new ViewsQuery(playbackId, assetId, streamId, creatorId, from, to, timeStep, breakdownBy, filters);
    }
  }
}
