package io.viewpulse.store.clickhouse;

import io.viewpulse.privacy.ErasureStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Erasure of a viewer on ClickHouse, in steps (ClickHouse has no transaction over them): count the viewer's open
 * sessions in {@code session_state} and refuse when there are any; count its views (in {@code views} and in the
 * outbox, each once); delete its rows of {@code session_state} (the outbox first, so that no writer moves one of its
 * views into {@code views} again), then its views, with lightweight deletes that wait until done; then record the
 * erasure. A failure between the steps leaves part of the views deleted and no record: the request fails and its
 * retry deletes the rest. The rollups, fed by materialized views as views are inserted, keep their aggregates.
 */
final class ChErasures implements ErasureStore {
  private final ChClient ch;
  private final ChSchema schema;

  ChErasures(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
  }

  @Override
  public Outcome erase(String accountId, String viewerId, ErasureRecord record) {
    Map<String, Object> p = Map.of("a", accountId, "v", viewerId);
    String state = schema.t("session_state");
    long open = ch.queryList("SELECT count() FROM " + state + " FINAL WHERE kind = 's' AND account_id = {a:String}"
        + " AND viewer_id = {v:String} AND is_deleted = 0", p, r -> r.getLong(1)).get(0);
    if (open > 0) {
      return new Outcome(0, open);
    }
    long views = ch.queryList("SELECT uniqExact(view_id) FROM (SELECT view_id FROM " + schema.t("views")
        + " WHERE account_id = {a:String} AND viewer_id = {v:String} UNION ALL SELECT view_id FROM " + state
        + " FINAL WHERE kind = 'v' AND account_id = {a:String} AND viewer_id = {v:String} AND is_deleted = 0)", p,
        r -> r.getLong(1)).get(0);
    ch.execute(schema.deleteSessionState(accountId, viewerId));
    ch.execute(schema.deleteViews(accountId, viewerId));
    ch.execute("INSERT INTO " + schema.t("erasures") + " (account_id, key_id, erased_at, views) VALUES ({a:String},"
        + " {k:String}, fromUnixTimestamp64Milli({t:Int64}, 'UTC'), {n:UInt64})", Map.of("a", accountId, "k",
        record.keyId(), "t", record.erasedAt().toEpochMilli(), "n", views));
    return new Outcome(views, 0);
  }

  @Override
  public List<ErasureRecord> erasures(String accountId, int limit) {
    return ch.queryList("SELECT key_id, toUnixTimestamp64Milli(erased_at), toInt64(views) FROM "
        + schema.t("erasures") + " WHERE account_id = {a:String} ORDER BY erased_at DESC LIMIT {n:UInt32}",
        Map.of("a", accountId, "n", limit),
        r -> new ErasureRecord(r.getString(1), Instant.ofEpochMilli(r.getLong(2)), r.getLong(3)));
  }
}
