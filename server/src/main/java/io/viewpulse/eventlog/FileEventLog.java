package io.viewpulse.eventlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write-ahead log in segment files with group commit.
 *
 * <p>Invariants: one writer thread owns the active segment; it drains every pending append, writes them with one
 * {@code write} and one {@code force}, hands them to the consumer and only then completes their futures. A record is
 * {@code [int length][int crc32c][long offset][payload]}, the CRC covering offset and payload. Segment files are named
 * by their first offset, so the active (last) segment alone tells the next offset even when it is empty; it is never
 * deleted. On open, the last segment is scanned and cut at the first torn or corrupt record: what was never
 * acknowledged is dropped, what was acknowledged was forced and is intact.
 */
public final class FileEventLog implements EventLog {
  private static final Logger LOG = LoggerFactory.getLogger(FileEventLog.class);
  private static final int HEADER = 16;
  /** Payloads are beacons of at most 64 KiB plus enrichment; anything near this is a bug, not data. */
  static final int MAX_PAYLOAD = 1 << 20;
  /**
   * The least time between two syncs: under load, records wait up to this long to share a sync. Each {@code force}
   * costs CPU of its own (a VM exit, context switches, waking the event loops to answer), and at 30,000 beacons/s
   * the log synced 1,600 times a second with 20 records each; with 2 ms between syncs it syncs about 300 times with
   * 130 each, and the whole server took 19 % more beacons with lower acknowledgement latency. An idle log syncs at
   * once.
   */
  static final long MIN_SYNC_INTERVAL_NANOS = 2_000_000;

  private final Path dir;
  private final long segmentBytes;
  private final long maxPendingBytes;
  private final BlockingQueue<Pending> queue;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final TreeMap<Long, Path> segments = new TreeMap<>();
  private final Object segmentsLock = new Object();
  private FileChannel active;
  private long nextOffset;
  private volatile long released = -1;
  private volatile boolean closed;
  /** Written by the writer thread only. */
  private volatile long syncs;
  /** A failed write could not be cut off: the next batch starts a new segment rather than append after it. */
  private boolean tornTail;
  /** Beacons refused since writes started failing, so a full disk logs twice rather than once per batch. */
  private long refusedSinceFailure;
  /** The last batch could not be written; cleared by the next that is. */
  private volatile boolean failing;
  private Thread writer;
  private Owner owner;

  private record Pending(byte[] payload, CompletableFuture<Long> done) {}

  /** Receives the records of a scan of the segments. */
  private interface Consumer {
    void accept(long offset, byte[] payload);
  }

  /**
   * @param segmentBytes size at which a new segment file is started
   * @param maxPending records that may wait for the disk before appends are refused as overload
   * @param maxPendingBytes bytes that may wait for the disk before appends are refused as overload
   */
  public FileEventLog(Path dir, long segmentBytes, int maxPending, long maxPendingBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.maxPendingBytes = maxPendingBytes;
    this.queue = new ArrayBlockingQueue<>(maxPending);
    try {
      Files.createDirectories(dir, io.viewpulse.model.OwnerOnlyFiles.dir());
      try (var files = Files.list(dir)) {
        files.filter(p -> p.getFileName().toString().endsWith(".log")).forEach(p -> {
          String n = p.getFileName().toString();
          segments.put(Long.parseLong(n.substring(0, n.length() - 4)), p);
        });
      }
      if (segments.isEmpty()) {
        openSegment(0);
      } else {
        var last = segments.lastEntry();
        nextOffset = recoverTail(last.getKey(), last.getValue());
        active = FileChannel.open(last.getValue(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the event log in " + dir, e);
    }
  }

  /** The one partition of this log. */
  private static final int PARTITION = 0;

  @Override
  public void start(Owner owner) {
    this.owner = owner;
    long afterOffset = owner.assigned(PARTITION);
    released = afterOffset;
    replay(afterOffset, (offset, payload) -> owner.accept(PARTITION, offset, payload));
    writer = new Thread(this::writeLoop, "event-log-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public CompletableFuture<Long> append(String key, byte[] payload) {
    return append(payload);
  }

  @Override
  public CompletableFuture<Long> appendTo(int partition, byte[] payload) {
    if (partition != PARTITION) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the file log has one partition, 0"));
    }
    return append(payload);
  }

  @Override
  public int partitions() {
    return 1;
  }

  /** Already true: the writer hands each record to the owner before its append completes. */
  @Override
  public CompletableFuture<Void> delivered() {
    return CompletableFuture.completedFuture(null);
  }

  /** Appends one record to the log's one partition. */
  public CompletableFuture<Long> append(byte[] payload) {
    if (payload.length > MAX_PAYLOAD) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("record of " + payload.length + " bytes exceeds " + MAX_PAYLOAD));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new LogUnavailableException("the event log is closed", true, null));
    }
    if (pendingBytes.addAndGet(payload.length) > maxPendingBytes) {
      pendingBytes.addAndGet(-payload.length);
      return CompletableFuture.failedFuture(new LogUnavailableException("event log queue is full", true, null));
    }
    var p = new Pending(payload, new CompletableFuture<>());
    if (!queue.offer(p)) {
      pendingBytes.addAndGet(-payload.length);
      return CompletableFuture.failedFuture(new LogUnavailableException("event log queue is full", true, null));
    }
    return p.done;
  }

