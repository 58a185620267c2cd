package io.viewpulse.store.duckdb;

import io.viewpulse.model.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A file DuckDB writes that goes straight to a stream instead of a disk: a named pipe (made with {@code mkfifo}, owner
 * only, in a private temporary directory) that DuckDB's {@code COPY ... TO} writes on a thread of its own while the
 * caller's thread reads it into {@code out}. The pipe holds 64 KiB, so DuckDB writes no faster than {@code out}
 * takes the bytes, and memory holds a buffer, whatever the file's size.
 *
 * <p>Ends: the writer done and the pipe drained; or the writer failing (its failure is thrown, after what it wrote
 * went out); or {@code out} failing (the reader went away): the pipe is closed, which fails DuckDB's next write, and
 * the statement is cancelled, which stops it between writes. Either way the writer has stopped when this returns.
 * A writer that fails before it opened the pipe would leave the reader waiting in its open: the writer's thread then
 * opens the pipe itself (read-write, which never waits) and closes it, which the reader sees as the end.
 */
final class ParquetPipe {
  private ParquetPipe() {}

  /** What writes into the pipe: a statement, blocking until done, and how to stop it from another thread. */
  interface Writer {
    void write(Path pipe) throws Exception;

    void cancel() throws Exception;
  }

  static void pipe(Writer writer, OutputStream out) throws IOException {
    Path dir = Files.createTempDirectory("viewpulse-export",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path pipe = dir.resolve("views.parquet");
    try {
      mkfifo(pipe);
      CompletableFuture<Void> written = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try {
          writer.write(pipe);
          written.complete(null);
        } catch (Throwable e) {
          written.completeExceptionally(e);
        } finally {
          release(pipe);
        }
      }, "parquet-export");
      t.setDaemon(true);
      t.start();
      boolean copied = false;
      try (InputStream in = Files.newInputStream(pipe)) {
        in.transferTo(out);
        copied = true;
      } finally {
        if (!copied) {
          // the reader went away (or reading failed): stop the writer, whose next write fails on the closed pipe
          try {
            writer.cancel();
          } catch (Exception ignored) {
            // it stops at its next write anyway
          }
        }
        await(t);
      }
      try {
        written.get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        throw c instanceof StoreException s ? s : new StoreException("writing Parquet failed: " + c.getMessage(), c);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while writing Parquet", e);
      }
    } finally {
      Files.deleteIfExists(pipe);
      Files.deleteIfExists(dir);
    }
  }

  private static void mkfifo(Path pipe) throws IOException {
    Process p = new ProcessBuilder("mkfifo", "-m", "600", pipe.toString()).redirectErrorStream(true).start();
    try {
      String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new StoreException("cannot make a named pipe for a Parquet export (mkfifo: " + said + ")", null);
      }
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while making a named pipe", e);
    }
  }

  /** Opens and closes the pipe, which never waits: a reader still waiting in its own open then sees the end. */
  private static void release(Path pipe) {
    try (RandomAccessFile ignored = new RandomAccessFile(pipe.toFile(), "rw")) {
      // opened and closed
    } catch (IOException ignored) {
      // gone already: nobody waits on it
    }
  }

  private static void await(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
