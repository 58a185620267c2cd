package io.viewpulse.store.clickhouse;

import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.insert.InsertSettings;
import io.viewpulse.live.MinutePart;
import io.viewpulse.live.MinuteRow;
import io.viewpulse.live.MinuteStatsCodec;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.SessionSnapshot;
import io.viewpulse.model.StoreException;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.sessions.SessionStore;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessionizer's writes on ClickHouse, exactly once without multi-table transactions.
 *
 * <p>A commit of a partition is two statements:
 * <ol>
 *   <li><b>One insert into {@code session_state}</b>, which ClickHouse applies whole or not at all: the changed
 *       sessions' snapshots, tombstones for the closed ones, the finished views as outbox rows, the closed minutes of
 *       live statistics and tombstones for their parts, the parts of the open minutes, tombstones for the outbox rows
 *       the previous commits moved, and the partition's checkpoint. Every row carries the commit's version, so the
 *       latest one of a key wins. This is the commit: from here on, {@link #recover} returns it.
 *   <li><b>The move of the outbox into {@code views}</b>, on the server ({@code INSERT ... SELECT}): every outbox row
 *       of the partition that {@code views} does not hold yet. The materialized views fill the rollups with it. If
 *       it fails or the process dies first, the next commit of the partition, or its recovery, moves them; the rows
 *       already in {@code views} are left out by view id, so a row is moved at most once whatever fails when.
 * </ol>
 * A writer that owns several partitions writes their commits together ({@link #commitAll}): one insert of all their
 * rows, one move, one delete, so the statements per write do not grow with the partitions owned.
 * Queries count each view once through all this ({@link ChViewsSql#allViews}): an open session by its snapshot until
 * the commit that finishes it, then as an outbox row until it is in {@code views}, then from {@code views}.
 *
 * <p>A commit that threw is retried unchanged (the sessionizer's rule) under the same version; inserting its rows a
 * second time replaces them with themselves. One writer per partition at a time; partitions share nothing but the
 * tables. When a partition moves, its new owner recovers it and writes in a new epoch of versions, above all of the
 * old owner's: should the old owner still write a commit after losing the partition, its rows lose to the new
 * owner's, and its views, moved or not, are left out of views by id when the new owner decides them again.
 */
final class ChSessionStore implements SessionStore {
  /** Versions are (epoch, commit): an owner's commits count up within the epoch it took at recovery. */
  static final int EPOCH_BITS = 32;

  private final ChClient ch;
  private final ChSchema schema;
  private final Map<Integer, Partition> partitions = new ConcurrentHashMap<>();

  /** What the writer of one partition keeps between commits. */
  private static final class Partition {
    /** Version of the last commit that took effect. */
    long version;
    /** The commit last tried and its version: a retry of it keeps the version. */
    Commit attempted;
    long attemptedVersion;
    /** Outbox rows (view id to account) whose move into views is not known to have happened. */
    final Map<Long, String> outbox = new LinkedHashMap<>();
    /** Outbox rows moved, to delete with the next commit. */
    final Map<Long, String> moved = new LinkedHashMap<>();
    /** Keys of the parts stored for each open minute (account|stream|minute), to delete when it closes. */
    final Map<String, List<String>> partKeys = new HashMap<>();
  }

  ChSessionStore(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
  }

  @Override
  public Recovery recover(int partition) {
    Partition p = new Partition();
    String state = schema.t("session_state");
    Map<String, Object> at = Map.of("p", partition);
    List<long[]> checkpoint = ch.queryList("SELECT checkpoint, version, toUnixTimestamp64Milli(seen_at) FROM " + state
        + " FINAL WHERE kind = 'c' AND log_partition = {p:Int32} AND is_deleted = 0", at,
        r -> new long[] {r.getLong(1), r.getLong(2), r.getLong(3)});
    long offset = checkpoint.isEmpty() ? -1 : checkpoint.get(0)[0];
    // a new owner writes in an epoch of its own, above every version of the owners before it: a late commit of an
    // owner that lost the partition (Kafka gave up on it while it was still writing) loses to every row of this one
    long last = checkpoint.isEmpty() ? 0 : checkpoint.get(0)[1];
    p.version = ((last >>> EPOCH_BITS) + 1) << EPOCH_BITS;
    long forgetBefore = checkpoint.isEmpty() ? 0 : checkpoint.get(0)[2];
    Map<Long, Long> recentlyClosed = new LinkedHashMap<>();
    ch.query("SELECT toInt64(key), toUnixTimestamp64Milli(seen_at) FROM " + state + " FINAL WHERE kind = 'x'"
        + " AND log_partition = {p:Int32} AND is_deleted = 0 AND seen_at >= fromUnixTimestamp64Milli({f:Int64}, 'UTC')"
        + " ORDER BY seen_at", Map.of("p", partition, "f", forgetBefore), r -> Map.entry(r.getLong(1), r.getLong(2)),
        e -> recentlyClosed.put(e.getKey(), e.getValue()));
    List<byte[]> sessions = ch.queryList("SELECT base64Encode(state) FROM " + state + " FINAL WHERE kind = 's'"
        + " AND log_partition = {p:Int32} AND is_deleted = 0", at, r -> ChClient.bytes(r, 1));
    List<MinutePart> parts = new ArrayList<>();
    ch.query("SELECT account_id, stream_id, toInt64(toUnixTimestamp(minute_start)) * 1000, base64Encode(state), key"
        + " FROM " + state
        + " FINAL WHERE kind = 'p' AND log_partition = {p:Int32} AND is_deleted = 0 ORDER BY version", at,
        r -> new Object[] {new MinutePart(r.getString(1), r.getString(2), r.getLong(3), ChClient.bytes(r, 4)),
            r.getString(5)}, row -> {
          MinutePart part = (MinutePart) row[0];
          parts.add(part);
          p.partKeys.computeIfAbsent(minuteKey(part.accountId(), part.streamId(), part.minuteStart()),
              k -> new ArrayList<>()).add((String) row[1]);
        });
    Map<String, Long> newest = new HashMap<>();
    ch.query("SELECT account_id, stream_id, toInt64(toUnixTimestamp(max(minute_start))) * 1000 FROM " + state
        + " FINAL WHERE kind = 'm' AND log_partition = {p:Int32} AND is_deleted = 0 GROUP BY account_id, stream_id",
        at, r -> Map.entry(MinutePart.streamKey(r.getString(1), r.getString(2)), r.getLong(3)),
        e -> newest.put(e.getKey(), e.getValue()));
    ch.query("SELECT view_id, account_id FROM " + state + " FINAL WHERE kind = 'v' AND log_partition = {p:Int32}"
        + " AND is_deleted = 0 ORDER BY view_id", at, r -> Map.entry(r.getLong(1), r.getString(2)),
        e -> p.outbox.put(e.getKey(), e.getValue()));
    partitions.put(partition, p);
    // what the last commits left in the outbox goes into views now (the rows already there are left out)
    moveOutbox(List.of(partition));
    return new Recovery(offset, sessions, parts, newest, recentlyClosed);
  }

  @Override
  public void commit(Commit c) {
    commitAll(List.of(c));
  }

  /**
   * The commits of several partitions as one insert into {@code session_state} (applied whole or not at all, so each
   * commit with it), then one move of their outbox rows into views and one delete of the moved ones: three statements
   * however many partitions the writer owns.
   */
  @Override
  public void commitAll(List<Commit> commits) {
    List<Pending> batch = new ArrayList<>(commits.size());
    for (Commit c : commits) {
      batch.add(prepare(c));
    }
    ch.insert(schema.t("session_state"), new InsertSettings(), w -> {
      for (Pending x : batch) {
        rows(w, x);
      }
    });
    // the commits took effect: what they did is now their partitions' state
    List<Integer> written = new ArrayList<>(batch.size());
    for (Pending x : batch) {
      tookEffect(x);
      written.add(x.commit.partition());
    }
    try {
      moveOutbox(written);
      deleteMoved(written);
    } catch (StoreException e) {
      // what is not moved stays in the outbox, counted by queries from there, and moves with the next commit; what is
      // moved and not deleted is deleted with it (queries count a row in both places once, from views)
    }
  }

  /** A commit about to be written: its version and what it deletes of the partition's earlier commits. */
  private static final class Pending {
    final Commit commit;
    final Partition p;
    final long version;
    final Map<Long, String> tombstoned;
    final Map<String, List<String>> closedParts = new HashMap<>();
    final List<String> newParts = new ArrayList<>();

    Pending(Commit commit, Partition p, long version) {
      this.commit = commit;
      this.p = p;
      this.version = version;
      this.tombstoned = new LinkedHashMap<>(p.moved);
    }
  }

  private Pending prepare(Commit c) {
    Partition p = partitions.computeIfAbsent(c.partition(), k -> new Partition());
    long version;
    if (p.attempted == c) {
      version = p.attemptedVersion;
    } else {
      version = p.version + 1;
      p.attempted = c;
      p.attemptedVersion = version;
    }
    Pending x = new Pending(c, p, version);
    for (MinuteRow m : c.minutes()) {
      String mk = minuteKey(m.accountId(), m.streamId(), m.minuteStart());
      List<String> keys = p.partKeys.get(mk);
      if (keys != null) {
        x.closedParts.put(mk, keys);
      }
    }
    return x;
  }

  /** The rows of one commit, every one with the commit's version. */
  private static void rows(RowBinaryFormatWriter w, Pending x) throws IOException {
    Commit c = x.commit;
    long version = x.version;
    int partition = c.partition();
    for (SessionSnapshot s : c.changed()) {
      w.setValue("kind", "s");
      w.setValue("key", s.key());
      w.setValue("state", s.state());
      w.setValue("play_intent", s.playIntent());
      w.setValue("seen_at", utc(s.seenAtMs()));
      view(w, s.view());
      row(w, partition, version, false);
    }
    for (SessionStore.Closed closed : c.closed()) {
      String account = closed.key().substring(0, Math.max(0, closed.key().indexOf('|')));
      w.setValue("kind", "s");
      w.setValue("key", closed.key());
      w.setValue("account_id", account);
      row(w, partition, version, true);
      // remembered, so that a replay drops its late events; forgotten with the partition's forget bound
      w.setValue("kind", "x");
      w.setValue("key", Long.toString(closed.keyHash()));
      w.setValue("account_id", account);
      w.setValue("seen_at", utc(closed.closedAt()));
      row(w, partition, version, false);
    }
    for (ViewRecord v : c.finished()) {
      w.setValue("kind", "v");
      w.setValue("key", Long.toUnsignedString(v.viewId()));
      view(w, v);
      byte[] timeline = c.timeline(v);
      if (timeline != null) {
        w.setValue("timeline", timeline);
      }
      row(w, partition, version, false);
    }
    for (Map.Entry<Long, String> e : x.tombstoned.entrySet()) {
      w.setValue("kind", "v");
      w.setValue("key", Long.toUnsignedString(e.getKey()));
      w.setValue("account_id", e.getValue());
      row(w, partition, version, true);
    }
    for (MinuteRow m : c.minutes()) {
      w.setValue("kind", "m");
      w.setValue("key", m.streamId() + '|' + m.minuteStart() + '|' + partition);
      w.setValue("account_id", m.accountId());
      w.setValue("stream_id", m.streamId());
      w.setValue("minute_start", utcSeconds(m.minuteStart()));
      w.setValue("state", MinuteStatsCodec.encode(m.stats()));
      row(w, partition, version, false);
    }
    for (Map.Entry<String, List<String>> e : x.closedParts.entrySet()) {
      String account = e.getKey().substring(0, e.getKey().indexOf('|'));
      for (String key : e.getValue()) {
        w.setValue("kind", "p");
        w.setValue("key", key);
        w.setValue("account_id", account);
        row(w, partition, version, true);
      }
    }
    // the insert may be retried by the client: the keys of a try replace those of the one before
    x.newParts.clear();
    for (MinutePart part : c.openParts()) {
      String key = part.streamId() + '|' + part.minuteStart() + '|' + partition + '|' + version;
      x.newParts.add(key);
      w.setValue("kind", "p");
      w.setValue("key", key);
      w.setValue("account_id", part.accountId());
      w.setValue("stream_id", part.streamId());
      w.setValue("minute_start", utcSeconds(part.minuteStart()));
      w.setValue("state", part.state());
      row(w, partition, version, false);
    }
    w.setValue("kind", "c");
    w.setValue("key", "partition " + partition);
    w.setValue("checkpoint", c.checkpoint());
    w.setValue("seen_at", utc(Math.max(0, c.forgetClosedBefore())));
    row(w, partition, version, false);
  }

  private static void tookEffect(Pending x) {
    Partition p = x.p;
    p.version = x.version;
    p.attempted = null;
    p.moved.keySet().removeAll(x.tombstoned.keySet());
    for (ViewRecord v : x.commit.finished()) {
      p.outbox.put(v.viewId(), v.accountId());
    }
    x.closedParts.keySet().forEach(p.partKeys::remove);
    int i = 0;
    for (MinutePart part : x.commit.openParts()) {
      p.partKeys.computeIfAbsent(minuteKey(part.accountId(), part.streamId(), part.minuteStart()),
          k -> new ArrayList<>()).add(x.newParts.get(i++));
    }
  }

  /**
   * Deletes the outbox rows that are in views: tombstones one version above each partition's last commit (above the
   * rows they delete; the partition's next commit's rows of other kinds and keys share that version harmlessly).
   */
  private void deleteMoved(List<Integer> written) {
    Map<Integer, Map<Long, String>> rows = new LinkedHashMap<>();
    for (int partition : written) {
      Partition p = partitions.get(partition);
      if (!p.moved.isEmpty()) {
        rows.put(partition, new LinkedHashMap<>(p.moved));
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    ch.insert(schema.t("session_state"), new InsertSettings(), w -> {
      for (Map.Entry<Integer, Map<Long, String>> of : rows.entrySet()) {
        long version = partitions.get(of.getKey()).version + 1;
        for (Map.Entry<Long, String> e : of.getValue().entrySet()) {
          w.setValue("kind", "v");
          w.setValue("key", Long.toUnsignedString(e.getKey()));
          w.setValue("account_id", e.getValue());
          row(w, of.getKey(), version, true);
        }
      }
    });
    rows.forEach((partition, deleted) -> partitions.get(partition).moved.keySet().removeAll(deleted.keySet()));
  }

  /**
   * Moves the outbox rows of the partitions into views, leaving out those there already (a view is always of the
   * same partition, whoever decided it); then they await deletion.
   */
  private void moveOutbox(List<Integer> written) {
    List<String> moving = new ArrayList<>();
    for (int partition : written) {
      if (!partitions.get(partition).outbox.isEmpty()) {
        moving.add(Integer.toString(partition));
      }
    }
    if (moving.isEmpty()) {
      return;
    }
    String state = schema.t("session_state");
    ch.execute("INSERT INTO " + schema.t("views") + " (" + ChSchema.VIEW_COLUMNS + ", timeline, log_partition,"
        + " commit_offset) SELECT " + ChSchema.VIEW_COLUMNS + ", timeline, log_partition, toInt64(version) FROM "
        + state + " FINAL"
        + " WHERE kind = 'v' AND log_partition IN {ps:Array(Int32)} AND is_deleted = 0"
        + " AND view_id NOT IN (SELECT view_id FROM " + schema.t("views") + " WHERE log_partition IN {ps:Array(Int32)}"
        + " AND stored_at >= (SELECT minOrNull(stored_at) FROM " + state + " WHERE kind = 'v'"
        + " AND log_partition IN {ps:Array(Int32)}) - INTERVAL 1 MINUTE) ORDER BY view_id",
        Map.of("ps", new ChClient.Verbatim("[" + String.join(",", moving) + "]")));
    for (String partition : moving) {
      Partition p = partitions.get(Integer.parseInt(partition));
      p.moved.putAll(p.outbox);
      p.outbox.clear();
    }
  }

  private static void row(RowBinaryFormatWriter w, int partition, long version, boolean deleted) throws IOException {
    w.setValue("log_partition", partition);
    w.setValue("version", version);
    w.setValue("is_deleted", deleted ? 1 : 0);
    w.commitRow();
  }

  /** The columns of a view. */
  static void view(RowBinaryFormatWriter w, ViewRecord v) {
    Dimensions d = v.dims();
    w.setValue("view_id", v.viewId());
    w.setValue("account_id", v.accountId());
    w.setValue("playback_id", v.playbackId());
    w.setValue("creator_id", v.creatorId());
    w.setValue("d_storage_url", v.dStorageUrl());
    w.setValue("viewer_id", v.viewerId());
    w.setValue("started_at", utcSeconds(v.startedAtMs()));
    w.setValue("device_type", d.deviceType());
    w.setValue("device", d.device());
    w.setValue("cpu", d.cpu());
    w.setValue("os", d.os());
    w.setValue("browser", d.browser());
    w.setValue("browser_engine", d.browserEngine());
    w.setValue("continent", d.continent());
    w.setValue("country", d.country());
    w.setValue("subdivision", d.subdivision());
    w.setValue("timezone", d.timezone());
    w.setValue("geohash", d.geohash());
    w.setValue("domain", v.domain());
    w.setValue("live", v.live());
    w.setValue("playtime_ms", v.playtimeMs());
    w.setValue("ttff_ms", v.ttffMs());
    w.setValue("rebuffer_ms", v.rebufferMs());
    w.setValue("errors", v.errors());
    w.setValue("first_frame", v.firstFrame());
    w.setValue("ended", v.ended());
    w.setValue("fatal", v.quality().fatal());
    w.setValue("non_fatal_errors", v.quality().nonFatalErrors());
    w.setValue("rebuffer_count", v.quality().rebufferCount());
    w.setValue("seek_count", v.quality().seekCount());
    w.setValue("seek_ms", v.quality().seekMs());
    w.setValue("bitrate_ms", v.quality().bitrateMs());
    w.setValue("bitrate_bits", v.quality().bitrateBits());
    w.setValue("scale_ms", v.quality().scaleMs());
    w.setValue("upscale_ms", v.quality().upscaleMs());
    w.setValue("downscale_ms", v.quality().downscaleMs());
    w.setValue("dropped_frames", v.quality().droppedFrames());
    w.setValue("total_frames", v.quality().totalFrames());
    w.setValue("switches_up", v.quality().switchesUp());
    w.setValue("switches_down", v.quality().switchesDown());
    w.setValue("max_upscale", v.quality().maxUpscale());
  }

  private static String minuteKey(String accountId, String streamId, long minuteStart) {
    return accountId + '|' + streamId + '|' + minuteStart;
  }

  static ZonedDateTime utc(long ms) {
    return Instant.ofEpochMilli(ms).atZone(ZoneOffset.UTC);
  }

  /** Whole seconds, as a DateTime column keeps them (floored, as DuckDB's TIMESTAMP_S). */
  static ZonedDateTime utcSeconds(long ms) {
    return Instant.ofEpochSecond(Math.floorDiv(ms, 1000L)).atZone(ZoneOffset.UTC);
  }
}
