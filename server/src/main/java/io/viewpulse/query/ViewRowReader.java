package io.viewpulse.query;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the views explorer and the export read from a store: finished views one by one, with every field
 * ({@link ViewField}) and the values of the custom dimensions by slot ({@link ViewRow#dims}), in the order of {@link ViewPosition} (start, then view id). Blocking: call from worker threads.
 *
 * <p>A scope is a {@link ViewsQuery} of which only the account, playback id, dStorage URL, creator id, filters and
 * time range {@code [from, to)} count (its time step, breakdown and detail are ignored). Only finished views are
 * read: an open session shows once its view has ended (and has been committed), at its start, and never moves after.
 * Failures of the store throw {@link io.viewpulse.model.StoreException}.
 */
public interface ViewRowReader {
  /**
   * The newest views of the scope, newest first, that come before {@code before} (all when null), at most
   * {@code limit}. Cheap when the scope's time range is short: callers look back in growing ranges.
   */
  List<ViewRow> newest(ViewsQuery scope, ViewPosition before, int limit);

  /**
   * Every view of the scope that comes after {@code after} (all when null), oldest first, each handed to
   * {@code sink} as it is read on the calling thread, so that memory holds a batch whatever the number of views. The
   * store may sort the scope's views first: callers ask for short ranges.
   */
  void oldest(ViewsQuery scope, ViewPosition after, Consumer<ViewRow> sink);

  /**
   * Writes the views of the scope that come after {@code after} (all when null) to {@code out} as one Parquet file,
   * written by the store's engine as it reads them, with one column per {@link ViewField} under its API name (the
   * start a UTC timestamp), then a text column per custom dimension slot that {@code customColumns} names, in the
   * store's order (not sorted: a Parquet file is only readable whole). Blocks while {@code out} does, so a slow reader
   * slows the engine down instead of filling memory.
   *
   * @param customColumns the column of each custom slot, index 0 being slot 1 (at most
   *     {@link io.viewpulse.model.CustomDimension#MAX}); null leaves a slot out
   * @throws IOException when {@code out} failed (the reader went away); the engine's work is stopped
   */
  void parquet(ViewsQuery scope, ViewPosition after, List<String> customColumns, OutputStream out)
      throws IOException;

  /**
   * What each finished view of the scope watched, for those that have it (views of on-demand videos with a known
   * duration): {@link AudienceRetention#BUCKETS} counters, how often each percent of the duration was watched
   * (unsigned bytes, saturating), handed to {@code sink} one view at a time on the calling thread, in no order.
   */
  void watched(ViewsQuery scope, Consumer<byte[]> sink);

  /** The finished view of {@code accountId} with this id (as {@link #newest} gives it), or empty when none. */
  java.util.Optional<ViewDetail> view(String accountId, long viewId);

  /**
   * Drops the stored timelines of views that started before {@code before}; the views stay. A store may keep some
   * longer (whole partitions at a time), never shorter: readers leave out the ones past the retention themselves.
   */
  void dropTimelines(java.time.Instant before);
}
