package io.viewpulse.api;

import io.viewpulse.model.DomainException;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.auth.Principal;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.UsageQuery;
import io.viewpulse.query.UsageRow;
import io.viewpulse.viewership.Viewership;
import io.viewpulse.query.ViewsRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** The Livepeer-compatible metrics API under {@code /api/data}. */
final class DataRoutes {
  private static final Set<Dimension> ALL = EnumSet.allOf(Dimension.class);
  /**
   * What a CORS key (whose token any visitor of the page can read) may break down or filter by: the breakdowns of
   * Livepeer's creator endpoint (getCreatorViewershipMetrics in Livepeer Studio's API schema) but viewerId, the
   * dimensions that identify no one. Not viewerId, geohash (a viewer's location to a few hundred metres), playbackId
   * or creatorId.
   */
  static final Set<Dimension> CORS_DIMENSIONS = EnumSet.of(Dimension.DEVICE_TYPE, Dimension.DEVICE, Dimension.CPU,
      Dimension.OS, Dimension.BROWSER, Dimension.BROWSER_ENGINE, Dimension.CONTINENT, Dimension.COUNTRY,
      Dimension.SUBDIVISION, Dimension.TIMEZONE);
  private static final Set<TimeStep> ALL_STEPS = EnumSet.allOf(TimeStep.class);

  private static final String TOTAL = "/api/data/views/query/total/";

  private final Vertx vertx;
  private final Guard guard;
  private final Viewership viewership;
  private final WorkerExecutor encoders;

  DataRoutes(Vertx vertx, Guard guard, Viewership viewership) {
    this.vertx = vertx;
    this.guard = guard;
    this.viewership = viewership;
    // shared by name across the event loops' instances, closed with Vert.x; larger than the worker pool (16), so that
    // every answer being read has its encoder at once (a reader waits for its encoder only once it has read all rows,
    // so a busy pool delays answers but cannot deadlock them)
    this.encoders = vertx.createSharedWorkerExecutor("viewpulse-encoder", 20);
  }

  void mount(Router r) {
    r.get("/api/data/views/query").handler(this::query);
    r.get("/api/data/views/query/creator").handler(this::creator);
    r.get(TOTAL + "*").handler(this::total);
    r.get("/api/data/views/now").handler(this::now);
    r.get("/api/data/usage/query").handler(this::usage);
  }

  private void query(RoutingContext ctx) {
    views(ctx, guard::secret, (p, custom, batches) ->
        viewership.query(p.accountId(), request(ctx, true, custom), Params.quality(ctx), batches), true);
  }

  private void creator(RoutingContext ctx) {
    views(ctx, guard::any, (p, custom, batches) -> {
      ViewsRequest r = request(ctx, false, custom);
      if (p.isCors()) {
        corsLimits(r);
      }
      viewership.creator(p.accountId(), r, batches);
    }, false);
  }

  /** What reads the rows of a views answer for a caller, with its account's custom dimensions' names. */
  private interface Rows {
    void read(Principal p, List<String> custom, java.util.function.Consumer<List<io.viewpulse.query.MetricRow>> batches)
        throws Exception;
  }

  /** Refuses (403) a breakdown or a filter by a dimension a CORS key may not use. */
  private static void corsLimits(ViewsRequest r) {
    List<Dimension> used = new java.util.ArrayList<>(r.breakdown());
    r.filters().forEach(f -> used.add(f.dimension()));
    for (Dimension d : used) {
      if (!CORS_DIMENSIONS.contains(d)) {
        throw io.viewpulse.auth.AuthException.forbidden("a CORS key may not break down or filter by " + d.apiName()
            + ": it may use " + String.join(", ", CORS_DIMENSIONS.stream().map(Dimension::apiName).sorted()
            .toList()) + " (a secret key may use any)");
      }
    }
  }

