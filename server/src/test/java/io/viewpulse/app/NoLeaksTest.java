package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.auth.AdminToken;
import io.viewpulse.auth.MasterKey;
import io.viewpulse.testing.AccessMatrix;
import io.viewpulse.testing.AccessRoutes;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.Tenants;
import io.viewpulse.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real server process serves viewers at distinctive addresses and the whole access matrix (refusals, bad
 * signatures, errors and successes), with Viewpulse's own loggers at their most verbose; then everything it wrote to
 * its output and its data directory is searched for those addresses and for every secret it handed out.
 */
class NoLeaksTest {
  static final String V4 = "203.0.113.77";
  static final String V6 = "2001:db8::77";
  /** The same address as Java and other tools print it: a leak may take any of these forms. */
  static final List<String> V6_FORMS = List.of(V6, "2001:db8:0:0:0:0:0:77", "2001:0db8:0000:0000:0000:0000:0000:0077");

  /** Outside the data directory, whose files are searched for it: Prometheus's copy of the token. */
  static final String METRICS_TOKEN = "metrics-f3a9c27e5b1d4e8a9c0b";
  private final Path data = TestServer.newTempDir();
  private Path output;
  private Path metricsTokenFile;
  private Process server;

  @AfterEach
  void clean() throws Exception {
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    TestServer.deleteTree(data);
    if (metricsTokenFile != null) {
      Files.deleteIfExists(metricsTokenFile);
    }
    if (output != null) {
      Files.deleteIfExists(output);
      Files.deleteIfExists(output.resolveSibling(output.getFileName() + ".properties"));
    }
  }

  @Test
  void noSecretNorViewerAddressReachesTheLogsOrTheDataDirectory() throws Exception {
    // an account made offline first: otherwise the first start creates keys and shows them once, as documented
    assertThat(Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "account",
        "create", "--name", "operator", "--data", data.toString())).isZero();
    server = start();
    Http http = new Http("http://127.0.0.1:" + ServerFile.livePort(data).orElseThrow());
    Tenants t = Tenants.create(http,
        AdminToken.current(MasterKey.load(data, System.getenv("VIEWPULSE_MASTER_KEY")), data),
        System::currentTimeMillis);

