package io.viewpulse.model;

import java.util.ArrayList;
import java.util.List;

/**
 * How entries are written to the event log: a compact binary form (a version byte, then the fields in order), about
 * three times smaller and ten times faster to write and read than JSON. The version byte lets a later format read
 * older logs: a beacon is written as {@link #BEACON_V4} (each event followed by its seek latency, then its video
 * sample; after the events, the custom and network dimensions, {@link Dimensions#tail}); {@link #BEACON_V3} (without
 * those dimensions), {@link #BEACON_V2} (the latency only) and {@link #BEACON_V1} (neither) are still read.
 */
public final class LogCodec {
  private static final byte BEACON_V1 = 3;
  private static final byte BEACON_V2 = 6;
  private static final byte BEACON_V3 = 7;
  private static final byte BEACON_V4 = 8;
  private static final byte STREAM_EVENT_V1 = 4;
  private static final byte TICK_V1 = 5;
  private static final EventType[] TYPES = EventType.values();
  private static final StreamEvent.Type[] STREAM_TYPES = StreamEvent.Type.values();

  private LogCodec() {}

  public static byte[] encode(LogEntry e) {
    Binary.Writer o = Binary.Writer.local();
    {
      if (e instanceof Beacon b) {
        o.putByte(BEACON_V4);
        for (String s : new String[] {b.accountId(), b.mediaId(), b.playbackId(), b.creatorId(), b.dStorageUrl(),
            b.sessionId(), b.viewerId(), b.domain(), b.sourceHost(), b.region()}) {
          str(o, s);
        }
        Dimensions d = b.dims() == null ? Dimensions.UNKNOWN : b.dims();
        for (String s : new String[] {d.deviceType(), d.device(), d.cpu(), d.os(), d.browser(), d.browserEngine(),
            d.continent(), d.country(), d.subdivision(), d.timezone(), d.geohash()}) {
          str(o, s);
        }
        o.putBoolean(b.live());
        o.putBoolean(b.lastOfPage());
        o.putLong(b.receivedAtMs());
        o.putInt(b.events().size());
        for (PlayerEvent ev : b.events()) {
          str(o, ev.id());
          o.putByte(ev.type().ordinal());
          o.putLong(ev.timestamp());
          Heartbeat h = ev.heartbeat();
          o.putBoolean(h != null);
          if (h != null) {
            o.putInt(h.errors());
            o.putInt(h.warnings());
            o.putInt(h.stalledCount());
            o.putInt(h.waitingCount());
            o.putLong(h.timeErroredMs());
            o.putLong(h.timeWarningMs());
            o.putLong(h.timeStalledMs());
            o.putLong(h.timePlayingMs());
            o.putLong(h.timeWaitingMs());
            optional(o, h.playToFirstFrameMs());
            optional(o, h.mountToFirstFrameMs());
            optional(o, h.durationMs());
          }
          str(o, ev.category());
          str(o, ev.message());
          // version 2
          optional(o, ev.latencyMs());
          // version 3
          VideoSample v = ev.video();
          o.putBoolean(v != null);
          if (v != null) {
            for (Integer px : new Integer[] {v.videoWidthPx(), v.videoHeightPx(), v.playerWidthPx(),
                v.playerHeightPx()}) {
              o.putInt(px == null ? -1 : px);
            }
            optional(o, v.bitrateBps());
            o.putInt(v.droppedFrames()).putInt(v.totalFrames()).putInt(v.switchesUp()).putInt(v.switchesDown());
          }
        }
        // version 4
        for (String s : d.tail()) {
          str(o, s);
        }
      } else if (e instanceof Tick t) {
        o.putByte(TICK_V1);
        o.putLong(t.receivedAtMs());
      } else {
        StreamEvent s = (StreamEvent) e;
        o.putByte(STREAM_EVENT_V1);
        o.putByte(s.type().ordinal());
        for (String v : new String[] {s.accountId(), s.streamId(), s.playbackId(), s.sessionId(), s.slateKind(),
            s.reason()}) {
          str(o, v);
        }
        o.putDouble(s.seconds());
        o.putLong(s.timestamp());
        o.putLong(s.receivedAtMs());
      }
      return o.toBytes();
    }
  }

  public static LogEntry decode(byte[] bytes) {
    {
      Binary.Reader in = new Binary.Reader(bytes);
      byte kind = in.getByte();
      if (kind == TICK_V1) {
        return new Tick(in.getLong());
      }
      if (kind == BEACON_V1 || kind == BEACON_V2 || kind == BEACON_V3 || kind == BEACON_V4) {
        boolean v2 = kind != BEACON_V1;
        boolean v3 = kind == BEACON_V3 || kind == BEACON_V4;
        String accountId = str(in);
        String mediaId = str(in);
        String playbackId = str(in);
        String creatorId = str(in);
        String dStorageUrl = str(in);
        String sessionId = str(in);
        String viewerId = str(in);
        String domain = str(in);
        String sourceHost = str(in);
        String region = str(in);
        Dimensions dims = new Dimensions(str(in), str(in), str(in), str(in), str(in), str(in), str(in), str(in),
            str(in), str(in), str(in));
        boolean live = in.getBoolean();
        boolean last = in.getBoolean();
        long received = in.getLong();
        int n = in.getInt();
        List<PlayerEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          String id = str(in);
          EventType type = TYPES[in.getByte()];
          long ts = in.getLong();
          Heartbeat h = null;
          if (in.getBoolean()) {
            h = new Heartbeat(in.getInt(), in.getInt(), in.getInt(), in.getInt(), in.getLong(), in.getLong(),
                in.getLong(), in.getLong(), in.getLong(), optional(in), optional(in), optional(in));
          }
          String category = str(in);
          String message = str(in);
          Long latency = v2 ? optional(in) : null;
          VideoSample video = null;
          if (v3 && in.getBoolean()) {
            video = new VideoSample(px(in.getInt()), px(in.getInt()), px(in.getInt()), px(in.getInt()), optional(in),
                in.getInt(), in.getInt(), in.getInt(), in.getInt());
          }
          events.add(new PlayerEvent(id, type, ts, h, category, message, latency, video));
        }
        if (kind == BEACON_V4) {
          String[] tail = new String[CustomDimension.MAX + 3];
          for (int i = 0; i < tail.length; i++) {
            tail[i] = str(in);
          }
          dims = dims.withTail(tail);
        }
        return new Beacon(accountId, mediaId, playbackId, creatorId, dStorageUrl, sessionId, viewerId, live, domain,
            sourceHost, dims, region, last, received, events);
      }
      if (kind == STREAM_EVENT_V1) {
        StreamEvent.Type type = STREAM_TYPES[in.getByte()];
        return new StreamEvent(type, str(in), str(in), str(in), str(in), str(in), str(in), in.getDouble(),
            in.getLong(), in.getLong());
      }
      throw new IllegalStateException("unknown entry kind " + kind + " in the event log");
    }
  }

  private static Integer px(int v) {
    return v < 0 ? null : v;
  }

  private static void str(Binary.Writer o, String s) {
    o.putString(s);
  }

  private static String str(Binary.Reader in) {
    return in.getString();
  }

  private static void optional(Binary.Writer o, Long v) {
    o.putLong(v == null ? Long.MIN_VALUE : v);
  }

  private static Long optional(Binary.Reader in) {
    long v = in.getLong();
    return v == Long.MIN_VALUE ? null : v;
  }
}
