package io.viewpulse.api;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.NumberOutput;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.QualityMetric;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A views answer written as JSON bytes straight into a buffer: the encoding of an hourly series (tens of thousands of
 * rows of a dozen fields) is what the API spends beyond the store, and a general-purpose generator's bookkeeping per
 * field (context, separators, escaping checks, a String per float then copied) was half of it.
 *
 * <p>Field names are constants that carry their separators; strings are escaped by Jackson's {@link JsonStringEncoder}
 * unless they are plain printable ASCII; integers are written by Jackson's {@link NumberOutput}, playing time as the
 * shortest double (Schubfach), the quality figures (TTFF, rates) to seven significant digits ({@link Decimals}), and
 * a non-finite value quoted, as Jackson does. Undefined values are left out.
 */
final class ViewsJson {
  private static final int BUFFER = 64 * 1024;
  /**
   * Room a row takes without its strings: every field name and number at their longest (about 360 bytes), and a
   * dimension's name. Checked at a row's start and after each string, the only parts of unbounded length.
   */
  private static final int ROW_ROOM = 512;
  /** Room the quality metrics take at their longest: a name of at most 32 bytes and a number of at most 24 each. */
  private static final int QUALITY_ROOM = 56 * QualityMetric.values().length;

  private static final byte[] TIMESTAMP = name("timestamp");
  private static final byte[] VIEW_COUNT = name("viewCount");
  private static final byte[] PLAYTIME_MINS = name("playtimeMins");
  private static final byte[] TTFF_MS = name("ttffMs");
  private static final byte[] TTFF_P50_MS = name("ttffP50Ms");
  private static final byte[] TTFF_P95_MS = name("ttffP95Ms");
  private static final byte[] REBUFFER_RATIO = name("rebufferRatio");
  private static final byte[] ERROR_RATE = name("errorRate");
  private static final byte[] EXITS_BEFORE_START = name("exitsBeforeStart");
  private static final byte[] UNIQUE_VIEWERS = name("uniqueViewers");
  private static final Map<Dimension, byte[]> DIMENSION_NAMES = new EnumMap<>(Dimension.class);
  private static final QualityMetric[] QUALITY = QualityMetric.values();
  private static final byte[][] QUALITY_NAMES = new byte[QUALITY.length][];

  static {
    for (Dimension d : Dimension.values()) {
      DIMENSION_NAMES.put(d, name(d.apiName()));
    }
    for (QualityMetric m : QUALITY) {
      QUALITY_NAMES[m.ordinal()] = name(m.apiName());
    }
  }

  private final OutputStream out;
  private final boolean full;
  private final Map<Dimension, byte[]> customNames = new EnumMap<>(Dimension.class);
  private byte[] buf = new byte[BUFFER];
  private int pos;
  private boolean firstRow = true;
  /** 1 while the current object has no field yet: its first name is written without the comma. */
  private int skip;

  /** Starts an answer to {@code out}: rows follow with {@link #rows}, then {@link #end}. */
  ViewsJson(OutputStream out, boolean full) {
    this(out, full, Params.NO_CUSTOM);
  }

  /** @param custom the names of the account's custom dimensions by slot: {@code custom.<name>} in the rows */
  ViewsJson(OutputStream out, boolean full, List<String> custom) {
    this.out = out;
    this.full = full;
    for (int slot = 1; slot <= custom.size(); slot++) {
      if (custom.get(slot - 1) != null) {
        customNames.put(Dimension.custom(slot), name(Dimension.custom(slot).apiName(custom)));
      }
    }
    buf[pos++] = '[';
  }

  /** Writes {@code rows} as a JSON array to {@code out}, without closing it. */
  static void write(List<MetricRow> rows, boolean full, OutputStream out) throws IOException {
    ViewsJson w = new ViewsJson(out, full);
    w.rows(rows);
    w.end();
  }

  /** The next rows of the answer; what is encoded goes out in pieces of about {@link #BUFFER} bytes. */
  void rows(List<MetricRow> rows) throws IOException {
    for (MetricRow r : rows) {
      row(r, firstRow);
      firstRow = false;
    }
  }

  /** Ends the array and hands on what is left; does not close the stream. */
  void end() throws IOException {
    room(1);
    buf[pos++] = ']';
    flush();
  }

