package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.loadgen.LoadGenerator;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The disk fills up under a running server. A file-size limit set on the live process ({@code prlimit}) makes the
 * next write that crosses it fail as a write to a full disk does; lifting it is the operator freeing space. While it
 * lasts, ingest answers 503 rather than acknowledge what it cannot keep; afterwards it resumes by itself; and what it
 * acknowledged is stored exactly, before and after a restart.
 */
class FullDiskTest {
  private static final long LIMIT = 1_500_000;
  private final Path data = TestServer.newTempDir();
  private final ServerProcess server = new ServerProcess(data, List.of("-Xmx512m"));

  @AfterEach
  void clean() {
    server.close();
    TestServer.deleteTree(data);
  }

  /** Few sessions with event-heavy beacons: the event log reaches the limit long before the store does. */
  @Test
  void whenTheEventLogCannotGrowBeaconsAreRefusedAndNothingAcknowledgedIsLost() throws Exception {
    String key = server.account("log");
    server.cli("asset", "create", "--name", "v", "--playback-id", "heavy");
    server.start();
    server.limitFileSize(LIMIT);
    Map<String, Long> acked = new HashMap<>();
    int refused = 0;
    int afterLift = 0;
    Instant t0 = Instant.now().minusSeconds(600);
    for (int beat = 0; afterLift < 40; beat++) {
      for (int s = 0; s < 10; s++) {
        String session = "heavy-" + s;
        Instant at = t0.plusSeconds(5L * beat);
        Beacons b = Beacons.session(session, "heavy").uid(session);
        for (int i = 0; i < 150; i++) {
          b.pause(at.minusMillis(150 - i));
        }
        b.heartbeat("hb-" + s + "-" + beat, at, 4_000 + s, 0, 0, 0, beat == 0 ? 300L : null);
        HttpResponse<String> r = server.post("/analytics/log", b.json());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
        if (r.statusCode() == 200) {
          acked.merge(session, 4_000L + s, Long::sum);
          afterLift += refused >= 50 ? 1 : 0;
        } else {
          assertThat(r.headers().firstValue("Retry-After")).isPresent();
          assertThat(r.body()).contains("Viewpulse cannot store beacons right now");
          if (++refused == 50) {
            HttpResponse<String> health = server.get("/healthz", null);
            assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            assertThat(Http.JSON.readTree(health.body()).get("eventLog").asText()).isEqualTo("not ready");
            server.limitFileSize(null);
          }
        }
      }
    }
    assertThat(server.output()).contains("event log write failed; beacons are refused until it works again")
        .contains("event log writes again, after refusing");
    assertStored(key, acked);
    assertThat(server.get("/healthz", null).statusCode()).as("ready again").isEqualTo(200);
    server.stop();
    server.start();
    assertStored(key, acked);
  }

  /** Thousands of short sessions: the store's files grow fastest, so its commit fails first. */
  @Test
  void whenTheStoreCannotWriteBeaconsAreRefusedUntilItCanAndNothingAcknowledgedIsLost() throws Exception {
    String key = server.account("store");
    server.start();
    server.limitFileSize(LIMIT);
    LoadGenerator.Report full = LoadGenerator.options().url(server.base()).key(key).viewers(2_000).connections(32)
        .playbackIds(20).duration(8, 0).uidPerSession().seed(1).acked(data.resolve("acked-1.tsv")).run(null);
    assertThat(full.statuses()).containsKeys(200, 503);
    assertThat(server.output()).contains("cannot write views to the store; will retry");

    server.limitFileSize(null);
    Thread.sleep(1_000);
    LoadGenerator.Report freed = LoadGenerator.options().url(server.base()).key(key).viewers(200).connections(32)
        .playbackIds(20).duration(3, 0).uidPerSession().seed(2).acked(data.resolve("acked-2.tsv")).run(null);
    assertThat(freed.statuses()).as("after space is freed").containsOnlyKeys(200);
    assertThat(server.output()).contains("the store takes writes again");

    Map<String, Long> acked = new HashMap<>(ServerProcess.ackedPlaytime(data.resolve("acked-1.tsv")));
    acked.putAll(ServerProcess.ackedPlaytime(data.resolve("acked-2.tsv")));
    assertStored(key, acked);
    server.stop();
    server.start();
    assertStored(key, acked);
    System.out.printf("full disk: %s while full, %s after; %d sessions stored exactly as acknowledged%n",
        full.statuses(), freed.statuses(), acked.size());
  }

  /**
   * Every acknowledged session is one view with exactly its acknowledged playing time, and nothing else is there
   * (waiting at most a few seconds for the last acknowledgements to be queryable).
   */
  private void assertStored(String key, Map<String, Long> acked) throws Exception {
    Map<String, Long> playtime = new HashMap<>();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    do {
      playtime.clear();
      server.viewsByViewer(key).forEach((viewer, row) -> {
        assertThat(row[0]).as(viewer + " views").isEqualTo(1);
        playtime.put(viewer, row[1]);
      });
    } while (!playtime.equals(acked) && System.nanoTime() < deadline && sleep());
    assertThat(playtime).isEqualTo(acked);
  }

  private static boolean sleep() throws InterruptedException {
    Thread.sleep(200);
    return true;
  }
}
