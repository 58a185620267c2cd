package io.viewpulse.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.live.MinuteStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minute of live statistics as Uplynk's {@code stats} dictionary: times in seconds, slate by reason code, and the
 * breakdowns (domains, locations, platforms) as lists with the most sessions first, then by name.
 */
final class UplynkStats {
  private UplynkStats() {}

  /** The dictionary, with the stream's {@code type} (channel or event) last. */
  static ObjectNode render(MinuteStats m, String type) {
    ObjectNode stats = Json.object();
    stats.put("auth_failures", m.authFailures());
    stats.set("concurrent", group(m.concurrent()));
    stats.set("new", group(m.fresh()));
    stats.set("domains", breakdown(m.domains(), "domain"));
    stats.set("locations", breakdown(m.locations(), "location"));
    stats.set("platforms", breakdown(m.platforms(), "platform"));
    stats.put("type", type);
    return stats;
  }

  private static ObjectNode group(MinuteStats.Group g) {
    ObjectNode o = Json.object();
    o.put("sessions", g.sessions());
    o.put("total_time", g.playMs() / 1000.0);
    o.set("ad_slate", reasons(g.adSlate()));
    o.set("mcs", reasons(g.mcs()));
    return o;
  }

  private static ObjectNode reasons(Map<String, MinuteStats.Slate> slate) {
    ObjectNode o = Json.object();
    slate.forEach((reason, s) -> o.putObject(reason).put("time", s.ms() / 1000.0).put("sessions", s.sessions()));
    return o;
  }

  private static ArrayNode breakdown(Map<String, MinuteStats.Share> shares, String field) {
    List<Map.Entry<String, MinuteStats.Share>> rows = new ArrayList<>(shares.entrySet());
    rows.sort((a, b) -> a.getValue().sessions() != b.getValue().sessions()
        ? Integer.compare(b.getValue().sessions(), a.getValue().sessions()) : a.getKey().compareTo(b.getKey()));
    ArrayNode out = Json.array();
    for (Map.Entry<String, MinuteStats.Share> r : rows) {
      out.addObject().put(field, r.getKey()).put("sessions", r.getValue().sessions()).put("mcs", r.getValue().mcs())
          .put("ad_slate", r.getValue().adSlate());
    }
    return out;
  }
}
