package io.viewpulse.sessions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.viewpulse.eventlog.EventLog;
import io.viewpulse.model.LogCodec;
import io.viewpulse.model.Tick;
import io.viewpulse.model.StoreException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the event log into views, on one thread that owns every open session.
 *
 * <p>The log tells it which partitions this process owns ({@link EventLog.Owner}). For each, it restores the open
 * sessions from the store ({@link SessionStore#recover}), has the log replay what came after the store's checkpoint,
 * then follows the partition: applies durable records in log order, ends sessions by the injected clock, and writes
 * what changed with the offset of the last record applied: the commits of all its partitions together, through
 * {@link SessionStore#commitAll}, so that a process owning many partitions writes as often as one owning one. It writes
 * on a tick
 * ({@link SessionRules#flushInterval()}), when enough sessions have changed, on {@link #flush()}, on stop, and when a
 * partition goes to another process. A commit that fails is kept whole and retried, unchanged, before anything later
 * of its partition is written (the store's retry rule); meanwhile the sessions keep changing and the next commit takes
 * those changes. The log is released only up to what was committed.
 */
public final class Sessionizer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sessionizer.class);

  private sealed interface Item permits Record, Assign, Revoke, FlushRequest, Stop {}

  private record Record(int partition, long offset, byte[] payload) implements Item {}

  private record Assign(int partition, CompletableFuture<Long> checkpoint) implements Item {}

  private record Revoke(int partition, CompletableFuture<Void> done) implements Item {}

  private record FlushRequest(CompletableFuture<Void> done) implements Item {}

  private record Stop() implements Item {}

  /** How long a partition may go without a record before its owner writes a tick into it (its time moves on). */
  private static final long TICK_MS = 1_000;
  /** A commit that would only move the checkpoint waits this long after the last one (ticks keep moving it). */
  private static final long CHECKPOINT_ONLY_MS = 10_000;

  /** What this process holds of one partition it owns. */
  private static final class Partition {
    final OpenSessions sessions;
    /** The clock when this process last applied a record of the partition, or wrote a tick into it. */
    long lastActivity;
    /** The clock at the last commit that took effect. */
    long lastCommit;
    /** A commit that failed, to be retried as it is before any other; null when none. */
    SessionStore.Commit failedCommit;
    /** The records that {@link #failedCommit} stores (those applied before it was drained). */
    long failedUnstored;
    long committed;
    /** Records applied since the last commit that took effect: what waits for the store. */
    long unstored;

    Partition(OpenSessions sessions) {
      this.sessions = sessions;
      this.committed = sessions.applied();
    }
  }

  private final EventLog log;
  private final SessionStore store;
  private final InstantSource clock;
  private final SessionRules rules;
  private final BiPredicate<String, String> isStream;
  private final Counter duplicates;
  private final Counter lateEvents;
  private final BlockingQueue<Item> inbox = new ArrayBlockingQueue<>(50_000);
  /** The partitions owned now; changed on the sessionizer's thread only (or before it starts). */
  private final Map<Integer, Partition> partitions = new TreeMap<>();
  private final StreamGauges streamGauges;
  private final Timer storeWrites;
  private final Timer restores;
  private long nextFlushAt;
  private long nextExpireAt;
  private volatile Thread thread;
  /** The thread running {@link #start}: the log's calls on it (the first assignments, the replay) run directly. */
  private volatile Thread starter;
  private volatile boolean started;
  private volatile boolean failed;
  private volatile int openSessions;
  private volatile long unstored;
  private volatile int owned;
  /** The partitions owned, for other threads (flush). */
  private volatile List<Integer> ownedIds = List.of();

  /** @param isStream whether (account id, media id) is a live stream, whose sessions feed live statistics */
  public Sessionizer(EventLog log, SessionStore store, InstantSource clock, SessionRules rules, MeterRegistry metrics,
      BiPredicate<String, String> isStream) {
    this.log = log;
    this.store = store;
    this.clock = clock;
    this.rules = rules;
    this.isStream = isStream;
    this.duplicates = metrics.counter("viewpulse_events_dropped_total", "reason", "duplicate_event");
    this.lateEvents = metrics.counter("viewpulse_events_dropped_total", "reason", "session_closed");
    this.streamGauges = new StreamGauges(metrics);
    this.storeWrites = Timer.builder("viewpulse_store_write_latency").publishPercentiles(0.5, 0.99)
        .description("time to commit one flush of views to the store").register(metrics);
    this.restores = Timer.builder("viewpulse_partition_restore_latency").publishPercentiles(0.5, 0.99)
        .description("time to read a partition's open sessions back from the store when this process takes it")
        .register(metrics);
    Gauge.builder("viewpulse_sessions_open", this, s -> s.openSessions).description("sessions held in memory")
        .register(metrics);
    Gauge.builder("viewpulse_sessionizer_queue_depth", inbox, BlockingQueue::size)
        .description("durable beacons waiting to be applied").register(metrics);
    Gauge.builder("viewpulse_partitions_owned", this, s -> s.owned)
        .description("event-log partitions this process owns").register(metrics);
  }

  /**
   * Takes the partitions the log assigns: each restored from the store and replayed from its checkpoint (the ones
   * assigned now, before this returns); then follows the log.
   */
  public void start() {
    long[] replayed = {0};
    starter = Thread.currentThread();
    log.start(new EventLog.Owner() {
      @Override
      public long assigned(int partition) {
        if (direct()) {
          return assign(partition);
        }
        CompletableFuture<Long> checkpoint = new CompletableFuture<>();
        put(new Assign(partition, checkpoint));
        return checkpoint.join();
      }

      @Override
      public void accept(int partition, long offset, byte[] payload) {
        if (direct()) {
          apply(partition, offset, payload);
          replayed[0]++;
        } else {
          put(new Record(partition, offset, payload));
        }
      }

      @Override
      public void revoked(int partition) {
        if (direct()) {
          revoke(partition);
          return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        put(new Revoke(partition, done));
        done.join();
      }
    });
    LOG.info("recovered {} open sessions and replayed {} beacons", openSessions, replayed[0]);
    nextFlushAt = clock.millis();
    thread = new Thread(this::run, "sessionizer");
    started = true;
    thread.start();
  }

  /**
   * Whether a call of the log runs on the thread starting the sessionizer, before its own thread runs: then it is
   * applied at once (the first assignments and their replay); any other call is queued for the sessionizer's thread,
   * which owns the sessions.
   */
  private boolean direct() {
    return !started && Thread.currentThread() == starter;
  }

  private void put(Item item) {
    try {
      inbox.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Restores a partition from the store; returns the offset after which the log is to deliver its records. */
  private long assign(int partition) {
    OpenSessions sessions = new OpenSessions(partition, rules, isStream, duplicates, lateEvents);
    long began = System.nanoTime();
    sessions.restore(store.recover(partition));
    restores.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
    Partition p = new Partition(sessions);
    p.lastActivity = clock.millis();
    p.lastCommit = p.lastActivity;
    partitions.put(partition, p);
    owned = partitions.size();
    ownedIds = List.copyOf(partitions.keySet());
    openSessions = openCount();
    return sessions.applied();
  }

  /** Writes what a partition going elsewhere holds (as far as the store takes it) and forgets it. */
  private void revoke(int partition) {
    Partition p = partitions.get(partition);
    if (p == null) {
      return;
    }
    if (!write(p, true)) {
      LOG.warn("partition {} goes to another process with what the store refused: its next owner replays it from"
          + " offset {}", partition, p.committed);
    }
    partitions.remove(partition);
    owned = partitions.size();
    ownedIds = List.copyOf(partitions.keySet());
    openSessions = openCount();
  }

  private void apply(int partition, long offset, byte[] payload) {
    Partition p = partitions.get(partition);
    if (p == null) {
      // delivered after its partition went: the next owner has it
      return;
    }
    if (p.sessions.apply(offset, payload)) {
      p.unstored++;
    }
    p.lastActivity = clock.millis();
  }

  /**
   * Applies every beacon acknowledged so far and writes all changes to the store; returns when they are queryable.
   * For tests and orderly shutdown.
   */
  public void flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      // the partitions' time is the clock's now: a tick into each, delivered (with every beacon acknowledged
      // before it) before the flush
      for (int partition : ownedIds) {
        log.appendTo(partition, LogCodec.encode(new Tick(clock.millis()))).get(60, TimeUnit.SECONDS);
      }
      log.delivered().get(60, TimeUnit.SECONDS);
      inbox.put(new FlushRequest(done));
      done.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("flush failed: " + e.getMessage(), e);
    }
  }

  /**
   * Whether new beacons should wait for the store: it refuses writes and {@link SessionRules#maxUnstored} beacons
   * wait for it already (until then the event log keeps them and ingest acknowledges them).
   */
  public boolean storeBacklogFull() {
    return failed && unstored >= rules.maxUnstored();
  }

  /** Beacons the store refused so far that wait in the event log for it (0 while it takes writes). */
  public long beaconsAwaitingStore() {
    return failed ? unstored : 0;
  }

  /** The partitions of the log this process owns now. */
  public int partitionsOwned() {
    return owned;
  }

  /** Sessions held in memory (as of the last beacon applied). */
  public int openSessions() {
    return openSessions;
  }

  /**
   * Records handed to the sessionizer and not applied yet. Each may open a session, so admission counts them with the
   * open sessions: otherwise a flood outruns the count by as many records as the sessionizer lags behind.
   */
  public int recordsQueued() {
    return inbox.size();
  }

  /** Whether the last write to the store failed (cleared by the next successful one). */
  public boolean storeFailing() {
    return failed;
  }

  private void run() {
    while (true) {
      try {
        long wait = Math.max(1, nextFlushAt - clock.millis());
        Item item = inbox.poll(Math.min(wait, rules.flushInterval().toMillis()), TimeUnit.MILLISECONDS);
        if (item instanceof Record r) {
          apply(r.partition(), r.offset(), r.payload());
          // drain what is already there before considering a write
          Item next;
          while (changed() < rules.flushSize() && (next = inbox.peek()) instanceof Record n) {
            inbox.poll();
            apply(n.partition(), n.offset(), n.payload());
          }
          openSessions = openCount();
          unstored = unstoredCount();
        } else if (item instanceof Assign a) {
          try {
            a.checkpoint().complete(assign(a.partition()));
          } catch (RuntimeException e) {
            // the store cannot be read now: the log is told, and asks again
            a.checkpoint().completeExceptionally(e);
          }
          continue;
        } else if (item instanceof Revoke r) {
          try {
            revoke(r.partition());
          } finally {
            r.done().complete(null);
          }
          continue;
        } else if (item instanceof FlushRequest f) {
          expire();
          if (writeAll(true)) {
            f.done().complete(null);
          } else {
            f.done().completeExceptionally(new StoreException("the store refused the write", null));
          }
          continue;
        } else if (item instanceof Stop) {
          expire();
          writeAll(true);
          return;
        }
        long now = clock.millis();
        if (now >= nextFlushAt || changed() >= rules.flushSize()) {
          // ending sessions walks all of them: once a second is enough
          if (now >= nextExpireAt) {
            tickQuietPartitions(now);
            expire();
            nextExpireAt = now + 1_000;
          }
          writeAll(false);
          nextFlushAt = now + rules.flushInterval().toMillis();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("sessionizer step failed; continuing", e);
      }
    }
  }

  private int changed() {
    int n = 0;
    for (Partition p : partitions.values()) {
      n += p.sessions.changedCount();
    }
    return n;
  }

  private int openCount() {
    int n = 0;
    for (Partition p : partitions.values()) {
      n += p.sessions.size();
    }
    return n;
  }

  private long unstoredCount() {
    long n = 0;
    for (Partition p : partitions.values()) {
      n += p.unstored;
    }
    return n;
  }

  /**
   * Writes a tick into each owned partition that had no record for a while, so that its time (and with it timeouts
   * and live minutes) moves on through the log. Fire and forget: a tick that fails is followed by the next.
   */
  private void tickQuietPartitions(long now) {
    for (Map.Entry<Integer, Partition> e : partitions.entrySet()) {
      Partition p = e.getValue();
      if (now - p.lastActivity >= TICK_MS) {
        p.lastActivity = now;
        log.appendTo(e.getKey(), LogCodec.encode(new Tick(now)));
      }
    }
  }

  /** Ends the sessions that are over by each partition's time. */
  private void expire() {
    Map<String, Integer> watching = new HashMap<>();
    for (Partition p : partitions.values()) {
      p.sessions.expire().forEach((stream, n) -> watching.merge(stream, n, Integer::sum));
    }
    streamGauges.publish(clock.millis(), watching);
    openSessions = openCount();
  }

  /**
   * Commits what every partition has pending, in one batch; true when the store is up to date with every record
   * applied. Without {@code force}, a commit that would only move a checkpoint waits (ticks move it every second).
   */
  private boolean writeAll(boolean force) {
    boolean upToDate = write(List.copyOf(partitions.values()), force);
    unstored = unstoredCount();
    return upToDate;
  }

  /** Commits what one partition has pending (when it goes to another process). */
  private boolean write(Partition p, boolean force) {
    return write(List.of(p), force);
  }

  private boolean write(List<Partition> ps, boolean force) {
    // failed commits first, unchanged, before anything later of their partitions
    List<Partition> retried = new ArrayList<>();
    for (Partition p : ps) {
      if (p.failedCommit != null) {
        retried.add(p);
      }
    }
    if (!retried.isEmpty()) {
      if (!commit(retried, retried.stream().map(p -> p.failedCommit).toList())) {
        return false;
      }
      for (Partition p : retried) {
        p.unstored -= p.failedUnstored;
        p.failedCommit = null;
      }
    }
    boolean upToDate = true;
    List<Partition> writers = new ArrayList<>();
    List<SessionStore.Commit> batch = new ArrayList<>();
    long[] waiting = new long[ps.size()];
    for (Partition p : ps) {
      if (!p.sessions.hasChanges() && !force && clock.millis() - p.lastCommit < CHECKPOINT_ONLY_MS) {
        // nothing changed but (perhaps) the checkpoint; the next commit will carry it
        upToDate &= p.sessions.applied() == p.committed;
        continue;
      }
      long records = p.unstored;
      SessionStore.Commit c = p.sessions.drain();
      if (c.isEmpty() && c.checkpoint() == p.committed) {
        continue;
      }
      waiting[writers.size()] = records;
      writers.add(p);
      batch.add(c);
    }
    if (batch.isEmpty()) {
      return upToDate;
    }
    if (!commit(writers, batch)) {
      for (int i = 0; i < writers.size(); i++) {
        writers.get(i).failedCommit = batch.get(i);
        writers.get(i).failedUnstored = waiting[i];
      }
      return false;
    }
    for (int i = 0; i < writers.size(); i++) {
      writers.get(i).unstored -= waiting[i];
    }
    return upToDate;
  }

  /** One batch of commits, the i-th of the i-th partition; true when it took effect. */
  private boolean commit(List<Partition> ps, List<SessionStore.Commit> batch) {
    long started = System.nanoTime();
    try {
      store.commitAll(batch);
    } catch (StoreException e) {
      if (!failed) {
        LOG.error("cannot write views to the store; will retry: {}", e.getMessage());
      }
      failed = true;
      return false;
    }
    storeWrites.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    if (failed) {
      LOG.warn("the store takes writes again");
    }
    failed = false;
    long now = clock.millis();
    for (int i = 0; i < ps.size(); i++) {
      Partition p = ps.get(i);
      SessionStore.Commit c = batch.get(i);
      p.committed = c.checkpoint();
      p.lastCommit = now;
      log.release(c.partition(), p.committed);
    }
    return true;
  }

  /** Applies what is queued, writes it, and stops the thread. */
  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    try {
      inbox.put(new Stop());
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
