package io.viewpulse.query;

import io.viewpulse.model.DomainException;
import io.viewpulse.model.StoreException;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the viewership queries read from a store: the views of the specs in this package, finished and open alike.
 * Blocking: call from worker threads, never an event loop.
 *
 * <p>Every implementation answers every spec with the metrics defined in {@link MetricRow} over the same views (the
 * contract test suite runs the same scripted sessions against each): counts, sums and ratios exactly; TTFF
 * percentiles and unique viewers as estimates (t-digest and HyperLogLog), exact for small groups. A view is visible
 * to queries once the commit that wrote it (or its open session's snapshot) returned. Failures of the store throw
 * {@link StoreException}.
 */
public interface ViewReader {
  /** A query may return at most this many rows. */
  int MAX_ROWS = 200_000;

  /**
   * The query's rows handed to {@code batches} in order, a batch at a time as they are read, on the calling thread.
   * Rows are ordered by time bucket, then by views (most first), then by the breakdown values (nulls last).
   *
   * @throws DomainException of kind {@code INVALID} when the answer would pass {@link #MAX_ROWS}, after batches of
   *     up to that many rows were handed on: a caller answering from them must hold them back until this returns
   */
  void views(ViewsQuery q, Consumer<List<MetricRow>> batches);

  /** Open sessions playing now: not ended, with a beacon since the query's {@code activeSince}. */
  List<RealtimeRow> realtime(RealtimeQuery q);

  /** Minutes of viewing delivered, by time bucket and creator as asked. */
  List<UsageRow> usage(UsageQuery q);

  /** The rows of {@link #views(ViewsQuery, Consumer)} in one list. */
  default List<MetricRow> views(ViewsQuery q) {
    List<MetricRow> rows = new java.util.ArrayList<>();
    views(q, rows::addAll);
    return rows;
  }

  /** The answer past {@link #MAX_ROWS}, with Livepeer's message. */
  static DomainException tooManyRows() {
    return new DomainException(DomainException.Kind.INVALID, "query must return less than " + MAX_ROWS
        + " datapoints. consider decreasing your timeframe or increasing the time step");
  }
}
