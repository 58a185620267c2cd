package io.viewpulse.store.clickhouse;

import io.viewpulse.alerts.AlertStore;
import io.viewpulse.alerts.Incident;
import io.viewpulse.alerts.Notification;
import io.viewpulse.alerts.Rule;
import io.viewpulse.alerts.RuleJson;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Alert rules and incidents on ClickHouse: ReplacingMergeTree tables by (account, id), read with FINAL (they are
 * small). A rule's change is a new row versioned by the server's clock in nanoseconds, its deletion a tombstone
 * ({@code is_deleted}); an incident's resolution replaces its opening (version 2 over 1). The outbox of
 * notifications ({@code alert_outbox}) is one row per notification id, an attempt a new version of it.
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

  private static final String OUTBOX_COLUMNS = "id, account_id, rule_id, rule_created_at, rule_spec, incident_id,"
      + " rule_name, metric, opened_at, resolved_at, value, bound, created_at, attempts, next_attempt_at, done,"
      + " version";

  /**
   * Version 0, so that any attempt's row replaces it; not written when the id is there already. Two evaluators that
   * put one notification at once may both write it: the same row but for when each made it, and either is kept.
   */
  @Override
  public void putNotification(Notification n) {
    boolean there = ch.queryList("SELECT count() FROM " + schema.t("alert_outbox") + " WHERE id = {id:String}",
        Map.of("id", n.id()), r -> r.getLong(1)).get(0) > 0;
    if (!there) {
      insertOutbox(n, false, 0);
    }
  }

  @Override
  public List<Notification> pendingNotifications(Instant dueBy, int limit) {
    String pending = "SELECT * FROM " + schema.t("alert_outbox") + " FINAL WHERE done = 0";
    return ch.queryList("SELECT o.id, o.account_id, o.rule_id, toUnixTimestamp64Milli(o.rule_created_at),"
        + " o.rule_spec, o.incident_id, o.rule_name, o.metric, toUnixTimestamp64Milli(o.opened_at),"
        + " ifNull(toUnixTimestamp64Milli(o.resolved_at), -1), o.value, o.bound, toUnixTimestamp64Milli(o.created_at),"
        + " o.attempts, toUnixTimestamp64Milli(o.next_attempt_at) FROM (" + pending + ") AS o LEFT JOIN (SELECT"
        + " incident_id, min(created_at) AS blocked FROM (" + pending + ") WHERE next_attempt_at >"
        + " fromUnixTimestamp64Milli({due:Int64}, 'UTC') GROUP BY incident_id) AS w ON o.incident_id = w.incident_id"
        + " WHERE w.incident_id = '' OR o.created_at < w.blocked ORDER BY o.created_at, o.id LIMIT {l:UInt32}",
        Map.of("l", limit, "due", dueBy.toEpochMilli()), r -> {
          Rule rule = RuleJson.fromSpec(r.getString(2), r.getString(3), Instant.ofEpochMilli(r.getLong(4)),
              r.getString(5));
          Incident i = new Incident(r.getString(6), r.getString(2), r.getString(3), r.getString(7), r.getString(8),
              Instant.ofEpochMilli(r.getLong(9)), r.getLong(10) < 0 ? null : Instant.ofEpochMilli(r.getLong(10)),
              r.getDouble(11), r.getDouble(12));
          return new Notification(r.getString(1), rule, i, Instant.ofEpochMilli(r.getLong(13)), (int) r.getLong(14),
              Instant.ofEpochMilli(r.getLong(15)));
        });
  }

  /**
   * A new version of the row: its attempts, and one more when done, so that a row that is done is newer than any
   * pending one of as many attempts (two evaluators in the group's overlap may both try one notification).
   */
  @Override
  public void notificationAttempted(Notification n, boolean done) {
    insertOutbox(n, done, 2L * n.attempts() + (done ? 1 : 0));
  }

  /**
   * A lightweight delete of every version of each notification whose newest version is done: deleting only that
   * version would bring an older, pending one back.
   */
  @Override
  public void dropDoneNotifications(Instant before) {
    ch.execute("DELETE FROM " + schema.t("alert_outbox") + " WHERE created_at < fromUnixTimestamp64Milli({b:Int64},"
        + " 'UTC') AND id IN (SELECT id FROM " + schema.t("alert_outbox") + " FINAL WHERE done = 1 AND created_at <"
        + " fromUnixTimestamp64Milli({b:Int64}, 'UTC'))", Map.of("b", before.toEpochMilli()));
  }

  private void insertOutbox(Notification n, boolean done, long version) {
    Rule r = n.rule();
    Incident i = n.incident();
    Map<String, Object> p = new HashMap<>(Map.of("id", n.id(), "a", r.accountId(), "r", r.id(), "rc",
        r.createdAt().toEpochMilli(), "s", RuleJson.specText(r), "i", i.id(), "n", i.ruleName(), "m", i.metric(),
        "o", i.openedAt().toEpochMilli(), "v", i.value()));
    p.putAll(Map.of("b", i.bound(), "c", n.createdAt().toEpochMilli(), "t", n.attempts(), "x",
        n.nextAttemptAt().toEpochMilli(), "d", done ? 1 : 0, "ver", version,
        "e", i.resolvedAt() == null ? 0L : i.resolvedAt().toEpochMilli()));
    ch.execute("INSERT INTO " + schema.t("alert_outbox") + " (" + OUTBOX_COLUMNS + ") VALUES ({id:String},"
        + " {a:String}, {r:String}, fromUnixTimestamp64Milli({rc:Int64}, 'UTC'), {s:String}, {i:String}, {n:String},"
        + " {m:String}, fromUnixTimestamp64Milli({o:Int64}, 'UTC'), if({e:Int64} = 0, NULL,"
        + " fromUnixTimestamp64Milli({e:Int64}, 'UTC')), {v:Float64}, {b:Float64},"
        + " fromUnixTimestamp64Milli({c:Int64}, 'UTC'), {t:UInt32}, fromUnixTimestamp64Milli({x:Int64}, 'UTC'),"
        + " {d:UInt8}, {ver:UInt64})", p);
  }
}
