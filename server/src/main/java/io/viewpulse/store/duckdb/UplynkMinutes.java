package io.viewpulse.store.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewpulse.live.MinuteStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a closed minute as stores before schema version 2 kept it, Uplynk's {@code stats} dictionary as JSON, into
 * {@link MinuteStats}. Used by the migration only: Viewpulse no longer writes that form.
 */
final class UplynkMinutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private UplynkMinutes() {}

  static MinuteStats parse(String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable minute of live statistics: " + e.getMessage(), e);
    }
    return new MinuteStats(n.path("auth_failures").asInt(), group(n.path("concurrent")), group(n.path("new")),
        shares(n.path("domains"), "domain"), shares(n.path("locations"), "location"),
        shares(n.path("platforms"), "platform"));
  }

  private static MinuteStats.Group group(JsonNode g) {
    return new MinuteStats.Group(g.path("sessions").asInt(), ms(g.path("total_time")), slate(g.path("ad_slate")),
        slate(g.path("mcs")));
  }

  private static Map<String, MinuteStats.Slate> slate(JsonNode reasons) {
    Map<String, MinuteStats.Slate> out = new TreeMap<>();
    reasons.fields().forEachRemaining(e -> out.put(e.getKey(),
        new MinuteStats.Slate(ms(e.getValue().path("time")), e.getValue().path("sessions").asInt())));
    return out;
  }

  private static Map<String, MinuteStats.Share> shares(JsonNode list, String field) {
    Map<String, MinuteStats.Share> out = new TreeMap<>();
    for (JsonNode s : list) {
      out.put(s.path(field).asText(), new MinuteStats.Share(s.path("sessions").asInt(), s.path("mcs").asInt(),
          s.path("ad_slate").asInt()));
    }
    return out;
  }

  private static long ms(JsonNode seconds) {
    return Math.round(seconds.asDouble() * 1000);
  }
}
