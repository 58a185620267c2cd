package io.viewpulse.store;

import io.viewpulse.query.Dimension;
import io.viewpulse.query.Filter;
import io.viewpulse.query.ViewsQuery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What every store shares about a view's dimensions: the column that holds each (the column names of a view are the
 * same on every store, as in {@link ViewMetrics}), and which views queries a rollup by one dimension can answer. Which
 * dimensions a store rolls up is its own choice.
 */
public final class ViewDimensions {
  /** The column of each dimension, custom dimensions' slots included. */
  public static final Map<Dimension, String> COLUMNS = Collections.unmodifiableMap(columns());

  private ViewDimensions() {}

  private static Map<Dimension, String> columns() {
    Map<Dimension, String> out = new EnumMap<>(Map.ofEntries(
        Map.entry(Dimension.PLAYBACK_ID, "playback_id"),
        Map.entry(Dimension.D_STORAGE_URL, "d_storage_url"),
        Map.entry(Dimension.DEVICE_TYPE, "device_type"),
        Map.entry(Dimension.DEVICE, "device"),
        Map.entry(Dimension.CPU, "cpu"),
        Map.entry(Dimension.OS, "os"),
        Map.entry(Dimension.BROWSER, "browser"),
        Map.entry(Dimension.BROWSER_ENGINE, "browser_engine"),
        Map.entry(Dimension.CONTINENT, "continent"),
        Map.entry(Dimension.COUNTRY, "country"),
        Map.entry(Dimension.SUBDIVISION, "subdivision"),
        Map.entry(Dimension.TIMEZONE, "timezone"),
        Map.entry(Dimension.GEOHASH, "geohash"),
        Map.entry(Dimension.VIEWER_ID, "viewer_id"),
        Map.entry(Dimension.CREATOR_ID, "creator_id"),
        Map.entry(Dimension.ASN, "asn"),
        Map.entry(Dimension.ISP, "isp"),
        Map.entry(Dimension.CDN, "cdn")));
    // the custom dimensions' slots, never in the rollups: a query by them scans the views
    for (int slot = 1; slot <= io.viewpulse.model.CustomDimension.MAX; slot++) {
      out.put(Dimension.custom(slot), "custom_" + slot);
    }
    return out;
  }

  /**
   * The same query with its playback id, if it selects one, as a filter on the playback-id dimension: the same views
   * (a scan's {@code playback_id = ?} is the filter's condition), answered by a rollup by playback id.
   */
  public static ViewsQuery playbackAsFilter(ViewsQuery q) {
    // with playback-id filters of its own, the playback id would be one more alternative: the query stays a scan
    if (q.playbackId() == null || !Filter.alternatives(q.filters()).getOrDefault(Dimension.PLAYBACK_ID, List.of())
        .isEmpty()) {
      return q;
    }
    List<Filter> filters = new ArrayList<>(q.filters());
    filters.add(new Filter(Dimension.PLAYBACK_ID, q.playbackId(), false));
    return new ViewsQuery(q.accountId(), null, q.dStorageUrl(), q.creatorId(), q.from(), q.to(), q.timeStep(),
        q.breakdown(), filters, q.detail());
  }

  /**
   * The dimension of {@code rolled} a query can be answered by (empty for the account total), or empty when it cannot:
   * one account, broken down by at most one dimension and filtered only on it. A playback id counts as a filter on
   * its dimension ({@link #playbackAsFilter}).
   */
  public static Optional<Optional<Dimension>> groupingSet(ViewsQuery query, Collection<Dimension> rolled) {
    ViewsQuery q = playbackAsFilter(query);
    if (q.accountId() == null || q.playbackId() != null || q.dStorageUrl() != null || q.creatorId() != null
        || q.breakdown().size() > 1) {
      return Optional.empty();
    }
    Set<Dimension> used = q.filters().stream().map(Filter::dimension).collect(Collectors.toSet());
    used.addAll(q.breakdown());
    if (used.size() > 1 || !rolled.containsAll(used)) {
      return Optional.empty();
    }
    return Optional.of(used.stream().findFirst());
  }
}
