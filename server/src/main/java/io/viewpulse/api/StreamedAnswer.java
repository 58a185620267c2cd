package io.viewpulse.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A 200 JSON answer written by a worker thread while it is encoded: each chunk goes out as soon as it is full, so the
 * event loop and the client move one chunk while the worker encodes the next, and an answer of any size (an hourly
 * series is megabytes) holds one chunk of memory. An answer that fits in one chunk goes out whole, with a
 * Content-Length, exactly as a small answer always did.
 *
 * <p>Only the worker touches the response until {@link #close()}; Vert.x hands each write to the connection's event
 * loop. A slow client is waited for (the response's write queue has a bound) up to {@link #STALL}, then the answer is
 * abandoned with an IOException and the connection closed: once the status is out, no error answer can follow.
 */
final class StreamedAnswer extends OutputStream {
  static final int CHUNK = 256 * 1024;
  private static final long STALL = TimeUnit.SECONDS.toMillis(30);

  private final HttpServerResponse response;
  private ByteBuf chunk = Unpooled.buffer(CHUNK, CHUNK);
  private boolean started;

  private StreamedAnswer(HttpServerResponse response) {
    this.response = response;
  }

  /** What writes the body. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes the whole answer; call from a worker thread. */
  static void send(RoutingContext ctx, Body body) throws IOException {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      // the client left while the query ran
      return;
    }
    response.setStatusCode(200).putHeader("Content-Type", Json.CONTENT_TYPE).putHeader("Cache-Control", "no-store");
    StreamedAnswer out = new StreamedAnswer(response);
    try {
      body.writeTo(out);
      out.finish();
    } catch (IOException | RuntimeException e) {
      if (out.started) {
        // the status line is gone: only cutting the connection tells the client the answer is incomplete
        response.reset();
      }
      throw e;
    }
  }

  @Override
  public void write(int b) throws IOException {
    if (!chunk.isWritable()) {
      emit();
    }
    chunk.writeByte(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (!chunk.isWritable()) {
        emit();
      }
      int n = Math.min(len, chunk.writableBytes());
      chunk.writeBytes(b, off, n);
      off += n;
      len -= n;
    }
  }

  private void emit() throws IOException {
    if (!started) {
      response.setChunked(true);
      started = true;
    }
    awaitRoom();
    response.write(BufferInternal.buffer(chunk));
    chunk = Unpooled.buffer(CHUNK, CHUNK);
  }

  private void awaitRoom() throws IOException {
    if (response.closed()) {
      // writes to a closed connection are dropped without a word: stop encoding what nobody will read
      throw gone();
    }
    if (!response.writeQueueFull()) {
      return;
    }
    CompletableFuture<Void> room = new CompletableFuture<>();
    response.drainHandler(v -> room.complete(null));
    response.closeHandler(v -> room.completeExceptionally(gone()));
    // the queue may have drained, or the connection closed, before the handlers were in place
    if (response.closed()) {
      throw gone();
    }
    if (!response.writeQueueFull()) {
      return;
    }
    try {
      room.get(STALL, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the client read nothing for " + STALL + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the client was reading");
    }
  }

  private static IOException gone() {
    return new IOException("the client went away");
  }

  /** Closing does not end the answer (an encoder closes its stream on failure too); {@link #finish()} does. */
  @Override
  public void close() {}

  private void finish() {
    response.end(BufferInternal.buffer(chunk));
  }
}
