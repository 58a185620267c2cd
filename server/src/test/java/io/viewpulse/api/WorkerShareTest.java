package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.auth.KeyService;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.StalledClient;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Accounts' shares of the worker threads over HTTP, on a server where an account runs one request at once and one
 * more waits. An export whose client reads nothing holds its account's one slot for as long as the test keeps it so
 * (its worker waits for the client); what the account asks meanwhile waits, or is refused, while another account's
 * requests and the players' beacons are answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerShareTest {
  private static final int VIEWS = 120_000;
  private static final String RANGE = "from=" + T0.toEpochMilli() + "&to=" + T0.plusSeconds(2 * 86_400).toEpochMilli();

  private TestServer s;
  private KeyService.IssuedKey other;

  @BeforeAll
  void start() {
    s = new TestServer(TestStores.Engine.DUCKDB, c -> c.withWorkerShare(new WorkerShare(1, 1)));
    other = s.otherAccount("other");
    load(s.accountId, VIEWS);
    load(other.key().accountId(), 5);
    s.asset("pb-share");
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private void load(String accountId, int views) {
    List<ViewRecord> batch = new ArrayList<>();
    Dimensions dims = new Dimensions("desktop", "Linux Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", null,
        null, null);
    for (int i = 0; i < views; i++) {
      long start = T0.toEpochMilli() + (i * 1_440L) % (2 * 86_400_000L);
      batch.add(new ViewRecord(1_000_000L + i, accountId, "pb" + i % 7, null, null, "viewer-" + i % 1000, start,
          start + 60_000, dims, "example.com", false, 1000 + i, 200, 0, 0, true, true));
      if (batch.size() == 20_000) {
        s.vp.store().load(batch);
        batch.clear();
      }
    }
    s.vp.store().load(batch);
  }

  /** Starts an export that reads its status line and then nothing more, so that its worker waits for the client. */
  private Socket stalledExport(String key) throws IOException {
    return StalledClient.get(s.http.port(), "/api/data/views/export?format=csv&" + RANGE, key);
  }

  /** Sends a request and reads nothing: it waits in its account's queue until the socket is closed. */
  private Socket waiting(String pathAndQuery, String key) throws IOException {
    Socket socket = new Socket("127.0.0.1", s.http.port());
    socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + key + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /** The value of a sample of /metrics, such as {@code viewpulse_api_tasks_queued}. */
  private double metric(String sample) {
    for (String line : s.http.get("/metrics").body().split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1));
      }
    }
    throw new AssertionError("no sample " + sample + " in /metrics");
  }

  /** Waits until a sample of /metrics has a value (what the server does in the background: no time is asserted). */
  private void awaitMetric(String sample, double value) throws InterruptedException {
    for (int i = 0; i < 600 && metric(sample) != value; i++) {
      Thread.sleep(50);
    }
    assertThat(metric(sample)).as(sample).isEqualTo(value);
  }

  @Test
  void anAccountHoldingItsShareWaitsInItsOwnQueueAndIsRefusedPastItWhileOtherAccountsAreAnswered() throws Exception {
    Socket export = stalledExport(s.secretKey);
    Socket gone = null;
    CompletableFuture<HttpResponse<String>> queued = null;
    try {
      // the account's next request waits for its one slot
      gone = waiting("/api/data/views?limit=2", s.secretKey);
      awaitMetric("viewpulse_api_tasks_queued", 1.0);

      // its queue is full: one more is refused, in the API's error shape
      Http.Response refused = s.http.getWithKey("/api/data/views?limit=3", s.secretKey);
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.header("content-type")).isEqualTo(Json.CONTENT_TYPE);
      assertThat(refused.error()).isEqualTo("at most 1 request of one account runs at once and 1 more waits: retry"
          + " when one has finished");
      assertThat(refused.json().get("errors")).hasSize(1);
      assertThat(refused.header("retry-after")).isEqualTo("1");
      assertThat(metric("viewpulse_api_tasks_dropped_total{reason=\"account_queue_full\"}")).isEqualTo(1.0);

      // another account's requests run meanwhile, and players' beacons are taken
      Http.Response others = s.http.getWithKey("/api/data/views?limit=3", other.token());
      assertThat(others.status()).as(others.body()).isEqualTo(200);
      assertThat(others.json().get("views")).hasSize(3);
      assertThat(s.http.getWithKey("/api/asset", other.token()).status()).isEqualTo(200);
      // and so do the same account's CORS key's (public, in its players' pages: whoever copies it fills its own share)
      Http.Response cors = s.http.getWithKey("/api/data/views/query/total/pb-share", s.corsKey);
      assertThat(cors.status()).as(cors.body()).isEqualTo(200);
      assertThat(s.beacon(Beacons.session("share-1", "pb-share").play(T0).json(), "192.0.2.1").status())
          .isEqualTo(200);

      // the waiting request's client goes away: it leaves the queue without being run
      gone.close();
      awaitMetric("viewpulse_api_tasks_queued", 0.0);
      assertThat(metric("viewpulse_api_tasks_dropped_total{reason=\"client_gone\"}")).isEqualTo(1.0);

      // a request that waits is answered once the export gives its slot back
      queued = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + s.http.port() + "/api/data/views?limit=3"))
          .header("Authorization", "Bearer " + s.secretKey).build(), HttpResponse.BodyHandlers.ofString());
      awaitMetric("viewpulse_api_tasks_queued", 1.0);
      assertThat(queued).isNotDone();
    } finally {
      export.close();
      if (gone != null) {
        gone.close();
      }
    }
    HttpResponse<String> answer = queued.get(60, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(Http.JSON.readTree(answer.body()).get("views")).hasSize(3);
    awaitMetric("viewpulse_api_tasks_running", 0.0);
    assertThat(metric("viewpulse_api_tasks_dropped_total{reason=\"client_gone\"}")).isEqualTo(1.0);
  }
}
