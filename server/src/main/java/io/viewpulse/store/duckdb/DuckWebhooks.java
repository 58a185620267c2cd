package io.viewpulse.store.duckdb;

import io.viewpulse.model.StoreException;
import io.viewpulse.query.ViewRow;
import io.viewpulse.webhooks.WebhookStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * The webhooks' endpoints and positions on DuckDB: a position is the rowid from which an endpoint's views are still to
 * be posted ({@code views} is appended to in commit order, so every view stored later has a larger rowid; an erasure
 * lowers positions past the last row left, as it does the rollups' marks). One connection, serialized by this
 * object's monitor; a batch is read on it too.
 */
final class DuckWebhooks implements WebhookStore, AutoCloseable {
  private static final String END_ROW = "(SELECT coalesce(max(rowid) + 1, 0) FROM views)";
  private final OwnConnection conn;

  DuckWebhooks(Database db) {
    this.conn = new OwnConnection(db);
  }

  private interface Work<T> {
    T run(DuckDBConnection c) throws SQLException;
  }

  private synchronized <T> T with(String what, Work<T> work) {
    try {
      return work.run(conn.get());
    } catch (SQLException e) {
      throw conn.failed("cannot " + what, e);
    }
  }

  @Override
  public void create(Endpoint e) {
    with("create a webhook endpoint", c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO webhook_endpoints VALUES (?, ?, ?, "
          + DuckDirectory.TS + ", " + END_ROW + ")")) {
        p.setString(1, e.id());
        p.setString(2, e.accountId());
        p.setString(3, e.url());
        p.setLong(4, e.createdAt().toEpochMilli() * 1000L);
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public List<Endpoint> endpoints(String accountId) {
    return with("read the webhook endpoints", c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT id, account_id, url, epoch_ms(created_at)"
          + " FROM webhook_endpoints WHERE (? IS NULL AND account_id <> '') OR account_id = ? ORDER BY created_at, id")) {
        p.setString(1, accountId);
        p.setString(2, accountId);
        List<Endpoint> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new Endpoint(rs.getString(1), rs.getString(2), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4))));
          }
        }
        return out;
      }
    });
  }

  @Override
  public boolean delete(String accountId, String endpointId) {
    return with("delete a webhook endpoint", c -> {
      try (PreparedStatement p = c.prepareStatement(
          "DELETE FROM webhook_endpoints WHERE account_id = ? AND id = ?")) {
        p.setString(1, accountId);
        p.setString(2, endpointId);
        return p.executeUpdate() > 0;
      }
    });
  }

  @Override
  public Batch pending(String endpointId, int limit) {
    return with("read the views pending for a webhook", c -> read(c, endpointId, limit, false));
  }

  @Override
  public Batch feedPending(String feedId, int limit) {
    return with("read the views pending for a feed", c -> {
      // a feed is a row with no account, made at its first read
      try (PreparedStatement p = c.prepareStatement("INSERT INTO webhook_endpoints VALUES (?, '', '', "
          + DuckDirectory.TS + ", " + END_ROW + ") ON CONFLICT DO NOTHING")) {
        p.setString(1, feedId);
        p.setLong(2, 0);
        p.executeUpdate();
      }
      return read(c, feedId, limit, true);
    });
  }

  private static Batch read(DuckDBConnection c, String id, int limit, boolean everyAccount) throws SQLException {
    String account;
    long from;
    try (PreparedStatement p = c.prepareStatement(
        "SELECT account_id, next_row FROM webhook_endpoints WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next() || rs.getString(1).isEmpty() != everyAccount) {
          return new Batch(List.of(), "", "");
        }
        account = everyAccount ? null : rs.getString(1);
        from = rs.getLong(2);
      }
    }
    SqlQuery q = ViewRowsSql.stored(account, from, limit);
    List<ViewRow> rows = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(q.sql())) {
      for (int i = 0; i < q.params().size(); i++) {
        p.setObject(i + 1, q.params().get(i));
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          rows.add(DuckViewRows.row(rs));
        }
      }
    }
    long to = rows.isEmpty() ? from : rows.get(rows.size() - 1).viewId() + 1;
    return new Batch(rows, Long.toString(from), Long.toString(to));
  }

  @Override
  public void delivered(String endpointId, String from, String to) {
    with("move a webhook's position", c -> {
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE webhook_endpoints SET next_row = ? WHERE id = ? AND next_row = ?")) {
        p.setLong(1, Long.parseLong(to));
        p.setString(2, endpointId);
        p.setLong(3, Long.parseLong(from));
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public synchronized void close() {
    conn.close();
  }
}
