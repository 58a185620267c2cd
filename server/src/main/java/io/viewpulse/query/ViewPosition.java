package io.viewpulse.query;

import java.time.Instant;

/**
 * A place in the order the views explorer and the export walk views in: by start (whole seconds), then by view id.
 * The order is total (a view id is unique in its store) and a view keeps its place for good, so a walk that resumes
 * after a position neither skips nor repeats a view that was there before it, however many views arrive meanwhile.
 */
public record ViewPosition(long startSeconds, long viewId) implements Comparable<ViewPosition> {
  public Instant start() {
    return Instant.ofEpochSecond(startSeconds);
  }

  @Override
  public int compareTo(ViewPosition o) {
    int c = Long.compare(startSeconds, o.startSeconds);
    return c != 0 ? c : Long.compare(viewId, o.viewId);
  }
}
