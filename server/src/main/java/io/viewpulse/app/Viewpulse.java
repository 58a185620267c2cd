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
import io.viewpulse.auth.AdminToken;
import io.viewpulse.auth.KeyService;
import io.viewpulse.auth.MasterKey;
import io.viewpulse.auth.MetricsToken;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.eventlog.EventLog;
import io.viewpulse.eventlog.EventLogs;
import io.viewpulse.ingest.Ingest;
import io.viewpulse.model.Media;
import io.viewpulse.model.Readiness;
import io.viewpulse.viewership.Viewership;
import io.viewpulse.sessions.Sessionizer;
import io.viewpulse.ingest.StreamEvents;
import io.viewpulse.query.ViewReader;
import io.viewpulse.store.Store;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.viewership.StreamStats;
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

  private final Store store;
  /**
   * How often a node on a shared store reads keys and media again: a key revoked on another node stops working here
   * within this and the time of one read.
   */
  static final java.time.Duration DIRECTORY_REFRESH = java.time.Duration.ofSeconds(2);
  private java.util.concurrent.ScheduledExecutorService directoryRefresh;
  /** Drops timelines past their retention, every {@link #TIMELINE_DROP}, on a thread of its own. */
  private java.util.concurrent.ScheduledExecutorService timelineDrop;
  private io.viewpulse.viewership.ViewExplorer explorer;
  private static final java.time.Duration TIMELINE_DROP = java.time.Duration.ofHours(1);
  private final io.viewpulse.retention.Retention retention;
  private final KeyService keys;
  private final Catalog catalog;
  private final EventLog log;
  private final Sessionizer sessionizer;
  private final Ingest ingest;
  private final int maxOpenSessions;
  private final Vertx vertx;
  private final ApiServer api;
  private final List<KeyService.IssuedKey> bootstrapKeys;
  private final MasterKey master;
  private final StreamEvents streamEvents;
  private final java.time.InstantSource clock;
  private final io.viewpulse.webhooks.WebhookClient webhooks;
  private final io.viewpulse.webhooks.Webhooks webhookEndpoints;
  private final io.viewpulse.webhooks.WebhookDeliveries deliveries;
  /** The topic of finished views and what publishes to it, or null without --finished-views-topic. */
  private final io.viewpulse.eventlog.FinishedViewsTopic viewTopic;
  private final io.viewpulse.webhooks.FinishedViewsExport viewExport;
  private Demo demo;
  private io.viewpulse.alerts.Alerts alerts;
  private final java.nio.file.Path dataDir;

  private Viewpulse(ServerConfig c) {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    dataDir = c.dataDir();
    ownerOnly(dataDir);
    master = MasterKey.load(c.dataDir(), c.masterKey());
    // the admin secret is made now, not at the first admin request: its file is there for the command line
    AdminToken.current(master, dataDir);
    store = Stores.open(c.store());
    keys = new KeyService(store.keys(), master, c.clock());
    catalog = new Catalog(store.media(), c.clock());
    bootstrapKeys = c.bootstrap() ? bootstrap(c) : List.of();
    try {
      viewTopic = c.eventLog().isKafka() && c.eventLog().kafka().finishedViewsTopic() != null
          ? new io.viewpulse.eventlog.FinishedViewsTopic(c.eventLog().kafka()) : null;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    try {
      log = EventLogs.open(c.eventLog(), metrics);
    } catch (RuntimeException e) {
      // Kafka unreachable, or a topic that does not fit: nothing of this start may outlive it
      if (viewTopic != null) {
        viewTopic.close();
      }
      store.close();
      throw e;
    }
    io.micrometer.core.instrument.Gauge.builder("viewpulse_eventlog_queue_depth", log, EventLog::pending)
        .description("beacons waiting for the disk (or for Kafka's acknowledgement)").register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder("viewpulse_eventlog_syncs", log, EventLog::syncs)
        .description("syncs of the event log to disk (beacons per sync: accepted beacons / syncs); on Kafka, beacons"
            + " Kafka acknowledged").register(metrics);
    sessionizer = new Sessionizer(log, store.sessions(), c.clock(), c.sessions(), metrics,
        (account, media) -> catalog.get(account, media).map(m -> m.kind() == Media.Kind.STREAM).orElse(false));
    sessionizer.start();
    store.bindMetrics(metrics);
    store.startBackgroundWork();
    if (store.shared()) {
      directoryRefresh = refreshEvery(keys, catalog, DIRECTORY_REFRESH);
    }
    retention = new io.viewpulse.retention.Retention(store.retention(), c.clock(), c.timelineRetention());
    retention.start();
    maxOpenSessions = c.sessions().maxOpenSessions();
    ingest = new Ingest(c.ingest(), catalog, log, c.clock(), master.derive("viewer-salt"), metrics,
        this::backpressure);
    vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(ServerConfig.WORKER_THREADS));
    io.viewpulse.webhooks.WebhookGuard webhookGuard =
        io.viewpulse.webhooks.WebhookGuard.allowing(c.webhookAllowHosts());
    webhooks = new io.viewpulse.webhooks.WebhookClient(vertx, webhookGuard, c.clock(),
        io.viewpulse.webhooks.WebhookClient.Limits.defaults());
    webhookEndpoints = new io.viewpulse.webhooks.Webhooks(store.webhooks(), webhookGuard, master, c.clock());
    deliveries = new io.viewpulse.webhooks.WebhookDeliveries(webhookEndpoints, webhooks, c.clock(),
        catalog::declaredDimensions);
    // one publisher in the cluster: the owner of the event log's partition 0 (see ARCHITECTURE.md)
    viewExport = viewTopic == null ? null : new io.viewpulse.webhooks.FinishedViewsExport(store.webhooks(),
        viewTopic.name(), () -> ((io.viewpulse.eventlog.KafkaEventLog) log).owns(0), viewTopic::send, c.clock(),
        metrics);
    streamEvents = new StreamEvents(catalog, log, c.clock(), c.sessions().liveGrace().toMillis(), metrics);
    clock = c.clock();
    try {
      MetricsToken metricsToken = c.metricsTokenFile() == null ? MetricsToken.open()
          : MetricsToken.load(c.metricsTokenFile());
      Viewership viewership = new Viewership(catalog, store.views(), c.clock());
      explorer = new io.viewpulse.viewership.ViewExplorer(viewership,
          store.viewRows(), c.clock(), c.timelineRetention(), retention::timelineRetention);
      timelineDrop = dropTimelinesEvery(explorer, TIMELINE_DROP);
      io.viewpulse.alerts.SigningSecrets secrets = new io.viewpulse.alerts.SigningSecrets(master);
      // one evaluator in the cluster: the owner of the event log's partition 0 (see ARCHITECTURE.md)
      java.util.function.BooleanSupplier evaluator = log instanceof io.viewpulse.eventlog.KafkaEventLog kafka
          ? () -> kafka.owns(0) : () -> true;
      alerts = new io.viewpulse.alerts.Alerts(store.alerts(), store.views(), c.clock(),
          new io.viewpulse.alerts.WebhookNotifier(webhooks, secrets), secrets, metrics, evaluator);
      api = ApiServer.start(vertx, c.host(), c.port(), c.tlsKeystore(), c.tlsPassword(), c.benchEndpoints(),
          new ApiServer.Services(ingest,
          streamEvents, keys, catalog, viewership,
          explorer,
          new io.viewpulse.privacy.Erasures(store.erasures(), c.clock()),
          new StreamStats(catalog, store.liveMinutes(), c.clock()), alerts,
          new Admin(keys, catalog, retention, c.clock()),
          token -> AdminToken.matches(master, dataDir, token), metrics, metricsToken,
          c.clock(), c.loopbackPeer(), c.publicHosts(), this::readiness, webhookEndpoints,
          new io.viewpulse.savedviews.SavedViews(store.savedViews(), c.clock()), c.workerShare()));
    } catch (RuntimeException e) {
      // usually a busy port: nothing of this start may outlive it (threads, the store's file lock)
      closeBehindApi();
      throw e;
    }
    deliveries.start(java.time.Duration.ofSeconds(1));
    alerts.start();
    if (viewExport != null) {
      viewExport.start(java.time.Duration.ofSeconds(1));
    }
    ServerFile.write(c.dataDir(), api.port());
    LOG.info("Viewpulse listening on {}:{} with data in {}", c.host(), api.port(), c.dataDir().toAbsolutePath());
  }

  /**
   * Makes the data directory and all in it its owner's only (0700, 0600): the event log and the store hold viewers'
   * data, the directory the secrets. An existing directory open to others is tightened, and the log says so.
   */
  private static void ownerOnly(java.nio.file.Path dir) {
    try {
      java.nio.file.Files.createDirectories(dir, io.viewpulse.model.OwnerOnlyFiles.dir());
      List<String> opened = io.viewpulse.model.OwnerOnlyFiles.tighten(dir);
      if (!opened.isEmpty()) {
        LOG.warn("the data directory {} was open to other users: {} of its files and directories (such as {}) are "
            + "now its owner's only", dir.toAbsolutePath(), opened.size(), opened.get(0));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot make the data directory " + dir + " its owner's only: "
          + e.getMessage(), e);
    }
  }

  /**
   * Why ingest cannot take a new session now: the store refuses writes and enough waits for it already, or the open
   * sessions (the sessionizer's, the records queued for it, each of which may open one, and those of the legacy socket
   * reporter, which hold memory of their own) reached --max-open-sessions.
   */
  private io.viewpulse.ingest.Reason backpressure() {
    if (sessionizer.storeBacklogFull()) {
      return io.viewpulse.ingest.Reason.STORE_UNAVAILABLE;
    }
    long open = sessionizer.openSessions() + sessionizer.recordsQueued() + ingest.legacySessions();
    return open >= maxOpenSessions ? io.viewpulse.ingest.Reason.OVERLOADED : null;
  }

  /** Whether this node is ready: its store reachable, its event log taking records; blocking (asks the store). */
  public Readiness readiness() {
    boolean storeOk = store.reachable();
    boolean logOk = log.ready();
    boolean backlogFull = sessionizer.storeBacklogFull();
    long waiting = sessionizer.beaconsAwaitingStore();
    java.util.Map<String, Object> parts = new java.util.LinkedHashMap<>();
    parts.put("store", storeOk ? "ok" : "unreachable");
    parts.put("eventLog", logOk ? "ok" : "not ready");
    parts.put("sessions", backlogFull ? "refusing beacons: the store refuses writes"
        : waiting > 0 ? "the store refuses writes; beacons wait in the event log" : "ok");
    parts.put("beaconsAwaitingStore", waiting);
    parts.put("partitionsOwned", sessionizer.partitionsOwned());
    // not part of readiness: a node without a GeoIP database serves, it only places no viewer (the dashboard says so)
    parts.put("geoip", ingest.geolocates() ? "on" : "off");
    // not a readiness condition: whether the network dimensions asn and isp are found (an ASN database is loaded)
    parts.put("networkDimensions", ingest.findsNetworks() ? "on" : "off: no ASN database");
    return new Readiness(storeOk && logOk && !backlogFull, parts);
  }

  /** Reads keys and media again from the store now (a node on a shared store does it every two seconds anyway). */
  public void refreshDirectory() {
    keys.refresh();
    catalog.refresh();
  }

  /** Reads keys and media again every {@code period}, on a thread of its own; a failed read waits for the next. */
  private static java.util.concurrent.ScheduledExecutorService refreshEvery(KeyService keys, Catalog catalog,
      java.time.Duration period) {
    var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "viewpulse-directory-refresh");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        keys.refresh();
        catalog.refresh();
      } catch (RuntimeException e) {
        LOG.warn("cannot read keys and media again from the store, will retry: {}", e.getMessage());
      }
    }, period.toMillis(), period.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    return timer;
  }

  /** Drops the timelines past their retention now and every {@code period}; a failed drop waits for the next. */
  private static java.util.concurrent.ScheduledExecutorService dropTimelinesEvery(
      io.viewpulse.viewership.ViewExplorer explorer, java.time.Duration period) {
    var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "viewpulse-timeline-retention");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        explorer.dropOldTimelines();
      } catch (RuntimeException e) {
        LOG.warn("cannot drop timelines past their retention, will retry: {}", e.getMessage());
      }
    }, 0, period.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    return timer;
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
  public ViewReader directQueries() {
    return store.views();
  }

  /** The store, for benchmarks and tests that load or inspect it. */
  public Store store() {
    return store;
  }

  /** The HTTP route table, as {@code "METHOD /path/{param}"}. */
  public java.util.SortedSet<String> routes() {
    return api.routes();
  }

  /** Posts signed webhooks to the addresses the configuration allows (public ones, and those it names). */
  public io.viewpulse.webhooks.WebhookClient webhooks() {
    return webhooks;
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

  /** The current admin token (it changes when the admin secret is rotated). */
  public String adminToken() {
    return AdminToken.current(master, dataDir);
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
    return store.catchUp();
  }

  /** Drops the timelines past their retention now (normally done every hour). */
  public void dropOldTimelines() {
    explorer.dropOldTimelines();
  }

  /** Applies the accounts' retention periods now (the server does it every hour); for tests. */
  public java.util.Map<String, Long> enforceRetention() {
    return retention.enforce();
  }

  /** Makes every beacon acknowledged so far visible to queries. */
  public void flush() {
    sessionizer.flush();
  }

  /** Applies every beacon acknowledged so far and tries to write it, whether or not the store takes it (for tests). */
  public void flushQuietly() {
    try {
      sessionizer.flush();
    } catch (IllegalStateException e) {
      // the store refused: the sessionizer keeps what it could not write
    }
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

  /** Alert rules, their evaluation and incidents. */
  public io.viewpulse.alerts.Alerts alerts() {
    return alerts;
  }

  /** Everything the API serves from, in the order that lets each part finish its work. */
  private void closeBehindApi() {
    if (timelineDrop != null) {
      timelineDrop.shutdownNow();
    }
    if (alerts != null) {
      alerts.close();
    }
    if (directoryRefresh != null) {
      directoryRefresh.shutdownNow();
    }
    deliveries.close();
    if (viewExport != null) {
      viewExport.close();
      viewTopic.close();
    }
    retention.close();
    log.close();
    sessionizer.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    ingest.close();
    store.close();
  }
}
