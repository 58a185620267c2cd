package io.viewpulse.viewership;

import io.viewpulse.model.DomainException;
import io.viewpulse.query.ViewPosition;
import io.viewpulse.query.ViewRow;
import io.viewpulse.query.ViewRowReader;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.query.ViewsRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finished views one by one, scoped to the caller's account as the viewership queries are ({@link Viewership}): the
 * views explorer's pages (newest first) and the export (oldest first). Blocking: runs store queries.
 *
 * <p>Pages: a page ends at a {@link ViewPosition} (start, then view id) and the next page begins after it, so a walk
 * neither skips nor repeats a view that existed when it began, however many views arrive meanwhile (they start after
 * the walk's first page, or land once at their own start). A page is looked for in time windows that grow backwards
 * from where it begins (an hour, then eight times longer each time, then all the rest), so that the newest views of a
 * large store are found without sorting all of it.
 *
 * <p>Export: oldest first in windows of time whose length follows the number of views found (each window is sorted on
 * its own, so the store never sorts more than a window), handed on one by one: memory holds a window's sort in the
 * store and one row here, whatever the range. A broken export resumes after the last row received.
 */
public final class ViewExplorer {
  /** The most views a page may hold. */
  public static final int MAX_PAGE = 1000;
  private static final Duration FIRST_WINDOW = Duration.ofHours(1);
  private static final int GROWTH = 8;
  /** Windows grown this many times; the next one reaches back to the scope's start. */
  private static final int WINDOWS = 5;
  /** An export window is widened while it holds fewer views than this, narrowed when it holds more than 8x. */
  private static final long EXPORT_WINDOW_VIEWS = 100_000;
  private static final Duration MAX_EXPORT_WINDOW = Duration.ofDays(32);
  private static final Duration MIN_EXPORT_WINDOW = Duration.ofMinutes(1);
  /** An export's first window: its narrowest, so that its first rows are read (and sent) at once; then it widens. */
  private static final Duration FIRST_EXPORT_WINDOW = MIN_EXPORT_WINDOW;

  private final Viewership viewership;
  private final ViewRowReader rows;
  private final InstantSource clock;
  private final Duration timelineRetention;
  private final java.util.function.Function<String, Duration> accountTimelines;

  /** An explorer keeping timelines 30 days. */
  public ViewExplorer(Viewership viewership, ViewRowReader rows, InstantSource clock) {
    this(viewership, rows, clock, Duration.ofDays(30));
  }

  /** An explorer keeping timelines {@code timelineRetention} (by the view's start). */
  public ViewExplorer(Viewership viewership, ViewRowReader rows, InstantSource clock, Duration timelineRetention) {
    this(viewership, rows, clock, timelineRetention, account -> timelineRetention);
  }

  /**
   * An explorer keeping timelines {@code timelineRetention} (by the view's start), and showing an account's for as
   * long as {@code accountTimelines} says (at most that).
   */
  public ViewExplorer(Viewership viewership, ViewRowReader rows, InstantSource clock, Duration timelineRetention,
      java.util.function.Function<String, Duration> accountTimelines) {
    this.viewership = viewership;
    this.rows = rows;
    this.clock = clock;
    this.timelineRetention = timelineRetention;
    this.accountTimelines = accountTimelines;
  }

  /** One view opened: its row and its timeline (empty when it has none, or it is past the retention). */
  public record Opened(ViewRow row, io.viewpulse.model.Timeline timeline) {}

  /**
   * The view of the account with this id (as the pages give it), with its timeline when the view started within the
   * retention period.
   *
   * @throws DomainException {@code NOT_FOUND} when the account has no such view (another account's included)
   */
  public Opened open(String accountId, long viewId) {
    io.viewpulse.query.ViewDetail d = rows.view(accountId, viewId).orElseThrow(
        () -> DomainException.notFound("no view " + viewId + " in this account"));
    Duration kept0 = accountTimelines.apply(accountId);
    Duration shown = kept0.compareTo(timelineRetention) < 0 ? kept0 : timelineRetention;
    boolean kept = !Instant.ofEpochMilli(d.row().startedAtMs()).isBefore(clock.instant().minus(shown));
    return new Opened(d.row(), kept ? io.viewpulse.model.Timeline.decode(d.timeline())
        : io.viewpulse.model.Timeline.EMPTY);
  }

  /**
   * Drops the stored timelines past the retention period (the views stay). Blocking: a store write, on a thread of
   * its own.
   */
  public void dropOldTimelines() {
    rows.dropTimelines(clock.instant().minus(timelineRetention));
  }

  /** A page of views, newest first, and where the next one begins (null when there is no more). */
  public record Page(List<ViewRow> views, ViewPosition next) {}

  /**
   * The newest views of the request's scope (the time step and breakdown are refused) that come before
   * {@code before} (from the newest when null), at most {@code limit}.
   */
  public Page newest(String accountId, ViewsRequest r, ViewPosition before, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw DomainException.invalid("limit must be between 1 and " + MAX_PAGE);
    }
    ViewsQuery scope = scope(accountId, r);
    List<ViewRow> found = new ArrayList<>(Math.min(limit + 1, 64));
    Instant anchor = before != null ? before.start().plusSeconds(1) : scope.to() != null ? scope.to()
        : clock.instant();
    Instant hi = scope.to();
    Duration window = FIRST_WINDOW;
    for (int i = 0; i <= WINDOWS && found.size() <= limit; i++) {
      Instant lo = i == WINDOWS ? null : anchor.minus(window);
      if (lo != null && scope.from() != null && !lo.isAfter(scope.from())) {
        lo = null;
      }
      Instant from = lo == null ? scope.from() : lo;
      if (hi == null || from == null || from.isBefore(hi)) {
        found.addAll(rows.newest(within(scope, from, hi), before, limit + 1 - found.size()));
      }
      if (lo == null) {
        break;
      }
      hi = lo;
      window = window.multipliedBy(GROWTH);
    }
    if (found.size() > limit) {
      List<ViewRow> page = List.copyOf(found.subList(0, limit));
      return new Page(page, page.get(limit - 1).position());
    }
    return new Page(List.copyOf(found), null);
  }

  /**
   * Every view of the request's scope with a start in {@code [from, to)} (both required) that comes after
   * {@code after} (from the first when null), oldest first, each handed to {@code sink} on the calling thread.
   */
  public void export(String accountId, ViewsRequest r, ViewPosition after, Consumer<ViewRow> sink) {
    ViewsQuery scope = exportScope(accountId, r);
    Instant lo = scope.from();
    if (after != null && after.start().isAfter(lo)) {
      lo = after.start();
    }
    Duration window = FIRST_EXPORT_WINDOW;
    long[] n = new long[1];
    while (lo.isBefore(scope.to())) {
      Instant hi = lo.plus(window).isBefore(scope.to()) ? lo.plus(window) : scope.to();
      n[0] = 0;
      rows.oldest(within(scope, lo, hi), after, row -> {
        n[0]++;
        sink.accept(row);
      });
      lo = hi;
      if (n[0] == 0 && window.compareTo(MAX_EXPORT_WINDOW) >= 0) {
        lo = nextViews(scope, lo);
      }
      if (n[0] < EXPORT_WINDOW_VIEWS && window.compareTo(MAX_EXPORT_WINDOW) < 0) {
        window = window.multipliedBy(2);
      } else if (n[0] > 8 * EXPORT_WINDOW_VIEWS && window.compareTo(MIN_EXPORT_WINDOW) > 0) {
        window = window.dividedBy(2);
      }
    }
  }

  /**
   * Where the export goes on after a widest window found no view at {@code lo}: the end of the scope when no view
   * starts in {@code [lo, to)}, else a time at most a widest window before the first one that does (halving the
   * empty stretch), so that a range of centuries around a few months of views is read in a few queries, not one
   * per window.
   */
  private Instant nextViews(ViewsQuery scope, Instant lo) {
    Instant empty = lo;
    Instant some = scope.to();
    if (rows.newest(within(scope, empty, some), null, 1).isEmpty()) {
      return some;
    }
    while (Duration.between(empty, some).compareTo(MAX_EXPORT_WINDOW) > 0) {
      Instant mid = empty.plus(Duration.between(empty, some).dividedBy(2));
      if (rows.newest(within(scope, empty, mid), null, 1).isEmpty()) {
        empty = mid;
      } else {
        some = mid;
      }
    }
    return empty;
  }

  /**
   * The views {@link #export} hands on, as one Parquet file written by the store's engine into {@code out}, in the
   * store's order (not sorted): a column per field under its API name, then one per custom dimension the account
   * declared, {@code custom.<name>}, in the order of their slots.
   *
   * @param customNames the account's custom dimension names by slot, index 0 being slot 1, null where none
   * @throws IOException when {@code out} failed (the reader went away)
   */
  public void parquet(String accountId, ViewsRequest r, ViewPosition after, List<String> customNames,
      OutputStream out) throws IOException {
    List<String> columns = new ArrayList<>(customNames.size());
    for (String name : customNames) {
      columns.add(name == null ? null : io.viewpulse.model.CustomDimension.PREFIX + name);
    }
    rows.parquet(exportScope(accountId, r), after, columns, out);
  }

  /**
   * The audience retention of one video over the request's scope (its media must be the playback id's: the time
   * step and breakdown are refused): what its finished views watched, percent by percent.
   */
  public io.viewpulse.query.AudienceRetention retention(String accountId, ViewsRequest r) {
    if (r.playbackId() == null) {
      throw DomainException.invalid("audience retention is of one video: give its playbackId");
    }
    return io.viewpulse.query.AudienceRetention.of(rows, scope(accountId, r));
  }

  /** Refuses an export without a whole time range before anything is written. */
  public void checkExport(String accountId, ViewsRequest r) {
    exportScope(accountId, r);
  }

  private ViewsQuery exportScope(String accountId, ViewsRequest r) {
    if (r.from() == null || r.to() == null) {
      throw DomainException.invalid("an export needs a time range: give from and to (RFC 3339 or Unix ms)");
    }
    return scope(accountId, r);
  }

  private ViewsQuery scope(String accountId, ViewsRequest r) {
    if (r.timeStep() != null || !r.breakdown().isEmpty()) {
      throw DomainException.invalid("views are listed one by one: timeStep and breakdownBy do not apply");
    }
    return viewership.resolve(accountId, r, ViewsQuery.Detail.FULL);
  }

  private static ViewsQuery within(ViewsQuery q, Instant from, Instant to) {
    return new ViewsQuery(q.accountId(), q.playbackId(), q.dStorageUrl(), q.creatorId(), from, to, null, List.of(),
        q.filters(), q.detail());
  }
}
