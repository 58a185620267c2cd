package io.viewpulse.live;

import java.util.Map;
import java.util.TreeMap;

/**
 * A closed minute's per-session detail reduced to its {@link MinuteStats}: sessions grouped as concurrent or new with
 * their play and slate; domains, locations and platforms counting concurrent sessions only, as Uplynk's do.
 */
final class MinuteSummary {
  private MinuteSummary() {}

  static MinuteStats of(LiveStats.Minute m) {
    Map<String, MinuteStats.Share> domains = new TreeMap<>();
    Map<String, MinuteStats.Share> locations = new TreeMap<>();
    Map<String, MinuteStats.Share> platforms = new TreeMap<>();
    for (LiveStats.SessionMinute s : m.sessions.values()) {
      if (!s.concurrent()) {
        continue;
      }
      MinuteStats.Share one = new MinuteStats.Share(1, s.mcs == null ? 0 : 1, s.adSlate == null ? 0 : 1);
      domains.merge(orUnknown(s.domain), one, MinuteStats.Share::plus);
      locations.merge(orUnknown(s.location), one, MinuteStats.Share::plus);
      platforms.merge(orUnknown(s.platform), one, MinuteStats.Share::plus);
    }
    return new MinuteStats(m.authFailures, group(m, true), group(m, false), domains, locations, platforms);
  }

  private static MinuteStats.Group group(LiveStats.Minute m, boolean concurrent) {
    int sessions = 0;
    long playMs = 0;
    Map<String, MinuteStats.Slate> ad = new TreeMap<>();
    Map<String, MinuteStats.Slate> mcs = new TreeMap<>();
    for (LiveStats.SessionMinute s : m.sessions.values()) {
      if (s.concurrent() != concurrent) {
        continue;
      }
      sessions++;
      playMs += Math.round(s.playMs);
      tally(ad, s.adSlate);
      tally(mcs, s.mcs);
    }
    return new MinuteStats.Group(sessions, playMs, ad, mcs);
  }

  /** Adds one session's slate: its time per reason (whole milliseconds, as it was split over minutes) and itself. */
  private static void tally(Map<String, MinuteStats.Slate> into, Map<String, Double> slate) {
    if (slate != null) {
      slate.forEach((reason, seconds) ->
          into.merge(reason, new MinuteStats.Slate(Math.round(seconds * 1000), 1), MinuteStats.Slate::plus));
    }
  }

  private static String orUnknown(String s) {
    return s == null ? "unknown" : s;
  }
}
