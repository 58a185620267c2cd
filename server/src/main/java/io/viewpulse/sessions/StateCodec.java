package io.viewpulse.sessions;

import io.viewpulse.model.Binary;
import io.viewpulse.model.Dimensions;

/**
 * Binary form of a {@link ViewState}, stored with each open session's snapshot so a restart can rebuild it. A new
 * version adds fields at the end and reads every older one, so that the open sessions of an upgraded server go on:
 * version 6 has neither the CMCD play state nor the quality facts (failures, rebuffers, seeks, the video shown),
 * version 7 the play state only, version 8 both, version 9 also the timeline (a state of an earlier version starts
 * with an empty one), version 10 the custom and network dimensions ({@link Dimensions#tail}), version 11 what the view
 * watched ({@link Watched}; a state of an earlier version starts with nothing watched, its duration unknown until a
 * heartbeat reports it again).
 * Without the quality facts a state's errors are of no known kind and taken as fatal, as a view stored before the
 * kinds ({@code ViewQuality.ofErrors}); its rebuffers and seeks so far are not counted.
 *
 * <p>The form does not follow the in-memory layout ({@link ViewState} keeps its parts as small as their values): the
 * remembered heartbeats are written as {@link HeartbeatSlots#HB_FIELDS} and {@link HeartbeatSlots#HBV_FIELDS} longs
 * a slot as they always were, their ids as 32-bit hashes zero-extended (a state written with 64-bit ones folds them to
 * the same when read), their times as epoch milliseconds.
 */
final class StateCodec {
  private static final int VERSION = 11;
  private static final int VERSION_10 = 10;
  private static final int VERSION_9 = 9;
  private static final int VERSION_8 = 8;
  private static final int VERSION_7 = 7;
  private static final int VERSION_6 = 6;
  /** What version 7 added at the end: the play state. */
  static final int PLAY_STATE_BYTES = 4 + 8 + 8 + 1;
  /** What version 8 added at the end: the quality facts. */
  static final int QUALITY_BYTES = 8 + 6 * 4 + 4 * 4 + 9 * 8 + 4 * 4
      + ViewState.HEARTBEAT_SLOTS * HeartbeatSlots.HBV_FIELDS * 8 + 8;

  /** What version 9 added at the end for a state: its timeline. */
  static int timelineBytes(ViewState s) {
    return 8 + 8 + 4 + 4 + s.timeline.size();
  }

  /** What version 10 added at the end when the state has no custom or network dimensions: a null string each. */
  static final int NO_TAIL_BYTES = (io.viewpulse.model.CustomDimension.MAX + 3) * 4;

  /** What version 11 added at the end for a state: what its view watched ({@link Watched#save}). */
  static int watchedBytes(ViewState s) {
    return 8 + 8 + ViewState.HEARTBEAT_SLOTS * 8 + 1 + (s.watched.any() ? Watched.BUCKETS : 0);
  }

  private StateCodec() {}

