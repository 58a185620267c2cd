package io.viewpulse.store.clickhouse;

import io.viewpulse.alerts.AlertStore;
import io.viewpulse.alerts.Incident;
import io.viewpulse.alerts.Rule;
import io.viewpulse.alerts.RuleJson;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Alert rules and incidents on ClickHouse: ReplacingMergeTree tables by (account, id), read with FINAL (they are
 * small). A rule's change is a new row versioned by the server's clock in nanoseconds, its deletion a tombstone
 * ({@code is_deleted}); an incident's resolution replaces its opening (version 2 over 1).
 */
final class ChAlerts implements AlertStore {
  private final ChClient ch;
  private final ChSchema schema;

  ChAlerts(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
  }

  @Override
  public void putRule(Rule r) {
    ch.execute("INSERT INTO " + schema.t("alert_rules") + " (account_id, id, created_at, spec, version, is_deleted)"
        + " VALUES ({a:String}, {i:String}, fromUnixTimestamp64Milli({c:Int64}, 'UTC'), {s:String},"
        + " toUInt64(toUnixTimestamp64Nano(now64(9))), 0)", Map.of("a", r.accountId(), "i", r.id(), "c",
        r.createdAt().toEpochMilli(), "s", RuleJson.specText(r)));
  }

  @Override
  public boolean deleteRule(String accountId, String ruleId) {
    Map<String, Object> p = Map.of("a", accountId, "i", ruleId);
    List<String> found = ch.queryList("SELECT spec FROM " + schema.t("alert_rules") + " FINAL WHERE account_id ="
        + " {a:String} AND id = {i:String} AND is_deleted = 0", p, r -> r.getString(1));
    if (found.isEmpty()) {
      return false;
    }
    ch.execute("INSERT INTO " + schema.t("alert_rules") + " (account_id, id, created_at, spec, version, is_deleted)"
        + " VALUES ({a:String}, {i:String}, 0, '', toUInt64(toUnixTimestamp64Nano(now64(9))), 1)", p);
    return true;
  }

  @Override
  public List<Rule> rules(String accountId) {
    Map<String, Object> p = new HashMap<>();
    if (accountId != null) {
      p.put("a", accountId);
    }
    return ch.queryList("SELECT account_id, id, toUnixTimestamp64Milli(created_at), spec FROM "
        + schema.t("alert_rules") + " FINAL WHERE is_deleted = 0" + (accountId == null ? ""
        : " AND account_id = {a:String}") + " ORDER BY created_at, id", p, r -> RuleJson.fromSpec(r.getString(1),
        r.getString(2), Instant.ofEpochMilli(r.getLong(3)), r.getString(4)));
  }

  @Override
  public void putIncident(Incident i) {
    Map<String, Object> p = new HashMap<>(Map.of("a", i.accountId(), "i", i.id(), "r", i.ruleId(), "n",
        i.ruleName(), "m", i.metric(), "o", i.openedAt().toEpochMilli(), "v", i.value(), "b", i.bound()));
    p.put("e", i.resolvedAt() == null ? 0L : i.resolvedAt().toEpochMilli());
    ch.execute("INSERT INTO " + schema.t("alert_incidents") + " (account_id, id, rule_id, rule_name, metric,"
        + " opened_at, resolved_at, value, bound, version) VALUES ({a:String}, {i:String}, {r:String}, {n:String},"
        + " {m:String}, fromUnixTimestamp64Milli({o:Int64}, 'UTC'), if({e:Int64} = 0, NULL,"
        + " fromUnixTimestamp64Milli({e:Int64}, 'UTC')), {v:Float64}, {b:Float64}, "
        + (i.resolvedAt() == null ? 1 : 2) + ")", p);
  }

  @Override
  public List<Incident> incidents(String accountId, boolean openOnly, int limit) {
    Map<String, Object> p = new HashMap<>();
    p.put("l", limit);
    if (accountId != null) {
      p.put("a", accountId);
    }
    return ch.queryList("SELECT account_id, id, rule_id, rule_name, metric, toUnixTimestamp64Milli(opened_at),"
        + " ifNull(toUnixTimestamp64Milli(resolved_at), -1), value, bound FROM " + schema.t("alert_incidents")
        + " FINAL WHERE 1" + (accountId == null ? "" : " AND account_id = {a:String}")
        + (openOnly ? " AND resolved_at IS NULL" : "") + " ORDER BY opened_at DESC, id LIMIT {l:UInt32}", p,
        r -> new Incident(r.getString(2), r.getString(1), r.getString(3), r.getString(4), r.getString(5),
            Instant.ofEpochMilli(r.getLong(6)), r.getLong(7) < 0 ? null : Instant.ofEpochMilli(r.getLong(7)),
            r.getDouble(8), r.getDouble(9)));
  }
}
