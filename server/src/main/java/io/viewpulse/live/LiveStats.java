package io.viewpulse.live;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per-minute statistics of live streams, in the vocabulary of Uplynk's Live Streaming Statistics API.
 *
 * <p>Minutes are on the server's clock. A heartbeat that adds {@code P} ms of playing and arrives at {@code R} played
 * over {@code [E - P, E]}, split over the minutes it covers, where {@code E} is when its play ended on the server's
 * clock ({@link #playedUntil}): {@code R} for a heartbeat sent as it was made, earlier for one that waited in its
 * player (a backlog sent after an outage) or that is older than {@code R} by more than a player's clock can be off (a
 * history sent long after, as {@code serve --demo} does at every start: without this, every such view counted as a
 * viewer of the minute it arrived in). A session never has more than a minute of play in a minute, whatever its
 * heartbeats claim. Slate of {@code S} seconds reported at {@code T} covers {@code [T - S, T]} the same way. In a
 * minute, a session with playing or slate is <em>concurrent</em> if it has lasted at least a minute by its last moment
 * in that minute (Uplynk: "a playback session with a duration of at least 1 minute") and <em>new</em> otherwise;
 * domains, locations and platforms count concurrent sessions, as Uplynk's do. A minute stays open until {@code grace} after its end, so heartbeats
 * already under way are counted; then it is closed into a {@link MinuteRow} and its per-session detail is dropped, so
 * memory holds about two minutes of sessions and storage one row per stream and minute.
 *
 * <p>Open minutes survive a restart, orderly or not: each commit stores, with the event-log checkpoint, the part of
 * every open minute changed since the previous commit ({@link #changes()}); {@link #restore} rebuilds the open
 * minutes from those parts, and the log replayed after the checkpoint adds the rest. For the replay to decide as the
 * first run did, every decision depends only on the beacons' server receive times and on what was closed: a minute
 * is never opened again once a row for it was written, even by a beacon received before its grace ran out and
 * applied after (a row per stream and minute, never two).
 *
 * <p>Not thread-safe: owned by the sessionizer's thread.
 */
public final class LiveStats {
  public static final long MINUTE = 60_000;
  /** Longest play one heartbeat is spread over; more is a merged backlog whose old minutes are closed anyway. */
  static final long MAX_SPREAD = 10 * MINUTE;
  /**
   * How far a player's clock may be off from the server's: ingest drops events further ahead as from a broken clock,
   * and an event further behind its arrival is that old, so its play ended no later than this before the arrival.
   */
  static final long CLOCK_DRIFT = 10 * MINUTE;

  private final long graceMs;
  /** stream key ({@link MinutePart#streamKey}) → minute start → what happened in it. */
  private final Map<String, TreeMap<Long, Minute>> open = new HashMap<>();
  /** The earliest start of an open minute ({@link Long#MAX_VALUE} when none): nothing closes before its grace ends. */
  private long earliestOpen = Long.MAX_VALUE;
  /** stream key → start of its newest closed minute, for the streams that had one in the last {@link #CLOSED_MEMORY}. */
  private final Map<String, Long> newestClosed = new HashMap<>();
  /** How long a stream's newest closed minute is remembered; beacons never wait in the sessionizer's queue as long. */
  static final long CLOSED_MEMORY = 60 * MINUTE;

  /** @param graceMs how long after its end a minute still takes data */
  public LiveStats(long graceMs) {
    this.graceMs = graceMs;
  }

  static final class SessionMinute {
    final String key;
    /** When the session started, server clock; {@link Long#MIN_VALUE} when unknown. */
    final long startMs;
    final String domain;
    final String location;
    final String platform;
    /** The latest moment of the minute the session was seen playing or served slate. */
    long lastMs = Long.MIN_VALUE;
    double playMs;
    Map<String, Double> adSlate;
    Map<String, Double> mcs;

    SessionMinute(String key, long startMs, String domain, String location, String platform) {
      this.key = key;
      this.startMs = startMs;
      this.domain = domain;
      this.location = location;
      this.platform = platform;
    }

    /** Uplynk's concurrent session: one that has lasted at least a minute by its last moment in this minute. */
    boolean concurrent() {
      return startMs != Long.MIN_VALUE && lastMs != Long.MIN_VALUE && lastMs - startMs >= MINUTE;
    }

    void seenUntil(long atMs) {
      lastMs = Math.max(lastMs, atMs);
    }
  }

  static final class Minute {
    final String accountId;
    final String streamId;
    final Map<String, SessionMinute> sessions = new HashMap<>();
    int authFailures;
    /** Sessions changed since the last commit: with the failure count, the minute's next part. */
    final Set<SessionMinute> touched = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean changed;

    Minute(String accountId, String streamId) {
      this.accountId = accountId;
      this.streamId = streamId;
    }
  }

  /** {@code s} played {@code playingMs} more, by a heartbeat sent as made that arrived at {@code receivedAtMs}. */
  public void played(LiveSession s, long receivedAtMs, long playingMs) {
    played(s, receivedAtMs, receivedAtMs, receivedAtMs, playingMs);
  }

  /**
   * {@code s} played {@code playingMs} more, reported by a heartbeat stamped {@code heartbeatAtMs} by its player, in a
   * beacon whose newest event the player stamped {@code newestEventAtMs} and that arrived at {@code receivedAtMs}.
   */
  public void played(LiveSession s, long receivedAtMs, long newestEventAtMs, long heartbeatAtMs, long playingMs) {
    // each minute gets its overlap, not a share of playingMs: a backlog longer than MAX_SPREAD would put more than a
    // minute of play into a minute; what is older than that belongs to minutes closed long ago. And never more than
    // the minute itself: heartbeats claiming the same time (a player's bug, a backlog) count it once
    spread(s, playedUntil(receivedAtMs, newestEventAtMs, heartbeatAtMs), playingMs, receivedAtMs,
        (sm, overlap) -> sm.playMs = Math.min(MINUTE, sm.playMs + overlap));
  }

  /**
   * When, on the server's clock, the play of a heartbeat ended: its beacon's arrival, less how much older the
   * heartbeat is than the beacon's newest event (both stamped by the player's clock, so its offset cancels out), and
   * less how far the heartbeat is behind the arrival beyond {@link #CLOCK_DRIFT}.
   */
  static long playedUntil(long receivedAtMs, long newestEventAtMs, long heartbeatAtMs) {
    long behindNewest = Math.max(0, newestEventAtMs - heartbeatAtMs);
    long behindArrival = Math.max(0, receivedAtMs - heartbeatAtMs - CLOCK_DRIFT);
    return receivedAtMs - Math.max(behindNewest, behindArrival);
  }

  /**
   * Slate of {@code kind} ("ad_slate" or "mcs") for {@code reason}: {@code seconds} of it served to {@code s} up to
   * {@code atMs}, split over the minutes of {@code [atMs - seconds, atMs]} as play is.
   */
  public void slate(LiveSession s, String kind, String reason, double seconds, long atMs, long nowMs) {
    long durationMs = Math.round(seconds * 1000);
    if (durationMs <= 0) {
      SessionMinute sm = sessionMinute(s, floor(atMs), nowMs);
      if (sm != null) {
        addSlate(sm, kind, reason, 0);
        sm.seenUntil(atMs);
      }
      return;
    }
    spread(s, atMs, durationMs, nowMs, (sm, overlap) -> addSlate(sm, kind, reason, overlap / 1000.0));
  }

  /** Hands each open minute of {@code [end - durationMs, end]} (at most MAX_SPREAD of it) its overlap in ms. */
  private void spread(LiveSession s, long end, long durationMs, long nowMs,
      java.util.function.ObjLongConsumer<SessionMinute> add) {
    if (durationMs <= 0) {
      return;
    }
    long from = end - Math.min(durationMs, MAX_SPREAD);
    for (long m = floor(from); m < end; m += MINUTE) {
      long until = Math.min(end, m + MINUTE);
      long overlap = until - Math.max(from, m);
      if (overlap > 0) {
        SessionMinute sm = sessionMinute(s, m, nowMs);
        if (sm != null) {
          add.accept(sm, overlap);
          sm.seenUntil(until);
        }
      }
    }
  }

  private static void addSlate(SessionMinute sm, String kind, String reason, double seconds) {
    if ("ad_slate".equals(kind)) {
      sm.adSlate = add(sm.adSlate, reason, seconds);
    } else {
      sm.mcs = add(sm.mcs, reason, seconds);
    }
  }

  /** Whether the minute holding {@code atMs} takes no more data at {@code nowMs}, {@code graceMs} after its end. */
  public static boolean minuteClosed(long atMs, long nowMs, long graceMs) {
    return nowMs >= floor(atMs) + MINUTE + graceMs;
  }

  /** An authentication failure on a stream at {@code atMs}. */
  public void authFailure(String accountId, String streamId, long atMs, long nowMs) {
    Minute m = minute(accountId, streamId, floor(atMs), nowMs);
    if (m != null) {
      m.authFailures++;
      m.changed = true;
    }
  }

  /** Whether a minute's grace has passed at {@code nowMs}: {@link #closeDue} would close something. Cheap. */
  public boolean anyDue(long nowMs) {
    return earliestOpen != Long.MAX_VALUE && closed(earliestOpen, nowMs);
  }

  /** Closes the minutes whose grace has passed at {@code nowMs}, oldest first. */
  public List<MinuteRow> closeDue(long nowMs) {
    List<MinuteRow> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, TreeMap<Long, Minute>>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, TreeMap<Long, Minute>> stream = it.next();
      TreeMap<Long, Minute> minutes = stream.getValue();
      while (!minutes.isEmpty() && closed(minutes.firstKey(), nowMs)) {
        Map.Entry<Long, Minute> e = minutes.pollFirstEntry();
        Minute m = e.getValue();
        out.add(new MinuteRow(m.accountId, m.streamId, e.getKey(), MinuteSummary.of(m)));
        newestClosed.merge(stream.getKey(), e.getKey(), Math::max);
      }
      if (minutes.isEmpty()) {
        it.remove();
      }
    }
    newestClosed.values().removeIf(minuteStart -> minuteStart < nowMs - CLOSED_MEMORY);
    earliestOpen = Long.MAX_VALUE;
    for (TreeMap<Long, Minute> minutes : open.values()) {
      earliestOpen = Math.min(earliestOpen, minutes.firstKey());
    }
    out.sort(Comparator.comparingLong(MinuteRow::minuteStart).thenComparing(MinuteRow::accountId)
        .thenComparing(MinuteRow::streamId));
    return out;
  }

  /** Whether a commit at {@code nowMs} would have something of live statistics to write. */
  public boolean hasPending(long nowMs) {
    for (TreeMap<Long, Minute> minutes : open.values()) {
      if (!minutes.isEmpty() && closed(minutes.firstKey(), nowMs)) {
        return true;
      }
      for (Minute m : minutes.values()) {
        if (m.changed) {
          return true;
        }
      }
    }
    return false;
  }

  /** The parts of the open minutes changed since {@link #committed()}; they stay pending until it is called. */
  public List<MinutePart> changes() {
    List<MinutePart> out = new ArrayList<>();
    open.forEach((stream, minutes) -> minutes.forEach((minuteStart, m) -> {
      if (m.changed) {
        out.add(new MinutePart(m.accountId, m.streamId, minuteStart, MinutePartCodec.encode(m)));
      }
    }));
    return out;
  }

  /** The last {@link #changes()} are stored: the open minutes start again from nothing changed. */
  public void committed() {
    for (TreeMap<Long, Minute> minutes : open.values()) {
      for (Minute m : minutes.values()) {
        m.changed = false;
        m.touched.clear();
      }
    }
  }

  /**
   * Rebuilds the open minutes stored with the last commit. Call before anything else.
   *
   * @param parts every stored part of the open minutes, in commit order
   * @param closed stream key ({@link MinutePart#streamKey}) → start of its newest minute already written as a row
   * @return how many parts could not be read (written by another version); their sessions are missing from their
   *     minutes
   */
  public int restore(List<MinutePart> parts, Map<String, Long> closed) {
    newestClosed.putAll(closed);
    int unreadable = 0;
    for (MinutePart p : parts) {
      try {
        String stream = MinutePart.streamKey(p.accountId(), p.streamId());
        TreeMap<Long, Minute> minutes = open.get(stream);
        Minute m = minutes == null ? null : minutes.get(p.minuteStart());
        if (m == null) {
          m = new Minute(p.accountId(), p.streamId());
          MinutePartCodec.apply(p.state(), m);
          open.computeIfAbsent(stream, k -> new TreeMap<>()).put(p.minuteStart(), m);
          earliestOpen = Math.min(earliestOpen, p.minuteStart());
        } else {
          MinutePartCodec.apply(p.state(), m);
        }
      } catch (RuntimeException e) {
        unreadable++;
      }
    }
    return unreadable;
  }

  /** Sessions held in open minutes (for the memory gauge). */
  public int openSessionMinutes() {
    int n = 0;
    for (TreeMap<Long, Minute> minutes : open.values()) {
      for (Minute m : minutes.values()) {
        n += m.sessions.size();
      }
    }
    return n;
  }

  private boolean closed(long minuteStart, long nowMs) {
    return nowMs >= minuteStart + MINUTE + graceMs;
  }

  private SessionMinute sessionMinute(LiveSession s, long minuteStart, long nowMs) {
    Minute m = minute(s.accountId(), s.streamId(), minuteStart, nowMs);
    if (m == null) {
      return null;
    }
    SessionMinute sm = m.sessions.computeIfAbsent(s.key(), k -> new SessionMinute(k, s.startServerMs(), s.domain(),
        s.location(), s.platform()));
    m.touched.add(sm);
    m.changed = true;
    return sm;
  }

  /** The open minute, created on demand; null when it is already closed (late data is not counted). */
  private Minute minute(String accountId, String streamId, long minuteStart, long nowMs) {
    String stream = MinutePart.streamKey(accountId, streamId);
    Long newest = newestClosed.get(stream);
    if (closed(minuteStart, nowMs) || newest != null && minuteStart <= newest) {
      return null;
    }
    return open.computeIfAbsent(stream, k -> new TreeMap<>())
        .computeIfAbsent(minuteStart, k -> {
          earliestOpen = Math.min(earliestOpen, k);
          return new Minute(accountId, streamId);
        });
  }

  private static Map<String, Double> add(Map<String, Double> m, String reason, double seconds) {
    Map<String, Double> out = m == null ? new TreeMap<>() : m;
    out.merge(reason, seconds, Double::sum);
    return out;
  }

  static long floor(long ms) {
    return Math.floorDiv(ms, MINUTE) * MINUTE;
  }
}
