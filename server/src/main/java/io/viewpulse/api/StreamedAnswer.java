package io.viewpulse.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
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
 * <p>An answer can also be {@link #held} back until released, for a body encoded while what it is made of may still
 * fail: its chunks are kept (up to the whole answer) and nothing of the response is touched, so an error answer can
 * still take its place.
 *
 * <p>Only the thread that calls {@link #send} touches the response; Vert.x hands each write to the connection's event
 * loop. A slow client is waited for (the response's write queue has a bound) up to {@link #STALL}, then the answer is
 * abandoned with an IOException and the connection closed: once the status is out, no error answer can follow.
 */
final class StreamedAnswer extends OutputStream {
  static final int CHUNK = 256 * 1024;
  private static final long STALL = TimeUnit.SECONDS.toMillis(30);

  private final HttpServerResponse response;
  private ByteBuf chunk = Unpooled.buffer(CHUNK, CHUNK);
  /** Full chunks not sent yet: all of them while the answer is held ({@link #held}). */
  private final List<ByteBuf> pending = new ArrayList<>();
  private volatile boolean released;
  private volatile boolean abandoned;
  private boolean begun;
  /** The client left before anything was sent: the rest is encoded into nothing. */
  private boolean dropped;
  private boolean started;

  private final String contentType;

  private StreamedAnswer(HttpServerResponse response, boolean released, String contentType) {
    this.response = response;
    this.released = released;
    this.contentType = contentType;
  }

  /** What writes the body. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes the whole answer, each chunk out as soon as it is full; call from a worker thread. */
  static void send(RoutingContext ctx, Body body) throws IOException {
    send(ctx, Json.CONTENT_TYPE, body);
  }

  /** {@link #send(RoutingContext, Body)} for a body of another type (CSV, NDJSON, Parquet). */
  static void send(RoutingContext ctx, String contentType, Body body) throws IOException {
    new StreamedAnswer(ctx.response(), true, contentType).send(body);
  }

  /**
   * An answer that keeps what is written until {@link #release()}: for a body encoded while the rows it is made of
   * are still being read, any of which may still turn the answer into an error. Until then nothing of the response
   * is touched, so the error answer can still be sent instead ({@link #send} not called, or its body failing).
   */
  static StreamedAnswer held(RoutingContext ctx) {
    return new StreamedAnswer(ctx.response(), false, Json.CONTENT_TYPE);
  }

  /** Lets the answer go out: what is held at the next chunk or at the end, and the rest as it comes. Any thread. */
  void release() {
    released = true;
  }

  /**
   * Gives a held answer up: its encoder's next full chunk fails it, and nothing is sent. Any thread; the caller then
   * answers with its error, once the encoder has stopped.
   */
  void abandon() {
    abandoned = true;
  }

  /** Writes the whole answer with {@code body}, on the calling thread: the only one to touch the response. */
  void send(Body body) throws IOException {
    try {
      body.writeTo(this);
      finish();
    } catch (IOException | RuntimeException | Error e) {
      if (started) {
        // the status line is gone: only cutting the connection tells the client the answer is incomplete
        response.reset();
      }
      throw e;
    } finally {
      pending.clear();
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
    if (abandoned) {
      throw new IOException("the answer was given up");
    }
    pending.add(chunk);
    chunk = Unpooled.buffer(CHUNK, CHUNK);
    drain();
  }

  /** Sends the full chunks held, once released. */
  private void drain() throws IOException {
    if (pending.isEmpty() || !released || !begin()) {
      return;
    }
    if (!started) {
      response.setChunked(true);
      started = true;
    }
    for (ByteBuf b : pending) {
      awaitRoom();
      response.write(BufferInternal.buffer(b));
    }
    pending.clear();
  }

  /** Sets the status and headers once; false when the client has already left, and nothing is to be sent. */
  private boolean begin() {
    if (!begun) {
      begun = true;
      if (response.ended() || response.closed()) {
        dropped = true;
      } else {
        response.setStatusCode(200).putHeader("Content-Type", contentType)
            .putHeader("Cache-Control", "no-store");
      }
    }
    if (dropped) {
      pending.clear();
    }
    return !dropped;
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

  private void finish() throws IOException {
    if (!released) {
      throw new IllegalStateException("an answer held back was ended before it was released");
    }
    drain();
    if (begin()) {
      response.end(BufferInternal.buffer(chunk));
    }
  }
}
