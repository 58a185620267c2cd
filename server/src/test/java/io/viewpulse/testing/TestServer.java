package io.viewpulse.testing;

import io.viewpulse.app.ServerConfig;
import io.viewpulse.app.Viewpulse;
import io.viewpulse.auth.KeyService;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.ingest.IngestConfig;
import io.viewpulse.model.Media;
import io.viewpulse.sessions.SessionRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real Viewpulse in this JVM: a temporary data directory, a random port, the test GeoIP database, loopback as a
 * trusted proxy (so tests choose a viewer's address with X-Forwarded-For), and a clock the test controls.
 */
public final class TestServer implements AutoCloseable {
  /** A Monday, so day and week buckets are easy to reason about. */
  public static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  public final MutableClock clock;
  public final Path dataDir;
  public final Viewpulse vp;
  public final Http http;
  public final String accountId;
  public final String secretKey;
  public final String corsKey;
  private final boolean ownsDir;

  public TestServer() {
    this(newTempDir(), new MutableClock(T0), true, "dbip");
  }

  public TestServer(Path dataDir, MutableClock clock, boolean ownsDir, String geoLayout) {
    this(dataDir, clock, ownsDir, geoLayout, "none", List.of("127.0.0.1/32", "::1/128"));
  }

  /** A server whose GeoIP layout, trusted CDN and trusted proxies the test chooses. */
  public TestServer(Path dataDir, MutableClock clock, boolean ownsDir, String geoLayout, String cdn,
      List<String> trustedProxies) {
    this(dataDir, clock, ownsDir, c -> c.withIngest(new IngestConfig(List.of(geo("test-" + geoLayout + ".mmdb")),
        trustedProxies, cdn)));
  }

  /** A default test server on a store of this engine. */
  public TestServer(TestStores.Engine engine) {
    this(engine, c -> c);
  }

  /** A default test server on a store of this engine, with some of its configuration changed. */
  public TestServer(TestStores.Engine engine, UnaryOperator<ServerConfig> tweak) {
    this(newTempDir(), new MutableClock(T0), true, engine, tweak);
  }

  private TestServer(Path dataDir, MutableClock clock, boolean ownsDir, TestStores.Engine engine,
      UnaryOperator<ServerConfig> tweak) {
    this(dataDir, clock, ownsDir, c -> tweak.apply(c.withIngest(new IngestConfig(List.of(geo("test-dbip.mmdb")),
        List.of("127.0.0.1/32", "::1/128"), "none").withAsnFiles(List.of(geo("test-asn.mmdb"))))
        .withStore(TestStores.fresh(engine, dataDir)
        .withRollupMinViewsPerRow(1))));
  }

  /** A server on a data directory and a store the test keeps (to start another server on them later). */
  public TestServer(Path dataDir, MutableClock clock, boolean ownsDir, io.viewpulse.store.StoreConfig store) {
    this(dataDir, clock, ownsDir, c -> c.withIngest(new IngestConfig(List.of(geo("test-dbip.mmdb")),
        List.of("127.0.0.1/32", "::1/128"), "none")).withStore(store.withRollupMinViewsPerRow(1)));
  }

  /** A server on a data directory and a store the test keeps, with some of its configuration changed. */
  public TestServer(Path dataDir, MutableClock clock, boolean ownsDir, io.viewpulse.store.StoreConfig store,
      UnaryOperator<ServerConfig> tweak) {
    this(dataDir, clock, ownsDir, c -> tweak.apply(c.withIngest(new IngestConfig(List.of(geo("test-dbip.mmdb")),
        List.of("127.0.0.1/32", "::1/128"), "none")).withStore(store.withRollupMinViewsPerRow(1))));
  }

  /** A default test server with some of its configuration changed. */
  public TestServer(UnaryOperator<ServerConfig> tweak) {
    this(newTempDir(), new MutableClock(T0), true, c -> tweak.apply(c.withIngest(new IngestConfig(
        List.of(geo("test-dbip.mmdb")), List.of("127.0.0.1/32", "::1/128"), "none"))));
  }

  /** A server on a store of this engine, on its own temporary directory with this clock, its configuration tweaked. */
  public TestServer(TestStores.Engine engine, MutableClock clock, UnaryOperator<ServerConfig> tweak) {
    this(newTempDir(), clock, true, engine, tweak);
  }

  /** A server on its own temporary directory with this clock and some configuration changed. */
  public TestServer(MutableClock clock, UnaryOperator<ServerConfig> tweak) {
    this(newTempDir(), clock, true, c -> tweak.apply(c.withIngest(new IngestConfig(
        List.of(geo("test-dbip.mmdb")), List.of("127.0.0.1/32", "::1/128"), "none"))));
  }

  private TestServer(Path dataDir, MutableClock clock, boolean ownsDir, UnaryOperator<ServerConfig> tweak) {
    this.clock = clock;
    this.dataDir = dataDir;
    this.ownsDir = ownsDir;
    fixMasterKey(dataDir);
    ServerConfig c = ServerConfig.defaults(dataDir).withHost("127.0.0.1").withPort(0).withClock(clock)
        .withSessions(SessionRules.defaults())
        .withBootstrap(true, List.of("https://app.example.com"))
        // every grouping rolls up, however few the views: the API tests then exercise the rollups' answers too
        .withRollupMinViewsPerRow(1);
    ServerConfig config = tweak.apply(c);
    vp = Viewpulse.start(config);
    http = new Http((config.tlsKeystore() == null ? "http" : "https") + "://127.0.0.1:" + vp.port());
    if (vp.bootstrapKeys().isEmpty()) {
      accountId = vp.keys().accounts().get(0).id();
      secretKey = null;
      corsKey = null;
    } else {
      accountId = vp.bootstrapKeys().get(0).key().accountId();
      secretKey = vp.bootstrapKeys().get(0).token();
      corsKey = vp.bootstrapKeys().get(1).token();
    }
  }

  public static Path geo(String file) {
    try {
      return Path.of(TestServer.class.getResource("/geo/" + file).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A new data directory gets the same master key in every run (a directory that has one keeps it). Viewer ids are
   * hashed with a salt derived from it, and unique viewers are a HyperLogLog estimate of those hashes: with a random
   * key, two of a handful of viewers now and then shared a register and a count came out one low.
   */
  private static void fixMasterKey(Path dataDir) {
    Path key = dataDir.resolve("master.key");
    if (java.nio.file.Files.exists(key)) {
      return;
    }
    byte[] fixed = new byte[32];
    for (int i = 0; i < fixed.length; i++) {
      fixed[i] = (byte) (0x5a ^ i * 7);
    }
    try {
      java.nio.file.Files.createDirectories(dataDir);
      java.nio.file.Files.write(key, fixed);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static Path newTempDir() {
    try {
      return Files.createTempDirectory("viewpulse-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Registers an asset of the bootstrap account with this playback id. */
  public Media asset(String playbackId) {
    return vp.catalog().create(accountId, new Catalog.NewMedia(Media.Kind.ASSET, "video " + playbackId, playbackId,
        null, null, null));
  }

  /** Registers a stream of the bootstrap account with this playback id. */
  public Media stream(String playbackId, String type) {
    return vp.catalog().create(accountId, new Catalog.NewMedia(Media.Kind.STREAM, "stream " + playbackId,
        playbackId, null, null, type));
  }

  /** A second account with its own secret key. */
  public KeyService.IssuedKey otherAccount(String name) {
    var a = vp.keys().createAccount(name);
    return vp.keys().createKey(a.id(), "secret", null);
  }

  /** Posts a beacon body as a player would (text/plain), from the given viewer address. */
  public Http.Response beacon(String body, String viewerIp) {
    return http.post("/analytics/log", body, "Content-Type", "text/plain;charset=UTF-8",
        "X-Forwarded-For", viewerIp, "Origin", "https://www.example.com");
  }

  /** Posts the page's last beacon, as navigator.sendBeacon does. */
  public Http.Response lastBeacon(String body, String viewerIp) {
    return http.post("/analytics/log", body, "Content-Type", "text/plain;charset=UTF-8",
        "X-Forwarded-For", viewerIp, "Sec-Fetch-Mode", "no-cors");
  }

  public void flush() {
    vp.flush();
  }

  public Http.Response query(String pathAndQuery) {
    flush();
    return http.getWithKey(pathAndQuery, secretKey);
  }

  @Override
  public void close() {
    vp.close();
    if (ownsDir) {
      deleteTree(dataDir);
    }
  }

  public static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir
    }
  }
}
