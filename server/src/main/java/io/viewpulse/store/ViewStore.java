package io.viewpulse.store;

import io.viewpulse.live.MinutePart;
import io.viewpulse.live.MinuteRow;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.SessionSnapshot;
import io.viewpulse.model.ViewRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes what the sessionizer produces. Each {@link #commit} is one transaction: replace the snapshots of the changed
 * open sessions, drop the closed ones, append the finished views and the closed minutes of live statistics, store
 * what changed in the open minutes, and move the checkpoint to the last event-log offset
 * they include. So the store is always at a consistent cut of the log: after a crash, replaying the log from the
 * checkpoint rebuilds exactly what was lost. Owned by the sessionizer thread.
 */
public final class ViewStore implements AutoCloseable {
  private static final String CHECKPOINT = "checkpoint";
  /** Live statistics are kept 48 hours: Uplynk serves them at least 24 hours after the last viewer. */
  public static final long LIVE_RETENTION_MS = 48 * 3_600_000L;
  private final Database db;
  /** Replaced after a failed commit: DuckDB's JDBC connection can be left unable to start a transaction. */
  private DuckDBConnection c;

  public ViewStore(Database db) {
    this.db = db;
    this.c = connect(db);
  }

  private static DuckDBConnection connect(Database db) {
    DuckDBConnection c = db.connect();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE IF NOT EXISTS doomed_keys (session_key VARCHAR)");
      s.execute("CREATE TEMP TABLE IF NOT EXISTS closing_minutes (stream_id VARCHAR, minute_start TIMESTAMP)");
      return c;
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // reported below
      }
      throw new StoreException("cannot prepare the view store: " + e.getMessage(), e);
    }
  }

  private DuckDBConnection conn() {
    if (c == null) {
      c = connect(db);
    }
    return c;
  }

  /** The last event-log offset folded into the store, or -1 when none. */
  public long checkpoint() {
    try (Statement s = conn().createStatement();
        ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = '" + CHECKPOINT + "'")) {
      return rs.next() ? Long.parseLong(rs.getString(1)) : -1L;
    } catch (SQLException e) {
      throw new StoreException("cannot read the checkpoint: " + e.getMessage(), e);
    }
  }

  /** Every open session's serialized state, for recovery. */
  public List<byte[]> openSessionStates() {
    try (Statement s = conn().createStatement(); ResultSet rs = s.executeQuery("SELECT state FROM live_views")) {
      List<byte[]> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getBytes(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read open sessions: " + e.getMessage(), e);
    }
  }

  /** The stored parts of the live minutes still open at the checkpoint, in the order they were committed. */
  public List<MinutePart> openMinuteParts() {
    try (Statement s = conn().createStatement(); ResultSet rs = s.executeQuery(
        "SELECT stream_id, epoch_ms(minute_start), part FROM live_minute_parts ORDER BY written")) {
      List<MinutePart> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new MinutePart(rs.getString(1), rs.getLong(2), rs.getBytes(3)));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read open live minutes: " + e.getMessage(), e);
    }
  }

  /** Stream id to the start of its newest closed minute of live statistics (within their retention). */
  public Map<String, Long> newestClosedMinutes() {
    try (Statement s = conn().createStatement(); ResultSet rs = s.executeQuery(
        "SELECT stream_id, epoch_ms(max(minute_start)) FROM live_minutes GROUP BY stream_id")) {
      Map<String, Long> out = new HashMap<>();
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read closed live minutes: " + e.getMessage(), e);
    }
  }

  /**
   * Atomically applies one flush.
   *
   * @param changed new snapshots of open sessions (replacing their previous ones)
   * @param closed keys of sessions that are over (their snapshots are deleted)
   * @param finished views that are over, appended to {@code views}
   * @param minutes closed minutes of live statistics, appended to {@code live_minutes} (their parts are deleted)
   * @param openParts what changed in the minutes of live statistics still open
   * @param checkpoint last event-log offset reflected by all of the above
   */
  public void commit(Collection<SessionSnapshot> changed, Collection<String> closed, Collection<ViewRecord> finished,
      Collection<MinuteRow> minutes, Collection<MinutePart> openParts, long checkpoint) {
    DuckDBConnection c = conn();
    try {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        if (!changed.isEmpty() || !closed.isEmpty()) {
          s.execute("DELETE FROM doomed_keys");
          try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "doomed_keys")) {
            for (SessionSnapshot snap : changed) {
              a.beginRow().append(snap.key()).endRow();
            }
            for (String k : closed) {
              a.beginRow().append(k).endRow();
            }
          }
          s.execute("DELETE FROM live_views WHERE session_key IN (SELECT session_key FROM doomed_keys)");
        }
        if (!changed.isEmpty()) {
          try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "live_views")) {
            for (SessionSnapshot snap : changed) {
              a.beginRow().append(snap.key()).append(snap.playIntent()).appendEpochMicros(snap.seenAtMs() * 1000L)
                  .append(snap.state());
              appendView(a, snap.view());
              a.endRow();
            }
          }
        }
        if (!finished.isEmpty()) {
          try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "views")) {
            for (ViewRecord v : finished) {
              a.beginRow();
              appendView(a, v);
              a.endRow();
            }
          }
        }
        if (!minutes.isEmpty()) {
          try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "live_minutes")) {
            for (MinuteRow m : minutes) {
              a.beginRow().append(m.accountId()).append(m.streamId()).appendEpochMicros(m.minuteStart() * 1000L)
                  .append(m.stats()).endRow();
            }
          }
          long oldest = minutes.stream().mapToLong(MinuteRow::minuteStart).max().getAsLong() - LIVE_RETENTION_MS;
          s.execute("DELETE FROM live_minutes WHERE minute_start < make_timestamp(" + oldest * 1000L + ")");
        }
        if (!openParts.isEmpty()) {
          try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "live_minute_parts")) {
            for (MinutePart p : openParts) {
              a.beginRow().append(p.streamId()).appendEpochMicros(p.minuteStart() * 1000L).append(checkpoint)
                  .append(p.state()).endRow();
            }
          }
        }
        if (!minutes.isEmpty()) {
          s.execute("DELETE FROM closing_minutes");
          try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "closing_minutes")) {
            for (MinuteRow m : minutes) {
              a.beginRow().append(m.streamId()).appendEpochMicros(m.minuteStart() * 1000L).endRow();
            }
          }
          s.execute("DELETE FROM live_minute_parts USING closing_minutes c WHERE live_minute_parts.stream_id ="
              + " c.stream_id AND live_minute_parts.minute_start = c.minute_start");
        }
        s.execute("INSERT OR REPLACE INTO meta VALUES ('" + CHECKPOINT + "', '" + checkpoint + "')");
      }
      c.commit();
      c.setAutoCommit(true);
    } catch (SQLException e) {
      // the transaction is rolled back with the connection; the next commit starts on a new one
      try {
        c.close();
      } catch (SQLException ignored) {
        // the original failure is what matters
      }
      this.c = null;
      throw new StoreException("cannot write views: " + e.getMessage(), e);
    }
  }

  private static void appendView(DuckDBAppender a, ViewRecord v) throws SQLException {
    Dimensions d = v.dims();
    a.append(v.accountId()).append(v.playbackId()).append(v.creatorId()).append(v.dStorageUrl())
        .append(v.viewerId()).appendEpochSeconds(Math.floorDiv(v.startedAtMs(), 1000L));
    a.append(d.deviceType()).append(d.device()).append(d.cpu()).append(d.os()).append(d.browser())
        .append(d.browserEngine()).append(d.continent()).append(d.country()).append(d.subdivision())
        .append(d.timezone()).append(d.geohash()).append(v.domain()).append(v.live()).append(v.playtimeMs())
        .append(v.ttffMs()).append(v.rebufferMs()).append(v.errors()).append(v.firstFrame()).append(v.ended());
  }

  @Override
  public void close() {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close: " + e.getMessage(), e);
    }
  }
}
