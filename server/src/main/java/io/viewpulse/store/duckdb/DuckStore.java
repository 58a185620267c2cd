package io.viewpulse.store.duckdb;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.viewpulse.auth.KeyStore;
import io.viewpulse.catalog.MediaStore;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.LiveMinuteReader;
import io.viewpulse.query.ViewReader;
import io.viewpulse.sessions.SessionStore;
import io.viewpulse.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The embedded store: one DuckDB file, {@code viewpulse.duckdb} in the data directory. */
public final class DuckStore implements Store {
  /** How often finished views are rolled up; until then queries scan them, so this bounds cost, not freshness. */
  private static final Duration ROLLUP_PERIOD = Duration.ofSeconds(30);
  /** Connections for queries: a views answer and another query at once (the machine has two cores). */
  private static final int QUERY_CONNECTIONS = 2;
  /**
   * Connections for reading views one by one: pages of the views explorer and exports, which read for as long as
   * their clients take (the API runs at most this many exports at once, so a page still finds one).
   */
  private static final int ROW_CONNECTIONS = 5;

  private final Database db;
  private final DuckDirectory directory;
  private final DuckSessionStore sessions;
  private final DuckViewReader views;
  private final DuckViewRows viewRows;
  private final DuckLiveMinutes liveMinutes;
  private final Rollups rollups;
  private final DuckErasures erasures;
  private final DuckAlerts alerts;
  private final DuckRetention retention;
  private final DuckWebhooks webhooks;
  private final DuckSavedViews savedViews;

  private DuckStore(Database db, int rollupMinViewsPerRow) {
    this.db = db;
    this.directory = new DuckDirectory(db);
    this.sessions = new DuckSessionStore(db);
    this.views = new DuckViewReader(db, QUERY_CONNECTIONS);
    this.viewRows = new DuckViewRows(db, ROW_CONNECTIONS);
    this.liveMinutes = new DuckLiveMinutes(db);
    this.rollups = new Rollups(db, rollupMinViewsPerRow);
    this.erasures = new DuckErasures(db);
    this.alerts = new DuckAlerts(db);
    this.retention = new DuckRetention(db);
    this.webhooks = new DuckWebhooks(db);
    this.savedViews = new DuckSavedViews(db);
  }

  /** Opens (creating or migrating) the file under {@code dataDir}. */
  public static DuckStore open(Path dataDir, int rollupMinViewsPerRow) {
    return new DuckStore(Database.open(dataDir), rollupMinViewsPerRow);
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public ViewReader views() {
    return views;
  }

  @Override
  public io.viewpulse.query.ViewRowReader viewRows() {
    return viewRows;
  }

  @Override
  public io.viewpulse.webhooks.WebhookStore webhooks() {
    return webhooks;
  }

  @Override
  public io.viewpulse.privacy.ErasureStore erasures() {
    return erasures;
  }

  @Override
  public io.viewpulse.alerts.AlertStore alerts() {
    return alerts;
  }

  @Override
  public io.viewpulse.retention.RetentionStore retention() {
    return retention;
  }

  @Override
  public io.viewpulse.savedviews.SavedViewStore savedViews() {
    return savedViews;
  }

  @Override
  public LiveMinuteReader liveMinutes() {
    return liveMinutes;
  }

  @Override
  public KeyStore keys() {
    return directory;
  }

  @Override
  public MediaStore media() {
    return directory;
  }

  @Override
  public void load(List<ViewRecord> batch, java.util.Map<Long, byte[]> timelines) {
    sessions.appendViews(batch, timelines);
  }

  @Override
  public void startBackgroundWork() {
    rollups.start(ROLLUP_PERIOD);
  }

  @Override
  public long catchUp() {
    return rollups.catchUp();
  }

  @Override
  public void bindMetrics(MeterRegistry registry) {
    Gauge.builder("viewpulse_rollup_sets_rolling", rollups, Rollups::rollingSets)
        .description("rollup sets (hour or day, and a dimension) kept, of 16: the others are scanned")
        .register(registry);
    Gauge.builder("viewpulse_rollup_lag_views", rollups, Rollups::lag)
        .description("views the last roll-up run left behind (0 when it caught up)").register(registry);
  }

  /** A connection to the open file, for the adapter's own tests. */
  java.sql.Connection connectionForTests() {
    return db.connect();
  }

  /** The file is this process's while it is open. */
  @Override
  public boolean reachable() {
    return !closed;
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public String describe() {
    return "DuckDB file " + db.file().toAbsolutePath();
  }

  private boolean closed;

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    rollups.close();
    views.close();
    viewRows.close();
    erasures.close();
    alerts.close();
    retention.close();
    webhooks.close();
    savedViews.close();
    liveMinutes.close();
    sessions.close();
    directory.close();
    db.checkpoint();
    db.close();
  }
}