  /** A views answer: the rows are read on a worker thread and encoded on another as they come ({@link ViewsAnswer}). */
  private void views(RoutingContext ctx, java.util.function.Function<RoutingContext, Principal> auth, Rows rows,
      boolean full) {
    run(ctx, () -> {
      Principal p = auth.apply(ctx);
      List<String> custom = viewership.customNames(p.accountId());
      ViewsAnswer.send(ctx, full, custom, encoders, batches -> rows.read(p, custom, batches));
      return null;
    }, sent -> {});
  }

  private void total(RoutingContext ctx) {
    run(ctx, () -> {
      guard.any(ctx);
      // the rest of the raw path: the SDK percent-encodes ipfs://CID as ipfs%3A%2F%2FCID, people type it as is
      String raw = ctx.request().path();
      String id = URLDecoder.decode(raw.substring(raw.indexOf(TOTAL) + TOTAL.length()).replace("+", "%2B"),
          StandardCharsets.UTF_8);
      if (id.isEmpty()) {
        throw DomainException.notFound("give a playback id or dStorage id: " + TOTAL + "{id}");
      }
      return MetricJson.total(viewership.total(id));
    }, body -> Json.ok(ctx, body));
  }

  private void now(RoutingContext ctx) {
    run(ctx, () -> {
      Principal p = guard.secret(ctx);
      Params.forbid(ctx, "time range params (from, to, timeStep) are not supported for Realtime Viewership API",
          "from", "to", "timeStep");
      List<String> custom = viewership.customNames(p.accountId());
      List<Dimension> breakdown = Params.breakdown(ctx, Viewership.REALTIME_DIMENSIONS, custom);
      return MetricJson.realtime(viewership.now(p.accountId(), Params.string(ctx, "playbackId"),
          Params.string(ctx, "assetId"), Params.string(ctx, "streamId"), Params.string(ctx, "creatorId"), breakdown,
          Params.filters(ctx, custom), Params.quality(ctx)), custom);
    }, body -> Json.ok(ctx, body));
  }

  private void usage(RoutingContext ctx) {
    run(ctx, () -> {
      Principal p = guard.secret(ctx);
      String userId = Params.string(ctx, "userId");
      if (userId != null && !userId.equals(p.accountId())) {
        throw DomainException.forbidden("only admins can query usage for other users");
      }
      TimeStep step = Params.timeStep(ctx, EnumSet.of(TimeStep.HOUR, TimeStep.DAY));
      boolean byCreator = !Params.breakdown(ctx, EnumSet.of(Dimension.CREATOR_ID)).isEmpty();
      String creatorId = Params.string(ctx, "creatorId");
      UsageQuery q = new UsageQuery(p.accountId(), creatorId, Params.time(ctx, "from"), Params.time(ctx, "to"), step,
          byCreator);
      List<UsageRow> rows = viewership.usage(q);
      boolean withCreator = byCreator || creatorId != null;
      // Livepeer answers one object without time step or breakdown, and a list with either
      if (step == null && !byCreator) {
        UsageRow only = rows.isEmpty() ? new UsageRow(null, creatorId, 0) : rows.get(0);
        if (creatorId != null) {
          only = new UsageRow(null, creatorId, only.deliveryUsageMins());
        }
        return (com.fasterxml.jackson.databind.JsonNode) MetricJson.usage(only, p.accountId(), withCreator);
      }
      var list = Json.array();
      for (UsageRow r : rows) {
        list.add(MetricJson.usage(r, p.accountId(), withCreator));
      }
      return list;
    }, body -> Json.ok(ctx, body));
  }

  private ViewsRequest request(RoutingContext ctx, boolean withPlaybackId, List<String> custom) {
    return new ViewsRequest(withPlaybackId ? Params.string(ctx, "playbackId") : null,
        Params.string(ctx, "assetId"), Params.string(ctx, "streamId"), Params.string(ctx, "creatorId"),
        Params.time(ctx, "from"), Params.time(ctx, "to"), Params.timeStep(ctx, ALL_STEPS),
        Params.breakdown(ctx, ALL, custom), Params.filters(ctx, custom));
  }

  private <T> void run(RoutingContext ctx, Callable<T> work, Consumer<T> reply) {
    Blocking.run(vertx, ctx, work, reply);
  }
}
