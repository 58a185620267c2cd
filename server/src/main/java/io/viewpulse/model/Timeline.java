package io.viewpulse.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What happened in one view, at the times its player reported (event time, not arrival): play, first frame, stalls
 * with their length, seeks (with their latency when the player measured it), rendition switches, pauses, errors
 * (fatal or not, with category and message), end. Kept by the sessionizer while the session is open ({@link Recorder},
 * bounded) and stored with the finished view in its binary form: a format byte, the first event's time, the number of
 * events dropped, then per event its kind, its time as a signed varint offset from the first event's, and what the
 * kind carries (varints, and strings as a varint length and UTF-8). Events are kept in arrival order and read back in
 * time order.
 *
 * @param events in time order (ties in arrival order)
 * @param dropped events the session's bound left out
 */
public record Timeline(List<Event> events, int dropped) {
  /** The kinds of event, stored by position: new kinds go last. */
  public enum Kind {
    PLAY,
    FIRST_FRAME,
    STALL,
    SEEK,
    RENDITION,
    PAUSE,
    ERROR,
    END;

    public String apiName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One event. Fields a kind does not carry are -1, 0 or null.
   *
   * @param durationMs a stall's length, a seek's latency (-1 when not measured)
   * @param count the stalls a heartbeat reported at once (1 for a stall seen as it happened)
   * @param from the rendition before a switch (bitrate and video size, 0 when unknown)
   * @param fatal an error the player did not recover from
   * @param category an error's category; an end's cause ({@code ended}, {@code quit}, {@code page}, {@code timeout})
   * @param message an error's message, at most {@link #MAX_MESSAGE} characters
   */
  public record Event(Kind kind, long atMs, long durationMs, int count, Rendition from, Rendition to, boolean fatal,
      String category, String message) {}

  /** A rendition: its bitrate and video size, each 0 when unknown. */
  public record Rendition(long bitrateBps, int width, int height) {}

  /** The stored format this class writes. */
  static final int FORMAT = 1;
  /** The most a session keeps of its events, encoded: beyond it events are counted as dropped. */
  public static final int MAX_BYTES = 512;
  public static final int MAX_MESSAGE = 100;
  public static final int MAX_CATEGORY = 32;

  /** The empty timeline. */
  public static final Timeline EMPTY = new Timeline(List.of(), 0);

  /**
   * A session's events as they arrive, encoded at once into one byte array that grows up to {@link #MAX_BYTES}: an
   * event that does not fit is counted in {@link #dropped}. Owned by the sessionizer's thread.
   */
  public static final class Recorder {
    private static final long UNSET = Long.MIN_VALUE;
    private byte[] buf;
    private int len;
    private long base = UNSET;
    private int dropped;

    public void play(long at) {
      simple(Kind.PLAY, at);
    }

    public void firstFrame(long at) {
      simple(Kind.FIRST_FRAME, at);
    }

    public void pause(long at) {
      simple(Kind.PAUSE, at);
    }

    public void stall(long at, long lengthMs, int count) {
      Out o = start(Kind.STALL, at);
      o.varint(Math.max(0, lengthMs));
      o.varint(Math.max(1, count));
      add(o);
    }

    /** A seek, with its latency or -1. */
    public void seek(long at, long latencyMs) {
      Out o = start(Kind.SEEK, at);
      o.varint(latencyMs + 1);
      add(o);
    }

    public void rendition(long at, Rendition from, Rendition to) {
      Out o = start(Kind.RENDITION, at);
      for (Rendition r : new Rendition[] {from, to}) {
        o.varint(Math.max(0, r.bitrateBps()));
        o.varint(Math.max(0, r.width()));
        o.varint(Math.max(0, r.height()));
      }
      add(o);
    }

    public void error(long at, boolean fatal, String category, String message) {
      Out o = start(Kind.ERROR, at);
      o.write(fatal ? 1 : 0);
      o.string(cut(category, MAX_CATEGORY));
      o.string(cut(message, MAX_MESSAGE));
      add(o);
    }

    public void end(long at, String cause) {
      Out o = start(Kind.END, at);
      o.string(cause);
      add(o);
    }

    public int dropped() {
      return dropped;
    }

    /** The encoded events' length: what the session holds of them. */
    public int size() {
      return len;
    }

    /**
     * The stored form, with {@code end} (a cause, or null for none) added at {@code endAt} whatever the bound: a
     * finished view's timeline says how it ended.
     */
    public byte[] toBytes(String end, long endAt) {
      Out o = new Out();
      o.write(FORMAT);
      long b = base == UNSET ? (end == null ? 0 : endAt) : base;
      o.zigzag(b);
      o.varint(dropped);
      o.write(buf == null ? new byte[0] : buf, 0, len);
      if (end != null) {
        o.write(Kind.END.ordinal());
        o.zigzag(endAt - b);
        o.string(end);
      }
      return o.toByteArray();
    }

