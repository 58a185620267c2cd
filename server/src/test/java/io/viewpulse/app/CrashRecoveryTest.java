package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real server process is killed with SIGKILL while beacons stream in; after a restart every acknowledged beacon is
 * counted, exactly once.
 */
class CrashRecoveryTest {
  private final Path data = TestServer.newTempDir();
  private Process server;

  @AfterEach
  void clean() {
    if (server != null) {
      server.destroyForcibly();
    }
    TestServer.deleteTree(data);
  }

  private Process start() throws Exception {
    Files.deleteIfExists(data.resolve("server.json"));
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "io.viewpulse.app.Main", "serve", "--data", data.toString(), "--port", "0", "--host", "127.0.0.1")
        .redirectErrorStream(true).redirectOutput(data.resolve("server.out").toFile());
    Process p = pb.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      var port = ServerFile.livePort(data);
      if (port.isPresent()) {
        return p;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("server died: " + Files.readString(data.resolve("server.out")));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("server did not start in 60 s: " + Files.readString(data.resolve("server.out")));
  }

  private String base() {
    return "http://127.0.0.1:" + ServerFile.livePort(data).orElseThrow();
  }

  private String cli(String... args) throws IOException {
    StringWriter out = new StringWriter();
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--data", data.toString())).toArray(String[]::new);
    assertThat(Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), all)).isZero();
    return out.toString();
  }

  @Test
  void acknowledgedBeaconsSurviveKillMinus9() throws Exception {
    String account = Http.JSON.readTree(cli("account", "create", "--name", "crash")).get("id").asText();
    String key = Http.JSON.readTree(cli("key", "create", "--account", account)).get("token").asText();
    cli("asset", "create", "--account", account, "--name", "v", "--playback-id", "crashpb");
    server = start();

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger sent = new AtomicInteger();
    long now = Instant.now().toEpochMilli();
    String url = base() + "/analytics/log";
    CompletableFuture<?>[] inflight = new CompletableFuture<?>[3000];
    for (int i = 0; i < inflight.length; i++) {
      String viewer = "viewer-" + i;
      String body = Beacons.session("sess-" + i, "crashpb").uid(viewer).play(Instant.ofEpochMilli(now))
          .heartbeat("hb-" + i, Instant.ofEpochMilli(now + 5000), 1000 + i, 0, 0, 0, 120L).json();
      inflight[i] = http.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
          .thenAccept(r -> {
            if (r.statusCode() == 200) {
              acked.add(viewer);
            }
          });
      sent.incrementAndGet();
      if (i == 1500) {
        // let some acknowledgements arrive, then pull the plug with requests still in flight
        while (acked.size() < 500) {
          Thread.sleep(5);
        }
        server.toHandle().destroyForcibly();
        server.waitFor();
      }
    }
    CompletableFuture.allOf(inflight).handle((v, e) -> null).join();
    assertThat(acked.size()).isGreaterThanOrEqualTo(500).isLessThan(sent.get());

    server = start();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base()
        + "/api/data/views/query?breakdownBy[]=viewerId")).header("Authorization", "Bearer " + key).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, JsonNode> byViewer = new HashMap<>();
    for (JsonNode row : Http.JSON.readTree(r.body())) {
      byViewer.put(row.get("viewerId").asText(), row);
    }
    for (String viewer : acked) {
      JsonNode row = byViewer.get(viewer);
      assertThat(row).as(viewer + " was acknowledged").isNotNull();
      int i = Integer.parseInt(viewer.substring("viewer-".length()));
      assertThat(row.get("viewCount").asLong()).as(viewer + " counted once").isEqualTo(1);
      assertThat(row.get("playtimeMins").asDouble()).isEqualTo((1000 + i) / 60_000.0);
    }
    // beacons written but cut off before their answer may be there too, never twice
    assertThat(byViewer.values()).allMatch(row -> row.get("viewCount").asLong() == 1);
    assertThat(byViewer.size()).isGreaterThanOrEqualTo(acked.size()).isLessThanOrEqualTo(sent.get());
  }
}
