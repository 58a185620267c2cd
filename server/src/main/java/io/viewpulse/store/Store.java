package io.viewpulse.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.viewpulse.auth.KeyStore;
import io.viewpulse.catalog.MediaStore;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.LiveMinuteReader;
import io.viewpulse.query.ViewReader;
import io.viewpulse.query.ViewRowReader;
import io.viewpulse.sessions.SessionStore;
import java.util.List;

/**
 * One open store, whatever its engine: the interfaces the domain packages declare, implemented together. The rest of
 * Viewpulse sees only those interfaces; {@link io.viewpulse.store.engines.Stores#open} is the one place that picks an
 * engine.
 */
public interface Store extends AutoCloseable {
  SessionStore sessions();

  ViewReader views();

  /** Finished views one by one: the views explorer and the export. */
  ViewRowReader viewRows();

  /** Webhook endpoints and their positions in the finished views: the streaming export. */
  io.viewpulse.webhooks.WebhookStore webhooks();

  /** Erasure of a viewer's views, and its record. */
  io.viewpulse.privacy.ErasureStore erasures();

  /** Alert rules and their incidents. */
  io.viewpulse.alerts.AlertStore alerts();
  /** The accounts' retention periods, and the deletion of views older than them. */
  io.viewpulse.retention.RetentionStore retention();

  /** The accounts' saved dashboard views. */
  io.viewpulse.savedviews.SavedViewStore savedViews();

  LiveMinuteReader liveMinutes();

  KeyStore keys();

  MediaStore media();

  /**
   * Appends finished views as they are, outside of any event-log partition's commits: for loading a history
   * (benchmarks, the demo's past week). Not for views the sessionizer decides.
   */
  default void load(List<ViewRecord> views) {
    load(views, java.util.Map.of());
  }

  /** As {@link #load(List)}, with the timelines of some of the views ({@code Timeline}'s stored form) by view id. */
  void load(List<ViewRecord> views, java.util.Map<Long, byte[]> timelines);

  /**
   * Whether the store answered when last asked, for a node's readiness: never blocks (a store that is a server asks it
   * every few seconds in the background).
   */
  boolean reachable();

  /** Starts what the store does on its own while a server runs (rolling up, merging, expiring). */
  void startBackgroundWork();

  /**
   * Brings derived data (rollups) up to date with every view stored so far, now (the store otherwise does it in the
   * background); returns how many views that took in. For tests and benchmarks.
   */
  long catchUp();

  /** Publishes the store's own gauges (rollup progress and the like). */
  void bindMetrics(MeterRegistry registry);

  /**
   * Whether other processes may change this store (several nodes on one ClickHouse): then what they change in the
   * directory (keys, media) must be read again now and then.
   */
  boolean shared();

  /** Where the data is, for the start-up banner and logs: never a password. */
  String describe();

  /** Closes it, after every writer and reader has stopped; leaves the data self-contained. */
  @Override
  void close();
}
