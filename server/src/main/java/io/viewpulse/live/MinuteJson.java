package io.viewpulse.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A closed minute as Uplynk's {@code stats} dictionary. Breakdowns (domains, locations, platforms) count concurrent
 * sessions only, most sessions first, as Uplynk's do.
 */
final class MinuteJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MinuteJson() {}

  /** The Uplynk {@code stats} dictionary of a minute. */
  static String render(LiveStats.Minute m) {
    ObjectNode stats = JSON.createObjectNode();
    stats.put("auth_failures", m.authFailures);
    stats.set("concurrent", group(m, true));
    stats.set("new", group(m, false));
    stats.set("domains", breakdown(m, "domain", s -> s.domain));
    stats.set("locations", breakdown(m, "location", s -> s.location));
    stats.set("platforms", breakdown(m, "platform", s -> s.platform));
    return stats.toString();
  }

  private static ObjectNode group(LiveStats.Minute m, boolean concurrent) {
    int sessions = 0;
    double totalMs = 0;
    Map<String, double[]> ad = new TreeMap<>();
    Map<String, double[]> mcs = new TreeMap<>();
    for (LiveStats.SessionMinute s : m.sessions.values()) {
      if (s.concurrent() != concurrent) {
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

  private static ArrayNode breakdown(LiveStats.Minute m, String field,
      java.util.function.Function<LiveStats.SessionMinute, String> key) {
    Map<String, int[]> counts = new TreeMap<>();
    for (LiveStats.SessionMinute s : m.sessions.values()) {
      if (!s.concurrent()) {
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
