package io.viewpulse.catalog;

import io.viewpulse.model.Media;
import io.viewpulse.model.StoreException;
import java.time.Instant;
import java.util.List;

/**
 * Where assets and streams are kept, read whole at start-up into {@link Catalog}'s indexes. A deleted item stays as a
 * tombstone, so that its playback id remains reserved to its account (a deleted id handed to another account would
 * send it the old players' views). Every write is atomic and durable when it returns; failures throw
 * {@link StoreException}.
 */
public interface MediaStore {
  void insertMedia(Media m);

  /** Deletes an item (keeping its tombstone); false when there is no such live item. */
  boolean deleteMedia(String accountId, String id, Instant at);

  /** Every item not deleted, oldest first. */
  List<Media> media();

  /** Every deleted item's tombstone: its account and its playback id stay reserved. */
  List<Media> deleted();

  /** Records a custom dimension an account declared. */
  void insertCustomDimension(io.viewpulse.model.CustomDimension d);

  /** Every custom dimension of every account. */
  List<io.viewpulse.model.CustomDimension> customDimensions();
}
