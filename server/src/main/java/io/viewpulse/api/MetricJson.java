package io.viewpulse.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.QualityMetric;
import io.viewpulse.query.RealtimeRow;
import io.viewpulse.query.Total;
import io.viewpulse.query.UsageRow;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;

/**
 * Answers in Livepeer's field names. An undefined value is left out rather than sent as null: Livepeer's SDK rejects
 * null in every optional field. So is a dimension that was asked for but is unknown for the group. Views answers,
 * the large ones, are written by {@link ViewsJson}.
 */
final class MetricJson {
  private MetricJson() {}

  static ArrayNode realtime(List<RealtimeRow> rows) {
    return realtime(rows, Params.NO_CUSTOM);
  }

  /** @param custom the names of the account's custom dimensions by slot ({@code custom.<name>} in the rows) */
  static ArrayNode realtime(List<RealtimeRow> rows, List<String> custom) {
    ArrayNode out = Json.array();
    for (RealtimeRow r : rows) {
      ObjectNode o = out.addObject();
      dims(o, r.dimensions(), custom);
      o.put("viewCount", r.viewCount());
      o.put("errorRate", r.errorRate());
      RealtimeRow.RealtimeQuality q = r.quality();
      if (q != null) {
        quality(o, "ttffP50Ms", q.ttffP50Ms());
        quality(o, "ttffP95Ms", q.ttffP95Ms());
        quality(o, "rebufferRatio", q.rebufferRatio());
        for (QualityMetric m : QualityMetric.values()) {
          double v = q.metrics()[m.ordinal()];
          if (Double.isNaN(v)) {
            continue;
          }
          if (m.count()) {
            o.put(m.apiName(), Math.round(v));
          } else {
            quality(o, m.apiName(), v);
          }
        }
      }
    }
    return out;
  }

  /** A quality figure to seven significant digits, as the views query writes them; left out when undefined. */
  private static void quality(ObjectNode o, String name, Double v) {
    if (v == null || Double.isNaN(v)) {
      return;
    }
    o.put(name, Double.isFinite(v) ? new BigDecimal(v).round(new MathContext(7)).doubleValue() : v);
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
    dims(o, dims, Params.NO_CUSTOM);
  }

  private static void dims(ObjectNode o, Map<Dimension, String> dims, List<String> custom) {
    dims.forEach((d, v) -> {
      if (v != null) {
        o.put(d.customSlot() > 0 && custom.get(d.customSlot() - 1) != null ? d.apiName(custom) : d.apiName(), v);
      }
    });
  }
}
