package io.viewpulse.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.RealtimeRow;
import io.viewpulse.query.Total;
import io.viewpulse.query.UsageRow;
import java.io.OutputStream;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Answers in Livepeer's field names. An undefined value is left out rather than sent as null: Livepeer's SDK rejects
 * null in every optional field. So is a dimension that was asked for but is unknown for the group.
 */
final class MetricJson {
  private MetricJson() {}

  private static final SerializedString TIMESTAMP = new SerializedString("timestamp");
  private static final SerializedString VIEW_COUNT = new SerializedString("viewCount");
  private static final SerializedString PLAYTIME_MINS = new SerializedString("playtimeMins");
  private static final SerializedString TTFF_MS = new SerializedString("ttffMs");
  private static final SerializedString TTFF_P50_MS = new SerializedString("ttffP50Ms");
  private static final SerializedString TTFF_P95_MS = new SerializedString("ttffP95Ms");
  private static final SerializedString REBUFFER_RATIO = new SerializedString("rebufferRatio");
  private static final SerializedString ERROR_RATE = new SerializedString("errorRate");
  private static final SerializedString EXITS_BEFORE_START = new SerializedString("exitsBeforeStart");
  private static final SerializedString UNIQUE_VIEWERS = new SerializedString("uniqueViewers");
  private static final Map<Dimension, SerializedString> DIMENSION_NAMES = new EnumMap<>(Dimension.class);

  static {
    for (Dimension d : Dimension.values()) {
      DIMENSION_NAMES.put(d, new SerializedString(d.apiName()));
    }
  }

  /**
   * A views answer, encoded on the calling (worker) thread as it is written out: a series of hours by country is tens
   * of thousands of rows, too many to build as a tree or to encode on an event loop. Field names are pre-encoded.
   * The quality figures (TTFF, rates) are written with float precision, seven significant digits: the TTFF
   * percentiles are t-digest estimates and no rate means more than that, while a double's seventeen digits made
   * them half of the encoding time and a fifth of the bytes of a large answer. Counts and playing time stay exact.
   */
  static void views(List<MetricRow> rows, boolean full, OutputStream out) throws IOException {
    try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      g.writeStartArray();
      for (MetricRow r : rows) {
        g.writeStartObject();
        if (r.timestamp() != null) {
          g.writeFieldName(TIMESTAMP);
          g.writeNumber(r.timestamp());
        }
        for (Map.Entry<Dimension, String> d : r.dimensions().entrySet()) {
          if (d.getValue() != null) {
            g.writeFieldName(DIMENSION_NAMES.get(d.getKey()));
            g.writeString(d.getValue());
          }
        }
        g.writeFieldName(VIEW_COUNT);
        g.writeNumber(r.viewCount());
        g.writeFieldName(PLAYTIME_MINS);
        g.writeNumber(r.playtimeMins());
        if (full) {
          put(g, TTFF_MS, r.ttffMs());
          put(g, TTFF_P50_MS, r.ttffP50Ms());
          put(g, TTFF_P95_MS, r.ttffP95Ms());
          put(g, REBUFFER_RATIO, r.rebufferRatio());
          put(g, ERROR_RATE, r.errorRate());
          put(g, EXITS_BEFORE_START, r.exitsBeforeStart());
          if (r.uniqueViewers() != null) {
            g.writeFieldName(UNIQUE_VIEWERS);
            g.writeNumber(r.uniqueViewers());
          }
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
  }

  private static void put(JsonGenerator g, SerializedString field, Double v) throws IOException {
    if (v != null) {
      g.writeFieldName(field);
      g.writeNumber(v.floatValue());
    }
  }

  static ArrayNode realtime(List<RealtimeRow> rows) {
    ArrayNode out = Json.array();
    for (RealtimeRow r : rows) {
      ObjectNode o = out.addObject();
      dims(o, r.dimensions());
      o.put("viewCount", r.viewCount());
      o.put("errorRate", r.errorRate());
    }
    return out;
  }

  static ObjectNode total(Total t) {
    ObjectNode o = Json.object();
    if (t.playbackId() != null) {
      o.put("playbackId", t.playbackId());
    }
    if (t.dStorageUrl() != null) {
      o.put("dStorageUrl", t.dStorageUrl());
    }
    o.put("viewCount", t.viewCount());
    o.put("playtimeMins", t.playtimeMins());
    return o;
  }

  static ObjectNode usage(UsageRow r, String accountId, boolean withCreator) {
    ObjectNode o = Json.object();
    if (r.timeInterval() != null) {
      o.put("TimeInterval", r.timeInterval());
    }
    o.put("UserID", accountId);
    if (withCreator && r.creatorId() != null) {
      o.put("CreatorID", r.creatorId());
    }
    o.put("DeliveryUsageMins", r.deliveryUsageMins());
    o.put("TotalUsageMins", 0.0);
    o.put("StorageUsageMins", 0.0);
    return o;
  }

  private static void dims(ObjectNode o, Map<Dimension, String> dims) {
    dims.forEach((d, v) -> {
      if (v != null) {
        o.put(d.apiName(), v);
      }
    });
  }
}
