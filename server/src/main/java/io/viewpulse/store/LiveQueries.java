package io.viewpulse.store;

import io.viewpulse.live.MinuteRow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBConnection;

/** Reads closed minutes of live statistics. Blocking; one connection, serialized. */
public final class LiveQueries implements AutoCloseable {
  private final DuckDBConnection c;

  public LiveQueries(Database db) {
    this.c = db.connect();
  }

  /** The newest minute starting at or after {@code sinceMs} of each of the account's given streams that has one. */
  public synchronized Map<String, MinuteRow> latest(String accountId, List<String> streamIds, long sinceMs) {
    Map<String, MinuteRow> out = new HashMap<>();
    if (streamIds.isEmpty()) {
      return out;
    }
    String marks = String.join(", ", java.util.Collections.nCopies(streamIds.size(), "?"));
    String sql = "SELECT stream_id, epoch_ms(minute_start), stats FROM live_minutes WHERE account_id = ?"
        + " AND minute_start >= " + AdminStore.TS + " AND stream_id IN (" + marks + ")"
        + " QUALIFY row_number() OVER (PARTITION BY stream_id ORDER BY minute_start DESC) = 1";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, accountId);
      p.setLong(2, sinceMs * 1000L);
      for (int i = 0; i < streamIds.size(); i++) {
        p.setString(3 + i, streamIds.get(i));
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new MinuteRow(accountId, rs.getString(1), rs.getLong(2), rs.getString(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("live statistics query failed: " + e.getMessage(), e);
    }
  }

  /** A stream's minutes starting in {@code [fromMs, toMs)}, oldest first. */
  public synchronized List<MinuteRow> series(String accountId, String streamId, long fromMs, long toMs) {
    String sql = "SELECT epoch_ms(minute_start), stats FROM live_minutes WHERE account_id = ? AND stream_id = ?"
        + " AND minute_start >= " + AdminStore.TS + " AND minute_start < " + AdminStore.TS + " ORDER BY minute_start";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, accountId);
      p.setString(2, streamId);
      p.setLong(3, fromMs * 1000L);
      p.setLong(4, toMs * 1000L);
      List<MinuteRow> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new MinuteRow(accountId, streamId, rs.getLong(1), rs.getString(2)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("live statistics query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
