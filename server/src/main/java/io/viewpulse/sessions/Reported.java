package io.viewpulse.sessions;

/**
 * What a player may report of the video besides its sizes, which many players (Livepeer's among them) do not: the
 * bitrate of the rendition playing, dropped and decoded frames, rendition switches (each remembered heartbeat's
 * share of them is in {@link HeartbeatSlots}). Made when a heartbeat first reports a bitrate or a frame or switch
 * count that is not 0.
 */
final class Reported {
  /** The initial values, read while a session has no {@link Reported} of its own; never written. */
  static final Reported NONE = new Reported();
  /** The bitrate of the rendition playing last reported (0: unknown), and the time of the heartbeat that said so. */
  long bitrateBps;
  long bitrateAt = ViewState.UNSET;
  long bitrateMs;
  long bitrateBits;
  int droppedFrames;
  int totalFrames;
  int switchesUp;
  int switchesDown;

  boolean initial() {
    return bitrateBps == 0 && bitrateAt == ViewState.UNSET && bitrateMs == 0 && bitrateBits == 0
        && droppedFrames == 0 && totalFrames == 0 && switchesUp == 0 && switchesDown == 0;
  }
}
