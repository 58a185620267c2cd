package io.viewpulse.model;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The binary forms of log entries and session states: big-endian numbers and length-prefixed UTF-8 strings in a
 * growable array. (DataOutputStream over ByteArrayOutputStream synchronizes on every byte and encodes strings char by
 * char; this is the hot path of ingest, so it gets a buffer of its own.)
 */
public final class Binary {
  private Binary() {}

  /** Appends to a growing array. Not thread-safe. */
  public static final class Writer {
    private static final ThreadLocal<Writer> LOCAL = ThreadLocal.withInitial(() -> new Writer(4096));

    private ByteBuffer buf;

    /**
     * This thread's writer, emptied: for encoders that copy the result out with {@link #toBytes()} before they
     * encode again (one buffer per thread, grown once, instead of a new one per record).
     */
    public static Writer local() {
      Writer w = LOCAL.get();
      w.buf.clear();
      return w;
    }

    public Writer(int capacity) {
      buf = ByteBuffer.allocate(capacity);
    }

    private void room(int n) {
      if (buf.remaining() < n) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
    }

    public Writer putByte(int v) {
      room(1);
      buf.put((byte) v);
      return this;
    }

    public Writer putBoolean(boolean v) {
      return putByte(v ? 1 : 0);
    }

    public Writer putInt(int v) {
      room(4);
      buf.putInt(v);
      return this;
    }

    public Writer putLong(long v) {
      room(8);
      buf.putLong(v);
      return this;
    }

    public Writer putDouble(double v) {
      room(8);
      buf.putDouble(v);
      return this;
    }

    /** A nullable string: its UTF-8 length (-1 for null), then the bytes. */
    public Writer putString(String s) {
      if (s == null) {
        return putInt(-1);
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      room(4 + b.length);
      buf.putInt(b.length);
      buf.put(b);
      return this;
    }

    public byte[] toBytes() {
      return Arrays.copyOf(buf.array(), buf.position());
    }
  }

  /** Reads what a {@link Writer} wrote. A truncated or damaged input fails with IllegalStateException. */
  public static final class Reader {
    private final ByteBuffer buf;

    public Reader(byte[] bytes) {
      buf = ByteBuffer.wrap(bytes);
    }

    public byte getByte() {
      try {
        return buf.get();
      } catch (BufferUnderflowException e) {
        throw damaged();
      }
    }

    public boolean getBoolean() {
      return getByte() != 0;
    }

    public int getInt() {
      try {
        return buf.getInt();
      } catch (BufferUnderflowException e) {
        throw damaged();
      }
    }

    public long getLong() {
      try {
        return buf.getLong();
      } catch (BufferUnderflowException e) {
        throw damaged();
      }
    }

    public double getDouble() {
      try {
        return buf.getDouble();
      } catch (BufferUnderflowException e) {
        throw damaged();
      }
    }

    public String getString() {
      int n = getInt();
      if (n == -1) {
        return null;
      }
      if (n < 0 || n > buf.remaining()) {
        throw damaged();
      }
      String s = new String(buf.array(), buf.arrayOffset() + buf.position(), n, StandardCharsets.UTF_8);
      buf.position(buf.position() + n);
      return s;
    }

    private static IllegalStateException damaged() {
      return new IllegalStateException("truncated or damaged binary record");
    }
  }
}
