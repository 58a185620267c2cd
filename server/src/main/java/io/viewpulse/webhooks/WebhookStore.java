package io.viewpulse.webhooks;

import io.viewpulse.query.ViewRow;
import java.time.Instant;
import java.util.List;

/**
 * What the streaming export keeps in a store: each account's webhook endpoints, and for each endpoint a durable
 * position in the finished views, after which every view is still to be posted. There is no copy of the views: the
 * position points into the views the store keeps anyway, in the order they were stored (not by start: a view is
 * stored when it ends), so a view is pending from the commit that stores it until a delivery moves the position past
 * it, across restarts, and an erasure of a viewer deletes its pending views with its views. Blocking; failures throw
 * {@link io.viewpulse.model.StoreException}.
 */
public interface WebhookStore {
  /**
   * An endpoint. Its signing secret is not stored: it is derived from the master key and the endpoint's id.
   *
   * @param id random, names the endpoint in the API
   * @param accountId whose views it receives
   * @param url where they are posted
   * @param createdAt when it was created
   */
  record Endpoint(String id, String accountId, String url, Instant createdAt) {}

  /**
   * Views pending for an endpoint, oldest stored first, and the positions before and after them (opaque, the store's
   * own: pass them back to {@link #delivered}).
   */
  record Batch(List<ViewRow> views, String from, String to) {}

  /** Adds an endpoint, whose position starts at the end of the views stored so far. */
  void create(Endpoint endpoint);

  /** An account's endpoints, oldest first; every account's when {@code accountId} is null. */
  List<Endpoint> endpoints(String accountId);

  /** Deletes an endpoint of an account; false when the account has none of that id. */
  boolean delete(String accountId, String endpointId);

  /** At most {@code limit} views pending for an endpoint, oldest stored first; none for an endpoint not there. */
  Batch pending(String endpointId, int limit);

  /**
   * At most {@code limit} views of every account pending for a feed (the Kafka topic of finished views), oldest
   * stored first. A feed's position is kept beside the endpoints', under the feed's id with no account: no account
   * lists it and no webhook is posted for it. It starts at the end of the views stored when the feed is first read;
   * {@link #delivered} moves it, and an erasure lowers it as it does the endpoints'.
   */
  Batch feedPending(String feedId, int limit);

  /**
   * Moves an endpoint's position from {@code from} to {@code to} (a delivered batch's), unless it moved meanwhile (a
   * concurrent change, such as an erasure lowering it): then nothing changes and the views are posted again.
   */
  void delivered(String endpointId, String from, String to);
}
