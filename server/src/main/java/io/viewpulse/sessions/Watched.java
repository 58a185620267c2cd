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
 *
 * <p>Memory. While no percent was watched more than once (most views), the counters are a bit per percent in two
 * longs; the first percent watched again turns them into {@link #BUCKETS} bytes. The slots' ranges are bytes of one
 * long. Either form is stored the same way ({@link #save}).
 */
final class Watched {
  static final int BUCKETS = 100;
  static final int MAX_COUNT = 255;

  /** The video's duration, 0 while unknown. */
  long durationMs;
  /** Where playback started (Livepeer's {@code offset_ms}), 0 unless reported. */
  long offsetMs;
  /**
   * Per heartbeat slot, the range of percents it marked, from (inclusive) and to (exclusive), 0 to {@link #BUCKETS}:
   * slot {@code i}'s from in bits {@code 16 i} to {@code 16 i + 7}, its to in the next eight.
   */
  private long marked;
  /** The percents watched once, bit {@code i} of {@link #once0} for percent {@code i < 64}, of {@link #once1} above. */
  private long once0;
  private long once1;
  /** The counters, once a percent was watched twice (then {@link #once0} and {@link #once1} are unused); else null. */
  private byte[] counts;

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
    long before = reSent ? marked(slot) : 0;
    if (live || durationMs <= 0 || h.timePlayingMs() <= 0) {
      marked(slot, before);
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
        mark(i);
      }
    }
    marked(slot, to > from ? ViewState.pack(Math.min(from, oldTo > oldFrom ? oldFrom : from),
        Math.max(to, oldTo)) : before);
  }

  /** Counts percent {@code i} once more. */
  private void mark(int i) {
    if (counts == null) {
      long bit = 1L << i;
      if (i < 64 ? (once0 & bit) == 0 : (once1 & bit) == 0) {
        if (i < 64) {
          once0 |= bit;
        } else {
          once1 |= bit;
        }
        return;
      }
      counts = onceAsCounts();
      once0 = 0;
      once1 = 0;
    }
    counts[i] = (byte) Math.min(MAX_COUNT, (counts[i] & 0xff) + 1);
  }

  private byte[] onceAsCounts() {
    byte[] c = new byte[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      c[i] = (byte) ((i < 64 ? once0 >>> i : once1 >>> (i - 64)) & 1);
    }
    return c;
  }

  /** Whether any percent was marked. */
  boolean any() {
    return counts != null || once0 != 0 || once1 != 0;
  }

  /** The range slot {@code i} marked, {@link ViewState#pack}ed: from low, to high. */
  long marked(int slot) {
    long r = marked >>> (16 * slot);
    return ViewState.pack(r & 0xff, (r >>> 8) & 0xff);
  }

  private void marked(int slot, long range) {
    long r = (ViewState.low(range) & 0xffL) | (ViewState.high(range) & 0xffL) << 8;
    marked = marked & ~(0xffffL << (16 * slot)) | r << (16 * slot);
  }

  /** The percent a time falls in (from), or the first percent after the one it ends in (to), within 0..100. */
  private int bucket(long ms, boolean end) {
    long scaled = Math.min(ms, durationMs) * BUCKETS;
    long b = end ? (scaled + durationMs - 1) / durationMs : scaled / durationMs;
    return (int) Math.max(0, Math.min(BUCKETS, b));
  }

  /** The stored form, {@link #BUCKETS} counters, or null when nothing was marked. */
  byte[] toBytes() {
    return counts != null ? counts.clone() : any() ? onceAsCounts() : null;
  }

  void save(Binary.Writer o) {
    o.putLong(durationMs);
    o.putLong(offsetMs);
    for (int i = 0; i < ViewState.HEARTBEAT_SLOTS; i++) {
      o.putLong(marked(i));
    }
    byte[] c = toBytes();
    o.putBoolean(c != null);
    if (c != null) {
      for (byte b : c) {
        o.putByte(b);
      }
    }
  }

  static Watched restore(Binary.Reader in) {
    Watched w = new Watched();
    w.durationMs = in.getLong();
    w.offsetMs = in.getLong();
    for (int i = 0; i < ViewState.HEARTBEAT_SLOTS; i++) {
      long m = in.getLong();
      // ranges are percents, 0 to 100: anything else was not written by this class
      int from = Math.max(0, Math.min(BUCKETS, ViewState.low(m)));
      int to = Math.max(0, Math.min(BUCKETS, ViewState.high(m)));
      w.marked(i, ViewState.pack(from, to));
    }
    if (in.getBoolean()) {
      byte[] c = new byte[BUCKETS];
      boolean once = true;
      boolean none = true;
      for (int i = 0; i < BUCKETS; i++) {
        c[i] = in.getByte();
        once &= (c[i] & 0xff) <= 1;
        none &= c[i] == 0;
      }
      if (once && !none) {
        for (int i = 0; i < BUCKETS; i++) {
          if (c[i] != 0) {
            w.mark(i);
          }
        }
      } else {
        w.counts = c;
      }
    }
    return w;
  }
}
