package io.viewpulse.api;

import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.query.MetricRow;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * A views answer encoded on a second thread while the store is still reading its rows: reading an hourly series from
 * DuckDB's result (11 ms for 28,000 rows) and encoding it (7 ms) each take a core, and the machine has two.
 *
 * <p>The answer is held back ({@link StreamedAnswer#held}) until the store has read the last row, because until then
 * the query can still fail: past {@code ViewReader.MAX_ROWS} rows, or with the store. Then the error answer goes out
 * instead, and the encoder, which never touched the response, is stopped first. Once the store is done, what is
 * encoded goes out, and the rest as it is encoded. Memory holds an answer about once, as it did when the rows were
 * read whole before being encoded: each batch is dropped once encoded, and its JSON (about 250 B a row) is smaller
 * than its records were (about 420 B: a record, a map, a string and boxed numbers).
 */
final class ViewsAnswer {
  /** Sentinels, told apart from the store's batches by identity. */
  private static final List<MetricRow> END = new ArrayList<>(0);
  private static final List<MetricRow> ABORT = new ArrayList<>(0);

  private ViewsAnswer() {}

  /** What reads the rows, handing them on in batches; blocking. */
  interface Rows {
    void read(Consumer<List<MetricRow>> batches) throws Exception;
  }

  /**
   * Answers with {@code rows} (the custom dimensions named by {@code custom}, the account's names by slot), read on the calling (worker) thread and encoded on one of {@code encoders}. Throws
   * what the reading threw, with nothing of the answer sent, or what sending threw.
   */
  static void send(RoutingContext ctx, boolean full, List<String> custom, WorkerExecutor encoders, Rows rows)
      throws Exception {
    StreamedAnswer out = StreamedAnswer.held(ctx);
    BlockingQueue<List<MetricRow>> queue = new LinkedBlockingQueue<>();
    CompletableFuture<Void> encoded = encoders.<Void>executeBlocking(() -> {
      out.send(o -> encode(new ViewsJson(o, full, custom), queue));
      return null;
    }, false).toCompletionStage().toCompletableFuture();
    try {
      rows.read(queue::add);
    } catch (Exception | Error e) {
      // what is queued will never be sent: the encoder stops at its next batch or its next chunk
      queue.clear();
      queue.add(ABORT);
      out.abandon();
      // it has sent nothing (the answer is held) and must stop before the error answer is written
      encoded.handle((v, x) -> null).join();
      throw e;
    }
    out.release();
    queue.add(END);
    try {
      encoded.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  private static void encode(ViewsJson json, BlockingQueue<List<MetricRow>> queue) throws IOException {
    try {
      for (List<MetricRow> batch = queue.take(); batch != END; batch = queue.take()) {
        if (batch == ABORT) {
          throw new IOException("the query failed: no answer to encode");
        }
        json.rows(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while encoding an answer");
    }
    json.end();
  }
}
