package io.viewpulse.sessions;

/**
 * The remembered heartbeats of one {@link ViewState}, {@link ViewState#HEARTBEAT_SLOTS} slots of them, each with its
 * share of the view's facts, so that a re-sent version of a heartbeat replaces its contribution (see ViewState's
 * Duplicates). What the shares mean, and how they add up, is ViewState's; this class only keeps them, small.
 *
 * <p>Invariants.
 *
 * <ul>
 *   <li>Slots {@code 0} to {@link #count} - 1 are in use; the rest read as if never written. A new heartbeat id takes
 *       a free slot, else the one with the oldest time ({@link #claim}).
 *   <li>Every field of a slot is read and written as a long ({@link #get}, {@link #set}, {@link #getVideo},
 *       {@link #setVideo}, by field id: {@link #HB_ID} to {@link #HB_ERRORS}, {@link #HBV_BITS} to
 *       {@link #HBV_SWITCHES}), the form {@link StateCodec} stores: the id as its 32-bit hash ({@link ViewState#fold}),
 *       the time as an epoch millisecond, the pairs {@link ViewState#pack}ed.
 *   <li>In memory a slot is {@link #SLOT_INTS} ints of {@link #hb}, each field as small as its values: the id's 32-bit
 *       hash, the time as an offset from {@link #base}, the playing time and TTFF as ints (ingest bounds them,
 *       EventChecks), the pairs of 32-bit halves as two ints, and of the video share one signed long for the upscaling
 *       (positive) or the downscaling (negative: a heartbeat has at most one of them). The rest of the video share, the
 *       bits, frames and switches, is {@link #X_INTS} ints per slot of {@link #extra}, made when a heartbeat first has
 *       any (players that report no bitrate, frames or switches, Livepeer's among them, never do). The playing time
 *       with a known bitrate and with known sizes is either none or all of the heartbeat's, two bits of
 *       {@link #videoKnown}.
 *   <li>Times are 32-bit offsets from {@link #base}, the first time written until one does not fit. Then (a view
 *       longer than an int's milliseconds reach, or a player clock that jumped) the base moves to the newest time
 *       remembered; a time still further from it than the offsets reach, necessarily older, is kept as the oldest they
 *       can say: it is then the first slot to be reused, and a version of that heartbeat re-sent later counts only
 *       with a time newer than that.
 * </ul>
 */
final class HeartbeatSlots {
  static final int HB_ID = 0;
  static final int HB_TS = 1;
  static final int HB_PLAYING = 2;
  /** The heartbeat's rebuffer time (low 32 bits) and rebuffers (high 32 bits), as ViewState counts them. */
  static final int HB_REBUFFER = 3;
  /**
   * The larger of the heartbeat's stalled and waiting time (low 32 bits) and of its stalled and waiting counts (high
   * 32 bits), so its rebuffer share can be recomputed.
   */
  static final int HB_STALL_WAIT = 4;
  /**
   * the heartbeat's play-to-first-frame, {@link ViewState#NO_FIRST_FRAME}, or {@link ViewState#FRAME_WITHOUT_TTFF}.
   */
  static final int HB_TTFF = 5;
  /** The heartbeat's error count (low 32 bits) and warning count (high 32 bits; both at most a million). */
  static final int HB_ERRORS = 6;
  /** The fields per heartbeat above, as the session state stores them ({@link StateCodec}): a long each. */
  static final int HB_FIELDS = 7;
  /** A heartbeat's bits played at its rendition's bitrate. */
  static final int HBV_BITS = 0;
  /** Its playing time with a known bitrate (low 32 bits) and with known sizes (high 32 bits). */
  static final int HBV_MS = 1;
  /** Its playing time times its upscaling, in thousandths of a millisecond. */
  static final int HBV_UP = 2;
  static final int HBV_DOWN = 3;
  /** Its dropped (low 32 bits) and decoded (high 32 bits) frames. */
  static final int HBV_FRAMES = 4;
  /** Its rendition switches up (low 32 bits) and down (high 32 bits). */
  static final int HBV_SWITCHES = 5;
  /** The video fields per heartbeat above, as the session state stores them: a long each. */
  static final int HBV_FIELDS = 6;
  private static final int S_ID = 0;
  private static final int S_TS = 1;
  private static final int S_PLAYING = 2;
  private static final int S_REBUFFER = 3;
  private static final int S_STALL_WAIT = 5;
  private static final int S_TTFF = 7;
  private static final int S_ERRORS = 8;
  private static final int S_SCALE = 10;
  static final int SLOT_INTS = 12;
  private static final int X_BITS = 0;
  private static final int X_FRAMES = 2;
  private static final int X_SWITCHES = 4;
  private static final int X_INTS = 6;

