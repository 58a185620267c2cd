package io.viewpulse.store.clickhouse;

import io.viewpulse.retention.RetentionStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Retention on ClickHouse: the periods in {@code retention_policies} (the latest version of an account's row wins; a
 * period of 0 is a cleared one), and deletion with lightweight deletes that wait until done ({@link
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
  public Map<String, Integer> viewDays() {
    Map<String, Integer> out = new HashMap<>();
    ch.query("SELECT account_id, toInt32(view_days) FROM " + schema.t("retention_policies")
        + " FINAL WHERE view_days > 0", Map.of(), r -> Map.entry(r.getString(1), r.getInteger(2)),
        e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  @Override
  public void setViewDays(String accountId, Integer days) {
    ch.execute("INSERT INTO " + schema.t("retention_policies") + " (account_id, view_days, version) VALUES"
        + " ({a:String}, {d:UInt32}, toUnixTimestamp64Nano(now64(9)))", Map.of("a", accountId, "d",
            days == null ? 0 : days));
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
