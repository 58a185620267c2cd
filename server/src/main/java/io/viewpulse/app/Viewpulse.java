package io.viewpulse.app;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.viewpulse.admin.Admin;
import io.viewpulse.api.ApiServer;
import io.viewpulse.auth.KeyService;
import io.viewpulse.auth.MasterKey;
import io.viewpulse.auth.MetricsToken;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.eventlog.EventLog;
import io.viewpulse.eventlog.FileEventLog;
import io.viewpulse.ingest.Ingest;
import io.viewpulse.model.Media;
import io.viewpulse.query.Viewership;
import io.viewpulse.sessions.Sessionizer;
import io.viewpulse.store.AdminStore;
import io.viewpulse.store.Database;
import io.viewpulse.store.LiveQueries;
import io.viewpulse.ingest.StreamEvents;
import io.viewpulse.query.StreamStats;
import io.viewpulse.store.Rollups;
import io.viewpulse.store.ViewQueries;
import io.viewpulse.store.ViewStore;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Viewpulse: store, event log, sessionizer, ingest and HTTP, wired together. Start with
 * {@link #start(ServerConfig)}; {@link #close()} stops in the order that loses nothing (HTTP, then the log's pending
 * writes, then the sessionizer's last flush, then the store).
 */
public final class Viewpulse implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Viewpulse.class);

  private final Database db;
  private final AdminStore adminStore;
  private final KeyService keys;
  private final Catalog catalog;
  private final EventLog log;
  private final ViewStore viewStore;
  private final ViewQueries queries;
  private final Rollups rollups;
  /** How often finished views are rolled up; until then queries scan them, so this bounds cost, not freshness. */
  private static final java.time.Duration ROLLUP_PERIOD = java.time.Duration.ofSeconds(30);
  private final LiveQueries liveQueries;
  private final Sessionizer sessionizer;
  private final Ingest ingest;
  private final int maxOpenSessions;
  private final Vertx vertx;
  private final ApiServer api;
  private final List<KeyService.IssuedKey> bootstrapKeys;
  private final MasterKey master;
  private final StreamEvents streamEvents;
  private final java.time.InstantSource clock;
  private Demo demo;
  private final java.nio.file.Path dataDir;

  private Viewpulse(ServerConfig c) {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    dataDir = c.dataDir();
    master = MasterKey.load(c.dataDir(), c.masterKey());
    db = Database.open(c.dataDir());
    adminStore = new AdminStore(db);
    keys = new KeyService(adminStore, master, c.clock());
    catalog = new Catalog(adminStore, c.clock());
    bootstrapKeys = c.bootstrap() ? bootstrap(c) : List.of();
    log = new FileEventLog(c.dataDir().resolve("log"), 64L << 20, 200_000, 256L << 20);
    io.micrometer.core.instrument.Gauge.builder("viewpulse_eventlog_queue_depth", log, EventLog::pending)
        .description("beacons waiting for the disk").register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder("viewpulse_eventlog_syncs", log, EventLog::syncs)
        .description("syncs of the event log to disk (beacons per sync: accepted beacons / syncs)").register(metrics);
    viewStore = new ViewStore(db);
    sessionizer = new Sessionizer(log, viewStore, c.clock(), c.sessions(), metrics,
        (account, media) -> catalog.get(account, media).map(m -> m.kind() == Media.Kind.STREAM).orElse(false));
    sessionizer.start();
    queries = new ViewQueries(db, 2);
    rollups = new Rollups(db, c.rollupMinViewsPerRow());
    io.micrometer.core.instrument.Gauge.builder("viewpulse_rollup_sets_rolling", rollups, Rollups::rollingSets)
        .description("rollup sets (hour or day, and a dimension) kept, of 16: the others are scanned").register(metrics);
    io.micrometer.core.instrument.Gauge.builder("viewpulse_rollup_lag_views", rollups, Rollups::lag)
        .description("views the last roll-up run left behind (0 when it caught up)").register(metrics);
    rollups.start(ROLLUP_PERIOD);
    maxOpenSessions = c.sessions().maxOpenSessions();
    ingest = new Ingest(c.ingest(), catalog, log, c.clock(), master.derive("viewer-salt"), metrics,
        this::backpressure);
    vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(16));
    liveQueries = new LiveQueries(db);
    streamEvents = new StreamEvents(catalog, log, c.clock(), c.sessions().liveGrace().toMillis(), metrics);
    clock = c.clock();
    try {
      MetricsToken metricsToken = c.metricsTokenFile() == null ? MetricsToken.open()
          : MetricsToken.load(c.metricsTokenFile());
      api = ApiServer.start(vertx, c.host(), c.port(), c.tlsKeystore(), c.tlsPassword(), c.benchEndpoints(),
          new ApiServer.Services(ingest,
          streamEvents, keys, catalog, new Viewership(catalog, queries, c.clock()),
          new StreamStats(catalog, liveQueries, c.clock()), new Admin(keys, catalog), master, metrics, metricsToken,
          c.clock()));
    } catch (RuntimeException e) {
      // usually a busy port: nothing of this start may outlive it (threads, the store's file lock)
      closeBehindApi();
      throw e;
    }
    ServerFile.write(c.dataDir(), api.port());
    LOG.info("Viewpulse listening on {}:{} with data in {}", c.host(), api.port(), c.dataDir().toAbsolutePath());
  }

  /**
   * Why ingest cannot take a new session now: the store refuses writes, or the open sessions (the sessionizer's and
   * those of the legacy socket reporter, which hold memory of their own) reached --max-open-sessions.
   */
  private io.viewpulse.ingest.Reason backpressure() {
    if (sessionizer.storeFailing()) {
      return io.viewpulse.ingest.Reason.STORE_UNAVAILABLE;
    }
    long open = sessionizer.openSessions() + ingest.legacySessions();
    return open >= maxOpenSessions ? io.viewpulse.ingest.Reason.OVERLOADED : null;
  }

  public static Viewpulse start(ServerConfig config) {
    return new Viewpulse(config);
  }

  private List<KeyService.IssuedKey> bootstrap(ServerConfig c) {
    if (!keys.accounts().isEmpty()) {
      return List.of();
    }
    var account = keys.createAccount("default");
    List<KeyService.IssuedKey> issued = new ArrayList<>();
    issued.add(keys.createKey(account.id(), "first secret key", null));
    issued.add(keys.createKey(account.id(), "first CORS key", c.bootstrapOrigins()));
    return issued;
  }

  /** Keys created at this start because the store had no account (empty when it had one). */
  public List<KeyService.IssuedKey> bootstrapKeys() {
    return bootstrapKeys;
  }

  public int port() {
    return api.port();
  }

  /** The store's query side, for benchmarks and tools that compare it with the HTTP API. */
  public ViewQueries directQueries() {
    return queries;
  }

  /** The HTTP route table, as {@code "METHOD /path/{param}"}. */
  public java.util.SortedSet<String> routes() {
    return api.routes();
  }

  public KeyService keys() {
    return keys;
  }

  public Catalog catalog() {
    return catalog;
  }

  public MasterKey masterKey() {
    return master;
  }

  public boolean geolocates() {
    return ingest.geolocates();
  }

  /** Simulates {@code viewers} viewers on demo videos and a live channel of the first account (serve --demo). */
  public synchronized void startDemo(int viewers) {
    if (demo == null) {
      demo = new Demo(ingest, streamEvents, catalog, clock, keys.accounts().get(0).id(), viewers);
      demo.start();
    }
  }

  /** Rolls up every view stored so far, now (normally done every 30 s); returns how many it rolled up. */
  public long rollUp() {
    return rollups.catchUp();
  }

  /** Makes every beacon acknowledged so far visible to queries. */
  public void flush() {
    sessionizer.flush();
  }

  @Override
  public void close() {
    if (demo != null) {
      demo.close();
    }
    ServerFile.delete(dataDir);
    api.close();
    closeBehindApi();
  }

  /** Everything the API serves from, in the order that lets each part finish its work. */
  private void closeBehindApi() {
    log.close();
    sessionizer.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    rollups.close();
    queries.close();
    liveQueries.close();
    viewStore.close();
    ingest.close();
    adminStore.close();
    db.checkpoint();
    db.close();
  }
}
