package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's package) scrapes /metrics with the server's metrics token and sees ingest counters and
 * per-stream gauges.
 */
class PrometheusScrapeTest {
  @Test
  void prometheusScrapesIngestCountersAndLiveGauges() throws Exception {
    Path dir = TestServer.newTempDir();
    Path token = dir.resolve("metrics.token");
    Files.writeString(token, "  9b1f0c7d2e4a6b8c0d1e2f3a4b5c6d7e\n");
    Process prometheus = null;
    try (TestServer s = new TestServer(c -> c.withMetricsTokenFile(token))) {
      s.asset("vod1");
      s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, "chan1", "Channel", "chanpb", null,
          null, "channel"));
      for (int i = 0; i < 3; i++) {
        assertThat(s.beacon(Beacons.session("v" + i, "vod1").play(T0).json(), "192.0.2.1").status()).isEqualTo(200);
      }
      s.beacon(Beacons.session("l1", "chanpb").live(true).heartbeat("h", T0, 5000, 0, 0, 0, null).json(), "192.0.2.2");
      s.beacon(Beacons.session("l2", "chanpb").live(true).heartbeat("h", T0, 5000, 0, 0, 0, null).json(), "192.0.2.3");
      s.beacon(Beacons.session("x", "unknown").play(T0).json(), "192.0.2.4");
      s.flush();
      Http.Response refused = s.http.get("/metrics");
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"metrics\"");
      assertThat(refused.error()).isEqualTo(
          "/metrics needs the metrics token: Authorization: Bearer <the token in the server's --metrics-token-file>");
      assertThat(s.http.get("/metrics", "Authorization", "Bearer 9b1f0c7d2e4a6b8c0d1e2f3a4b5c6d7").status())
          .as("a token one character short").isEqualTo(401);
      assertThat(s.http.get("/metrics", "Authorization", "Basic OWIxZjBjN2QyZTRhNmI4YzBkMWUyZjNhNGI1YzZkN2U=")
          .status()).as("the token in another scheme").isEqualTo(401);
      assertThat(s.http.get("/metrics", "Authorization", "Bearer 9b1f0c7d2e4a6b8c0d1e2f3a4b5c6d7e").body())
          .contains("viewpulse_stream_sessions{stream_id=\"chan1\"} 2.0");

      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, """
          global:
            scrape_interval: 1s
          scrape_configs:
            - job_name: viewpulse
              authorization:
                credentials_file: %s
              static_configs:
                - targets: ["127.0.0.1:%d"]
          """.formatted(token, s.vp.port()));
      prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      Http prom = new Http("http://127.0.0.1:" + port);

      assertThat(query(prom, "up{job=\"viewpulse\"}")).isEqualTo(1.0);
      assertThat(query(prom, "viewpulse_beacons_accepted_total")).isEqualTo(5.0);
      assertThat(query(prom, "viewpulse_beacons_rejected_total{reason=\"unknown_playback_id\"}")).isEqualTo(1.0);
      assertThat(query(prom, "viewpulse_stream_sessions{stream_id=\"chan1\"}")).isEqualTo(2.0);
      assertThat(query(prom, "viewpulse_sessions_open")).isEqualTo(5.0);
      // the five accepted beacons were sent one after another, each waiting for its answer: one sync each; and the
      // flush's tick (the partition's time, written into the log; the test's clock stands still, so no other)
      assertThat(query(prom, "viewpulse_eventlog_syncs_total")).isEqualTo(6.0);
      assertThat(query(prom, "count(jvm_memory_used_bytes)")).isGreaterThan(0.0);
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        prometheus.waitFor();
      }
      TestServer.deleteTree(dir);
    }
  }

  /** Refreshed once a second with the number watching, the per-stream gauges stay one series per stream. */
  @Test
  void aStreamGaugeRefreshedManyTimesIsStillOneSeries() throws Exception {
    try (TestServer s = new TestServer()) {
      s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, "chan1", "Channel", "chanpb", null,
          null, "channel"));
      s.beacon(Beacons.session("l1", "chanpb").live(true).heartbeat("h", T0, 5000, 0, 0, 0, null).json(), "192.0.2.2");
      for (int i = 1; i <= 3; i++) {
        s.clock.set(T0.plusSeconds(i));
        s.flush();
      }
      s.beacon(Beacons.session("l2", "chanpb").live(true).heartbeat("h", T0.plusSeconds(3), 5000, 0, 0, 0, null)
          .json(), "192.0.2.3");
      s.flush();
      Http.Response r = s.http.get("/metrics");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.body().lines().filter(l -> l.startsWith("viewpulse_stream_sessions{")))
          .containsExactly("viewpulse_stream_sessions{stream_id=\"chan1\"} 2.0");
    }
  }

  /**
   * The per-stream gauges are refreshed every second by the sessionizer while scrapes come from outside: a scrape
   * in the middle of a refresh must still see each stream once. (Refreshed by removing and registering each gauge
   * again, a scrape could see a stream twice, and Prometheus's client then refused the whole scrape: 500.)
   */
  @Test
  void scrapesDuringRefreshesOfManyStreamGaugesAllSucceed() throws Exception {
    try (TestServer s = new TestServer()) {
      for (int k = 0; k < 200; k++) {
        s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, "chan" + k, "Channel " + k,
            "chanpb" + k, null, null, "channel"));
        assertThat(s.beacon(Beacons.session("l" + k, "chanpb" + k).live(true)
            .heartbeat("h", T0, 5000, 0, 0, 0, null).json(), "192.0.2.2").status()).isEqualTo(200);
      }
      // the first refresh registers the 200 gauges; the scrapes race with the ones after it
      s.flush();
      java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
      Thread refresher = new Thread(() -> {
        for (int i = 1; i <= 300; i++) {
          s.clock.set(T0.plusMillis(i * 10L));
          s.flush();
        }
        done.set(true);
      });
      refresher.start();
      java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
      while (!done.get()) {
        Http.Response r = s.http.get("/metrics");
        String outcome = r.status() != 200 ? r.status() + " " + r.error()
            : r.body().lines().filter(l -> l.startsWith("viewpulse_stream_sessions{")).count() + " streams";
        outcomes.merge(outcome, 1, Integer::sum);
      }
      refresher.join();
      assertThat(outcomes.keySet()).containsExactly("200 streams");
    }
  }

  /** The value of an instant query once Prometheus has scraped it (waits up to 60 s for the first scrapes). */
  private static double query(Http prom, String expr) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      try {
        Http.Response r = prom.get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        last = r.body();
        JsonNode result = r.json() == null ? null : r.json().at("/data/result");
        if (result != null && result.size() == 1) {
          return Double.parseDouble(result.get(0).get("value").get(1).asText());
        }
      } catch (java.io.UncheckedIOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Prometheus never answered " + expr + "; last: " + last);
  }
}
