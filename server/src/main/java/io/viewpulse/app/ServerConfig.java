package io.viewpulse.app;

import io.viewpulse.api.LocalRequests;
import io.viewpulse.eventlog.EventLogConfig;
import io.viewpulse.ingest.IngestConfig;
import io.viewpulse.sessions.SessionRules;
import io.viewpulse.store.StoreConfig;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Predicate;

/**
 * Everything a Viewpulse instance is started with.
 *
 * @param dataDir holds the DuckDB file, the event log and the master key
 * @param port 0 picks a free port
 * @param bootstrap create a first account with a secret and a CORS key when there is none
 * @param bootstrapOrigins allowed origins of that first CORS key
 * @param masterKey base64 master key from the environment, or null to use (or create) {@code <data>/master.key}
 * @param clock time source of sessions and queries (a controlled one in tests)
 * @param tlsKeystore a PKCS#12 keystore to serve HTTPS with, or null for plain HTTP
 * @param tlsPassword its password
 * @param benchEndpoints serve {@code POST /bench/noop}, the baseline of the ingest benchmark
 * @param metricsTokenFile a file holding the bearer token /metrics requires, or null to serve it to anyone
 * @param store which store, and its settings
 * @param publicHosts see {@link #withPublicHosts}
 * @param loopbackPeer which peer addresses are this machine (loopback ones; see {@link #withLoopbackPeer})
 * @param eventLog which event log, and its settings (the file log in {@code <data>/log} by default)
 * @param webhookAllowHosts see {@link #withWebhookAllowHosts}
 * @param timelineRetention how long views' timelines are kept (by start); the views themselves stay
 * @param workerShare how many of the worker threads one account's API requests may hold, and how many more wait
 */
public record ServerConfig(
    Path dataDir,
    String host,
    int port,
    IngestConfig ingest,
    SessionRules sessions,
    boolean bootstrap,
    List<String> bootstrapOrigins,
    String masterKey,
    InstantSource clock,
    Path tlsKeystore,
    String tlsPassword,
    boolean benchEndpoints,
    Path metricsTokenFile,
    StoreConfig store,
    List<String> publicHosts,
    Predicate<String> loopbackPeer,
    EventLogConfig eventLog,
    List<String> webhookAllowHosts,
    java.time.Duration timelineRetention,
    io.viewpulse.api.WorkerShare workerShare) {

  /** How long views' timelines are kept by default. */
  public static final java.time.Duration DEFAULT_TIMELINE_RETENTION = java.time.Duration.ofDays(30);
  /** Threads of Vert.x's shared worker pool, where the API's blocking work runs. */
  public static final int WORKER_THREADS = 16;

  public ServerConfig {
    bootstrapOrigins = List.copyOf(bootstrapOrigins);
    publicHosts = List.copyOf(publicHosts);
    webhookAllowHosts = List.copyOf(webhookAllowHosts);
  }

  /** The same server keeping views' timelines this long. */
  public ServerConfig withTimelineRetention(java.time.Duration d) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer, eventLog,
        webhookAllowHosts, d, workerShare);
  }

  /** The same server on another store. */
  public ServerConfig withStore(StoreConfig s) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, s, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  /** The master key as base64 (as {@code VIEWPULSE_MASTER_KEY} gives it), or null for {@code <data>/master.key}. */
  public ServerConfig withMasterKey(String base64) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, base64, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  /** The same server on another event log. */
  public ServerConfig withEventLog(EventLogConfig e) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        e, webhookAllowHosts, timelineRetention, workerShare);
  }

  /** Defaults for a data directory: all interfaces, port 8080, no GeoIP, no proxies, default session rules. */
  public static ServerConfig defaults(Path dataDir) {
    return new ServerConfig(dataDir, "0.0.0.0", 8080, new IngestConfig(List.of(), List.of(), "none"),
        SessionRules.defaults(), true, List.of("*"), null, InstantSource.system(), null, null, false, null,
        StoreConfig.duckdb(dataDir), List.of(), LocalRequests::isLoopbackAddress,
        EventLogConfig.file(dataDir.resolve("log")), List.of(), DEFAULT_TIMELINE_RETENTION,
        io.viewpulse.api.WorkerShare.defaults(WORKER_THREADS));
  }

  public ServerConfig withPort(int p) {
    return new ServerConfig(dataDir, host, p, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  public ServerConfig withHost(String h) {
    return new ServerConfig(dataDir, h, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  public ServerConfig withIngest(IngestConfig i) {
    return new ServerConfig(dataDir, host, port, i, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  public ServerConfig withSessions(SessionRules s) {
    return new ServerConfig(dataDir, host, port, ingest, s, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  public ServerConfig withClock(InstantSource c) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, c,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  public ServerConfig withTls(Path keystore, String password) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        keystore, password, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  public ServerConfig withBootstrap(boolean b, List<String> origins) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, b, origins, masterKey, clock, tlsKeystore,
        tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  public ServerConfig withBenchEndpoints(boolean on) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, on, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  /** Require {@code Authorization: Bearer <token>} on /metrics, the token read from this file (null: open). */
  public ServerConfig withMetricsTokenFile(Path file) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, file, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  /**
   * Answer only requests whose Host (without its port) is one of these names, or a loopback name or address; others
   * get 421 (what DNS rebinding needs is a server that answers any name). Empty: any Host.
   */
  public ServerConfig withPublicHosts(List<String> names) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, names, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  /**
   * Which peer addresses count as this machine, for the routes served to it only (/admin, and /metrics without a
   * token). Loopback addresses by default; tests inject another check to play a peer from elsewhere.
   */
  public ServerConfig withLoopbackPeer(Predicate<String> isLoopback) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, isLoopback,
        eventLog, webhookAllowHosts, timelineRetention, workerShare);
  }

  /**
   * Roll a grouping of views up (by hour, by day, per value of a dimension) only while its rows stand for at least
   * this many views each: lower trades disk for speed on high-cardinality breakdowns (DuckDB only).
   */
  public ServerConfig withRollupMinViewsPerRow(int views) {
    return withStore(store.withRollupMinViewsPerRow(views));
  }

  /**
   * Networks, addresses or host names webhooks may be posted to although they are loopback, private, link-local or
   * otherwise not public (refused by default: webhook URLs are typed by users and fetched by the server).
   */
  public ServerConfig withWebhookAllowHosts(List<String> entries) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, entries, timelineRetention, workerShare);
  }

  /** The same server sharing the worker threads between accounts this way. */
  public ServerConfig withWorkerShare(io.viewpulse.api.WorkerShare share) {
    return new ServerConfig(dataDir, host, port, ingest, sessions, bootstrap, bootstrapOrigins, masterKey, clock,
        tlsKeystore, tlsPassword, benchEndpoints, metricsTokenFile, store, publicHosts, loopbackPeer,
        eventLog, webhookAllowHosts, timelineRetention, share);
  }
}
