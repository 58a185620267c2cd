package io.viewpulse.privacy;

import io.viewpulse.model.Bounded;
import io.viewpulse.model.DomainException;
import io.viewpulse.privacy.ErasureStore.ErasureRecord;
import java.time.InstantSource;
import java.util.List;

/**
 * Erasure of one viewer on request (the right to erasure of privacy laws), scoped to the caller's account: every
 * finished view of the viewer id goes from the store, so the views explorer, a viewer's views and the export find
 * nothing of it, and the erasure is recorded with who asked, when and how many views went, never the id.
 *
 * <p>A viewer with a session still open is refused (409, retry later): the sessionizer holds that session in memory
 * and would store its view once it ends, after the erasure. Sessions close a few minutes after their last event, so
 * a retry succeeds once the viewer has stopped watching. Views that start after an erasure are new data.
 *
 * <p>Rollups are aggregate-only: the counts, sums and sketches of distinct viewers they hold keep the erased views
 * (a sketch holds hashed registers, not ids), so totals over time do not change.
 */
public final class Erasures {
  /**
   * The longest viewer id accepted (a request line is at most 8 KiB). The ingest keeps an id longer than {@link Bounded#MAX_ID} as a hash of it, so an
   * erasure hashes it the same way (the stored form, {@code sha256:...}, is accepted as well).
   */
  public static final int MAX_VIEWER_ID = 4096;
  public static final int MAX_LIST = 1000;
  /** Seconds after which a refused erasure may be retried: about the time an idle session takes to close. */
  static final long RETRY_SECONDS = 60;

  private final ErasureStore store;
  private final InstantSource clock;

  public Erasures(ErasureStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Erases {@code viewerId}'s views in {@code accountId} at the request of key {@code keyId}; returns the record. */
  public ErasureRecord erase(String accountId, String keyId, String viewerId) {
    if (viewerId == null || viewerId.isBlank()) {
      throw DomainException.invalid("give the viewer id to erase");
    }
    if (viewerId.length() > MAX_VIEWER_ID) {
      throw DomainException.invalid("viewer id too long: at most " + MAX_VIEWER_ID + " characters");
    }
    ErasureRecord record = new ErasureRecord(keyId, clock.instant(), 0);
    ErasureStore.Outcome o = store.erase(accountId, Bounded.viewerId(viewerId), record);
    if (o.openSessions() > 0) {
      throw new DomainException(DomainException.Kind.CONFLICT, "the viewer is watching now (" + o.openSessions()
          + " open session" + (o.openSessions() == 1 ? "" : "s") + "): nothing was erased; retry once the viewer has"
          + " stopped", RETRY_SECONDS);
    }
    return record.withViews(o.views());
  }

  /** The account's erasures, newest first, at most {@code limit}. */
  public List<ErasureRecord> list(String accountId, int limit) {
    if (limit < 1 || limit > MAX_LIST) {
      throw DomainException.invalid("limit must be between 1 and " + MAX_LIST);
    }
    return store.erasures(accountId, limit);
  }
}
