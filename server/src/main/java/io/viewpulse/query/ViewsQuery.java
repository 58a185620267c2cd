package io.viewpulse.query;

import java.time.Instant;
import java.util.List;

/**
 * What a viewership query asks for. Plain data; the store turns it into SQL.
 *
 * @param accountId whose views; null means every account (public totals by dStorage id)
 * @param playbackId only views of this playback id, or null
 * @param dStorageUrl only views of assets with this dStorage URL, or null
 * @param creatorId only views of media with this creator id, or null
 * @param from inclusive lower bound on view start, or null
 * @param to exclusive upper bound on view start, or null
 * @param timeStep bucket width, or null for one row per group over the whole range
 * @param breakdown dimensions to group by, in the order asked, without repeats
 * @param filters conditions on dimensions, all of which a view must meet
 * @param detail which metrics to compute
 */
public record ViewsQuery(
    String accountId,
    String playbackId,
    String dStorageUrl,
    String creatorId,
    Instant from,
    Instant to,
    TimeStep timeStep,
    List<Dimension> breakdown,
    List<Filter> filters,
    Detail detail) {

  public ViewsQuery {
    breakdown = List.copyOf(breakdown);
    filters = List.copyOf(filters);
  }

  /**
   * How much a query computes: the creator API and totals only engagement, the full API Livepeer's quality metrics
   * too, and with {@code metrics=quality} also Viewpulse's own ({@link QualityMetric}), which cost a scan more.
   */
  public enum Detail {
    ENGAGEMENT,
    FULL,
    QUALITY;

    /** Livepeer's quality metrics (TTFF, rebuffer ratio, error rate, exits before start, unique viewers) too. */
    public boolean full() {
      return this != ENGAGEMENT;
    }
  }
}
