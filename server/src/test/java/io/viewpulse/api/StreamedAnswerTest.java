package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Answers written while they are encoded, over real HTTP on loopback. */
class StreamedAnswerTest {
  private static Vertx vertx;
  private static Loopback server;
  /** Completed with what became of the last answer to /items/...: null when it was sent, else the failure. */
  private static volatile CompletableFuture<Throwable> lastItems = new CompletableFuture<>();

  /** A JSON array of n numbered strings, as a worker would encode it piece by piece. */
  private static String numbered(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("\"item ").append(i).append('"');
    }
    return b.append(']').toString();
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/items/:n").handler(ctx -> {
      int n = Integer.parseInt(ctx.pathParam("n"));
      CompletableFuture<Throwable> outcome = lastItems;
      Blocking.run(vertx, ctx, () -> {
        try {
          StreamedAnswer.send(ctx, out -> {
            for (String piece : numbered(n).split("(?<=,)")) {
              out.write(piece.getBytes(StandardCharsets.UTF_8));
            }
          });
          outcome.complete(null);
        } catch (IOException | RuntimeException e) {
          outcome.complete(e);
          throw e;
        }
        return null;
      }, sent -> {});
    });
    router.get("/broken").handler(ctx -> Blocking.run(vertx, ctx, () -> {
      StreamedAnswer.send(ctx, out -> {
        out.write(new byte[StreamedAnswer.CHUNK * 2]);
        throw new IOException("the encoder failed half way");
      });
      return null;
    }, sent -> {}));
    router.get("/refused").handler(ctx -> Blocking.run(vertx, ctx, () -> {
      StreamedAnswer.send(ctx, out -> {
        out.write('[');
        throw new IllegalArgumentException("nothing was sent yet");
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

  @Test
  void aSmallAnswerGoesOutWholeWithItsLength() throws Exception {
    HttpResponse<String> r = get("/items/3");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("[\"item 0\",\"item 1\",\"item 2\"]");
    assertThat(r.headers().firstValue("content-length")).contains("28");
    assertThat(r.headers().firstValue("content-type")).contains(Json.CONTENT_TYPE);
  }

  @Test
  void anAnswerOfManyChunksArrivesWholeAndInOrder() throws Exception {
    String expected = numbered(400_000);
    assertThat(expected.length()).isGreaterThan(StreamedAnswer.CHUNK * 20);
    HttpResponse<String> r = get("/items/400000");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-length")).isEmpty();
    assertThat(r.body()).isEqualTo(expected);
  }

  @Test
  void anAnswerThatBreaksOffAfterItsFirstChunkIsCutNotEnded() {
    // a client must never take a truncated answer for a whole one
    assertThatThrownBy(() -> get("/broken")).isInstanceOf(IOException.class);
  }

  @Test
  void aFailureBeforeAnythingWasSentIsAnOrdinaryErrorAnswer() throws Exception {
    HttpResponse<String> r = get("/refused");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"errors\":[\"nothing was sent yet\"]}");
  }

  @Test
  void aClientThatLeavesMidAnswerFreesTheWorker() throws Exception {
    lastItems = new CompletableFuture<>();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.getOutputStream().write("GET /items/2000000 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertThat(new String(s.getInputStream().readNBytes(15), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
    }
    // the worker gives up on the answer (a write fails or the close is seen) instead of waiting on a dead client
    assertThat(lastItems.get(30, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    assertThat(get("/items/2").body()).isEqualTo("[\"item 0\",\"item 1\"]");
  }

  @Test
  void theServerStillAnswersAfterABrokenAnswer() throws Exception {
    assertThatThrownBy(() -> get("/broken")).isInstanceOf(IOException.class);
    assertThat(get("/items/2").body()).isEqualTo("[\"item 0\",\"item 1\"]");
  }
}