  static byte[] encode(ViewState s) {
    {
      Binary.Writer o = Binary.Writer.local();
      o.putByte(VERSION);
      for (String v : new String[] {s.key, s.accountId, s.mediaId, s.playbackId, s.creatorId, s.dStorageUrl,
          s.viewerId, s.domain, s.sourceHost, s.region}) {
        str(o, v);
      }
      Dimensions d = s.dims == null ? Dimensions.UNKNOWN : s.dims;
      for (String v : new String[] {d.deviceType(), d.device(), d.cpu(), d.os(), d.browser(), d.browserEngine(),
          d.continent(), d.country(), d.subdivision(), d.timezone(), d.geohash()}) {
        str(o, v);
      }
      o.putBoolean(s.live);
      for (long v : new long[] {s.startedAt, s.startServerMs, s.lastEventAt, s.lastPlayingAt, s.seenAt, s.firstFrameAt, s.endedAt,
          s.playingMs, s.rebufferMs, s.lastOfPageAt}) {
        o.putLong(v);
      }
      for (boolean v : new boolean[] {s.playIntent, s.firstFrame, s.endedByPlayer, s.lastOfPage, s.timedOut}) {
        o.putBoolean(v);
      }
      o.putInt(s.ttffMs);
      o.putInt(s.r().heartbeatErrors);
      o.putInt(s.r().errorEvents);
      o.putInt(s.r().authFailures);
      o.putInt(s.eventIdCount);
      for (int i = 0; i < ViewState.EVENT_IDS; i++) {
        o.putInt(i < s.eventIds.length ? s.eventIds[i] : 0);
      }
      o.putInt(s.slots.count);
      for (int slot = 0; slot < ViewState.HEARTBEAT_SLOTS; slot++) {
        for (int f = 0; f < HeartbeatSlots.HB_FIELDS; f++) {
          o.putLong(slot < s.slots.count ? s.slots.get(slot, f) : 0);
        }
      }
      // version 7: the CMCD play state
      o.putInt(s.r().playState);
      o.putLong(s.r().playStateAt);
      o.putLong(s.r().startingAt);
      o.putBoolean(s.r().ttffDerived);
      // version 8: the quality facts
      o.putLong(s.r().firstFatalAt);
      o.putInt(s.r().recoveredErrors);
      o.putInt(s.r().warningEvents);
      o.putInt(s.r().heartbeatWarnings);
      o.putInt(s.rebufferCount);
      o.putInt(s.r().seekCount);
      o.putInt(s.r().seekMs);
      for (int v : new int[] {s.videoW, s.videoH, s.playerW, s.playerH}) {
        o.putInt(v);
      }
      for (long v : new long[] {s.videoSizeAt, s.playerSizeAt, s.rp().bitrateBps, s.rp().bitrateAt, s.rp().bitrateMs,
          s.rp().bitrateBits,
          s.scaleMs, s.upscaleUnits, s.downscaleUnits}) {
        o.putLong(v);
      }
      for (int v : new int[] {s.rp().droppedFrames, s.rp().totalFrames, s.rp().switchesUp, s.rp().switchesDown}) {
        o.putInt(v);
      }
      for (int slot = 0; slot < ViewState.HEARTBEAT_SLOTS; slot++) {
        for (int f = 0; f < HeartbeatSlots.HBV_FIELDS; f++) {
          o.putLong(slot < s.slots.count ? s.slots.getVideo(slot, f) : 0);
        }
      }
      o.putDouble(s.maxUpscale);
      // version 9: the timeline
      o.putLong(s.r().stallSince);
      s.timeline.save(o);
      // version 10: the custom and network dimensions
      for (String v : d.tail()) {
        str(o, v);
      }
      // version 11: what the view watched
      s.watched.save(o);
      return o.toBytes();
    }
  }

  static ViewState decode(byte[] b) {
    ViewState s = read(b);
    s.compact();
    return s;
  }

