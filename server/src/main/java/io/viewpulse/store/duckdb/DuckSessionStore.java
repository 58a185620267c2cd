package io.viewpulse.store.duckdb;

import io.viewpulse.live.MinutePart;
import io.viewpulse.live.MinuteRow;
import io.viewpulse.live.MinuteStatsCodec;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.SessionSnapshot;
import io.viewpulse.model.StoreException;
import io.viewpulse.model.ViewQuality;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.sessions.SessionStore;
import io.viewpulse.sessions.SessionStore.Closed;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The sessionizer's writes on DuckDB. Each {@link #commit} (and each batch of them, {@link #commitAll}) is one
 * transaction: replace the snapshots of the changed
 * open sessions, drop the closed ones, append the finished views and the closed minutes of live statistics, store
 * what changed in the open minutes, and move the partition's checkpoint. So the file is always at a consistent cut
 * of each partition's log, and a failed commit took no effect at all (a retry of it is simply the commit). Owned by
 * one thread: the sessionizer's.
 */
final class DuckSessionStore implements SessionStore, AutoCloseable {
  /** Live statistics are kept 48 hours: Uplynk serves them at least 24 hours after the last viewer. */
  static final long LIVE_RETENTION_MS = 48 * 3_600_000L;
  private final Database db;
  /** Replaced after a failed commit: DuckDB's JDBC connection can be left unable to start a transaction. */
  private DuckDBConnection c;

  DuckSessionStore(Database db) {
    this.db = db;
    this.c = connect(db);
  }

  private static DuckDBConnection connect(Database db) {
    DuckDBConnection c = db.connect();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE IF NOT EXISTS doomed_keys (session_key VARCHAR)");
      s.execute("CREATE TEMP TABLE IF NOT EXISTS closing_minutes (account_id VARCHAR, stream_id VARCHAR,"
          + " minute_start TIMESTAMP)");
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

  @Override
  public Recovery recover(int partition) {
    try {
      return new Recovery(checkpoint(partition), openSessionStates(partition), openMinuteParts(partition),
          newestClosedMinutes(partition), recentlyClosed(partition));
    } catch (SQLException e) {
      throw new StoreException("cannot read the recovery point of partition " + partition + ": " + e.getMessage(), e);
    }
  }

  private long checkpoint(int partition) throws SQLException {
    try (PreparedStatement p = conn().prepareStatement(
        "SELECT log_offset FROM log_checkpoints WHERE log_partition = ?")) {
      p.setInt(1, partition);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1L;
      }
    }
  }

