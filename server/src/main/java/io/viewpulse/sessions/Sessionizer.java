package io.viewpulse.sessions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.viewpulse.eventlog.EventLog;
import io.viewpulse.model.StoreException;
import java.time.InstantSource;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the event log into views, on one thread that owns every open session ({@link OpenSessions}).
 *
 * <p>It restores the open sessions from the store, replays the log after the store's checkpoint, then follows the
 * log: applies durable records in log order, ends sessions by the injected clock, and writes what changed through
 * {@link SessionStore#commit} with the offset of the last record applied. It writes on a tick
 * ({@link SessionRules#flushInterval()}), when enough sessions have changed, on {@link #flush()} and on stop. A
 * commit that fails is kept whole and retried, unchanged, before anything later is written (the store's retry
 * rule); meanwhile the sessions keep changing and the next commit takes those changes. The log is released only up to
 * what was committed.
 */
public final class Sessionizer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sessionizer.class);
  /** The partition of a log that has one (the file log). */
  private static final int PARTITION = 0;

  private sealed interface Item permits Record, FlushRequest, Stop {}

  private record Record(long offset, byte[] payload) implements Item {}

  private record FlushRequest(CompletableFuture<Void> done) implements Item {}

  private record Stop() implements Item {}

  private final EventLog log;
  private final SessionStore store;
  private final InstantSource clock;
  private final SessionRules rules;
  private final BlockingQueue<Item> inbox = new ArrayBlockingQueue<>(50_000);
  private final OpenSessions sessions;
  private final StreamGauges streamGauges;
  private final Timer storeWrites;
  /** A commit that failed, to be retried as it is before any other; null when none. */
  private SessionStore.Commit failedCommit;
  private long committed = -1;
  private long nextFlushAt;
  private long nextExpireAt;
  private Thread thread;
  private volatile boolean failed;
  private volatile int openSessions;
  /** Records applied since the last commit that took effect: what waits for the store. */
  private volatile long unstored;

  /** @param isStream whether (account id, media id) is a live stream, whose sessions feed live statistics */
  public Sessionizer(EventLog log, SessionStore store, InstantSource clock, SessionRules rules, MeterRegistry metrics,
      BiPredicate<String, String> isStream) {
    this.log = log;
    this.store = store;
    this.clock = clock;
    this.rules = rules;
    Counter duplicates = metrics.counter("viewpulse_events_dropped_total", "reason", "duplicate_event");
    Counter lateEvents = metrics.counter("viewpulse_events_dropped_total", "reason", "session_closed");
    this.sessions = new OpenSessions(PARTITION, rules, isStream, duplicates, lateEvents);
    this.streamGauges = new StreamGauges(metrics);
    this.storeWrites = Timer.builder("viewpulse_store_write_latency").publishPercentiles(0.5, 0.99)
        .description("time to commit one flush of views to the store").register(metrics);
    Gauge.builder("viewpulse_sessions_open", this, s -> s.openSessions).description("sessions held in memory")
        .register(metrics);
    Gauge.builder("viewpulse_sessionizer_queue_depth", inbox, BlockingQueue::size)
        .description("durable beacons waiting to be applied").register(metrics);
  }

  /** Restores open sessions from the store, replays the log after the checkpoint, then follows the log. */
  public void start() {
    sessions.restore(store.recover(PARTITION));
    committed = sessions.applied();
    openSessions = sessions.size();
    int before = sessions.size();
    long[] replayed = {0};
    log.start(committed, (offset, payload) -> {
      if (thread == null) {
        sessions.apply(offset, payload);
        replayed[0]++;
      } else {
        try {
          inbox.put(new Record(offset, payload));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    openSessions = sessions.size();
    LOG.info("recovered {} open sessions and replayed {} beacons after offset {}", before, replayed[0], committed);
    nextFlushAt = clock.millis();
    thread = new Thread(this::run, "sessionizer");
    thread.start();
  }

  /**
   * Applies every beacon acknowledged so far and writes all changes to the store; returns when they are queryable.
   * For tests and orderly shutdown.
   */
  public void flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      inbox.put(new FlushRequest(done));
      done.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("flush failed: " + e.getMessage(), e);
    }
  }

  /** Whether new beacons should wait: too many open sessions. */
  public boolean saturated() {
    return openSessions >= rules.maxOpenSessions();
  }

  /**
   * Whether new beacons should wait for the store: it refuses writes and {@link SessionRules#maxUnstored} beacons
   * wait for it already (until then the event log keeps them and ingest acknowledges them).
   */
  public boolean storeBacklogFull() {
    return failed && unstored >= rules.maxUnstored();
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
          sessions.apply(r.offset(), r.payload());
          long applied = 1;
          // drain what is already there before considering a write
          Item next;
          while (sessions.changedCount() < rules.flushSize() && (next = inbox.peek()) instanceof Record) {
            inbox.poll();
            sessions.apply(((Record) next).offset(), ((Record) next).payload());
            applied++;
          }
          unstored += applied;
          openSessions = sessions.size();
        } else if (item instanceof FlushRequest f) {
          expire();
          if (write()) {
            f.done().complete(null);
          } else {
            f.done().completeExceptionally(new StoreException("the store refused the write", null));
          }
          continue;
        } else if (item instanceof Stop) {
          expire();
          write();
          return;
        }
        long now = clock.millis();
        if (now >= nextFlushAt || sessions.changedCount() >= rules.flushSize()) {
          // ending sessions walks all of them: once a second is enough
          if (now >= nextExpireAt) {
            expire();
            nextExpireAt = now + 1_000;
          }
          write();
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

  private void expire() {
    long now = clock.millis();
    streamGauges.publish(now, sessions.expire(now));
    openSessions = sessions.size();
  }

  /** Commits what is pending; true when the store is now up to date with every applied record. */
  private boolean write() {
    if (failedCommit != null) {
      if (!commit(failedCommit)) {
        return false;
      }
      failedCommit = null;
    }
    long waiting = unstored;
    SessionStore.Commit c = sessions.drain(clock.millis());
    if (c.isEmpty() && c.checkpoint() == committed) {
      return true;
    }
    if (!commit(c)) {
      failedCommit = c;
      return false;
    }
    unstored -= waiting;
    return true;
  }

  private boolean commit(SessionStore.Commit c) {
    long started = System.nanoTime();
    try {
      store.commit(c);
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
    committed = c.checkpoint();
    log.release(committed);
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
