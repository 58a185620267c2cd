package io.viewpulse.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.query.AudienceRetention;

/**
 * The answer of the audience retention route: the views counted, then per percent of the duration (0 to 99, an
 * array each) the share of those views that watched it (to four decimals), how many did, and how many times it was watched in all.
 */
final class RetentionJson {
  private RetentionJson() {}

  static ObjectNode of(String playbackId, AudienceRetention r) {
    ArrayNode share = Json.array();
    ArrayNode viewers = Json.array();
    ArrayNode watches = Json.array();
    for (int i = 0; i < AudienceRetention.BUCKETS; i++) {
      share.add(Math.round(r.share(i) * 10_000) / 10_000.0);
      viewers.add(r.viewers()[i]);
      watches.add(r.watches()[i]);
    }
    ObjectNode o = Json.object().put("playbackId", playbackId).put("views", r.views());
    o.set("share", share);
    o.set("viewers", viewers);
    o.set("watches", watches);
    return o;
  }
}
