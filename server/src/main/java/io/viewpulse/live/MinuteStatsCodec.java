package io.viewpulse.live;

import io.viewpulse.model.Binary;
import java.util.Map;
import java.util.TreeMap;

/** The stored form of a {@link MinuteStats}: versioned, so that a store keeps reading what older versions wrote. */
public final class MinuteStatsCodec {
  private static final int VERSION = 1;

  private MinuteStatsCodec() {}

  public static byte[] encode(MinuteStats s) {
    Binary.Writer o = Binary.Writer.local();
    o.putByte(VERSION);
    o.putInt(s.authFailures());
    putGroup(o, s.concurrent());
    putGroup(o, s.fresh());
    putShares(o, s.domains());
    putShares(o, s.locations());
    putShares(o, s.platforms());
    return o.toBytes();
  }

  /** @throws IllegalArgumentException when the bytes are not a minute of a known version */
  public static MinuteStats decode(byte[] bytes) {
    Binary.Reader in = new Binary.Reader(bytes);
    int version = in.getByte();
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown minute format " + version);
    }
    int failures = in.getInt();
    MinuteStats.Group concurrent = getGroup(in);
    MinuteStats.Group fresh = getGroup(in);
    return new MinuteStats(failures, concurrent, fresh, getShares(in), getShares(in), getShares(in));
  }

  private static void putGroup(Binary.Writer o, MinuteStats.Group g) {
    o.putInt(g.sessions());
    o.putLong(g.playMs());
    putSlate(o, g.adSlate());
    putSlate(o, g.mcs());
  }

  private static MinuteStats.Group getGroup(Binary.Reader in) {
    return new MinuteStats.Group(in.getInt(), in.getLong(), getSlate(in), getSlate(in));
  }

  private static void putSlate(Binary.Writer o, Map<String, MinuteStats.Slate> m) {
    o.putInt(m.size());
    m.forEach((reason, s) -> {
      o.putString(reason);
      o.putLong(s.ms());
      o.putInt(s.sessions());
    });
  }

  private static Map<String, MinuteStats.Slate> getSlate(Binary.Reader in) {
    int n = count(in);
    Map<String, MinuteStats.Slate> m = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      m.put(in.getString(), new MinuteStats.Slate(in.getLong(), in.getInt()));
    }
    return m;
  }

  private static void putShares(Binary.Writer o, Map<String, MinuteStats.Share> m) {
    o.putInt(m.size());
    m.forEach((name, s) -> {
      o.putString(name);
      o.putInt(s.sessions());
      o.putInt(s.mcs());
      o.putInt(s.adSlate());
    });
  }

  private static Map<String, MinuteStats.Share> getShares(Binary.Reader in) {
    int n = count(in);
    Map<String, MinuteStats.Share> m = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      m.put(in.getString(), new MinuteStats.Share(in.getInt(), in.getInt(), in.getInt()));
    }
    return m;
  }

  private static int count(Binary.Reader in) {
    int n = in.getInt();
    if (n < 0 || n > 1_000_000) {
      throw new IllegalArgumentException("damaged minute: " + n + " entries");
    }
    return n;
  }
}
