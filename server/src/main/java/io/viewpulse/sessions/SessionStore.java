package io.viewpulse.sessions;

import io.viewpulse.live.MinutePart;
import io.viewpulse.live.MinuteRow;
import io.viewpulse.model.SessionSnapshot;
import io.viewpulse.model.StoreException;
import io.viewpulse.model.ViewRecord;
import java.util.List;
import java.util.Map;

/**
 * What the sessionizer keeps in a store, and starts again from: finished views, snapshots of the open sessions, the
 * closed minutes of live statistics and what the open ones hold so far, and the position in the event log that all of
 * it includes (the checkpoint). The event log is split into partitions, a session always in the same one; each
 * partition has one writer at a time, and partitions share nothing here.
 *
 * <p>The contract every store keeps (and the contract test suite checks):
 * <ul>
 *   <li><b>Atomic for recovery.</b> {@link #recover} returns the state left by whole commits of the partition: all of
 *       the last commit that took effect, never part of one.
 *   <li><b>Counted once.</b> Queries count a finished view of a commit that took effect exactly once, whatever happened
 *       to the writer after; an open session counts as its latest committed snapshot until a commit finishes it, and
 *       from then on as its view, never both.
 *   <li><b>Retry.</b> A commit that threw {@link StoreException} may or may not have taken effect. The writer retries
 *       that very commit, unchanged, before any later one of its partition; taking effect twice is the same as once.
 *   <li><b>Replay.</b> After {@link #recover}, the writer replays its partition of the log from just after the
 *       checkpoint; whatever the store held of later offsets (a commit under way at a crash) is decided again.
 * </ul>
 */
public interface SessionStore {
  /**
   * The state of one partition as its last commit left it.
   *
   * @throws StoreException when the store cannot be read
   */
  Recovery recover(int partition);

  /**
   * Applies one commit of a partition.
   *
   * @throws StoreException when it could not; see the class comment for what a retry must do
   */
  void commit(Commit commit);

  /**
   * Applies commits of several partitions, at most one of each, as one: all of them or none, in as few writes as the
   * store can (a writer owning many partitions would otherwise pay a round trip, or several, per partition). Each is
   * what {@link #commit} makes of it, and the batch is bounded as a commit is (by the writer's flush size).
   *
   * @throws StoreException when it could not; as for {@link #commit}, the writer retries the same batch unchanged
   */
  void commitAll(List<Commit> commits);

  /**
   * What a partition starts again from.
   *
   * @param checkpoint the last event-log offset whose effects are stored, -1 when none
   * @param openSessions the serialized state of every open session, as {@link Commit#changed} last gave it
   * @param openMinuteParts the parts of the open minutes of live statistics, in commit order
   * @param newestClosedMinutes stream key ({@code account|stream}) to the start of its newest closed minute
   * @param recentlyClosed {@link #keyHash} of each session closed since the last commit's
   *     {@link Commit#forgetClosedBefore}, to when it closed: their late events are dropped, not a new view
   */
  record Recovery(long checkpoint, List<byte[]> openSessions, List<MinutePart> openMinuteParts,
      Map<String, Long> newestClosedMinutes, Map<Long, Long> recentlyClosed) {}

  /** A session that is over, and when (by the log's time): what a replay needs to drop its late events. */
  record Closed(String key, long closedAt) {
    public long keyHash() {
      return SessionStore.keyHash(key);
    }
  }

  /** 64-bit FNV-1a of a session key: what the store keeps of a closed session (never zero). */
  static long keyHash(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    return h == 0 ? 1 : h;
  }

  /**
   * Everything a partition's sessions changed since its previous commit.
   *
   * @param checkpoint the last event-log offset reflected by all of it
   * @param changed new snapshots of open sessions, replacing their previous ones
   * @param closed sessions that are over: their snapshots go, and the store remembers them (see
   *     {@link Recovery#recentlyClosed}) until {@code forgetClosedBefore} passes their close time
   * @param finished the views of sessions that are over (the ones with play intent)
   * @param minutes minutes of live statistics that closed: their parts go
   * @param openParts what changed in the minutes of live statistics still open
   * @param forgetClosedBefore closed sessions of the partition that closed before this need not be remembered
   * @param timelines the finished views' timelines ({@link io.viewpulse.model.Timeline}'s stored form) by view id,
   *     stored with their views; a view without one has none
   */
  record Commit(int partition, long checkpoint, List<SessionSnapshot> changed, List<Closed> closed,
      List<ViewRecord> finished, List<MinuteRow> minutes, List<MinutePart> openParts, long forgetClosedBefore,
      Map<Long, byte[]> timelines) {
    public Commit {
      changed = List.copyOf(changed);
      closed = List.copyOf(closed);
      finished = List.copyOf(finished);
      minutes = List.copyOf(minutes);
      openParts = List.copyOf(openParts);
      timelines = Map.copyOf(timelines);
    }

    /** A commit whose views have no timelines. */
    public Commit(int partition, long checkpoint, List<SessionSnapshot> changed, List<Closed> closed,
        List<ViewRecord> finished, List<MinuteRow> minutes, List<MinutePart> openParts, long forgetClosedBefore) {
      this(partition, checkpoint, changed, closed, finished, minutes, openParts, forgetClosedBefore, Map.of());
    }

    /** The timeline of a finished view, or null. */
    public byte[] timeline(ViewRecord v) {
      return timelines.get(v.viewId());
    }

    /** A commit whose closed sessions closed at time 0 and need not be remembered (for tests and loading). */
    public static Commit of(int partition, long checkpoint, List<SessionSnapshot> changed, List<String> closedKeys,
        List<ViewRecord> finished, List<MinuteRow> minutes, List<MinutePart> openParts) {
      return new Commit(partition, checkpoint, changed, closedKeys.stream().map(k -> new Closed(k, 0)).toList(),
          finished, minutes, openParts, Long.MIN_VALUE);
    }

    /** Whether the commit changes nothing but (perhaps) the checkpoint. */
    public boolean isEmpty() {
      return changed.isEmpty() && closed.isEmpty() && finished.isEmpty() && minutes.isEmpty() && openParts.isEmpty();
    }
  }
}