    watch(http, t, V4, "v4", t.a.assetPlaybackId());
    watch(http, t, V6, "v6", t.b.streamPlaybackId());
    // the server did see both addresses: it located them (test GeoIP: 203.0.113.0/24 GB, 2001:db8::/32 JP)
    assertThat(countries(http, t.a.secret())).containsExactly("GB");
    assertThat(countries(http, t.b.secret())).containsExactly("JP");
    refusedBeacons(http, V4);
    refusedBeacons(http, V6);
    for (AccessMatrix.Row row : AccessMatrix.rows(t)) {
      if (row.route().key().equals("GET /metrics")) {
        continue; // this machine's only in the matrix; this server wants its token (below)
      }
      if (row.caller() == AccessMatrix.Caller.FROM_ELSEWHERE) {
        continue; // a server in another process cannot be made to see a peer from elsewhere
      }
      AccessRoutes.Request q = row.route().request().apply(t);
      Http.Response r = row.send(t, q);
      AccessMatrix.assertStatus(row, r);
      if (r.json() != null && r.json().has("token")) {
        t.remember(r.json().get("token").asText());
      }
    }
    assertThat(http.get("/nope?key=" + t.a.secret()).status()).isEqualTo(404);
    assertThat(http.get("/metrics").status()).isEqualTo(401);
    assertThat(http.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN + "x").status()).isEqualTo(401);
    assertThat(http.get("/metrics", "Authorization", "Bearer " + METRICS_TOKEN).body())
        .contains("viewpulse_beacons_accepted_total");

    server.destroy();
    assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("a stop on SIGTERM").isTrue();
    String logs = Files.readString(output);
    assertThat(logs).as("the capture works").contains("Viewpulse listening on 127.0.0.1:");

    // the searches below do see what is stored: the event log keeps strings as bytes, the store is read as text
    assertThat(DataDirectory.filesContaining(data, t.a.assetPlaybackId())).isNotEmpty();
    DataDirectory.Store store = DataDirectory.readStore(data);
    assertThat(store.cellsContaining(t.a.assetPlaybackId())).isNotEmpty();
    List<String> needles = new ArrayList<>(t.secrets());
    needles.add(METRICS_TOKEN);
    needles.add(V4);
    needles.addAll(V6_FORMS);
    for (String needle : needles) {
      assertThat(logs).as("the server's output").doesNotContain(needle);
      assertThat(DataDirectory.filesContaining(data, needle)).as("files holding " + needle).isEmpty();
    }
    assertThat(DataDirectory.filesContaining(data, java.net.InetAddress.getByName(V6).getAddress()))
        .as("the IPv6 address in binary").isEmpty();
    for (String needle : needles) {
      assertThat(store.cellsContaining(needle)).as("store cells holding " + needle).isEmpty();
    }
    // tokens are kept as their SHA-256 only, and every key issued is there under that hash
    List<String> tokens = t.secrets().stream().filter(s -> s.startsWith("vp_")).toList();
    assertThat(store.tokenHashes()).containsExactlyInAnyOrderElementsOf(
        tokens.stream().map(DataDirectory::sha256).toList());
  }

  private Process start() throws Exception {
    output = Files.createTempFile("viewpulse-no-leaks", ".out");
    Path logging = output.resolveSibling(output.getFileName() + ".properties");
    // Viewpulse's own debug logs too: an operator who turns them on must not get secrets or addresses either.
    // Libraries stay at their default: at TRACE, Vert.x Web logs every request URL, Uplynk signatures included.
    Files.writeString(logging, String.join("\n", "handlers=java.util.logging.ConsoleHandler",
        "java.util.logging.ConsoleHandler.level=ALL", ".level=INFO", "io.viewpulse.level=ALL", ""));
    metricsTokenFile = Files.createTempFile("viewpulse-metrics", ".token");
    Files.writeString(metricsTokenFile, METRICS_TOKEN + "\n");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Djava.util.logging.config.file=" + logging,
        "-cp", System.getProperty("java.class.path"), "io.viewpulse.app.Main", "serve", "--data", data.toString(),
        "--port", "0", "--host", "127.0.0.1", "--trusted-proxies", "127.0.0.1/32,::1/128",
        "--geoip", TestServer.geo("test-dbip.mmdb").toString(),
        "--metrics-token-file", metricsTokenFile.toString(), "--public-host", AccessMatrix.PUBLIC_HOST)
        .redirectErrorStream(true).redirectOutput(output.toFile());
    Process p = pb.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      if (ServerFile.livePort(data).isPresent()) {
        return p;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("server died: " + Files.readString(output));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("server did not start in 180 s: " + Files.readString(output));
  }

  /** A viewer at {@code ip} plays a few seconds, through a trusted proxy that names it in X-Forwarded-For. */
  private static void watch(Http http, Tenants t, String ip, String session, String playbackId) {
    Instant now = Instant.ofEpochMilli(t.nowMillis());
    String body = Beacons.session(session, playbackId).live(playbackId.endsWith("-live")).play(now)
        .heartbeat(session + "-hb", now.plusMillis(1), 4000, 0, 0, 0, 120L).json();
    Http.Response r = http.post("/analytics/log", body, "Content-Type", "text/plain;charset=UTF-8",
        "X-Forwarded-For", ip);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** Beacons refused for every reason a viewer's beacon can be: the address must not leak through errors either. */
  private static void refusedBeacons(Http http, String ip) {
    Instant now = Instant.now();
    assertThat(http.post("/analytics/log", Beacons.session("lost", "nobody-has-this").play(now).json(),
        "X-Forwarded-For", ip).status()).isEqualTo(404);
    assertThat(http.post("/analytics/log", "{\"session_id\": ", "X-Forwarded-For", ip).status()).isEqualTo(400);
    assertThat(http.post("/analytics/log", "{\"session_id\": 7}", "X-Forwarded-For", ip).status()).isEqualTo(400);
    assertThat(http.post("/analytics/log", "x".repeat(70_000), "X-Forwarded-For", ip).status()).isEqualTo(413);
  }

  /** Countries of the account's views, once the beacons are visible (a flush interval after their answer). */
  private static List<String> countries(Http http, String key) throws InterruptedException {
    List<String> out = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (out.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      http.getWithKey("/api/data/views/query?breakdownBy[]=country", key).json()
          .forEach(r -> out.add(r.path("country").asText()));
    }
    return out;
  }
}