  private List<byte[]> openSessionStates(int partition) throws SQLException {
    try (PreparedStatement p = conn().prepareStatement("SELECT state FROM live_views WHERE log_partition = ?")) {
      p.setInt(1, partition);
      try (ResultSet rs = p.executeQuery()) {
        List<byte[]> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getBytes(1));
        }
        return out;
      }
    }
  }

  private List<MinutePart> openMinuteParts(int partition) throws SQLException {
    try (PreparedStatement p = conn().prepareStatement("SELECT account_id, stream_id, epoch_ms(minute_start), part"
        + " FROM live_minute_parts WHERE log_partition = ? ORDER BY written")) {
      p.setInt(1, partition);
      try (ResultSet rs = p.executeQuery()) {
        List<MinutePart> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new MinutePart(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBytes(4)));
        }
        return out;
      }
    }
  }

  private Map<Long, Long> recentlyClosed(int partition) throws SQLException {
    try (PreparedStatement p = conn().prepareStatement(
        "SELECT key_hash, closed_at FROM closed_sessions WHERE log_partition = ? ORDER BY closed_at")) {
      p.setInt(1, partition);
      try (ResultSet rs = p.executeQuery()) {
        Map<Long, Long> out = new java.util.LinkedHashMap<>();
        while (rs.next()) {
          out.put(rs.getLong(1), rs.getLong(2));
        }
        return out;
      }
    }
  }

  private Map<String, Long> newestClosedMinutes(int partition) throws SQLException {
    try (PreparedStatement p = conn().prepareStatement("SELECT account_id, stream_id, epoch_ms(max(minute_start))"
        + " FROM live_minutes WHERE log_partition = ? GROUP BY account_id, stream_id")) {
      p.setInt(1, partition);
      try (ResultSet rs = p.executeQuery()) {
        Map<String, Long> out = new HashMap<>();
        while (rs.next()) {
          out.put(MinutePart.streamKey(rs.getString(1), rs.getString(2)), rs.getLong(3));
        }
        return out;
      }
    }
  }

  @Override
  public void commit(Commit commit) {
    commitAll(List.of(commit));
  }

  /** The commits of several partitions in one transaction: all of them take effect, or none. */
  @Override
  public void commitAll(List<Commit> commits) {
    DuckDBConnection c = conn();
    try {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (Commit commit : commits) {
          write(c, s, commit);
        }
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

  /** One partition's commit, within the transaction under way. */
  private static void write(DuckDBConnection c, Statement s, Commit commit) throws SQLException {
    int partition = commit.partition();
    if (!commit.changed().isEmpty() || !commit.closed().isEmpty()) {
      s.execute("DELETE FROM doomed_keys");
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "doomed_keys")) {
        for (SessionSnapshot snap : commit.changed()) {
          a.beginRow().append(snap.key()).endRow();
        }
        for (Closed k : commit.closed()) {
          a.beginRow().append(k.key()).endRow();
        }
      }
      s.execute("DELETE FROM live_views WHERE log_partition = " + partition
          + " AND session_key IN (SELECT session_key FROM doomed_keys)");
    }
    if (!commit.changed().isEmpty()) {
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "live_views")) {
        for (SessionSnapshot snap : commit.changed()) {
          a.beginRow().append(partition).append(snap.key()).append(snap.playIntent())
              .appendEpochMicros(snap.seenAtMs() * 1000L).append(snap.state());
          appendView(a, snap.view());
          a.endRow();
        }
      }
    }
    if (!commit.closed().isEmpty()) {
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "closed_sessions")) {
        for (Closed k : commit.closed()) {
          a.beginRow().append(partition).append(k.keyHash()).append(k.closedAt()).endRow();
        }
      }
    }
    if (commit.forgetClosedBefore() != Long.MIN_VALUE) {
      s.execute("DELETE FROM closed_sessions WHERE log_partition = " + partition + " AND closed_at < "
          + commit.forgetClosedBefore());
    }
    if (!commit.finished().isEmpty()) {
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "views")) {
        for (ViewRecord v : commit.finished()) {
          a.beginRow();
          appendView(a, v);
          timeline(a, commit.timeline(v));
          timeline(a, commit.watched(v));
          a.endRow();
        }
      }
    }
    List<MinuteRow> minutes = commit.minutes();
    if (!minutes.isEmpty()) {
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "live_minutes")) {
        for (MinuteRow m : minutes) {
          a.beginRow().append(m.accountId()).append(m.streamId()).appendEpochMicros(m.minuteStart() * 1000L)
              .append(partition).append(MinuteStatsCodec.encode(m.stats())).endRow();
        }
      }
      long oldest = minutes.stream().mapToLong(MinuteRow::minuteStart).max().getAsLong() - LIVE_RETENTION_MS;
      s.execute("DELETE FROM live_minutes WHERE minute_start < make_timestamp(" + oldest * 1000L + ")");
    }
    if (!commit.openParts().isEmpty()) {
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "live_minute_parts")) {
        for (MinutePart p : commit.openParts()) {
          a.beginRow().append(partition).append(p.accountId()).append(p.streamId())
              .appendEpochMicros(p.minuteStart() * 1000L).append(commit.checkpoint()).append(p.state()).endRow();
        }
      }
    }
    if (!minutes.isEmpty()) {
      s.execute("DELETE FROM closing_minutes");
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "closing_minutes")) {
        for (MinuteRow m : minutes) {
          a.beginRow().append(m.accountId()).append(m.streamId()).appendEpochMicros(m.minuteStart() * 1000L)
              .endRow();
        }
      }
      s.execute("DELETE FROM live_minute_parts USING closing_minutes c WHERE live_minute_parts.log_partition = "
          + partition + " AND live_minute_parts.account_id = c.account_id"
          + " AND live_minute_parts.stream_id = c.stream_id AND live_minute_parts.minute_start = c.minute_start");
    }
    s.execute("INSERT OR REPLACE INTO log_checkpoints VALUES (" + partition + ", " + commit.checkpoint() + ")");
  }

  /** Appends views as they are, outside of any partition's commit: for loading a history (benchmarks, demo). */
  void appendViews(List<ViewRecord> views, Map<Long, byte[]> timelines) {
    DuckDBConnection c = conn();
    try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "views")) {
      for (ViewRecord v : views) {
        a.beginRow();
        appendView(a, v);
        timeline(a, timelines.get(v.viewId()));
        a.appendNull();
        a.endRow();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot write views: " + e.getMessage(), e);
    }
  }

  /** A BLOB or null. */
  private static void timeline(DuckDBAppender a, byte[] timeline) throws SQLException {
    if (timeline == null) {
      a.appendNull();
    } else {
      a.append(timeline);
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
    ViewQuality q = v.quality();
    a.append((byte) q.fatal()).append(q.nonFatalErrors()).append(q.rebufferCount()).append(q.seekCount())
        .append(q.seekMs()).append(q.bitrateMs()).append(q.bitrateBits()).append(q.scaleMs()).append(q.upscaleMs())
        .append(q.downscaleMs()).append(q.droppedFrames()).append(q.totalFrames()).append(q.switchesUp())
        .append(q.switchesDown()).append(q.maxUpscale());
    // version 7: the custom dimensions by slot, then asn, isp, cdn
    for (String t : d.tail()) {
      a.append(t);
    }
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