  /** The slots, {@link #SLOT_INTS} ints each in one array: one object instead of many keeps a session's heap small. */
  private final int[] hb = new int[ViewState.HEARTBEAT_SLOTS * SLOT_INTS];
  /** The bitrate, frames and switches shares, {@link #X_INTS} ints a slot; null while none was other than 0. */
  private int[] extra;
  /** What the slots' times are offsets from, {@link ViewState#UNSET} before the first heartbeat. */
  private long base = ViewState.UNSET;
  /** Per slot {@code i}, bit {@code 2 i}: its playing time counted with a known bitrate; bit {@code 2 i + 1}: sizes. */
  private byte videoKnown;
  /** The slots in use. */
  int count;

  /** The slot remembering a heartbeat id (its hash, {@link ViewState#hash}), or -1. */
  int find(long idHash) {
    int id = ViewState.fold(idHash);
    for (int i = 0; i < count; i++) {
      if (hb[i * SLOT_INTS + S_ID] == id) {
        return i;
      }
    }
    return -1;
  }

  /** A slot for a new heartbeat id: a free one, else the one with the oldest timestamp. */
  int claim() {
    if (count < ViewState.HEARTBEAT_SLOTS) {
      return count++;
    }
    int oldest = 0;
    for (int i = 1; i < ViewState.HEARTBEAT_SLOTS; i++) {
      if (get(i, HB_TS) < get(oldest, HB_TS)) {
        oldest = i;
      }
    }
    return oldest;
  }

  /**
   * A remembered heartbeat's field ({@link #HB_ID} to {@link #HB_ERRORS}) as a long: the id as its 32-bit hash
   * ({@link ViewState#fold}), the time as an epoch millisecond, the pairs {@link ViewState#pack}ed.
   */
  long get(int slot, int field) {
    int at = slot * SLOT_INTS;
    return switch (field) {
      case HB_ID -> hb[at + S_ID] & 0xffffffffL;
      case HB_TS -> base + hb[at + S_TS];
      case HB_PLAYING -> hb[at + S_PLAYING];
      case HB_REBUFFER -> pair(at + S_REBUFFER);
      case HB_STALL_WAIT -> pair(at + S_STALL_WAIT);
      case HB_TTFF -> hb[at + S_TTFF];
      case HB_ERRORS -> pair(at + S_ERRORS);
      default -> throw new IllegalArgumentException("heartbeat field " + field);
    };
  }

  /** Sets a remembered heartbeat's field, given as {@link #get} reads it (an id may be its 64-bit hash). */
  void set(int slot, int field, long value) {
    int at = slot * SLOT_INTS;
    switch (field) {
      case HB_ID -> hb[at + S_ID] = ViewState.fold(value);
      case HB_TS -> time(slot, value);
      case HB_PLAYING -> hb[at + S_PLAYING] = clamp(value);
      case HB_REBUFFER -> pair(at + S_REBUFFER, value);
      case HB_STALL_WAIT -> pair(at + S_STALL_WAIT, value);
      case HB_TTFF -> hb[at + S_TTFF] = clamp(value);
      case HB_ERRORS -> pair(at + S_ERRORS, value);
      default -> throw new IllegalArgumentException("heartbeat field " + field);
    }
  }

