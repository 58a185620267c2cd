package io.viewpulse.client;

import java.util.List;

/**
 * The audience retention of an on-demand video ({@link Viewpulse#getAudienceRetention}): per percent of its duration,
 * 0 to 99, a value of each list.
 *
 * @param views the views counted: finished views of the video that know what they watched (a known duration)
 * @param share per percent, the share of those views that watched it (to four decimals)
 * @param viewers per percent, the views that watched it
 * @param watches per percent, how many times it was watched in all (replays count)
 */
public record AudienceRetention(String playbackId, long views, List<Double> share, List<Long> viewers,
    List<Long> watches) {
  public AudienceRetention {
    share = List.copyOf(share);
    viewers = List.copyOf(viewers);
    watches = List.copyOf(watches);
  }
}
