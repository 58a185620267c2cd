package io.viewpulse.store;

import io.viewpulse.query.MetricRow;
import io.viewpulse.query.ViewsQuery;
import java.util.List;
import java.util.Set;

/**
 * What the contract tests need to see and do inside a store beyond its interfaces: make its writes fail at a step
 * (by breaking the real engine, never by a mock), count what it keeps, and answer a query both ways. Each engine's
 * test package has one.
 */
public interface StoreProbe {
  /** The steps of a commit where a write can fail. */
  enum Step {
    /** The write that makes a commit take effect (the transaction; ClickHouse's insert into session_state). */
    COMMIT,
    /** Moving finished views from the outbox into the views table (ClickHouse). */
    MOVE_OUTBOX,
    /** Deleting the outbox rows that were moved (ClickHouse): undone after the fact, as a crash would leave it. */
    DELETE_MOVED
  }

  /** The steps this engine's commits have. */
  Set<Step> steps();

  /** Makes writes fail at {@code step} from now on, until {@link #repair()}. */
  void breakAt(Step step);

  /** Undoes {@link #breakAt}. */
  void repair();

  /** Brings back the state a crash right after the step would have left (for steps that cannot be made to fail). */
  void undo(Step step);

  /** Finished views the store keeps (not open sessions), and how many of those share a view id with another. */
  long[] finishedViewsAndDuplicates();

  /** The stored timelines (not empty) of a viewer's views, wherever the store keeps them. */
  long timelinesOf(String viewerId);

  /**
   * The bytes the stored timelines take: on ClickHouse the timeline column's compressed bytes in {@code views} (its
   * parts merged first); on DuckDB -1 (it keeps no size per column: compare file sizes instead).
   */
  long timelineBytes();

  /** The query answered by a scan of every view, never from pre-aggregates. */
  List<MetricRow> byScan(ViewsQuery q);

  /** Whether the store answers the query from pre-aggregates. */
  boolean fromRollups(ViewsQuery q);
}
