package io.viewpulse.sessions;

import io.micrometer.core.instrument.Counter;
import io.viewpulse.live.LiveSession;
import io.viewpulse.live.LiveStats;
import io.viewpulse.live.MinutePart;
import io.viewpulse.live.MinuteRow;
import io.viewpulse.live.Places;
import io.viewpulse.model.Beacon;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.EventType;
import io.viewpulse.model.LogCodec;
import io.viewpulse.model.LogEntry;
import io.viewpulse.model.PlayerEvent;
import io.viewpulse.model.SessionSnapshot;
import io.viewpulse.model.StreamEvent;
import io.viewpulse.model.Tick;
import io.viewpulse.model.ViewRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open sessions of one event-log partition, and what they changed since the last commit.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Records are applied in log order, each once; {@link #applied()} is the offset of the last one.
 *   <li>What the records and timeouts changed since the last {@link #drain} is pending: the changed sessions, the
 *       closed ones with their views, the live minutes that closed and the parts of those still open. A drain hands
 *       all of it over as one {@link SessionStore.Commit} at {@link #applied()} and starts again from nothing pending.
 *   <li>Every decision depends on the log alone: sessions end and live minutes close by the partition's time,
 *       {@link #logTime()} (the latest receive time of its records, ticks included), and live minutes open by their
 *       records' receive times; so a replay of the partition, after a crash or on another node, decides exactly as
 *       the first run did.
 * </ul>
 * Not thread-safe: owned by the sessionizer's thread.
 */
final class OpenSessions {
  private static final Logger LOG = LoggerFactory.getLogger(OpenSessions.class);
  /** Finished sessions remembered at most, whatever their age, so late events cannot grow memory without bound. */
  private static final int MAX_REMEMBERED_CLOSED = 2_000_000;

  private final int partition;
  private final SessionRules rules;
  private final BiPredicate<String, String> isStream;
  private final Counter duplicates;
  private final Counter lateEvents;
  private final LiveStats live;
  private final Map<String, ViewState> sessions = new HashMap<>();
  /** Sessions changed since the last drain; by identity, so a drain does not look each one up again by key. */
  private final Set<ViewState> dirty = Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<ViewRecord> finished = new ArrayList<>();
  /** The finished views' timelines by view id, for the next commit. */
  private final Map<Long, byte[]> timelines = new HashMap<>();
  private final List<SessionStore.Closed> closed = new ArrayList<>();
  /** Minutes of live statistics that closed since the last drain. */
  private final List<MinuteRow> closedMinutes = new ArrayList<>();
  /** hash of a finished session's key, to the time it finished; insertion ordered, so the oldest come first. */
  private final LinkedHashMap<Long, Long> recentlyClosed = new LinkedHashMap<>();
  private final Interner<String> strings = new Interner<>(200_000);
  private final Interner<Dimensions> dimensions = new Interner<>(100_000);
  private long applied = -1;
  /** The partition's time: the latest receive time of a record applied (a tick's included). */
  private long logTime = Long.MIN_VALUE;

  /** @param isStream whether (account id, media id) is a live stream, whose sessions feed live statistics */
  OpenSessions(int partition, SessionRules rules, BiPredicate<String, String> isStream, Counter duplicates,
      Counter lateEvents) {
    this.partition = partition;
    this.rules = rules;
    this.isStream = isStream;
    this.duplicates = duplicates;
    this.lateEvents = lateEvents;
    this.live = new LiveStats(rules.liveGrace().toMillis());
  }

  /** Starts from what the store kept; call once, before anything is applied. */
  void restore(SessionStore.Recovery r) {
    applied = r.checkpoint();
    int unreadable = 0;
    for (byte[] state : r.openSessions()) {
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
    recentlyClosed.putAll(r.recentlyClosed());
    int unreadableMinutes = live.restore(r.openMinuteParts(), r.newestClosedMinutes());
    if (unreadableMinutes > 0) {
      LOG.warn("{} parts of open live minutes could not be restored (written by another version)", unreadableMinutes);
    }
  }

  int partition() {
    return partition;
  }

  /** The offset of the last record applied (the restored checkpoint before any). */
  long applied() {
    return applied;
  }

  int size() {
    return sessions.size();
  }

  /** The partition's time, by its records; {@link Long#MIN_VALUE} before any. */
  long logTime() {
    return logTime;
  }

  /** Applies one record of the log; false when it was only the log's time (a tick) or unreadable. */
  boolean apply(long offset, byte[] payload) {
    applied = offset;
    LogEntry entry;
    try {
      entry = LogCodec.decode(payload);
    } catch (RuntimeException e) {
      // written by an older version, or damaged: skip it rather than stop
      LOG.warn("skipping an unreadable event-log entry at offset {}: {}", offset, e.getMessage());
      return false;
    }
    logTime = Math.max(logTime, entry.receivedAtMs());
    if (live.anyDue(logTime)) {
      // minutes close at the first record of the log whose time passes their grace, wherever commits fall
      closedMinutes.addAll(live.closeDue(logTime));
    }
    if (entry instanceof Tick) {
      return false;
    }
    if (entry instanceof StreamEvent e) {
      applyStreamEvent(e);
      return true;
    }
    Beacon b = shared((Beacon) entry);
    String key = ViewState.keyOf(b);
    ViewState s = sessions.get(key);
    if (s != null && overAt(s) <= logTime) {
      // over before this beacon came, whether or not a sweep has found it yet
      close(s);
      s = null;
    }
    if (s == null) {
      Long closedAt = recentlyClosed.get(SessionStore.keyHash(key));
      if (closedAt != null && logTime - closedAt < rules.closedMemory().toMillis()) {
        lateEvents.increment(b.events().size());
        return true;
      }
      s = new ViewState(key, b);
      s.onStream = isStream.test(b.accountId(), b.mediaId());
      sessions.put(key, s);
    }
    s.touch(b);
    LiveSession ls = s.onStream ? liveSession(s) : null;
    long sentAt = Long.MIN_VALUE;
    for (PlayerEvent e : b.events()) {
      // the player stamped its newest event as it sent the beacon: older heartbeats waited in the player
      sentAt = Math.max(sentAt, e.timestamp());
    }
    long newest = ViewState.UNSET;
    for (PlayerEvent e : b.events()) {
      if (!s.apply(e)) {
        duplicates.increment();
        continue;
      }
      newest = Math.max(newest, e.timestamp());
      if (ls != null) {
        if (e.type() == EventType.HEARTBEAT || e.type() == EventType.PLAY_STATE) {
          live.played(ls, b.receivedAtMs(), sentAt, e.timestamp(), s.lastPlayingDelta);
        } else if (e.type() == EventType.ERROR && "access-control".equals(e.category())) {
          live.authFailure(b.accountId(), b.mediaId(), b.receivedAtMs(), b.receivedAtMs());
        }
      }
    }
    s.afterBeacon(b.lastOfPage(), newest);
    s.timedOut = false;
    dirty.add(s);
    return true;
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
    String key = e.accountId() + '|' + e.playbackId() + '|' + e.sessionId();
    ViewState s = e.sessionId() == null ? null : sessions.get(key);
    LiveSession ls = s != null ? liveSession(s)
        : new LiveSession(key, e.accountId(), e.streamId(), Long.MIN_VALUE, null, Places.location(null, null),
            Places.platform(null));
    live.slate(ls, e.slateKind(), e.reason(), e.seconds(), e.timestamp(), now);
  }

  private static LiveSession liveSession(ViewState s) {
    return new LiveSession(s.key, s.accountId, s.mediaId, s.startServerMs,
        s.sourceHost != null ? s.sourceHost : s.domain,
        Places.location(s.dims == null ? null : s.dims.country(), s.region),
        Places.platform(s.dims == null ? null : s.dims.os()));
  }

  /**
   * Ends the sessions that are over at the partition's time by the rules of {@link SessionRules}, and forgets old
   * closed ids. Returns, per stream (media id), how many of its sessions are watching: not ended, a beacon in the
   * last minute.
   */
  Map<String, Integer> expire() {
    long now = logTime;
    if (now == Long.MIN_VALUE) {
      return Map.of();
    }
    Map<String, Integer> watching = new HashMap<>();
    List<ViewState> over = new ArrayList<>();
    for (ViewState s : sessions.values()) {
      if (overAt(s) <= now) {
        over.add(s);
      } else if (s.onStream && !s.ended() && now - s.seenAt <= 60_000) {
        watching.merge(s.mediaId, 1, Integer::sum);
      }
    }
    over.forEach(this::close);
    Iterator<Map.Entry<Long, Long>> old = recentlyClosed.entrySet().iterator();
    while (old.hasNext()) {
      Map.Entry<Long, Long> e = old.next();
      if (now - e.getValue() < rules.closedMemory().toMillis() && recentlyClosed.size() <= MAX_REMEMBERED_CLOSED) {
        break;
      }
      old.remove();
    }
    return watching;
  }

  /**
   * When a session is over, by the rules of {@link SessionRules} and its own facts only: the idle timeout after its last
   * beacon, the close grace after an ended video, or at once when it went on without playing for the paused timeout.
   * A session is over when the partition's time reaches this, whatever applies first: a sweep or its next beacon.
   */
  private long overAt(ViewState s) {
    long at = s.seenAt + rules.idleTimeout().toMillis();
    if (s.endedByPlayer) {
      // a page's last beacon means hidden as often as gone (a phone switching apps): such a session waits the idle
      // timeout, and a viewer back within it goes on with the same view; an ended video waits only the close grace
      at = Math.min(at, s.seenAt + rules.closeGrace().toMillis());
    }
    if (s.lastPlayingAt != ViewState.UNSET && s.lastEventAt - s.lastPlayingAt >= rules.pausedTimeout().toMillis()) {
      at = Math.min(at, s.seenAt);
    }
    return at;
  }

  /** Ends a session: its view is finished, and its key remembered so that late events are dropped, not a new view. */
  private void close(ViewState s) {
    if (!s.ended()) {
      s.timedOut = true;
    }
    sessions.remove(s.key);
    dirty.remove(s);
    long at = overAt(s);
    closed.add(new SessionStore.Closed(s.key, at));
    if (s.playIntent) {
      ViewRecord v = s.toView();
      finished.add(v);
      timelines.put(v.viewId(), s.timelineBytes());
    }
    recentlyClosed.put(SessionStore.keyHash(s.key), at);
  }

  /**
   * Everything pending at the partition's time (live minutes whose grace ran out close), as one commit at
   * {@link #applied()}, after which nothing is pending. The commit holds no change when nothing happened.
   */
  SessionStore.Commit drain() {
    List<MinuteRow> minutes = new ArrayList<>(closedMinutes);
    closedMinutes.clear();
    if (logTime != Long.MIN_VALUE) {
      minutes.addAll(live.closeDue(logTime));
    }
    List<MinutePart> parts = live.changes();
    live.committed();
    List<SessionSnapshot> changed = new ArrayList<>(dirty.size());
    for (ViewState s : dirty) {
      changed.add(new SessionSnapshot(s.key, s.playIntent, s.seenAt, StateCodec.encode(s), s.toView()));
    }
    SessionStore.Commit c = new SessionStore.Commit(partition, applied, changed, closed, finished, minutes, parts,
        logTime == Long.MIN_VALUE ? Long.MIN_VALUE : logTime - rules.closedMemory().toMillis(), timelines);
    timelines.clear();
    dirty.clear();
    closed.clear();
    finished.clear();
    return c;
  }

  /** Whether a drain now would hold any change (beyond moving the checkpoint). */
  boolean hasChanges() {
    return !dirty.isEmpty() || !closed.isEmpty() || !finished.isEmpty() || !closedMinutes.isEmpty()
        || logTime != Long.MIN_VALUE && live.hasPending(logTime);
  }

  /** How many sessions changed since the last drain: a reason to write early when it grows large. */
  int changedCount() {
    return dirty.size();
  }
}
