package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.StalledClient;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exports larger than any buffer on the way: {@value #VIEWS} views over two days (some in the same second), loaded
 * into the store as a history. An export goes out as the client reads it, and a client that stops reading holds
 * its export (and one of the few export slots) until it leaves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class ExportStreamingTest {
  private static final int VIEWS = 120_000;
  private static final String RANGE = "from=" + T0.toEpochMilli() + "&to=" + T0.plusSeconds(2 * 86_400).toEpochMilli();

  @Parameter
  TestStores.Engine engine;
  private TestServer s;
  /** A second account, with as many views. */
  private io.viewpulse.auth.KeyService.IssuedKey other;

  @BeforeParameterizedClassInvocation
  void load() {
    s = new TestServer(engine);
    other = s.otherAccount("other");
    load(s.accountId);
    load(other.key().accountId());
  }

  private void load(String accountId) {
    List<ViewRecord> batch = new ArrayList<>();
    Dimensions dims = new Dimensions("desktop", "Linux Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", null,
        null, null);
    for (int i = 0; i < VIEWS; i++) {
      // two views a second or so, the last second of the range included; the ids do not follow the starts
      long start = T0.toEpochMilli() + (i * 1_440L) % (2 * 86_400_000L);
      batch.add(new ViewRecord(1_000_000L + (i * 7919L) % VIEWS, accountId, "pb" + i % 7, null, null,
          "viewer-" + i % 1000, start, start + 60_000, dims, "example.com", false, 1000 + i, 200, 0, 0, true, true));
      if (batch.size() == 20_000) {
        s.vp.store().load(batch);
        batch.clear();
      }
    }
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  /** The rows of a CSV export read line by line as they come, without the header. */
  private List<String> csv(String query) throws Exception {
    HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + s.http.port() + "/api/data/views/export?format=csv&" + query))
        .header("Authorization", "Bearer " + s.secretKey).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> rows = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).startsWith("viewId,playbackId,");
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        rows.add(line);
      }
    }
    return rows;
  }

  @Test
  void everyViewOfTheRangeIsExportedOnceInTheOrderOfStartThenId() throws Exception {
    List<String> rows = csv(RANGE);
    assertThat(rows).hasSize(VIEWS);
    Set<Long> ids = new HashSet<>();
    long lastStart = 0;
    long lastId = Long.MIN_VALUE;
    for (String row : rows) {
      String[] f = row.split(",", -1);
      long id = Long.parseLong(f[0]);
      long start = Long.parseLong(f[5]);
      assertThat(start > lastStart || (start == lastStart && id > lastId)).as(row).isTrue();
      lastStart = start;
      lastId = id;
      ids.add(id);
    }
    assertThat(ids).hasSize(VIEWS);
    assertThat(rows.get(0)).contains(",pb0,,,viewer-0," + T0.toEpochMilli() + ",");
    assertThat(lastStart).isEqualTo(T0.toEpochMilli() + 2 * 86_400_000L - 1_440L - (2 * 86_400_000L - 1_440L) % 1000);
  }

  /** Starts an export that reads its status line and then nothing more, so that it holds its slot. */
  private Socket stalledExport(String key) throws IOException {
    return StalledClient.get(s.http.port(), "/api/data/views/export?format=csv&" + RANGE, key);
  }

  @Test
  void clientsThatStopReadingHoldTheirExportsUntilTheyLeaveAndThenTheSlotsAreFree() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < ViewRoutes.EXPORTS_PER_ACCOUNT; i++) {
        stalled.add(stalledExport(s.secretKey));
      }
      // one account never holds every slot: its next export waits, another account's runs
      Http.Response mine = s.http.getWithKey("/api/data/views/export?format=csv&" + RANGE, s.secretKey);
      assertThat(mine.status()).isEqualTo(429);
      assertThat(mine.error()).isEqualTo("at most 2 exports of one account run at once: retry when one has finished");
      assertThat(mine.header("retry-after")).isEqualTo("10");
      stalled.add(stalledExport(other.token()));
      Http.Response busy = s.http.getWithKey("/api/data/views/export?format=csv&" + RANGE, other.token());
      assertThat(busy.status()).isEqualTo(429);
      assertThat(busy.error()).isEqualTo("at most 3 exports run at once: retry when one has finished");
      assertThat(busy.header("retry-after")).isEqualTo("10");
      // a page of the explorer still finds a store connection while the exports wait
      assertThat(s.query("/api/data/views?limit=3").json().get("views")).hasSize(3);
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
    // the exports end when the server sees the clients gone: then a whole export runs again
    List<String> rows = null;
    for (int attempt = 0; attempt < 600 && rows == null; attempt++) {
      Http.Response r = s.http.getWithKey("/api/data/views/export?format=csv&from=" + T0.toEpochMilli() + "&to="
          + T0.plusSeconds(60).toEpochMilli(), s.secretKey);
      if (r.status() == 429) {
        Thread.sleep(100);
        continue;
      }
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      rows = List.of(r.body().split("\r\n"));
    }
    assertThat(rows).as("an export slot came free").isNotNull();
    assertThat(rows).hasSize(1 + 42);
  }
}