  private static ViewState read(byte[] b) {
    {
      Binary.Reader in = new Binary.Reader(b);
      int version = in.getByte();
      if (version != VERSION && version != VERSION_10 && version != VERSION_9 && version != VERSION_8 && version != VERSION_7
          && version != VERSION_6) {
        throw new IllegalStateException("unknown session state version " + version);
      }
      ViewState s = new ViewState(str(in), str(in), str(in), str(in), str(in), str(in));
      // bounded as a beacon's are: a snapshot from before the bounds keeps no more than a new session
      s.viewerId = io.viewpulse.model.Bounded.viewerId(str(in));
      s.domain = io.viewpulse.model.Bounded.host(str(in));
      s.sourceHost = io.viewpulse.model.Bounded.host(str(in));
      s.region = str(in);
      s.dims = new Dimensions(str(in), str(in), str(in), str(in), str(in), str(in), str(in), str(in), str(in),
          str(in), str(in));
      s.live = in.getBoolean();
      s.startedAt = in.getLong();
      s.startServerMs = in.getLong();
      s.lastEventAt = in.getLong();
      s.lastPlayingAt = in.getLong();
      s.seenAt = in.getLong();
      s.firstFrameAt = in.getLong();
      s.endedAt = in.getLong();
      s.playingMs = in.getLong();
      s.rebufferMs = in.getLong();
      s.lastOfPageAt = in.getLong();
      s.playIntent = in.getBoolean();
      s.firstFrame = in.getBoolean();
      s.endedByPlayer = in.getBoolean();
      s.lastOfPage = in.getBoolean();
      s.timedOut = in.getBoolean();
      s.ttffMs = in.getInt();
      s.rare().heartbeatErrors = in.getInt();
      s.rare().errorEvents = in.getInt();
      s.rare().authFailures = in.getInt();
      s.eventIdCount = in.getInt();
      int[] ids = new int[ViewState.EVENT_IDS];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = in.getInt();
      }
      s.eventIds = Integer.compareUnsigned(s.eventIdCount, s.eventIds.length) <= 0
          ? java.util.Arrays.copyOf(ids, s.eventIds.length) : ids;
      s.slots.count = Math.max(0, Math.min(ViewState.HEARTBEAT_SLOTS, in.getInt()));
      for (int slot = 0; slot < ViewState.HEARTBEAT_SLOTS; slot++) {
        for (int f = 0; f < HeartbeatSlots.HB_FIELDS; f++) {
          long v = in.getLong();
          if (slot < s.slots.count) {
            s.slots.set(slot, f, v);
          }
        }
      }
      if (version >= VERSION_7) {
        s.rare().playState = (char) in.getInt();
        s.rare().playStateAt = in.getLong();
        s.rare().startingAt = in.getLong();
        s.rare().ttffDerived = in.getBoolean();
      }
      if (version < VERSION_8) {
        // its errors were of no known kind: fatal, as for a view stored before the kinds (ViewQuality.ofErrors)
        if (s.errors() > 0) {
          s.rare().firstFatalAt = s.firstFrame ? Math.max(s.firstFrameAt, s.lastEventAt) : s.startedAt;
        }
        return s;
      }
      s.rare().firstFatalAt = in.getLong();
      s.rare().recoveredErrors = in.getInt();
      s.rare().warningEvents = in.getInt();
      s.rare().heartbeatWarnings = in.getInt();
      s.rebufferCount = in.getInt();
      s.rare().seekCount = in.getInt();
      s.rare().seekMs = in.getInt();
      s.videoW = in.getInt();
      s.videoH = in.getInt();
      s.playerW = in.getInt();
      s.playerH = in.getInt();
      s.videoSizeAt = in.getLong();
      s.playerSizeAt = in.getLong();
      s.reported().bitrateBps = in.getLong();
      s.reported().bitrateAt = in.getLong();
      s.reported().bitrateMs = in.getLong();
      s.reported().bitrateBits = in.getLong();
      s.scaleMs = in.getLong();
      s.upscaleUnits = in.getLong();
      s.downscaleUnits = in.getLong();
      s.reported().droppedFrames = in.getInt();
      s.reported().totalFrames = in.getInt();
      s.reported().switchesUp = in.getInt();
      s.reported().switchesDown = in.getInt();
      for (int slot = 0; slot < ViewState.HEARTBEAT_SLOTS; slot++) {
        for (int f = 0; f < HeartbeatSlots.HBV_FIELDS; f++) {
          long v = in.getLong();
          if (slot < s.slots.count) {
            s.slots.setVideo(slot, f, v);
          }
        }
      }
      s.maxUpscale = in.getDouble();
      if (version >= VERSION_9) {
        s.rare().stallSince = in.getLong();
        s.timeline = io.viewpulse.model.Timeline.Recorder.restore(in);
      }
      if (version >= VERSION_10) {
        String[] tail = new String[io.viewpulse.model.CustomDimension.MAX + 3];
        for (int i = 0; i < tail.length; i++) {
          tail[i] = str(in);
        }
        s.dims = s.dims.withTail(tail);
      }
      if (version >= VERSION) {
        s.watched = Watched.restore(in);
      }
      return s;
    }
  }

  private static void str(Binary.Writer o, String s) {
    o.putString(s);
  }

  private static String str(Binary.Reader in) {
    return in.getString();
  }
}
