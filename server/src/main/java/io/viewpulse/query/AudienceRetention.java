package io.viewpulse.query;

/**
 * Audience retention of one on-demand video: of its finished views that know what they watched (views of the video
 * with a known duration, stored with audience retention), how many watched each percent of its duration at least once
 * ({@code viewers}, and that as a share of {@code views}), and how many times it was watched in all ({@code watches}:
 * replays and seeks back count each time, up to 255 per view and percent).
 *
 * @param views the views counted
 * @param viewers per percent 0..99, the views that watched it
 * @param watches per percent 0..99, how often it was watched, summed over the views
 */
public record AudienceRetention(long views, long[] viewers, long[] watches) {
  /** Percents of the duration. */
  public static final int BUCKETS = 100;

  /** The share of the views that watched a percent, 0 when there are none. */
  public double share(int percent) {
    return views == 0 ? 0 : (double) viewers[percent] / views;
  }

  /** Sums what the views of a scope watched ({@link ViewRowReader#watched}). */
  public static AudienceRetention of(ViewRowReader reader, ViewsQuery scope) {
    long[] viewers = new long[BUCKETS];
    long[] watches = new long[BUCKETS];
    long[] views = new long[1];
    reader.watched(scope, counts -> {
      if (counts == null || counts.length != BUCKETS) {
        return;
      }
      views[0]++;
      for (int i = 0; i < BUCKETS; i++) {
        int n = counts[i] & 0xff;
        if (n > 0) {
          viewers[i]++;
          watches[i] += n;
        }
      }
    });
    return new AudienceRetention(views[0], viewers, watches);
  }
}
