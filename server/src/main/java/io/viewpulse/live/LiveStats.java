package io.viewpulse.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * <p>Minutes are on the server's clock. A heartbeat that adds {@code P} ms of playing arrives at {@code R}: the play
 * happened over {@code [R - P, R]} and is split over the minutes it covers. Slate is counted in the minute of its
 * timestamp. In a minute, a session with playing or slate is <em>concurrent</em> if it started before the minute did
 * (it has lasted at least a minute by the minute's end) and <em>new</em> otherwise; domains, locations and platforms
 * count concurrent sessions, as Uplynk's do. A minute stays open until {@code grace} after its end, so heartbeats
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
  private static final ObjectMapper JSON = new ObjectMapper();

  private final long graceMs;
  /** stream id → minute start → what happened in it. */
  private final Map<String, TreeMap<Long, Minute>> open = new HashMap<>();
  /** stream id → start of its newest closed minute, for the streams that had one in the last {@link #CLOSED_MEMORY}. */
  private final Map<String, Long> newestClosed = new HashMap<>();
  /** How long a stream's newest closed minute is remembered; beacons never wait in the sessionizer's queue as long. */
  static final long CLOSED_MEMORY = 60 * MINUTE;

  /** @param graceMs how long after its end a minute still takes data */
  public LiveStats(long graceMs) {
    this.graceMs = graceMs;
  }

  static final class SessionMinute {
    final String key;
    final boolean concurrent;
    final String domain;
    final String location;
    final String platform;
    double playMs;
    Map<String, Double> adSlate;
    Map<String, Double> mcs;

    SessionMinute(String key, boolean concurrent, String domain, String location, String platform) {
      this.key = key;
      this.concurrent = concurrent;
      this.domain = domain;
      this.location = location;
      this.platform = platform;
    }
  }

  static final class Minute {
    final String accountId;
    final Map<String, SessionMinute> sessions = new HashMap<>();
    int authFailures;
    /** Sessions changed since the last commit: with the failure count, the minute's next part. */
    final Set<SessionMinute> touched = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean changed;

    Minute(String accountId) {
      this.accountId = accountId;
    }
  }

  /** {@code s} played {@code playingMs} more, reported by a beacon that arrived at {@code receivedAtMs}. */
  public void played(LiveSession s, long receivedAtMs, long playingMs) {
    if (playingMs <= 0) {
      return;
    }
    long spread = Math.min(playingMs, MAX_SPREAD);
    long from = receivedAtMs - spread;
    for (long m = floor(from); m < receivedAtMs; m += MINUTE) {
      long overlap = Math.min(receivedAtMs, m + MINUTE) - Math.max(from, m);
      if (overlap > 0) {
        SessionMinute sm = sessionMinute(s, m, receivedAtMs);
        if (sm != null) {
          sm.playMs += playingMs * (double) overlap / spread;
        }
      }
    }
  }

  /** Slate of {@code kind} ("ad_slate" or "mcs") for {@code reason}, served to {@code s} at {@code atMs}. */
  public void slate(LiveSession s, String kind, String reason, double seconds, long atMs, long nowMs) {
    SessionMinute sm = sessionMinute(s, floor(atMs), nowMs);
    if (sm == null) {
      return;
    }
    if ("ad_slate".equals(kind)) {
      sm.adSlate = add(sm.adSlate, reason, seconds);
    } else {
      sm.mcs = add(sm.mcs, reason, seconds);
    }
  }

  /** An authentication failure on a stream at {@code atMs}. */
  public void authFailure(String accountId, String streamId, long atMs, long nowMs) {
    Minute m = minute(accountId, streamId, floor(atMs), nowMs);
    if (m != null) {
      m.authFailures++;
      m.changed = true;
    }
  }

  /** Closes the minutes whose grace has passed at {@code nowMs}, oldest first. */
  public List<MinuteRow> closeDue(long nowMs) {
    List<MinuteRow> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, TreeMap<Long, Minute>>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, TreeMap<Long, Minute>> stream = it.next();
      TreeMap<Long, Minute> minutes = stream.getValue();
      while (!minutes.isEmpty() && closed(minutes.firstKey(), nowMs)) {
        Map.Entry<Long, Minute> e = minutes.pollFirstEntry();
        out.add(new MinuteRow(e.getValue().accountId, stream.getKey(), e.getKey(), render(e.getValue())));
        newestClosed.merge(stream.getKey(), e.getKey(), Math::max);
      }
      if (minutes.isEmpty()) {
        it.remove();
      }
    }
    newestClosed.values().removeIf(minuteStart -> minuteStart < nowMs - CLOSED_MEMORY);
    out.sort(Comparator.comparingLong(MinuteRow::minuteStart).thenComparing(MinuteRow::streamId));
    return out;
  }

  /** The parts of the open minutes changed since {@link #committed()}; they stay pending until it is called. */
  public List<MinutePart> changes() {
    List<MinutePart> out = new ArrayList<>();
    open.forEach((streamId, minutes) -> minutes.forEach((minuteStart, m) -> {
      if (m.changed) {
        out.add(new MinutePart(streamId, minuteStart, MinutePartCodec.encode(m)));
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
   * @param closed stream id → start of its newest minute already written as a row
   * @return how many parts could not be read (written by another version); their sessions are missing from their
   *     minutes
   */
  public int restore(List<MinutePart> parts, Map<String, Long> closed) {
    newestClosed.putAll(closed);
    int unreadable = 0;
    for (MinutePart p : parts) {
      try {
        TreeMap<Long, Minute> minutes = open.get(p.streamId());
        Minute m = minutes == null ? null : minutes.get(p.minuteStart());
        if (m == null) {
          m = new Minute(MinutePartCodec.accountId(p.state()));
          MinutePartCodec.apply(p.state(), m);
          open.computeIfAbsent(p.streamId(), k -> new TreeMap<>()).put(p.minuteStart(), m);
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
    SessionMinute sm = m.sessions.computeIfAbsent(s.key(), k -> new SessionMinute(k,
        s.startServerMs() != Long.MIN_VALUE && s.startServerMs() <= minuteStart, s.domain(), s.location(),
        s.platform()));
    m.touched.add(sm);
    m.changed = true;
    return sm;
  }

  /** The open minute, created on demand; null when it is already closed (late data is not counted). */
  private Minute minute(String accountId, String streamId, long minuteStart, long nowMs) {
    Long newest = newestClosed.get(streamId);
    if (closed(minuteStart, nowMs) || newest != null && minuteStart <= newest) {
      return null;
    }
    return open.computeIfAbsent(streamId, k -> new TreeMap<>())
        .computeIfAbsent(minuteStart, k -> new Minute(accountId));
  }

  private static Map<String, Double> add(Map<String, Double> m, String reason, double seconds) {
    Map<String, Double> out = m == null ? new TreeMap<>() : m;
    out.merge(reason, seconds, Double::sum);
    return out;
  }

  static long floor(long ms) {
    return Math.floorDiv(ms, MINUTE) * MINUTE;
  }

  /** The Uplynk {@code stats} dictionary of a minute. */
  private static String render(Minute m) {
    ObjectNode stats = JSON.createObjectNode();
    stats.put("auth_failures", m.authFailures);
    stats.set("concurrent", group(m, true));
    stats.set("new", group(m, false));
    stats.set("domains", breakdown(m, "domain", s -> s.domain));
    stats.set("locations", breakdown(m, "location", s -> s.location));
    stats.set("platforms", breakdown(m, "platform", s -> s.platform));
    return stats.toString();
  }

  private static ObjectNode group(Minute m, boolean concurrent) {
    int sessions = 0;
    double totalMs = 0;
    Map<String, double[]> ad = new TreeMap<>();
    Map<String, double[]> mcs = new TreeMap<>();
    for (SessionMinute s : m.sessions.values()) {
      if (s.concurrent != concurrent) {
        continue;
      }
      sessions++;
      totalMs += s.playMs;
      tally(ad, s.adSlate);
      tally(mcs, s.mcs);
    }
    ObjectNode g = JSON.createObjectNode();
    g.put("sessions", sessions);
    g.put("total_time", totalMs / 1000.0);
    g.set("ad_slate", reasons(ad));
    g.set("mcs", reasons(mcs));
    return g;
  }

  private static void tally(Map<String, double[]> into, Map<String, Double> slate) {
    if (slate != null) {
      slate.forEach((reason, seconds) -> {
        double[] v = into.computeIfAbsent(reason, k -> new double[2]);
        v[0] += seconds;
        v[1] += 1;
      });
    }
  }

  private static ObjectNode reasons(Map<String, double[]> m) {
    ObjectNode o = JSON.createObjectNode();
    m.forEach((reason, v) -> o.putObject(reason).put("time", v[0]).put("sessions", (int) v[1]));
    return o;
  }

  private static ArrayNode breakdown(Minute m, String field, java.util.function.Function<SessionMinute, String> key) {
    Map<String, int[]> counts = new TreeMap<>();
    for (SessionMinute s : m.sessions.values()) {
      if (!s.concurrent) {
        continue;
      }
      int[] c = counts.computeIfAbsent(key.apply(s) == null ? "unknown" : key.apply(s), k -> new int[3]);
      c[0]++;
      c[1] += s.mcs == null ? 0 : 1;
      c[2] += s.adSlate == null ? 0 : 1;
    }
    List<Map.Entry<String, int[]>> rows = new ArrayList<>(counts.entrySet());
    rows.sort((a, b) -> b.getValue()[0] != a.getValue()[0] ? b.getValue()[0] - a.getValue()[0]
        : a.getKey().compareTo(b.getKey()));
    ArrayNode out = JSON.createArrayNode();
    for (Map.Entry<String, int[]> r : rows) {
      out.addObject().put(field, r.getKey()).put("sessions", r.getValue()[0]).put("mcs", r.getValue()[1])
          .put("ad_slate", r.getValue()[2]);
    }
    return out;
  }
}
