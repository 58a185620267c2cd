package io.viewpulse.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.RealtimeRow;
import io.viewpulse.query.Total;
import io.viewpulse.query.UsageRow;
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
