package io.viewpulse.store.duckdb;

import io.viewpulse.alerts.AlertStore;
import io.viewpulse.alerts.Incident;
import io.viewpulse.alerts.Notification;
import io.viewpulse.alerts.Rule;
import io.viewpulse.alerts.RuleJson;
import io.viewpulse.model.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Alert rules, incidents and the notifications' outbox on DuckDB ({@code alert_rules}, {@code alert_incidents},
 * {@code alert_outbox}), on a connection of its own.
 */
final class DuckAlerts implements AlertStore, AutoCloseable {
  private final OwnConnection conn;

  DuckAlerts(Database db) {
    this.conn = new OwnConnection(db);
  }

  @Override
  public synchronized void putRule(Rule r) {
    update("INSERT OR REPLACE INTO alert_rules VALUES (?, ?, make_timestamp(?::BIGINT), ?)", r.accountId(), r.id(),
        r.createdAt().toEpochMilli() * 1000L, RuleJson.specText(r));
  }

  @Override
  public synchronized boolean deleteRule(String accountId, String ruleId) {
    return update("DELETE FROM alert_rules WHERE account_id = ? AND id = ?", accountId, ruleId) > 0;
  }

  @Override
  public synchronized List<Rule> rules(String accountId) {
    List<Rule> out = new ArrayList<>();
    query("SELECT account_id, id, epoch_ms(created_at), spec FROM alert_rules WHERE ?::VARCHAR IS NULL"
        + " OR account_id = ? ORDER BY created_at, id", rs -> out.add(RuleJson.fromSpec(rs.getString(1),
        rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4))), accountId, accountId);
    return out;
  }

  @Override
  public synchronized void putIncident(Incident i) {
    update("INSERT OR REPLACE INTO alert_incidents VALUES (?, ?, ?, ?, ?, make_timestamp(?::BIGINT),"
        + " make_timestamp(?::BIGINT), ?, ?)", i.accountId(), i.id(), i.ruleId(), i.ruleName(), i.metric(),
        i.openedAt().toEpochMilli() * 1000L, i.resolvedAt() == null ? null : i.resolvedAt().toEpochMilli() * 1000L,
        i.value(), i.bound());
  }

  @Override
  public synchronized List<Incident> incidents(String accountId, boolean openOnly, int limit) {
    List<Incident> out = new ArrayList<>();
    query("SELECT account_id, id, rule_id, rule_name, metric, epoch_ms(opened_at), epoch_ms(resolved_at), value,"
        + " bound FROM alert_incidents WHERE (?::VARCHAR IS NULL OR account_id = ?)"
        + (openOnly ? " AND resolved_at IS NULL" : "") + " ORDER BY opened_at DESC, id LIMIT ?", rs -> {
          long resolved = rs.getLong(7);
          Instant end = rs.wasNull() ? null : Instant.ofEpochMilli(resolved);
          out.add(new Incident(rs.getString(2), rs.getString(1), rs.getString(3), rs.getString(4), rs.getString(5),
              Instant.ofEpochMilli(rs.getLong(6)), end, rs.getDouble(8), rs.getDouble(9)));
        }, accountId, accountId, limit);
    return out;
  }

  @Override
  public synchronized void putNotification(Notification n) {
    Rule r = n.rule();
    Incident i = n.incident();
    update("INSERT OR IGNORE INTO alert_outbox VALUES (?, ?, ?, make_timestamp(?::BIGINT), ?, ?, ?, ?,"
        + " make_timestamp(?::BIGINT), make_timestamp(?::BIGINT), ?, ?, make_timestamp(?::BIGINT), ?,"
        + " make_timestamp(?::BIGINT), false)", n.id(), r.accountId(), r.id(), micros(r.createdAt()),
        RuleJson.specText(r), i.id(), i.ruleName(), i.metric(), micros(i.openedAt()),
        i.resolvedAt() == null ? null : micros(i.resolvedAt()), i.value(), i.bound(), micros(n.createdAt()),
        n.attempts(), micros(n.nextAttemptAt()));
  }

  @Override
  public synchronized List<Notification> pendingNotifications(Instant dueBy, int perAccount, int limit) {
    List<Notification> out = new ArrayList<>();
    query("SELECT id, account_id, rule_id, epoch_ms(rule_created_at), rule_spec, incident_id, rule_name, metric,"
        + " epoch_ms(opened_at), epoch_ms(resolved_at), value, bound, epoch_ms(created_at), attempts,"
        + " epoch_ms(next_attempt_at) FROM alert_outbox o WHERE NOT done AND NOT EXISTS (SELECT 1 FROM alert_outbox w"
        + " WHERE NOT w.done AND w.incident_id = o.incident_id AND w.created_at <= o.created_at"
        + " AND w.next_attempt_at > make_timestamp(?::BIGINT))"
        + " QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY created_at, id) <= ?"
        + " ORDER BY created_at, id LIMIT ?", rs -> {
          long resolved = rs.getLong(10);
          Instant end = rs.wasNull() ? null : Instant.ofEpochMilli(resolved);
          Rule r = RuleJson.fromSpec(rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
              rs.getString(5));
          Incident i = new Incident(rs.getString(6), rs.getString(2), rs.getString(3), rs.getString(7),
              rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)), end, rs.getDouble(11), rs.getDouble(12));
          out.add(new Notification(rs.getString(1), r, i, Instant.ofEpochMilli(rs.getLong(13)), rs.getInt(14),
              Instant.ofEpochMilli(rs.getLong(15))));
        }, micros(dueBy), perAccount, limit);
    return out;
  }

  @Override
  public synchronized void notificationAttempted(Notification n, boolean done) {
    update("UPDATE alert_outbox SET attempts = ?, next_attempt_at = make_timestamp(?::BIGINT), done = ?"
        + " WHERE id = ? AND NOT done", n.attempts(), micros(n.nextAttemptAt()), done, n.id());
  }

  @Override
  public synchronized void dropDoneNotifications(Instant before) {
    update("DELETE FROM alert_outbox WHERE done AND created_at < make_timestamp(?::BIGINT)", micros(before));
  }

  private static long micros(Instant t) {
    return t.toEpochMilli() * 1000L;
  }

  private interface Row {
    void read(ResultSet rs) throws SQLException;
  }

  private int update(String sql, Object... args) {
    try (PreparedStatement p = conn.get().prepareStatement(sql)) {
      bind(p, args);
      return p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot write alerts: " + e.getMessage(), e);
    }
  }

  private void query(String sql, Row row, Object... args) {
    try (PreparedStatement p = conn.get().prepareStatement(sql)) {
      bind(p, args);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          row.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read alerts: " + e.getMessage(), e);
    }
  }

  private static void bind(PreparedStatement p, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      p.setObject(i + 1, args[i]);
    }
  }

  @Override
  public synchronized void close() {
    conn.close();
  }
}
