package io.viewpulse.model;

import java.util.HashMap;
import java.util.Map;

/**
 * The player event types of the wire protocol (Livepeer's player reporter and the Viewpulse collector), and
 * {@link #PLAY_STATE}, which only CMCD reports produce. The log stores a type by its position: new types go last.
 */
public enum EventType {
  HEARTBEAT("heartbeat"),
  ERROR("error"),
  WARNING("warning"),
  PLAY("play"),
  PAUSE("pause"),
  FIRST_FRAME("first-frame"),
  CAN_PLAY("can-play"),
  ENDED("ended"),
  SEEK("seek"),
  RATE("rate"),
  VIDEO_QUALITY("video-quality"),
  CLIP("clip"),
  ENTER_PIP("enter-pip"),
  EXIT_PIP("exit-pip"),
  ENTER_FULLSCREEN("enter-fullscreen"),
  EXIT_FULLSCREEN("exit-fullscreen"),
  /**
   * The player's state from a CMCD report ({@code sta}): the state's letter in {@link PlayerEvent#category()}, and
   * the media start delay ({@code msd}), when the report gave one, as the heartbeat's {@code play_to_first_frame_ms}.
   * Not part of the beacon protocol: {@link #byWire} does not know it.
   */
  PLAY_STATE("cmcd-play-state");

  private static final Map<String, EventType> BY_WIRE = new HashMap<>();

  static {
    for (EventType t : values()) {
      if (t != PLAY_STATE) {
        BY_WIRE.put(t.wire, t);
      }
    }
  }

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The type with this wire name, or null for a type Viewpulse does not know. */
  public static EventType byWire(String s) {
    return BY_WIRE.get(s);
  }
}
