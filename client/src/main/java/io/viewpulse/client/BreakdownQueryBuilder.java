package io.viewpulse.client;

import java.util.ArrayList;
import java.util.List;

/**
 * What the builders of {@link RealtimeQuery} and {@link ViewsQuery} share beyond {@link QueryBuilder}: a breakdown
 * and filters kept as {@link Filter}s.
 *
 * @param <B> the concrete builder
 */
abstract class BreakdownQueryBuilder<B extends BreakdownQueryBuilder<B>> extends QueryBuilder<B> {
  final List<Dimension> breakdownBy = new ArrayList<>();
  final List<Filter> filters = new ArrayList<>();

  @Override
  final void add(Filter filter) {
    filters.add(filter);
  }

  public B breakdownBy(Dimension... v) {
    breakdownBy.addAll(List.of(v));
    return self();
  }

  public B filters(List<Filter> v) {
    filters.addAll(v);
    return self();
  }
}
