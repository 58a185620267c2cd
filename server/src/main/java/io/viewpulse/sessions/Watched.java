package io.viewpulse.sessions;

import io.viewpulse.model.Binary;
import io.viewpulse.model.Heartbeat;

/**
 * Which parts of an on-demand video a view watched, and how often: {@link #BUCKETS} one-byte counters, one per
 * percent of the video's duration, each saturating at {@link #MAX_COUNT}. A heartbeat marks the percents its playing
 * time covers, the window {@code [position - playing time, position]}: the position is the playhead it reports
 * ({@code position_ms}, Viewpulse's collector), else an estimate, where playback started ({@code offset_ms}, sent once
 * by Livepeer's player) plus the view's playing time so far. A percent counts when the window overlaps it; watching
 * it again (a replay, a seek back) counts again. Only views of a known duration ({@code duration_ms}, the latest
 * reported) that are not live are marked: the others have no counters.
 *
 * <p>A heartbeat re-sent under the same id (with cumulative values) marks only the percents its window adds to the
 * window its earlier version marked, so that re-sends count once: each remembered heartbeat slot of {@link ViewState}
 * keeps the range of percents it marked. A window that jumped (the playhead moved by a seek within one heartbeat) is
 * taken as played through, an approximation of what the player reported.
 */
final class Watched {
  static final int BUCKETS = 100;
  static final int MAX_COUNT = 255;

  /** The video's duration, 0 while unknown. */
  long durationMs;
  /** Where playback started (Livepeer's {@code offset_ms}), 0 unless reported. */
  long offsetMs;
  /** Per heartbeat slot, the range of percents it marked, from (low 32 bits, inclusive) to (high, exclusive). */
  final long[] marked = new long[ViewState.HEARTBEAT_SLOTS];
  /** The counters, null until a percent is marked. */
  byte[] counts;

  /**
   * Marks what a heartbeat watched.
   *
   * @param slot its slot among the remembered heartbeats
   * @param reSent whether an earlier version of it was applied in this slot
   * @param playedSoFar the view's playing time with this heartbeat's applied
   */
  void heartbeat(int slot, boolean reSent, Heartbeat h, long playedSoFar, boolean live) {
    if (h.durationMs() != null && h.durationMs() > 0) {
      durationMs = h.durationMs();
    }
    if (h.offsetMs() != null) {
      offsetMs = h.offsetMs();
    }
    long before = reSent ? marked[slot] : 0;
    if (live || durationMs <= 0 || h.timePlayingMs() <= 0) {
      marked[slot] = before;
      return;
    }
    long end = h.positionMs() != null ? h.positionMs() : offsetMs + playedSoFar;
    long start = end - h.timePlayingMs();
    int from = bucket(Math.max(0, start), false);
    int to = bucket(end, true);
    int oldFrom = ViewState.low(before);
    int oldTo = ViewState.high(before);
    for (int i = from; i < to; i++) {
      if (i < oldFrom || i >= oldTo) {
        if (counts == null) {
          counts = new byte[BUCKETS];
        }
        counts[i] = (byte) Math.min(MAX_COUNT, (counts[i] & 0xff) + 1);
      }
    }
    marked[slot] = to > from ? ViewState.pack(Math.min(from, oldTo > oldFrom ? oldFrom : from),
        Math.max(to, oldTo)) : before;
  }

  /** The percent a time falls in (from), or the first percent after the one it ends in (to), within 0..100. */
  private int bucket(long ms, boolean end) {
    long scaled = Math.min(ms, durationMs) * BUCKETS;
    long b = end ? (scaled + durationMs - 1) / durationMs : scaled / durationMs;
    return (int) Math.max(0, Math.min(BUCKETS, b));
  }

  /** The stored form, {@link #BUCKETS} counters, or null when nothing was marked. */
  byte[] toBytes() {
    return counts == null ? null : counts.clone();
  }

  void save(Binary.Writer o) {
    o.putLong(durationMs);
    o.putLong(offsetMs);
    for (long m : marked) {
      o.putLong(m);
    }
    o.putBoolean(counts != null);
    if (counts != null) {
      for (byte c : counts) {
        o.putByte(c);
      }
    }
  }

  static Watched restore(Binary.Reader in) {
    Watched w = new Watched();
    w.durationMs = in.getLong();
    w.offsetMs = in.getLong();
    for (int i = 0; i < w.marked.length; i++) {
      w.marked[i] = in.getLong();
    }
    if (in.getBoolean()) {
      w.counts = new byte[BUCKETS];
      for (int i = 0; i < BUCKETS; i++) {
        w.counts[i] = in.getByte();
      }
    }
    return w;
  }
}
