package io.viewpulse.savedviews;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the accounts' saved dashboard views are kept. Every write is durable when it returns; reads see every write
 * that returned, on any node sharing the store. Blocking: call from worker threads. Failures of the store throw
 * {@link io.viewpulse.model.StoreException}.
 */
public interface SavedViewStore {
  /** The account's saved views, oldest first (by creation, then id); deleted ones are gone. */
  List<SavedView> savedViews(String accountId);

  /** One saved view of the account, unless it does not exist, was deleted, or is another account's. */
  Optional<SavedView> savedView(String accountId, String id);

  /** Keeps a new saved view (its id is new). */
  void insertSavedView(SavedView view);

  /** Deletes a saved view of the account; false when the account has no such view. */
  boolean deleteSavedView(String accountId, String id, Instant at);
}
