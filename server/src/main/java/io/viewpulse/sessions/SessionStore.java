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
   * What a partition starts again from.
   *
   * @param checkpoint the last event-log offset whose effects are stored, -1 when none
   * @param openSessions the serialized state of every open session, as {@link Commit#changed} last gave it
   * @param openMinuteParts the parts of the open minutes of live statistics, in commit order
   * @param newestClosedMinutes stream key ({@code account|stream}) to the start of its newest closed minute
   */
  record Recovery(long checkpoint, List<byte[]> openSessions, List<MinutePart> openMinuteParts,
      Map<String, Long> newestClosedMinutes) {}

  /**
   * Everything a partition's sessions changed since its previous commit.
   *
   * @param checkpoint the last event-log offset reflected by all of it
   * @param changed new snapshots of open sessions, replacing their previous ones
   * @param closed keys of sessions that are over: their snapshots go
   * @param finished the views of sessions that are over (the ones with play intent)
   * @param minutes minutes of live statistics that closed: their parts go
   * @param openParts what changed in the minutes of live statistics still open
   */
  record Commit(int partition, long checkpoint, List<SessionSnapshot> changed, List<String> closed,
      List<ViewRecord> finished, List<MinuteRow> minutes, List<MinutePart> openParts) {
    public Commit {
      changed = List.copyOf(changed);
      closed = List.copyOf(closed);
      finished = List.copyOf(finished);
      minutes = List.copyOf(minutes);
      openParts = List.copyOf(openParts);
    }

    /** Whether the commit changes nothing but (perhaps) the checkpoint. */
    public boolean isEmpty() {
      return changed.isEmpty() && closed.isEmpty() && finished.isEmpty() && minutes.isEmpty() && openParts.isEmpty();
    }
  }
}