  /** A remembered heartbeat's share of the video facts ({@link #HBV_BITS} to {@link #HBV_SWITCHES}) as a long. */
  long getVideo(int slot, int field) {
    int at = slot * SLOT_INTS;
    return switch (field) {
      case HBV_BITS -> extra(slot, X_BITS);
      case HBV_MS -> {
        long playing = hb[at + S_PLAYING];
        yield ViewState.pack((videoKnown >>> 2 * slot & 1) != 0 ? playing : 0,
            (videoKnown >>> 2 * slot & 2) != 0 ? playing : 0);
      }
      case HBV_UP -> Math.max(0, pair(at + S_SCALE));
      case HBV_DOWN -> Math.max(0, -pair(at + S_SCALE));
      case HBV_FRAMES -> extra(slot, X_FRAMES);
      case HBV_SWITCHES -> extra(slot, X_SWITCHES);
      default -> throw new IllegalArgumentException("heartbeat video field " + field);
    };
  }

  /**
   * Sets a remembered heartbeat's share of the video facts, given as {@link #getVideo} reads it. Its playing time
   * ({@link #HB_PLAYING}) is set first: the times of {@link #HBV_MS} are either none or all of it. Of an upscaling and
   * a downscaling the one set last that is not 0 is kept (a heartbeat has at most one).
   */
  void setVideo(int slot, int field, long value) {
    int at = slot * SLOT_INTS;
    switch (field) {
      case HBV_BITS -> extra(slot, X_BITS, value);
      case HBV_MS -> {
        int known = (ViewState.low(value) != 0 ? 1 : 0) | (ViewState.high(value) != 0 ? 2 : 0);
        videoKnown = (byte) (videoKnown & ~(3 << 2 * slot) | known << 2 * slot);
      }
      case HBV_UP -> pair(at + S_SCALE, value > 0 ? value : Math.min(0, pair(at + S_SCALE)));
      case HBV_DOWN -> pair(at + S_SCALE, value > 0 ? -value : Math.max(0, pair(at + S_SCALE)));
      case HBV_FRAMES -> extra(slot, X_FRAMES, value);
      case HBV_SWITCHES -> extra(slot, X_SWITCHES, value);
      default -> throw new IllegalArgumentException("heartbeat video field " + field);
    }
  }

  private long extra(int slot, int field) {
    int at = slot * X_INTS + field;
    return extra == null ? 0 : ViewState.pack(extra[at], extra[at + 1]);
  }

  private void extra(int slot, int field, long value) {
    if (extra == null) {
      if (value == 0) {
        return;
      }
      extra = new int[ViewState.HEARTBEAT_SLOTS * X_INTS];
    }
    int at = slot * X_INTS + field;
    extra[at] = ViewState.low(value);
    extra[at + 1] = ViewState.high(value);
  }

  private long pair(int at) {
    return ViewState.pack(hb[at], hb[at + 1]);
  }

  private void pair(int at, long value) {
    hb[at] = ViewState.low(value);
    hb[at + 1] = ViewState.high(value);
  }

  /** Sets a slot's time, an offset from {@link #base}, moving the base when it does not fit (see the invariants). */
  private void time(int slot, long ts) {
    if (base == ViewState.UNSET) {
      base = ts;
    }
    long off = offset(ts, base);
    if (off == (int) off) {
      hb[slot * SLOT_INTS + S_TS] = (int) off;
      return;
    }
    long newest = ts;
    for (int i = 0; i < count; i++) {
      if (i != slot) {
        newest = Math.max(newest, get(i, HB_TS));
      }
    }
    for (int i = 0; i < count; i++) {
      if (i != slot) {
        hb[i * SLOT_INTS + S_TS] = clamp(offset(get(i, HB_TS), newest));
      }
    }
    base = newest;
    hb[slot * SLOT_INTS + S_TS] = clamp(offset(ts, newest));
  }

  /** {@code t - base}, saturated to a long. */
  private static long offset(long t, long base) {
    long d = t - base;
    return ((t ^ base) & (t ^ d)) < 0 ? (t < base ? Long.MIN_VALUE : Long.MAX_VALUE) : d;
  }

  private static int clamp(long v) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }
}
