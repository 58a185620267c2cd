package io.viewpulse.privacy;

import java.time.Instant;
import java.util.List;

/**
 * What the erasure of a viewer needs from a store: delete every stored row that names the viewer, and record that it
 * was done without the viewer's id. A table added later that holds viewer ids (or anything derived from one view of a
 * viewer, such as its timeline) is erased here too, and its case added to the store contract test. Blocking: call from worker threads. Failures of the store throw
 * {@link io.viewpulse.model.StoreException}.
 */
public interface ErasureStore {
  /**
   * What an erasure found: the views deleted, or, when the viewer has sessions still open (their views are not
   * finished: the sessionizer holds them and would write them again), nothing deleted and how many are open.
   */
  record Outcome(long views, long openSessions) {}

  /**
   * Deletes every finished view of {@code viewerId} in {@code accountId} (and any copy of one waiting to be stored)
   * and records {@code record} with the number deleted, in one step where the store allows it; unless the viewer has
   * open sessions, in which case nothing is deleted or recorded.
   */
  Outcome erase(String accountId, String viewerId, ErasureRecord record);

  /** The erasures recorded for {@code accountId}, newest first, at most {@code limit}. */
  List<ErasureRecord> erasures(String accountId, int limit);

  /** An erasure as it is kept: who asked (the key's id), when, and how many views went; nothing of the viewer. */
  record ErasureRecord(String keyId, Instant erasedAt, long views) {
    public ErasureRecord withViews(long n) {
      return new ErasureRecord(keyId, erasedAt, n);
    }
  }
}