  private void row(MetricRow r, boolean first) throws IOException {
    if (pos + ROW_ROOM > BUFFER) {
      flush();
    }
    room(ROW_ROOM);
    if (!first) {
      buf[pos++] = ',';
    }
    buf[pos++] = '{';
    // field names are stored with the comma that separates them from the one before: the first is written without
    skip = 1;
    if (r.timestamp() != null) {
      field(TIMESTAMP);
      pos = NumberOutput.outputLong(r.timestamp(), buf, pos);
    }
    for (Map.Entry<Dimension, String> d : r.dimensions().entrySet()) {
      if (d.getValue() != null) {
        field(d.getKey().customSlot() > 0 ? customNames.getOrDefault(d.getKey(), DIMENSION_NAMES.get(d.getKey()))
            : DIMENSION_NAMES.get(d.getKey()));
        string(d.getValue());
      }
    }
    field(VIEW_COUNT);
    pos = NumberOutput.outputLong(r.viewCount(), buf, pos);
    field(PLAYTIME_MINS);
    number(NumberOutput.toString(r.playtimeMins(), true));
    if (full) {
      real(TTFF_MS, r.ttffMs());
      real(TTFF_P50_MS, r.ttffP50Ms());
      real(TTFF_P95_MS, r.ttffP95Ms());
      real(REBUFFER_RATIO, r.rebufferRatio());
      real(ERROR_RATE, r.errorRate());
      real(EXITS_BEFORE_START, r.exitsBeforeStart());
      if (r.uniqueViewers() != null) {
        field(UNIQUE_VIEWERS);
        pos = NumberOutput.outputLong(r.uniqueViewers(), buf, pos);
      }
      double[] quality = r.quality();
      if (quality != null) {
        room(QUALITY_ROOM);
        for (QualityMetric m : QUALITY) {
          double v = quality[m.ordinal()];
          if (Double.isNaN(v)) {
            continue;
          }
          if (m.count()) {
            field(QUALITY_NAMES[m.ordinal()]);
            pos = NumberOutput.outputLong(Math.round(v), buf, pos);
          } else {
            real(QUALITY_NAMES[m.ordinal()], v);
          }
        }
      }
    }
    buf[pos++] = '}';
  }

  private void field(byte[] name) {
    System.arraycopy(name, skip, buf, pos, name.length - skip);
    pos += name.length - skip;
    skip = 0;
  }

  private void real(byte[] name, Double v) throws IOException {
    if (v == null) {
      return;
    }
    field(name);
    double d = v;
    if (Double.isFinite(d)) {
      pos = Decimals.write(d, buf, pos);
    } else {
      number(Double.toString(d));
    }
  }

  /** A number as Jackson writes it: as is when finite, else quoted (its default for NaN and infinities). */
  private void number(String s) throws IOException {
    char c = s.charAt(s.length() - 1);
    boolean finite = c != 'N' && c != 'y';
    room(s.length() + 2);
    if (!finite) {
      buf[pos++] = '"';
    }
    for (int i = 0; i < s.length(); i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
    if (!finite) {
      buf[pos++] = '"';
    }
  }

  private void string(String s) throws IOException {
    int n = s.length();
    // and a row's room after it, for the fields that follow without asking
    room(n + 2 + ROW_ROOM);
    int p = pos;
    buf[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        escaped(s);
        return;
      }
      buf[p++] = (byte) c;
    }
    buf[p++] = '"';
    pos = p;
  }

  private void escaped(String s) throws IOException {
    byte[] e = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    room(e.length + 2 + ROW_ROOM);
    buf[pos++] = '"';
    System.arraycopy(e, 0, buf, pos, e.length);
    pos += e.length;
    buf[pos++] = '"';
  }

  /**
   * Makes room for {@code n} more bytes. The buffer is flushed only between rows, when less than a row's room is left,
   * so positions inside a row stay valid; a string longer than the room left grows the buffer instead.
   */
  private void room(int n) throws IOException {
    if (pos + n <= buf.length) {
      return;
    }
    byte[] grown = new byte[Math.max(buf.length * 2, pos + n)];
    System.arraycopy(buf, 0, grown, 0, pos);
    buf = grown;
  }

  private void flush() throws IOException {
    out.write(buf, 0, pos);
    pos = 0;
  }

  private static byte[] name(String name) {
    return (",\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
  }
}
