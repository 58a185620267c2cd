package io.viewpulse.viewership;

import io.viewpulse.model.DomainException;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.catalog.DStorage;
import io.viewpulse.model.Media;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.RealtimeQuery;
import io.viewpulse.query.RealtimeRow;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.Total;
import io.viewpulse.query.UsageQuery;
import io.viewpulse.query.UsageRow;
import io.viewpulse.query.ViewReader;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.query.ViewsRequest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The viewership and usage queries of the Livepeer-compatible API, resolved against the catalog and scoped to the
 * caller's account. Blocking: runs store queries.
 */
public final class Viewership {
  /**
   * Breakdowns the realtime API accepts: Livepeer's (playbackId, device, browser, country), and Viewpulse's network
   * and custom dimensions, which tell what is watched now where (an experiment's arm, a CDN, a network).
   */
  public static final Set<Dimension> REALTIME_DIMENSIONS = realtimeDimensions();

  private static Set<Dimension> realtimeDimensions() {
    Set<Dimension> out = java.util.EnumSet.of(Dimension.PLAYBACK_ID, Dimension.DEVICE, Dimension.BROWSER,
        Dimension.COUNTRY, Dimension.ASN, Dimension.ISP, Dimension.CDN);
    for (int slot = 1; slot <= io.viewpulse.model.CustomDimension.MAX; slot++) {
      out.add(Dimension.custom(slot));
    }
    return java.util.Collections.unmodifiableSet(out);
  }

  private static final String REALTIME_NAMES = "playbackId, device, browser, country, asn, isp, cdn or custom.<name>";
  /** A session counts as watching now when its last beacon is this recent (players beat every 5 s). */
  public static final Duration NOW_WINDOW = Duration.ofSeconds(60);

  private final Catalog catalog;
  private final ViewReader store;
  private final InstantSource clock;

  public Viewership(Catalog catalog, ViewReader store, InstantSource clock) {
    this.catalog = catalog;
    this.store = store;
    this.clock = clock;
  }

  /** The names of an account's custom dimensions by slot (index 0 is slot 1; null where none). */
  public List<String> customNames(String accountId) {
    return catalog.declaredDimensions(accountId);
  }

  /**
   * {@code /data/views/query}: every metric of Livepeer's, and with {@code quality} Viewpulse's quality metrics too;
   * any filter. The rows go to {@code batches} as the store reads them
   * ({@link ViewReader#views(ViewsQuery, Consumer)}), so the caller can encode while the rest are read.
   */
  public void query(String accountId, ViewsRequest r, boolean quality, Consumer<List<MetricRow>> batches) {
    store.views(resolve(accountId, r, quality ? ViewsQuery.Detail.QUALITY : ViewsQuery.Detail.FULL), batches);
  }

  /** {@link #query} with Livepeer's metrics. */
  public void query(String accountId, ViewsRequest r, Consumer<List<MetricRow>> batches) {
    query(accountId, r, false, batches);
  }

  /** {@code /data/views/query/creator}: engagement only, for exactly one asset or stream; rows as {@link #query}. */
  public void creator(String accountId, ViewsRequest r, Consumer<List<MetricRow>> batches) {
    if ((r.assetId() == null) == (r.streamId() == null)) {
      throw DomainException.invalid("must provide exactly 1 of assetId or streamId for creator query");
    }
    ViewsRequest withoutPlayback = new ViewsRequest(null, r.assetId(), r.streamId(), r.creatorId(), r.from(), r.to(),
        r.timeStep(), r.breakdown(), r.filters());
    store.views(resolve(accountId, withoutPlayback, ViewsQuery.Detail.ENGAGEMENT), batches);
  }