    /** The session state's form (with {@link #restore}): the first event's time, the drops, the events. */
    public void save(Binary.Writer w) {
      w.putLong(base);
      w.putInt(dropped);
      w.putInt(len);
      for (int i = 0; i < len; i++) {
        w.putByte(buf[i]);
      }
    }

    public static Recorder restore(Binary.Reader r) {
      Recorder t = new Recorder();
      t.base = r.getLong();
      t.dropped = r.getInt();
      int n = r.getInt();
      if (n < 0 || n > MAX_BYTES) {
        throw new IllegalStateException("timeline of " + n + " bytes");
      }
      t.buf = n == 0 ? null : new byte[n];
      for (int i = 0; i < n; i++) {
        t.buf[i] = r.getByte();
      }
      t.len = n;
      return t;
    }

    private void simple(Kind k, long at) {
      add(start(k, at));
    }

    private Out start(Kind k, long at) {
      if (base == UNSET) {
        base = at;
      }
      Out o = new Out();
      o.write(k.ordinal());
      o.zigzag(at - base);
      return o;
    }

    private void add(Out o) {
      int n = o.size();
      if (len + n > MAX_BYTES) {
        dropped = dropped == Integer.MAX_VALUE ? dropped : dropped + 1;
        return;
      }
      if (buf == null || buf.length < len + n) {
        buf = java.util.Arrays.copyOf(buf == null ? new byte[0] : buf,
            Math.min(MAX_BYTES, Math.max(len + n, buf == null ? 8 : buf.length * 2)));
      }
      o.copyTo(buf, len);
      len += n;
    }
  }

  /** Reads a stored timeline; null or empty bytes are the empty timeline. */
  public static Timeline decode(byte[] b) {
    if (b == null || b.length == 0) {
      return EMPTY;
    }
    In in = new In(b);
    int format = in.read();
    if (format != FORMAT) {
      throw new IllegalStateException("unknown timeline format " + format);
    }
    long base = in.zigzag();
    int dropped = (int) in.varint();
    List<Event> events = new ArrayList<>();
    Kind[] kinds = Kind.values();
    while (in.more()) {
      Kind k = kinds[in.read()];
      long at = base + in.zigzag();
      events.add(switch (k) {
        case STALL -> new Event(k, at, in.varint(), (int) in.varint(), null, null, false, null, null);
        case SEEK -> new Event(k, at, in.varint() - 1, 0, null, null, false, null, null);
        case RENDITION -> new Event(k, at, -1, 0, in.rendition(), in.rendition(), false, null, null);
        case ERROR -> new Event(k, at, -1, 0, null, null, in.read() == 1, in.string(), in.string());
        case END -> new Event(k, at, -1, 0, null, null, false, in.string(), null);
        default -> new Event(k, at, -1, 0, null, null, false, null, null);
      });
    }
    events.sort(Comparator.comparingLong(Event::atMs));
    return new Timeline(List.copyOf(events), dropped);
  }

  private static String cut(String s, int max) {
    if (s == null) {
      return null;
    }
    return s.length() <= max ? s : s.substring(0, Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
  }

  private static final class Out extends ByteArrayOutputStream {
    Out() {
      super(16);
    }

    void varint(long v) {
      while ((v & ~0x7fL) != 0) {
        write((int) ((v & 0x7f) | 0x80));
        v >>>= 7;
      }
      write((int) v);
    }

    void zigzag(long v) {
      varint((v << 1) ^ (v >> 63));
    }

    /** Null as 0, else the length plus one and the UTF-8 bytes. */
    void string(String s) {
      if (s == null) {
        varint(0);
        return;
      }
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      varint(u.length + 1L);
      write(u, 0, u.length);
    }

    void copyTo(byte[] dst, int at) {
      System.arraycopy(buf, 0, dst, at, count);
    }
  }

  private static final class In {
    private final byte[] b;
    private int at;

    In(byte[] b) {
      this.b = b;
    }

    boolean more() {
      return at < b.length;
    }

    int read() {
      return b[at++] & 0xff;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        int x = read();
        v |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
    }

    long zigzag() {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    String string() {
      int n = (int) varint();
      if (n == 0) {
        return null;
      }
      String s = new String(b, at, n - 1, StandardCharsets.UTF_8);
      at += n - 1;
      return s;
    }

    Rendition rendition() {
      return new Rendition(varint(), (int) varint(), (int) varint());
    }
  }
}
