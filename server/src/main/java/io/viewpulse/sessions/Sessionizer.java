package io.viewpulse.sessions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.viewpulse.eventlog.EventLog;
import io.viewpulse.model.Beacon;
import io.viewpulse.live.LiveSession;
import io.viewpulse.live.LiveStats;
import io.viewpulse.live.MinutePart;
import io.viewpulse.live.MinuteRow;
import io.viewpulse.live.Places;
import io.viewpulse.model.EventType;
import io.viewpulse.model.LogCodec;
import io.viewpulse.model.LogEntry;
import io.viewpulse.model.StreamEvent;
import io.viewpulse.model.PlayerEvent;
import io.viewpulse.model.SessionSnapshot;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.store.StoreException;
import io.viewpulse.store.ViewStore;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the event log into views.
 *
 * <p>One thread owns all session state: it applies durable beacons in log order, ends sessions by the injected
 * clock, and writes changes through {@link ViewStore#commit} with the offset of the last beacon applied, so the store
 * always holds a consistent cut of the log. It is also the write buffer: changes are written on a tick
 * ({@link SessionRules#flushInterval()}), when enough have piled up, on stop, and on {@link #flush()}. A failed write
 * keeps everything pending and is retried on the next tick; the log is released only up to what was committed.
 */
public final class Sessionizer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sessionizer.class);

  private sealed interface Item permits Record, FlushRequest, Stop {}

  private record Record(long offset, byte[] payload) implements Item {}

  private record FlushRequest(CompletableFuture<Void> done) implements Item {}

  private record Stop() implements Item {}

  private final EventLog log;
  private final ViewStore store;
  private final InstantSource clock;
  private final SessionRules rules;
  private final BlockingQueue<Item> inbox = new ArrayBlockingQueue<>(50_000);
  private final Map<String, ViewState> sessions = new HashMap<>();
  /** Sessions changed since the last write; by identity, so a flush does not look each one up again by key. */
  private final Set<ViewState> dirty = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  private final List<ViewRecord> finished = new ArrayList<>();
  private final Set<String> closed = new HashSet<>();
  /** hash of a finished session's key, to the time it finished; insertion ordered, so the oldest come first. */
  private final LinkedHashMap<Long, Long> recentlyClosed = new LinkedHashMap<>();
  private final Counter duplicates;
  private final Counter lateEvents;
  private final Timer storeWrites;
  private final LiveStats live;
  private final Interner<String> strings = new Interner<>(200_000);
  private final Interner<io.viewpulse.model.Dimensions> dimensions = new Interner<>(100_000);
  private final java.util.function.BiPredicate<String, String> isStream;
  private final List<MinuteRow> closedMinutes = new ArrayList<>();
  private long applied = -1;
  private long committed = -1;
  private long nextFlushAt;
  private long nextExpireAt;
  private final io.micrometer.core.instrument.MultiGauge streamGauge;
  private final Map<String, Long> streamsSeen = new HashMap<>();
  /** The gauges' values; held here because Micrometer only keeps weak references to them. */
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> streamCounts = new HashMap<>();
  private Thread thread;
  private volatile boolean failed;
  private volatile int openSessions;

  /**
   * @param isStream whether (account id, media id) is a live stream, whose sessions feed live statistics
   */
  public Sessionizer(EventLog log, ViewStore store, InstantSource clock, SessionRules rules, MeterRegistry metrics,
      java.util.function.BiPredicate<String, String> isStream) {
    this.log = log;
    this.isStream = isStream;
    this.live = new LiveStats(rules.liveGrace().toMillis());
    this.store = store;
    this.clock = clock;
    this.rules = rules;
    this.duplicates = metrics.counter("viewpulse_events_dropped_total", "reason", "duplicate_event");
    this.lateEvents = metrics.counter("viewpulse_events_dropped_total", "reason", "session_closed");
    this.storeWrites = Timer.builder("viewpulse_store_write_latency").publishPercentiles(0.5, 0.99)
        .description("time to commit one flush of views to the store").register(metrics);
    Gauge.builder("viewpulse_sessions_open", sessions, Map::size).description("sessions held in memory")
        .register(metrics);
    streamGauge = io.micrometer.core.instrument.MultiGauge.builder("viewpulse_stream_sessions")
        .description("sessions watching a live stream now (a beacon in the last minute, not ended)")
        .register(metrics);
    Gauge.builder("viewpulse_sessionizer_queue_depth", inbox, BlockingQueue::size)
        .description("durable beacons waiting to be applied").register(metrics);
  }

  /** Restores open sessions from the store, replays the log after the checkpoint, then follows the log. */
  public void start() {
    committed = store.checkpoint();
    applied = committed;
    int unreadable = 0;
    for (byte[] state : store.openSessionStates()) {
      try {
        ViewState s = StateCodec.decode(state);
        s.onStream = isStream.test(s.accountId, s.mediaId);
        s.dims = dimensions.intern(s.dims);
        sessions.put(s.key, s);
      } catch (RuntimeException e) {
        unreadable++;
      }
    }
    if (unreadable > 0) {
      // a snapshot from another version: its view stays as last written, only its open state is lost
      LOG.warn("{} open sessions could not be restored (written by another version)", unreadable);
    }
    int unreadableMinutes = live.restore(store.openMinuteParts(), store.newestClosedMinutes());
    if (unreadableMinutes > 0) {
      LOG.warn("{} parts of open live minutes could not be restored (written by another version)", unreadableMinutes);
    }
    int before = sessions.size();
    long[] replayed = {0};
    log.start(committed, (offset, payload) -> {
      if (thread == null) {
        applyRecord(offset, payload);
        replayed[0]++;
      } else {
        try {
          inbox.put(new Record(offset, payload));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
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

  /** Whether new beacons should wait: too many open sessions, or the store refuses writes. */
  public boolean saturated() {
    return openSessions >= rules.maxOpenSessions() || failed;
  }

  /** Sessions held in memory (as of the last beacon applied). */
  public int openSessions() {
    return openSessions;
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
          applyRecord(r.offset(), r.payload());
          // drain what is already there before considering a write
          Item next;
          while (dirty.size() < rules.flushSize() && (next = inbox.peek()) instanceof Record) {
            inbox.poll();
            applyRecord(((Record) next).offset(), ((Record) next).payload());
          }
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
        if (now >= nextFlushAt || dirty.size() >= rules.flushSize()) {
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

  private void applyRecord(long offset, byte[] payload) {
    applied = offset;
    LogEntry entry;
    try {
      entry = LogCodec.decode(payload);
    } catch (RuntimeException e) {
      // written by an older version, or damaged: skip it rather than stop
      LOG.warn("skipping an unreadable event-log entry at offset {}: {}", offset, e.getMessage());
      return;
    }
    if (entry instanceof StreamEvent e) {
      applyStreamEvent(e);
      return;
    }
    Beacon b = shared((Beacon) entry);
    String key = ViewState.keyOf(b);
    ViewState s = sessions.get(key);
    if (s == null) {
      if (recentlyClosed.containsKey(ViewState.hash(key))) {
        lateEvents.increment(b.events().size());
        return;
      }
      s = new ViewState(key, b);
      s.onStream = isStream.test(b.accountId(), b.mediaId());
      sessions.put(key, s);
    }
    s.touch(b);
    LiveSession ls = s.onStream ? liveSession(s) : null;
    long newest = ViewState.UNSET;
    for (PlayerEvent e : b.events()) {
      if (!s.apply(e)) {
        duplicates.increment();
        continue;
      }
      newest = Math.max(newest, e.timestamp());
      if (ls != null) {
        if (e.type() == EventType.HEARTBEAT) {
          live.played(ls, b.receivedAtMs(), s.lastPlayingDelta);
        } else if (e.type() == EventType.ERROR && "access-control".equals(e.category())) {
          live.authFailure(b.accountId(), b.mediaId(), b.receivedAtMs(), b.receivedAtMs());
        }
      }
    }
    s.afterBeacon(b.lastOfPage(), newest);
    s.timedOut = false;
    dirty.add(s);
    openSessions = sessions.size();
  }

  /** The beacon with its repeated values shared with the open sessions that hold them already. */
  private Beacon shared(Beacon b) {
    return new Beacon(strings.intern(b.accountId()), strings.intern(b.mediaId()), strings.intern(b.playbackId()),
        strings.intern(b.creatorId()), strings.intern(b.dStorageUrl()), b.sessionId(), b.viewerId(), b.live(),
        strings.intern(b.domain()), strings.intern(b.sourceHost()), dimensions.intern(b.dims()),
        strings.intern(b.region()), b.lastOfPage(), b.receivedAtMs(), b.events());
  }

  /** Decides on the event's receive time, not the clock: a replay after a restart must decide the same. */
  private void applyStreamEvent(StreamEvent e) {
    long now = e.receivedAtMs();
    if (e.type() == StreamEvent.Type.AUTH_FAILURE) {
      live.authFailure(e.accountId(), e.streamId(), e.timestamp(), now);
      return;
    }
    ViewState s = e.sessionId() == null ? null
        : sessions.get(e.accountId() + '|' + e.playbackId() + '|' + e.sessionId());
    LiveSession ls = s != null ? liveSession(s)
        : new LiveSession(e.accountId() + '|' + e.playbackId() + '|' + e.sessionId(), e.accountId(), e.streamId(),
            Long.MIN_VALUE, null, Places.location(null, null), Places.platform(null));
    live.slate(ls, e.slateKind(), e.reason(), e.seconds(), e.timestamp(), now);
  }

  private static LiveSession liveSession(ViewState s) {
    return new LiveSession(s.key, s.accountId, s.mediaId, s.startServerMs,
        s.sourceHost != null ? s.sourceHost : s.domain,
        Places.location(s.dims == null ? null : s.dims.country(), s.region),
        Places.platform(s.dims == null ? null : s.dims.os()));
  }

  /** Ends sessions by the rules of {@link SessionRules}, and forgets old closed ids. */
  private void expire() {
    long now = clock.millis();
    Map<String, Integer> watching = new HashMap<>();
    Iterator<ViewState> it = sessions.values().iterator();
    while (it.hasNext()) {
      ViewState s = it.next();
      long quiet = now - s.seenAt;
      if (s.onStream && !s.ended() && quiet <= 60_000) {
        watching.merge(s.mediaId, 1, Integer::sum);
      }
      boolean idle = quiet >= rules.idleTimeout().toMillis();
      boolean paused = s.lastPlayingAt != ViewState.UNSET && s.lastEventAt - s.lastPlayingAt
          >= rules.pausedTimeout().toMillis();
      // a page's last beacon means hidden as often as gone (a phone switching apps): such a session waits the idle
      // timeout, and a viewer back within it goes on with the same view; an ended video waits only the close grace
      boolean settled = s.endedByPlayer && quiet >= rules.closeGrace().toMillis();
      if (!(idle || paused || settled)) {
        continue;
      }
      if (!s.ended()) {
        s.timedOut = true;
      }
      it.remove();
      dirty.remove(s);
      closed.add(s.key);
      if (s.playIntent) {
        finished.add(s.toView());
      }
      recentlyClosed.put(ViewState.hash(s.key), now);
    }
    openSessions = sessions.size();
    Iterator<Map.Entry<Long, Long>> old = recentlyClosed.entrySet().iterator();
    while (old.hasNext()) {
      Map.Entry<Long, Long> e = old.next();
      if (now - e.getValue() < rules.closedMemory().toMillis() && recentlyClosed.size() <= 2_000_000) {
        break;
      }
      old.remove();
    }
    publishStreamGauges(now, watching);
  }

  /** One gauge per stream watched in the last ten minutes, so a stream's gauge falls to 0 before it goes. */
  private void publishStreamGauges(long now, Map<String, Integer> watching) {
    watching.keySet().forEach(id -> streamsSeen.put(id, now));
    streamsSeen.values().removeIf(t -> now - t > 600_000);
    streamCounts.keySet().retainAll(streamsSeen.keySet());
    List<io.micrometer.core.instrument.MultiGauge.Row<?>> rows = new ArrayList<>();
    for (String id : streamsSeen.keySet()) {
      var count = streamCounts.computeIfAbsent(id, k -> new java.util.concurrent.atomic.AtomicInteger());
      count.set(watching.getOrDefault(id, 0));
      rows.add(io.micrometer.core.instrument.MultiGauge.Row.of(
          io.micrometer.core.instrument.Tags.of("stream_id", id), count));
    }
    // rows already registered keep their meter, which reads the same AtomicInteger: re-registering them (overwrite)
    // removed and added every stream's meter each second, and a scrape in between missed a stream or saw it twice
    streamGauge.register(rows, false);
  }

  /** Commits pending changes; true when the store is now up to date with every applied beacon. */
  private boolean write() {
    closedMinutes.addAll(live.closeDue(clock.millis()));
    List<MinutePart> openParts = live.changes();
    if (dirty.isEmpty() && closed.isEmpty() && finished.isEmpty() && closedMinutes.isEmpty() && openParts.isEmpty()
        && applied == committed) {
      return true;
    }
    List<SessionSnapshot> changed = new ArrayList<>(dirty.size());
    for (ViewState s : dirty) {
      changed.add(new SessionSnapshot(s.key, s.playIntent, s.seenAt, StateCodec.encode(s), s.toView()));
    }
    long started = System.nanoTime();
    try {
      store.commit(changed, closed, finished, closedMinutes, openParts, applied);
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
    dirty.clear();
    closed.clear();
    finished.clear();
    closedMinutes.clear();
    live.committed();
    committed = applied;
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
