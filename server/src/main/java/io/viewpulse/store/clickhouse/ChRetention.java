package io.viewpulse.store.clickhouse;

import io.viewpulse.retention.RetentionStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Retention on ClickHouse: the periods in {@code retention_policies} (the latest version of an account's row wins; a
 * period of 0 is a cleared one); timelines dropped by a mutation that empties them (waited for; readers leave out
 * timelines past the period from the start); and deletion with lightweight deletes that wait until done ({@link
 * ChSchema#deleteViewsBefore}): the account's outbox rows, views and rollup rows before the cutoff. A failure between
 * the statements leaves part deleted; the next run deletes the rest. Dropping whole monthly partitions would be
 * cheaper, but a partition holds every account's views of its month.
 */
final class ChRetention implements RetentionStore {
  private final ChClient ch;
  private final ChSchema schema;

  ChRetention(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
  }

  @Override
  public Map<String, Policy> policies() {
    Map<String, Policy> out = new HashMap<>();
    ch.query("SELECT account_id, toInt32(view_days), toInt32(timeline_days) FROM " + schema.t("retention_policies")
        + " FINAL WHERE view_days > 0 OR timeline_days > 0", Map.of(), r -> Map.entry(r.getString(1),
            new Policy(positive(r.getInteger(2)), positive(r.getInteger(3)))), e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Integer positive(int days) {
    return days > 0 ? days : null;
  }

  @Override
  public void setPolicy(String accountId, Policy policy) {
    ch.execute("INSERT INTO " + schema.t("retention_policies") + " (account_id, view_days, timeline_days, version)"
        + " VALUES ({a:String}, {d:UInt32}, {t:UInt32}, toUnixTimestamp64Nano(now64(9)))", Map.of("a", accountId,
            "d", policy.viewDays() == null ? 0 : policy.viewDays(), "t",
            policy.timelineDays() == null ? 0 : policy.timelineDays()));
  }

  @Override
  public void dropTimelinesBefore(String accountId, Instant cutoff) {
    ch.execute(schema.dropTimelinesBefore(accountId, cutoff.getEpochSecond()));
  }

  @Override
  public long deleteViewsBefore(String accountId, Instant cutoff) {
    long views = ch.queryList("SELECT count() FROM " + schema.t("views") + " WHERE account_id = {a:String}"
        + " AND started_at < toDateTime({c:Int64}, 'UTC')", Map.of("a", accountId, "c", cutoff.getEpochSecond()),
        r -> r.getLong(1)).get(0);
    for (String statement : schema.deleteViewsBefore(accountId, cutoff.getEpochSecond())) {
      ch.execute(statement);
    }
    return views;
  }
}