  /**
   * {@code /data/views/query/total/{id}}: all-time views of a playback id, or of a dStorage id across every account.
   */
  public Total total(String id) {
    Optional<String> dStorage = DStorage.ofQueryId(id);
    ViewsQuery q = dStorage.isPresent()
        ? new ViewsQuery(null, null, dStorage.get(), null, null, null, null, List.of(), List.of(),
            ViewsQuery.Detail.ENGAGEMENT)
        : new ViewsQuery(null, id, null, null, null, null, null, List.of(), List.of(), ViewsQuery.Detail.ENGAGEMENT);
    MetricRow row = store.views(q).get(0);
    return new Total(dStorage.isPresent() ? null : id, dStorage.orElse(null), row.viewCount(), row.playtimeMins());
  }

  /**
   * {@code /data/views/now}: views playing now, of the account or of one playback id (given as such, or as the id of
   * an asset or a stream of the account, as Livepeer resolves them).
   */
  public List<RealtimeRow> now(String accountId, String playbackId, String assetId, String streamId, String creatorId,
      List<Dimension> breakdown, List<io.viewpulse.query.Filter> filters) {
    return now(accountId, playbackId, assetId, streamId, creatorId, breakdown, filters, false);
  }

  /** {@code /data/views/now}, with the open sessions' quality metrics when {@code quality} ({@code metrics=quality}). */
  public List<RealtimeRow> now(String accountId, String playbackId, String assetId, String streamId, String creatorId,
      List<Dimension> breakdown, List<io.viewpulse.query.Filter> filters, boolean quality) {
    playbackId = playbackIdOf(accountId, playbackId, assetId, streamId);
    for (Dimension d : breakdown) {
      if (!REALTIME_DIMENSIONS.contains(d)) {
        throw DomainException.invalid("invalid breakdown field: " + d.apiName()
            + " (the realtime API breaks down by " + REALTIME_NAMES + ")");
      }
    }
    for (io.viewpulse.query.Filter f : filters) {
      if (!REALTIME_DIMENSIONS.contains(f.dimension())) {
        throw DomainException.invalid("invalid filter dimension: " + f.dimension().apiName()
            + " (the realtime API filters by " + REALTIME_NAMES + ")");
      }
    }
    return store.realtime(new RealtimeQuery(accountId, playbackId, creatorId,
        clock.instant().minus(NOW_WINDOW), breakdown, filters, quality));
  }

  /** {@code /data/usage/query}. */
  public List<UsageRow> usage(UsageQuery q) {
    if (q.timeStep() != null && q.timeStep() != TimeStep.HOUR && q.timeStep() != TimeStep.DAY) {
      throw DomainException.invalid("invalid time step: " + q.timeStep().apiName() + " (usage is by hour or day)");
    }
    return store.usage(q);
  }

  ViewsQuery resolve(String accountId, ViewsRequest r, ViewsQuery.Detail detail) {
    String playbackId = playbackIdOf(accountId, r.playbackId(), r.assetId(), r.streamId());
    String dStorage = null;
    if (playbackId != null) {
      Optional<String> d = DStorage.ofQueryId(playbackId);
      if (d.isPresent()) {
        dStorage = d.get();
        playbackId = null;
      }
    }
    if (r.from() != null && r.to() != null && !r.from().isBefore(r.to())) {
      throw DomainException.invalid("from must be before to");
    }
    return new ViewsQuery(accountId, playbackId, dStorage, r.creatorId(), r.from(), r.to(), r.timeStep(),
        r.breakdown(), r.filters(), detail);
  }

  /** The playback id asked for: given as such, or as the id of an asset or a stream of the account. */
  private String playbackIdOf(String accountId, String playbackId, String assetId, String streamId) {
    if (assetId != null) {
      return owned(accountId, assetId, Media.Kind.ASSET).playbackId();
    }
    if (streamId != null) {
      return owned(accountId, streamId, Media.Kind.STREAM).playbackId();
    }
    return playbackId;
  }

  private Media owned(String accountId, String id, Media.Kind kind) {
    String what = kind == Media.Kind.ASSET ? "asset" : "stream";
    Media m = catalog.get(accountId, id).orElse(null);
    if (m == null || m.kind() != kind) {
      throw DomainException.notFound(what + " not found");
    }
    return m;
  }
}
