package io.viewpulse.live;

import java.util.Map;
import java.util.TreeMap;

/**
 * What happened on one stream in one minute, in the vocabulary of Uplynk's live statistics: the format of record of
 * a closed minute (the API renders Uplynk's JSON from it). Times are whole milliseconds, so that minutes computed
 * apart (on several event-log partitions, each with its own sessions) {@link #merge merge} to exactly what one
 * computation over all the sessions gives.
 *
 * @param authFailures authentication failures reported in the minute
 * @param concurrent sessions that had lasted at least a minute by their last moment in the minute
 * @param fresh the other sessions that played or were served slate in the minute (Uplynk's {@code new})
 * @param domains concurrent sessions by the host they played from
 * @param locations concurrent sessions by {@code country:region}
 * @param platforms concurrent sessions by OS family
 */
public record MinuteStats(int authFailures, Group concurrent, Group fresh, Map<String, Share> domains,
    Map<String, Share> locations, Map<String, Share> platforms) {

  public MinuteStats {
    domains = sorted(domains);
    locations = sorted(locations);
    platforms = sorted(platforms);
  }

  /** Nothing happened. */
  public static final MinuteStats EMPTY = new MinuteStats(0, Group.EMPTY, Group.EMPTY, Map.of(), Map.of(), Map.of());

  /**
   * One kind of session in the minute.
   *
   * @param playMs play time of these sessions in the minute
   * @param adSlate by reason code, the ad slate served to these sessions
   * @param mcs by reason code, the missing-content slate served to these sessions
   */
  public record Group(int sessions, long playMs, Map<String, Slate> adSlate, Map<String, Slate> mcs) {
    public static final Group EMPTY = new Group(0, 0, Map.of(), Map.of());

    public Group {
      adSlate = sorted(adSlate);
      mcs = sorted(mcs);
    }

    Group merge(Group o) {
      return new Group(sessions + o.sessions, playMs + o.playMs, mergeSlate(adSlate, o.adSlate),
          mergeSlate(mcs, o.mcs));
    }
  }

  /** Slate of one reason: for how long, and to how many sessions. */
  public record Slate(long ms, int sessions) {
    Slate plus(Slate o) {
      return new Slate(ms + o.ms, sessions + o.sessions);
    }
  }

  /** Concurrent sessions of one domain, location or platform, and how many of them were served each kind of slate. */
  public record Share(int sessions, int mcs, int adSlate) {
    Share plus(Share o) {
      return new Share(sessions + o.sessions, mcs + o.mcs, adSlate + o.adSlate);
    }
  }

  /** The minute over the sessions of both (which must be disjoint: two partitions' parts of one stream's minute). */
  public MinuteStats merge(MinuteStats o) {
    return new MinuteStats(authFailures + o.authFailures, concurrent.merge(o.concurrent), fresh.merge(o.fresh),
        mergeShares(domains, o.domains), mergeShares(locations, o.locations), mergeShares(platforms, o.platforms));
  }

  private static Map<String, Slate> mergeSlate(Map<String, Slate> a, Map<String, Slate> b) {
    Map<String, Slate> out = new TreeMap<>(a);
    b.forEach((k, v) -> out.merge(k, v, Slate::plus));
    return out;
  }

  private static Map<String, Share> mergeShares(Map<String, Share> a, Map<String, Share> b) {
    Map<String, Share> out = new TreeMap<>(a);
    b.forEach((k, v) -> out.merge(k, v, Share::plus));
    return out;
  }

  private static <V> Map<String, V> sorted(Map<String, V> m) {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(m));
  }
}
