package io.viewpulse.live;

import io.viewpulse.model.Binary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Binary form of a {@link MinutePart}: the minute's account and failure count, then each touched session whole. */
final class MinutePartCodec {
  private static final int VERSION = 1;

  private MinutePartCodec() {}

  static byte[] encode(LiveStats.Minute m) {
    Binary.Writer o = Binary.Writer.local();
    o.putByte(VERSION);
    o.putString(m.accountId);
    o.putInt(m.authFailures);
    o.putInt(m.touched.size());
    for (LiveStats.SessionMinute s : m.touched) {
      o.putString(s.key);
      o.putLong(s.startMs);
      o.putLong(s.lastMs);
      o.putString(s.domain);
      o.putString(s.location);
      o.putString(s.platform);
      o.putDouble(s.playMs);
      putSlate(o, s.adSlate);
      putSlate(o, s.mcs);
    }
    return o.toBytes();
  }

  /** The account the part's minute belongs to. */
  static String accountId(byte[] part) {
    Binary.Reader in = reader(part);
    return in.getString();
  }

  /** Applies a part to its minute: its failure count and sessions replace what the minute had. */
  static void apply(byte[] part, LiveStats.Minute m) {
    Binary.Reader in = reader(part);
    in.getString();
    int authFailures = in.getInt();
    int n = in.getInt();
    List<LiveStats.SessionMinute> sessions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = in.getString();
      long startMs = in.getLong();
      long lastMs = in.getLong();
      LiveStats.SessionMinute s = new LiveStats.SessionMinute(key, startMs, in.getString(), in.getString(),
          in.getString());
      s.lastMs = lastMs;
      s.playMs = in.getDouble();
      s.adSlate = getSlate(in);
      s.mcs = getSlate(in);
      sessions.add(s);
    }
    // applied only once the whole part has been read: a damaged part changes nothing
    m.authFailures = authFailures;
    for (LiveStats.SessionMinute s : sessions) {
      m.sessions.put(s.key, s);
    }
  }

  private static Binary.Reader reader(byte[] part) {
    Binary.Reader in = new Binary.Reader(part);
    int version = in.getByte();
    if (version != VERSION) {
      throw new IllegalStateException("unknown live minute version " + version);
    }
    return in;
  }

  private static void putSlate(Binary.Writer o, Map<String, Double> slate) {
    if (slate == null) {
      o.putInt(-1);
      return;
    }
    o.putInt(slate.size());
    slate.forEach((reason, seconds) -> o.putString(reason).putDouble(seconds));
  }

  private static Map<String, Double> getSlate(Binary.Reader in) {
    int n = in.getInt();
    if (n < 0) {
      return null;
    }
    Map<String, Double> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      out.put(in.getString(), in.getDouble());
    }
    return out;
  }
}
