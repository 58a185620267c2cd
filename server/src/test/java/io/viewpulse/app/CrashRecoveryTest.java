package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.loadgen.LoadGenerator;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real server process is killed with SIGKILL while beacons stream in; after a restart every acknowledged beacon is
 * counted, exactly once.
 */
class CrashRecoveryTest {
  private final Path data = TestServer.newTempDir();
  private final ServerProcess server = new ServerProcess(data, List.of("-Xmx512m"));

  @AfterEach
  void clean() {
    server.close();
    TestServer.deleteTree(data);
  }

  @Test
  void acknowledgedBeaconsSurviveKillMinus9() throws Exception {
    String key = server.account("crash");
    server.cli("asset", "create", "--name", "v", "--playback-id", "crashpb");
    server.start();

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger sent = new AtomicInteger();
    long now = Instant.now().toEpochMilli();
    String url = server.base() + "/analytics/log";
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
        server.kill9();
      }
    }
    CompletableFuture.allOf(inflight).handle((v, e) -> null).join();
    assertThat(acked.size()).isGreaterThanOrEqualTo(500).isLessThan(sent.get());

    server.start();
    Map<String, long[]> byViewer = server.viewsByViewer(key);
    for (String viewer : acked) {
      long[] row = byViewer.get(viewer);
      assertThat(row).as(viewer + " was acknowledged").isNotNull();
      int i = Integer.parseInt(viewer.substring("viewer-".length()));
      assertThat(row[0]).as(viewer + " counted once").isEqualTo(1);
      assertThat(row[1]).isEqualTo(1000 + i);
    }
    // beacons written but cut off before their answer may be there too, never twice
    assertThat(byViewer.values()).allMatch(row -> row[0] == 1);
    assertThat(byViewer.size()).isGreaterThanOrEqualTo(acked.size()).isLessThanOrEqualTo(sent.get());
  }

  /**
   * The load generator's viewers run sessions of 5 s heartbeats, one beacon at a time each, and log every beacon the
   * server acknowledges. Killed mid-load, the server may have made durable at most the one beacon each viewer had in
   * flight without answering it; everything it answered must be there, once.
   */
  @Test
  void everySessionOfASustainedLoadKeepsWhatWasAcknowledgedAfterKillMinus9() throws Exception {
    String key = server.account("load");
    server.start();
    Path ackLog = data.resolve("acked.tsv");
    int viewers = 96;
    LoadGenerator load = LoadGenerator.options().url(server.base()).key(key).viewers(viewers).connections(32)
        .playbackIds(20).duration(120, 0).uidPerSession().acked(ackLog);
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<LoadGenerator.Report> run = CompletableFuture.supplyAsync(() -> {
      try {
        return load.run(stop);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!(server.metric("viewpulse_beacons_accepted_total") >= 4000) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    server.kill9();
    stop.set(true);
    LoadGenerator.Report report = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
    Map<String, Long> acked = ServerProcess.ackedPlaytime(ackLog);
    assertThat(acked.size()).as("sessions acknowledged before the kill; " + report).isGreaterThan(100);
    assertThat(report.connectErrors()).as("requests cut off by the kill").isPositive();

    server.start();
    Map<String, long[]> stored = server.viewsByViewer(key);
    int beyondAcked = 0;
    for (Map.Entry<String, Long> a : acked.entrySet()) {
      long[] row = stored.get(a.getKey());
      assertThat(row).as(a.getKey() + " was acknowledged").isNotNull();
      assertThat(row[0]).as(a.getKey() + " counted once").isEqualTo(1);
      assertThat(row[1]).as(a.getKey() + " playtime").isBetween(a.getValue(), a.getValue() + 5_000);
      if (row[1] > a.getValue()) {
        beyondAcked++;
      }
    }
    assertThat(beyondAcked).as("sessions with a durable but unanswered beacon").isLessThanOrEqualTo(viewers);
    System.out.printf("kill -9 under load: %d beacons acknowledged in %d sessions, all counted once after the restart;"
        + " %d sessions also kept a beacon cut off before its answer%n", report.beacons(), acked.size(), beyondAcked);
    assertThat(stored.values()).allMatch(row -> row[0] == 1);
    assertThat(stored.size()).isLessThanOrEqualTo(acked.size() + viewers);
  }
}
