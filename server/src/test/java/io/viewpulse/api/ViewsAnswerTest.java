package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.MetricRow;
import io.viewpulse.model.DomainException;
import io.viewpulse.model.StoreException;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Views answers encoded on a second thread while their rows are still read, over real HTTP on loopback: whole when the
 * reading succeeds, an ordinary error answer when it fails, however much was encoded by then.
 */
class ViewsAnswerTest {
  private static Vertx vertx;
  private static Loopback server;

  /** {@code batches} batches of 2,048 hourly rows, about 190 KB of JSON each. */
  private static List<List<MetricRow>> batches(int batches) {
    List<List<MetricRow>> out = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      List<MetricRow> batch = new ArrayList<>();
      for (int i = 0; i < 2048; i++) {
        long n = b * 2048L + i;
        batch.add(new MetricRow(1_700_000_000_000L + n * 3_600_000L, Map.of(Dimension.COUNTRY, "C" + n % 7), n,
            n / 60.0, 300.0 + n % 11, 250.0, 900.0, 0.01, n % 3 / 3.0, 0.0, n));
      }
      out.add(batch);
    }
    return out;
  }

  private static void hand(List<List<MetricRow>> batches, Consumer<List<MetricRow>> to) {
    batches.forEach(to);
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    WorkerExecutor encoders = vertx.createSharedWorkerExecutor("test-encoder", 2);
    Router router = Router.router(vertx);
    router.get("/rows/:batches").handler(ctx -> Blocking.run(vertx, ctx, () -> {
      List<List<MetricRow>> all = batches(Integer.parseInt(ctx.pathParam("batches")));
      ViewsAnswer.send(ctx, true, Params.NO_CUSTOM, encoders, to -> hand(all, to));
      return null;
    }, sent -> {}));
    router.get("/too-many/:batches").handler(ctx -> Blocking.run(vertx, ctx, () -> {
      List<List<MetricRow>> all = batches(Integer.parseInt(ctx.pathParam("batches")));
      ViewsAnswer.send(ctx, true, Params.NO_CUSTOM, encoders, to -> {
        // rows for many chunks, encoded before the store turns the answer into an error
        hand(all, to);
        // time for the encoder to get far into the answer (wherever it is, the answer must be the error)
        Thread.sleep(300);
        throw DomainException.invalid("query must return less than 200000 datapoints");
      });
      return null;
    }, sent -> {}));
    router.get("/store-down").handler(ctx -> Blocking.run(vertx, ctx, () -> {
      ViewsAnswer.send(ctx, true, Params.NO_CUSTOM, encoders, to -> {
        hand(batches(5), to);
        throw new StoreException("query failed: disk I/O error", null);
      });
      return null;
    }, sent -> {}));
    server = Loopback.serve(vertx, router);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return server.get(path);
  }

  private static String encodedAtOnce(List<List<MetricRow>> batches) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ViewsJson.write(batches.stream().flatMap(List::stream).toList(), true, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anAnswerOfManyBatchesArrivesAsIfEncodedAtOnce() throws Exception {
    HttpResponse<String> r = get("/rows/30");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).contains(Json.CONTENT_TYPE);
    assertThat(r.body().length()).isGreaterThan(StreamedAnswer.CHUNK * 10);
    assertThat(r.body()).isEqualTo(encodedAtOnce(batches(30)));
  }

  @Test
  void aSmallAnswerStillGoesOutWholeWithItsLength() throws Exception {
    HttpResponse<String> r = get("/rows/0");
    assertThat(r.body()).isEqualTo("[]");
    assertThat(r.headers().firstValue("content-length")).contains("2");
  }

  @Test
  void rowsPastTheLimitGiveTheErrorAnswerThoughMegabytesWereEncoded() throws Exception {
    HttpResponse<String> r = get("/too-many/20");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"errors\":[\"query must return less than 200000 datapoints\"]}");
    // and the connection serves the next answer
    assertThat(get("/rows/1").body()).isEqualTo(encodedAtOnce(batches(1)));
  }

  @Test
  void anAnswerOfTensOfMegabytesHeldUntilItsLastRowArrivesWhole() throws Exception {
    HttpResponse<String> r = get("/rows/100");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(encodedAtOnce(batches(100)));
  }

  @Test
  void anEncoderFarIntoAHeldAnswerIsStoppedWhenTheRowsFail() throws Exception {
    HttpResponse<String> r = get("/too-many/100");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"errors\":[\"query must return less than 200000 datapoints\"]}");
  }

  @Test
  void aStoreFailingMidAnswerGivesItsOrdinary503() throws Exception {
    HttpResponse<String> r = get("/store-down");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("retry-after")).contains("5");
    assertThat(r.body()).isEqualTo("{\"errors\":[\"the store is unavailable; retry later\"]}");
  }
}
