package io.viewpulse.store.clickhouse;

import io.viewpulse.live.MinuteRow;
import io.viewpulse.live.MinuteStats;
import io.viewpulse.live.MinuteStatsCodec;
import io.viewpulse.query.LiveMinuteReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Closed minutes of live statistics on ClickHouse: session_state's minute rows, merged over partitions. Minutes more
 * than {@link ChStore#LIVE_RETENTION} older than the newest one are gone, as on every store: read past here, deleted
 * by the housekeeping.
 */
final class ChLiveMinutes implements LiveMinuteReader {
  private final ChClient ch;
  private final ChSchema schema;

  ChLiveMinutes(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
  }

  @Override
  public Map<String, MinuteRow> latest(String accountId, List<String> streamIds, long sinceMs) {
    Map<String, MinuteRow> out = new HashMap<>();
    if (streamIds.isEmpty()) {
      return out;
    }
    // every partition's row of each stream's newest minute
    String rows = "SELECT stream_id, minute_start, state FROM " + schema.t("session_state") + " FINAL"
        + " WHERE kind = 'm' AND is_deleted = 0 AND account_id = {a:String} AND stream_id IN {ids:Array(String)}"
        + " AND minute_start >= fromUnixTimestamp64Milli({since:Int64}, 'UTC') AND " + retained(schema);
    ch.query("SELECT stream_id, toInt64(toUnixTimestamp(minute_start)) * 1000 AS ms, base64Encode(state) FROM ("
        + rows + ")"
        + " WHERE (stream_id, minute_start) IN (SELECT stream_id, max(minute_start) FROM (" + rows + ")"
        + " GROUP BY stream_id)", Map.of("a", accountId, "ids", ChClient.array(streamIds), "since", sinceMs),
        r -> new MinuteRow(accountId, r.getString(1), r.getLong(2), MinuteStatsCodec.decode(ChClient.bytes(r, 3))),
        row -> out.merge(row.streamId(), row, ChLiveMinutes::merge));
    return out;
  }

  @Override
  public List<MinuteRow> series(String accountId, String streamId, long fromMs, long toMs) {
    Map<Long, MinuteRow> out = new LinkedHashMap<>();
    ch.query("SELECT toInt64(toUnixTimestamp(minute_start)) * 1000, base64Encode(state) FROM "
        + schema.t("session_state")
        + " FINAL WHERE kind = 'm' AND is_deleted = 0 AND account_id = {a:String} AND stream_id = {s:String}"
        + " AND minute_start >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')"
        + " AND minute_start < fromUnixTimestamp64Milli({to:Int64}, 'UTC') AND " + retained(schema)
        + " ORDER BY minute_start",
        Map.of("a", accountId, "s", streamId, "from", fromMs, "to", toMs),
        r -> new MinuteRow(accountId, streamId, r.getLong(1), MinuteStatsCodec.decode(ChClient.bytes(r, 2))),
        row -> out.merge(row.minuteStart(), row, ChLiveMinutes::merge));
    return new ArrayList<>(out.values());
  }

  /** The condition that keeps a minute: at most the retention older than the newest minute of any stream. */
  static String retained(ChSchema schema) {
    return "minute_start >= (SELECT max(minute_start) FROM " + schema.t("session_state") + " WHERE kind = 'm')"
        + " - INTERVAL " + ChStore.LIVE_RETENTION.toHours() + " HOUR";
  }

  private static MinuteRow merge(MinuteRow a, MinuteRow b) {
    MinuteStats merged = a.stats().merge(b.stats());
    return new MinuteRow(a.accountId(), a.streamId(), a.minuteStart(), merged);
  }
}
