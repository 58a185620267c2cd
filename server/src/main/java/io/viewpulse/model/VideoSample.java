package io.viewpulse.model;

/**
 * What a heartbeat says of the video shown: its size and the player's, sent when they change (Livepeer's player and
 * Viewpulse's collector send the sizes; only Viewpulse's collector sends the rest), the bitrate of the rendition
 * playing, sent when it changes, and counts since the previous heartbeat: frames dropped and shown, rendition switches
 * up and down. A size or bitrate not sent is null (unchanged, or unknown); a count not sent is 0.
 *
 * @param videoWidthPx the video's width in pixels ({@code video_width_px})
 * @param videoHeightPx its height ({@code video_height_px})
 * @param playerWidthPx the player's width in CSS pixels ({@code player_width_px})
 * @param playerHeightPx its height ({@code player_height_px})
 * @param bitrateBps the bitrate of the rendition playing, bits per second ({@code bitrate_bps})
 * @param droppedFrames frames dropped ({@code dropped_frames})
 * @param totalFrames frames decoded, dropped ones included ({@code total_frames})
 * @param switchesUp switches to a rendition of higher bitrate, or of more pixels when the bitrate is unknown
 *     ({@code rendition_up_count})
 * @param switchesDown switches to a lower one ({@code rendition_down_count})
 */
public record VideoSample(Integer videoWidthPx, Integer videoHeightPx, Integer playerWidthPx, Integer playerHeightPx,
    Long bitrateBps, int droppedFrames, int totalFrames, int switchesUp, int switchesDown) {

  /** The most pixels of a side, and the largest bitrate, that are taken as real; beyond, the value is ignored. */
  public static final int MAX_PX = 100_000;
  public static final long MAX_BITRATE_BPS = 10_000_000_000L;

  /** Whether both sizes are known, so the video's scaling can be computed. */
  public boolean sized() {
    return videoWidthPx != null && videoHeightPx != null && playerWidthPx != null && playerHeightPx != null;
  }

  /** Whether it says anything at all. */
  public boolean empty() {
    return videoWidthPx == null && videoHeightPx == null && playerWidthPx == null && playerHeightPx == null
        && bitrateBps == null && droppedFrames == 0 && totalFrames == 0 && switchesUp == 0 && switchesDown == 0;
  }
}
