package io.viewpulse.store.clickhouse;

import io.micrometer.core.instrument.MeterRegistry;
import io.viewpulse.auth.KeyStore;
import io.viewpulse.catalog.MediaStore;
import io.viewpulse.model.StoreException;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.LiveMinuteReader;
import io.viewpulse.query.ViewReader;
import io.viewpulse.sessions.SessionStore;
import io.viewpulse.store.Store;
import io.viewpulse.store.StoreConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store on a ClickHouse server or cluster ({@link ChSchema}), over HTTP with the official client. */
public final class ChStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(ChStore.class);
  /** Live statistics are kept 48 hours: Uplynk serves them at least 24 hours after the last viewer. */
  static final Duration LIVE_RETENTION = Duration.ofHours(48);
  private static final Duration HOUSEKEEPING = Duration.ofMinutes(10);
  private static final Duration PROBE = Duration.ofSeconds(2);

  private final StoreConfig.ClickHouse config;
  private final ChClient ch;
  private final ChSchema schema;
  private final ChSessionStore sessions;
  private final ChViewReader views;
  private final ChViewRows viewRows;
  private final ChErasures erasures;
  private final ChAlerts alerts;
  private final ChRetention retention;
  private final ChWebhooks webhooks;
  private final ChSavedViews savedViews;
  private final ChLiveMinutes liveMinutes;
  private final ChDirectory directory;
  private final ChMigrations migrations;
  private ScheduledExecutorService housekeeping;

  private ChStore(StoreConfig.ClickHouse config) {
    this.config = config;
    this.ch = new ChClient(config);
    this.schema = new ChSchema(config.database(), config.cluster());
    try {
      this.migrations = new ChMigrations(ch, schema);
      migrations.apply();
    } catch (RuntimeException e) {
      ch.close();
      throw e;
    }
    this.sessions = new ChSessionStore(ch, schema);
    this.views = new ChViewReader(ch, new ChViewsSql(schema, migrations.qualityRollupsSince()));
    this.viewRows = new ChViewRows(ch, schema);
    this.erasures = new ChErasures(ch, schema);
    this.alerts = new ChAlerts(ch, schema);
    this.retention = new ChRetention(ch, schema);
    this.webhooks = new ChWebhooks(ch, schema);
    this.savedViews = new ChSavedViews(ch, schema);
    this.liveMinutes = new ChLiveMinutes(ch, schema);
    this.directory = new ChDirectory(ch, schema);
  }

  /**
   * Connects, and creates or migrates the schema.
   *
   * @throws StoreException when ClickHouse cannot be reached or refuses the schema
   */
  public static ChStore open(StoreConfig.ClickHouse config) {
    return new ChStore(config);
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
  public io.viewpulse.alerts.AlertStore alerts() {
    return alerts;
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
    ch.insert(schema.t("views"), new com.clickhouse.client.api.insert.InsertSettings(), w -> {
      for (ViewRecord v : batch) {
        ChSessionStore.view(w, v);
        byte[] timeline = timelines.get(v.viewId());
        if (timeline != null) {
          w.setValue("timeline", timeline);
        }
        w.setValue("log_partition", -1);
        w.setValue("commit_offset", -1L);
        w.commitRow();
      }
    });
  }

  @Override
  public synchronized void startBackgroundWork() {
    if (housekeeping != null) {
      return;
    }
    housekeeping = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "viewpulse-clickhouse-housekeeping");
      t.setDaemon(true);
      return t;
    });
    housekeeping.scheduleWithFixedDelay(this::housekeep, HOUSEKEEPING.toMillis(), HOUSEKEEPING.toMillis(),
        TimeUnit.MILLISECONDS);
    // its own thread of the two: a long merge must not hold the readiness back
    housekeeping.scheduleWithFixedDelay(this::probe, PROBE.toMillis(), PROBE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Drops closed minutes past their retention (readers leave them out already), and rows that tombstones deleted (with the tombstones): session_state
   * stays the size of what is open.
   */
  void housekeep() {
    try {
      ch.execute("DELETE FROM " + schema.t("session_state") + " WHERE kind = 'm' AND NOT ("
          + ChLiveMinutes.retained(schema) + ")");
      // closed sessions are remembered past every partition's forget bound no longer
      ch.execute("DELETE FROM " + schema.t("session_state") + " WHERE kind = 'x' AND seen_at < (SELECT min(seen_at)"
          + " FROM " + schema.t("session_state") + " FINAL WHERE kind = 'c')");
      ch.execute("OPTIMIZE TABLE " + schema.t("session_state") + " FINAL CLEANUP");
    } catch (StoreException e) {
      LOG.warn("ClickHouse housekeeping failed, will retry: {}", e.getMessage());
    }
  }

  @Override
  public long catchUp() {
    // the rollups are filled by materialized views with every insert: nothing is ever behind
    return 0;
  }

  @Override
  public void bindMetrics(MeterRegistry registry) {
    // nothing of its own yet: the client's requests are visible in ClickHouse's system.query_log
  }

  /** As of the last probe ({@code SELECT 1} every {@link #PROBE}, once background work started). */
  private volatile boolean reachable = true;

  @Override
  public boolean reachable() {
    return reachable;
  }

  private void probe() {
    try {
      ch.execute("SELECT 1");
      reachable = true;
    } catch (StoreException e) {
      if (reachable) {
        LOG.warn("ClickHouse does not answer: {}", e.getMessage());
      }
      reachable = false;
    }
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public String describe() {
    return "ClickHouse " + config;
  }

  /** Runs a statement, for the adapter's own tests (the write-failure tests, the schema checks). */
  void executeForTests(String sql, Map<String, Object> params) {
    ch.execute(sql, params);
  }

  ChClient clientForTests() {
    return ch;
  }

  Instant qualityRollupsSinceForTests() {
    return migrations.qualityRollupsSince();
  }

  ChSchema schemaForTests() {
    return schema;
  }

  @Override
  public synchronized void close() {
    if (housekeeping != null) {
      housekeeping.shutdownNow();
    }
    ch.close();
  }
}
