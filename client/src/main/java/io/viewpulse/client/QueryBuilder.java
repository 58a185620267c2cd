package io.viewpulse.client;

/**
 * What the builders of {@link RealtimeQuery}, {@link ViewsQuery} and {@link ViewListQuery} share: which media (by
 * playback, asset, stream or creator id) and conditions on dimensions. Each setter answers the concrete builder, so
 * calls chain.
 *
 * @param <B> the concrete builder
 */
abstract class QueryBuilder<B extends QueryBuilder<B>> {
  String playbackId;
  String assetId;
  String streamId;
  String creatorId;

  /** This builder as its concrete type. */
  abstract B self();

  /** Adds one condition, in the form the query keeps its filters. */
  abstract void add(Filter filter);

  public B playbackId(String v) {
    playbackId = v;
    return self();
  }

  public B assetId(String v) {
    assetId = v;
    return self();
  }

  public B streamId(String v) {
    streamId = v;
    return self();
  }

  public B creatorId(String v) {
    creatorId = v;
    return self();
  }

  /**
   * Keeps views (or sessions playing now) whose {@code dimension} is one of {@code values} (with other calls: one
   * of all of them).
   */
  public B filter(Dimension dimension, String... values) {
    for (String v : values) {
      add(Filter.is(dimension, v));
    }
    return self();
  }

  /** Drops views (or sessions playing now) whose {@code dimension} is any of {@code values}. */
  public B exclude(Dimension dimension, String... values) {
    for (String v : values) {
      add(Filter.not(dimension, v));
    }
    return self();
  }
}
