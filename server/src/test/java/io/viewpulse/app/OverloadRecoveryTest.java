package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.loadgen.LoadGenerator;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server process with a small heap and room for few sessions gets far more viewers than it may hold: it refuses the
 * excess with 503 and Retry-After instead of growing, keeps answering, and takes beacons again once load drops.
 */
class OverloadRecoveryTest {
  private static final int MAX_SESSIONS = 1_000;
  private final Path data = TestServer.newTempDir();
  private final ServerProcess server = new ServerProcess(data, List.of("-Xmx256m"),
      "--max-open-sessions", Integer.toString(MAX_SESSIONS), "--idle-timeout", "2s");

  @AfterEach
  void clean() {
    server.close();
    TestServer.deleteTree(data);
  }

  @Test
  void aFloodOfViewersGets503sWithRetryAfterAndTheServerRecoversWhenItStops() throws Exception {
    String key = server.account("flood");
    server.cli("asset", "create", "--name", "probe", "--playback-id", "probe");
    server.start();
    LoadGenerator load = LoadGenerator.options().url(server.base()).key(key).viewers(4_000).connections(64)
        .playbackIds(20).duration(8, 0);
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<LoadGenerator.Report> run = CompletableFuture.supplyAsync(() -> {
      try {
        return load.run(stop);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });

    HttpResponse<String> refused = null;
    double peakSessions = 0;
    for (int i = 0; !run.isDone() && i < 600; i++) {
      HttpResponse<String> r = server.post("/analytics/log", probe("during-" + i));
      if (r.statusCode() == 503 && refused == null) {
        refused = r;
      }
      peakSessions = Math.max(peakSessions, server.metric("viewpulse_sessions_open"));
      Thread.sleep(50);
    }
    LoadGenerator.Report report = run.get(60, TimeUnit.SECONDS);

    assertThat(report.statuses().keySet()).as(report.toString()).isEqualTo(Set.of(200, 503));
    assertThat(report.connectErrors()).isZero();
    assertThat(refused).as("a new session was refused while the server was full").isNotNull();
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(Http.JSON.readTree(refused.body()).get("errors").get(0).asText())
        .isEqualTo("Viewpulse is at capacity; retry in a few seconds");
    // the admission check runs ahead of the sessionizer by at most the beacons in flight, not by the flood
    assertThat(peakSessions).isLessThan(MAX_SESSIONS * 1.5);
    assertThat(server.alive()).isTrue();

    // once viewers stop, their sessions time out and new viewers are taken again
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int status = 0;
    while (status != 200 && System.nanoTime() < deadline) {
      status = server.post("/analytics/log", probe("after")).statusCode();
      Thread.sleep(200);
    }
    assertThat(status).isEqualTo(200);
    System.out.printf("overload: %s; 503 p50 %.2f ms p99 %.2f ms; 200 p50 %.2f ms; peak open sessions %.0f of %d%n",
        report.statuses(), report.refusedP50Ms(), report.refusedP99Ms(), report.ackP50Ms(), peakSessions,
        MAX_SESSIONS);
  }

  private static String probe(String session) {
    return Beacons.session(session, "probe").play(Instant.now().minusSeconds(1)).json();
  }
}
