package io.viewpulse.store.duckdb;

import io.viewpulse.live.MinuteRow;
import io.viewpulse.live.MinuteStats;
import io.viewpulse.live.MinuteStatsCodec;
import io.viewpulse.model.StoreException;
import io.viewpulse.query.LiveMinuteReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBConnection;

/** Reads closed minutes of live statistics from DuckDB, merging the rows of a minute's partitions. One connection. */
final class DuckLiveMinutes implements LiveMinuteReader, AutoCloseable {
  private final DuckDBConnection c;

  DuckLiveMinutes(Database db) {
    this.c = db.connect();
  }

  @Override
  public synchronized Map<String, MinuteRow> latest(String accountId, List<String> streamIds, long sinceMs) {
    Map<String, MinuteRow> out = new HashMap<>();
    if (streamIds.isEmpty()) {
      return out;
    }
    String marks = String.join(", ", Collections.nCopies(streamIds.size(), "?"));
    // every partition's row of each stream's newest minute
    String sql = "SELECT stream_id, epoch_ms(minute_start), stats FROM live_minutes WHERE account_id = ?"
        + " AND minute_start >= " + DuckDirectory.TS + " AND stream_id IN (" + marks + ")"
        + " QUALIFY rank() OVER (PARTITION BY stream_id ORDER BY minute_start DESC) = 1";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, accountId);
      p.setLong(2, sinceMs * 1000L);
      for (int i = 0; i < streamIds.size(); i++) {
        p.setString(3 + i, streamIds.get(i));
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          MinuteRow row = new MinuteRow(accountId, rs.getString(1), rs.getLong(2),
              MinuteStatsCodec.decode(rs.getBytes(3)));
          out.merge(row.streamId(), row, DuckLiveMinutes::merge);
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("live statistics query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<MinuteRow> series(String accountId, String streamId, long fromMs, long toMs) {
    String sql = "SELECT epoch_ms(minute_start), stats FROM live_minutes WHERE account_id = ? AND stream_id = ?"
        + " AND minute_start >= " + DuckDirectory.TS + " AND minute_start < " + DuckDirectory.TS
        + " ORDER BY minute_start";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, accountId);
      p.setString(2, streamId);
      p.setLong(3, fromMs * 1000L);
      p.setLong(4, toMs * 1000L);
      Map<Long, MinuteRow> out = new LinkedHashMap<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          MinuteRow row = new MinuteRow(accountId, streamId, rs.getLong(1), MinuteStatsCodec.decode(rs.getBytes(2)));
          out.merge(row.minuteStart(), row, DuckLiveMinutes::merge);
        }
      }
      return new ArrayList<>(out.values());
    } catch (SQLException e) {
      throw new StoreException("live statistics query failed: " + e.getMessage(), e);
    }
  }

  private static MinuteRow merge(MinuteRow a, MinuteRow b) {
    MinuteStats merged = a.stats().merge(b.stats());
    return new MinuteRow(a.accountId(), a.streamId(), a.minuteStart(), merged);
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