  @Override
  public int pending() {
    return queue.size();
  }

  @Override
  public long syncs() {
    return syncs;
  }

  /** Offset the next record will get. */
  public long nextOffset() {
    synchronized (segmentsLock) {
      return nextOffset;
    }
  }

  @Override
  public void release(int partition, long offset) {
    release(offset);
  }

  /** Ready unless closed or refusing writes (a full disk, an I/O error). */
  @Override
  public boolean ready() {
    return !closed && !failing;
  }

  /** Records up to and including {@code offset} may go. */
  public void release(long offset) {
    released = Math.max(released, offset);
    List<Path> doomed = new ArrayList<>();
    synchronized (segmentsLock) {
      // a segment may go when the next one starts at or before released + 1: all its records are released
      while (segments.size() > 1) {
        var first = segments.firstEntry();
        Long nextStart = segments.higherKey(first.getKey());
        if (nextStart == null || nextStart > released + 1) {
          break;
        }
        segments.pollFirstEntry();
        doomed.add(first.getValue());
      }
    }
    for (Path p : doomed) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.warn("cannot delete released log segment {}: {}", p, e.toString());
      }
    }
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
    CRC32C crc = new CRC32C();
    long lastSync = System.nanoTime() - MIN_SYNC_INTERVAL_NANOS;
    while (true) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed && queue.isEmpty()) {
            return;
          }
          continue;
        }
        long early = lastSync + MIN_SYNC_INTERVAL_NANOS - System.nanoTime();
        if (early > 0) {
          LockSupport.parkNanos(early);
        }
        batch.add(first);
        queue.drainTo(batch, 10_000);
        writeBatch(batch, buf, crc);
        lastSync = System.nanoTime();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void writeBatch(List<Pending> batch, ByteBuffer buf, CRC32C crc) {
    long firstOffset;
    long startPos;
    try {
      synchronized (segmentsLock) {
        if (active.size() >= segmentBytes || tornTail) {
          if (!tornTail) {
            active.force(false);
          }
          active.close();
          if (tornTail && segments.lastKey() == nextOffset) {
            // no intact record in it, so nothing acknowledged: start it again from empty
            Files.delete(segments.pollLastEntry().getValue());
          }
          openSegment(nextOffset);
          tornTail = false;
        }
        firstOffset = nextOffset;
      }
      startPos = active.size();
    } catch (IOException e) {
      fail(batch, e);
      return;
    }
    try {
      long offset = firstOffset;
      for (Pending p : batch) {
        int need = HEADER + p.payload.length;
        if (buf.remaining() < need) {
          buf.flip();
          while (buf.hasRemaining()) {
            active.write(buf);
          }
          buf.clear();
          if (buf.capacity() < need) {
            buf = ByteBuffer.allocateDirect(need);
          }
        }
        crc.reset();
        ByteBuffer off = ByteBuffer.allocate(8).putLong(0, offset);
        crc.update(off);
        crc.update(p.payload);
        buf.putInt(p.payload.length).putInt((int) crc.getValue()).putLong(offset).put(p.payload);
        offset++;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        active.write(buf);
      }
      buf.clear();
      active.force(false);
      syncs++;
    } catch (IOException e) {
      buf.clear();
      try {
        active.truncate(startPos);
      } catch (IOException cut) {
        // records appended after the torn bytes would be unreadable: replay stops at the first bad record
        synchronized (segmentsLock) {
          tornTail = true;
        }
      }
      fail(batch, e);
      return;
    }
    synchronized (segmentsLock) {
      nextOffset = firstOffset + batch.size();
    }
    failing = false;
    if (refusedSinceFailure > 0) {
      LOG.warn("event log writes again, after refusing {} beacons", refusedSinceFailure);
      refusedSinceFailure = 0;
    }
    long offset = firstOffset;
    for (Pending p : batch) {
      pendingBytes.addAndGet(-p.payload.length);
      owner.accept(PARTITION, offset, p.payload);
      p.done.complete(offset);
      offset++;
    }
  }

  private void fail(List<Pending> batch, IOException e) {
    failing = true;
    if (refusedSinceFailure == 0) {
      LOG.error("event log write failed; beacons are refused until it works again: {}", e.toString());
    }
    refusedSinceFailure += batch.size();
    for (Pending p : batch) {
      pendingBytes.addAndGet(-p.payload.length);
      p.done.completeExceptionally(new LogUnavailableException("cannot write the event log: " + e, false, e));
    }
  }

  private void openSegment(long firstOffset) throws IOException {
    Path p = dir.resolve(String.format("%020d.log", firstOffset));
    active = FileChannel.open(p, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND), io.viewpulse.model.OwnerOnlyFiles.file());
    // the new file's directory entry must be durable too, or a crash could lose the whole segment
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      LOG.debug("directory fsync not supported here: {}", e.toString());
    }
    segments.put(firstOffset, p);
    nextOffset = firstOffset;
  }

  /** Scans the last segment, cuts it after the last intact record, returns the next offset. */
  private static long recoverTail(long firstOffset, Path file) throws IOException {
    long[] next = {firstOffset};
    long validEnd = scan(file, firstOffset, (o, payload) -> next[0] = o + 1);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      if (ch.size() > validEnd) {
        LOG.warn("event log {}: cutting {} bytes of an unacknowledged torn write", file.getFileName(),
            ch.size() - validEnd);
        ch.truncate(validEnd);
        ch.force(true);
      }
    }
    return next[0];
  }

  private void replay(long afterOffset, Consumer c) {
    List<java.util.Map.Entry<Long, Path>> segs;
    synchronized (segmentsLock) {
      segs = new ArrayList<>(segments.entrySet());
    }
    for (int i = 0; i < segs.size(); i++) {
      Long nextStart = i + 1 < segs.size() ? segs.get(i + 1).getKey() : null;
      if (nextStart != null && nextStart <= afterOffset + 1) {
        continue;
      }
      try {
        scan(segs.get(i).getValue(), segs.get(i).getKey(), (o, payload) -> {
          if (o > afterOffset) {
            c.accept(o, payload);
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot replay the event log", e);
      }
    }
  }

  /** Reads intact records in order; returns the byte position after the last one. */
  private static long scan(Path file, long firstOffset, Consumer c) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long pos = 0;
      long expected = firstOffset;
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      CRC32C crc = new CRC32C();
      while (pos + HEADER <= size) {
        header.clear();
        ch.read(header, pos);
        header.flip();
        int len = header.getInt();
        int sum = header.getInt();
        long offset = header.getLong();
        if (len < 0 || len > MAX_PAYLOAD || pos + HEADER + len > size || offset != expected) {
          break;
        }
        ByteBuffer payload = ByteBuffer.allocate(len);
        ch.read(payload, pos + HEADER);
        crc.reset();
        crc.update(ByteBuffer.allocate(8).putLong(0, offset));
        crc.update(payload.array());
        if ((int) crc.getValue() != sum) {
          break;
        }
        c.accept(offset, payload.array());
        pos += HEADER + len;
        expected++;
      }
      return pos;
    }
  }

  /** Stops accepting, writes what is pending, and closes the segment. */
  @Override
  public void close() {
    closed = true;
    if (writer != null) {
      try {
        writer.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      active.force(true);
      active.close();
    } catch (IOException e) {
      LOG.warn("closing the event log: {}", e.toString());
    }
  }
}
