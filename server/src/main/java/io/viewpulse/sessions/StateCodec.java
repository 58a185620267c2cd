package io.viewpulse.sessions;

import io.viewpulse.model.Dimensions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Binary form of a {@link ViewState}, stored with each open session's snapshot so a restart can rebuild it. */
final class StateCodec {
  private static final int VERSION = 2;

  private StateCodec() {}

  static byte[] encode(ViewState s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      DataOutputStream o = new DataOutputStream(bytes);
      o.writeByte(VERSION);
      for (String v : new String[] {s.key, s.accountId, s.mediaId, s.playbackId, s.creatorId, s.dStorageUrl,
          s.sessionId, s.viewerId, s.domain, s.sourceHost, s.region}) {
        str(o, v);
      }
      Dimensions d = s.dims == null ? Dimensions.UNKNOWN : s.dims;
      for (String v : new String[] {d.deviceType(), d.device(), d.cpu(), d.os(), d.browser(), d.browserEngine(),
          d.continent(), d.country(), d.subdivision(), d.timezone(), d.geohash()}) {
        str(o, v);
      }
      o.writeBoolean(s.live);
      for (long v : new long[] {s.startedAt, s.startServerMs, s.lastEventAt, s.lastPlayingAt, s.seenAt, s.firstFrameAt, s.endedAt,
          s.playingMs, s.rebufferMs, s.lastOfPageAt}) {
        o.writeLong(v);
      }
      for (boolean v : new boolean[] {s.playIntent, s.firstFrame, s.endedByPlayer, s.lastOfPage, s.timedOut}) {
        o.writeBoolean(v);
      }
      o.writeInt(s.ttffMs);
      o.writeInt(s.heartbeatErrors);
      o.writeInt(s.errorEvents);
      o.writeInt(s.authFailures);
      o.writeInt(s.eventIdCount);
      for (long v : s.eventIds) {
        o.writeLong(v);
      }
      o.writeInt(s.hbCount);
      for (int i = 0; i < ViewState.HEARTBEAT_SLOTS; i++) {
        o.writeLong(s.hbId[i]);
        o.writeLong(s.hbTs[i]);
        o.writeLong(s.hbPlaying[i]);
        o.writeLong(s.hbRebuffer[i]);
        o.writeInt(s.hbErrors[i]);
        o.writeLong(s.hbStallWait[i]);
        o.writeLong(s.hbTtff[i]);
      }
      o.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ViewState decode(byte[] b) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
      int version = in.readByte();
      if (version != VERSION) {
        throw new IllegalStateException("unknown session state version " + version);
      }
      ViewState s = new ViewState(str(in), str(in), str(in), str(in), str(in), str(in), str(in));
      s.viewerId = str(in);
      s.domain = str(in);
      s.sourceHost = str(in);
      s.region = str(in);
      s.dims = new Dimensions(str(in), str(in), str(in), str(in), str(in), str(in), str(in), str(in), str(in),
          str(in), str(in));
      s.live = in.readBoolean();
      s.startedAt = in.readLong();
      s.startServerMs = in.readLong();
      s.lastEventAt = in.readLong();
      s.lastPlayingAt = in.readLong();
      s.seenAt = in.readLong();
      s.firstFrameAt = in.readLong();
      s.endedAt = in.readLong();
      s.playingMs = in.readLong();
      s.rebufferMs = in.readLong();
      s.lastOfPageAt = in.readLong();
      s.playIntent = in.readBoolean();
      s.firstFrame = in.readBoolean();
      s.endedByPlayer = in.readBoolean();
      s.lastOfPage = in.readBoolean();
      s.timedOut = in.readBoolean();
      s.ttffMs = in.readInt();
      s.heartbeatErrors = in.readInt();
      s.errorEvents = in.readInt();
      s.authFailures = in.readInt();
      s.eventIdCount = in.readInt();
      for (int i = 0; i < ViewState.EVENT_IDS; i++) {
        s.eventIds[i] = in.readLong();
      }
      s.hbCount = in.readInt();
      for (int i = 0; i < ViewState.HEARTBEAT_SLOTS; i++) {
        s.hbId[i] = in.readLong();
        s.hbTs[i] = in.readLong();
        s.hbPlaying[i] = in.readLong();
        s.hbRebuffer[i] = in.readLong();
        s.hbErrors[i] = in.readInt();
        s.hbStallWait[i] = in.readLong();
        s.hbTtff[i] = in.readLong();
      }
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt session state", e);
    }
  }

  private static void str(DataOutputStream o, String s) throws IOException {
    if (s == null) {
      o.writeBoolean(false);
    } else {
      o.writeBoolean(true);
      o.writeUTF(s);
    }
  }

  private static String str(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
