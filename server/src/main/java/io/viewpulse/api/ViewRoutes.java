package io.viewpulse.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.auth.Principal;
import io.viewpulse.model.DomainException;
import io.viewpulse.privacy.ErasureStore;
import io.viewpulse.privacy.Erasures;
import io.viewpulse.query.Filter;
import io.viewpulse.query.ViewPosition;
import io.viewpulse.query.ViewRow;
import io.viewpulse.query.ViewsRequest;
import io.viewpulse.viewership.ViewExplorer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The views explorer and the export, under {@code /api/data} with a secret key: views one by one
 * ({@link ViewExplorer}). Everything a request gets wrong (a bad cursor, format, limit or range) is refused with a 400
 * before anything is sent. An export is written by its worker thread as it is read ({@link StreamedAnswer}: one chunk
 * in memory, the client's pace), so at most {@link #EXPORTS} run at once, at most {@link #EXPORTS_PER_ACCOUNT} of one
 * account (so that one account reading slowly cannot hold every slot); one more is refused (429).
 */
final class ViewRoutes {
  /** Exports at once: each holds a worker thread and a store connection for as long as its client reads. */
  static final int EXPORTS = 3;
  /** Exports of one account at once: fewer than {@link #EXPORTS}, so one account never holds every slot. */
  static final int EXPORTS_PER_ACCOUNT = 2;
  private static final int DEFAULT_LIMIT = 50;
  private static final String VIEWERS = "/api/data/viewers/";

  private final Vertx vertx;
  private final Guard guard;
  private final ViewExplorer explorer;
  private final Erasures erasures;
  /** Exports running, in all and by account; guarded by {@code this}. */
  private int exports;
  private final java.util.Map<String, Integer> exportsByAccount = new java.util.HashMap<>();

  /** The names of an account's custom dimensions by slot, for filters by {@code custom.<name>}. */
  private final java.util.function.Function<String, List<String>> customNames;

  ViewRoutes(Vertx vertx, Guard guard, ViewExplorer explorer, Erasures erasures,
      java.util.function.Function<String, List<String>> customNames) {
    this.customNames = customNames;
    this.vertx = vertx;
    this.guard = guard;
    this.explorer = explorer;
    this.erasures = erasures;
  }

  void mount(Router r) {
    r.get("/api/data/views").handler(this::list);
    r.get("/api/data/views/export").handler(this::export);
    // a view id is a (signed) number: the other names under /api/data/views are other routes
    r.getWithRegex("/api/data/views/(-?[0-9]{1,19})").setRegexGroupsNames(List.of("viewId"))
        .setName(ApiServer.NAMED_ROUTE + "/api/data/views/{viewId}").handler(this::open);
    r.get("/api/data/views/query/retention/:playbackId").handler(this::retention);
    r.get(VIEWERS + "*").handler(this::viewer);
    r.delete(VIEWERS + "*").handler(this::erase);
    r.get("/api/data/erasures").handler(this::erasures);
  }

  /**
   * {@code DELETE /api/data/viewers/{viewerId}}: erases every finished view of the viewer ({@link Erasures}); answers
   * the erasure's record (when, by which key, how many views), 409 while the viewer has a session open.
   */
  private void erase(RoutingContext ctx) {
    String raw = ctx.request().path().substring(ctx.request().path().indexOf(VIEWERS) + VIEWERS.length());
    if (raw.isEmpty() || raw.contains("/")) {
      Json.error(ctx, 404, "no route DELETE " + ctx.request().path() + ": a viewer is erased at DELETE " + VIEWERS
          + "{viewerId}");
      return;
    }
    String id = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      return record(erasures.erase(p.accountId(), p.keyId(), id));
    }, body -> Json.ok(ctx, body));
  }

  /** {@code GET /api/data/erasures}: the account's erasures, newest first. */
  private void erasures(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      int limit = Params.limit(ctx, DEFAULT_LIMIT, Erasures.MAX_LIST);
      com.fasterxml.jackson.databind.node.ArrayNode list = Json.array();
      for (ErasureStore.ErasureRecord e : erasures.list(p.accountId(), limit)) {
        list.add(record(e));
      }
      return (com.fasterxml.jackson.databind.JsonNode) Json.object().set("erasures", list);
    }, body -> Json.ok(ctx, body));
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode record(ErasureStore.ErasureRecord e) {
    return Json.object().put("keyId", e.keyId()).put("erasedAt", e.erasedAt().toEpochMilli())
        .put("views", e.views());
  }

  /**
   * {@code GET /api/data/views/{viewId}}: one view of the account, with its timeline; 404 for an id the account has
   * no view of.
   */
  private void open(RoutingContext ctx) {
    String raw = ctx.pathParam("viewId");
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      long id;
      try {
        id = Long.parseLong(raw);
      } catch (NumberFormatException e) {
        throw DomainException.invalid("invalid view id: " + raw + " (expected a view id as the views list gives it)");
      }
      return (com.fasterxml.jackson.databind.JsonNode) ViewTimelineJson.of(explorer.open(p.accountId(), id),
          customNames.apply(p.accountId()));
    }, body -> Json.ok(ctx, body));
  }

  /**
   * {@code GET /api/data/views/query/retention/{playbackId}}: the audience retention of an on-demand video over the
   * time range and filters of the views query, per percent of its duration.
   */
  private void retention(RoutingContext ctx) {
    String playbackId = ctx.pathParam("playbackId");
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      Params.forbid(ctx, "audience retention is of one video over its time range: timeStep and breakdownBy do not"
          + " apply", "timeStep", "breakdownBy", "breakdownBy[]");
      ViewsRequest r = new ViewsRequest(playbackId, null, null, null, Params.time(ctx, "from"),
          Params.time(ctx, "to"), null, List.of(), Params.filters(ctx, customNames.apply(p.accountId())));
      return (com.fasterxml.jackson.databind.JsonNode) RetentionJson.of(playbackId,
          explorer.retention(p.accountId(), r));
    }, body -> Json.ok(ctx, body));
  }

  private void list(RoutingContext ctx) {
    page(ctx, null);
  }

  /** {@code /api/data/viewers/{viewerId}/views}: a viewer's views, as the list filtered by viewerId. */
  private void viewer(RoutingContext ctx) {
    String raw = ctx.request().path().substring(ctx.request().path().indexOf(VIEWERS) + VIEWERS.length());
    if (!raw.endsWith("/views") || raw.length() == "/views".length()) {
      Json.error(ctx, 404, "no route GET " + ctx.request().path() + ": a viewer's views are at " + VIEWERS
          + "{viewerId}/views");
      return;
    }
    String id = URLDecoder.decode(raw.substring(0, raw.length() - "/views".length()).replace("+", "%2B"),
        StandardCharsets.UTF_8);
    page(ctx, id);
  }

  private void page(RoutingContext ctx, String viewerId) {
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      List<String> custom = customNames.apply(p.accountId());
      ViewsRequest r = request(ctx, viewerId, custom);
      ViewPosition before = ViewCursor.decode(Params.string(ctx, "cursor"), "cursor");
      int limit = Params.limit(ctx, DEFAULT_LIMIT, ViewExplorer.MAX_PAGE);
      ViewExplorer.Page page = explorer.newest(p.accountId(), r, before, limit);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
        g.writeStartObject();
        g.writeArrayFieldStart("views");
        for (ViewRow row : page.views()) {
          ViewRowsJson.write(g, row, custom, true);
        }
        g.writeEndArray();
        if (page.next() == null) {
          g.writeNullField("next");
        } else {
          g.writeStringField("next", ViewCursor.encode(page.next()));
        }
        g.writeEndObject();
      }
      return out.toByteArray();
    }, body -> {
      if (!ctx.response().ended() && !ctx.response().closed()) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", Json.CONTENT_TYPE)
            .putHeader("Cache-Control", "no-store").end(io.vertx.core.buffer.Buffer.buffer(body));
      }
    });
  }

  /** The export formats, by the name of {@code format}. */
  enum Format {
    CSV("text/csv; charset=utf-8", "csv"),
    NDJSON("application/x-ndjson", "ndjson"),
    PARQUET("application/vnd.apache.parquet", "parquet");

    final String contentType;
    final String extension;

    Format(String contentType, String extension) {
      this.contentType = contentType;
      this.extension = extension;
    }

    static Format of(String name) {
      if (name == null) {
        throw DomainException.invalid("give format: csv, ndjson or parquet");
      }
      for (Format f : values()) {
        if (f.extension.equals(name.toLowerCase(Locale.ROOT))) {
          return f;
        }
      }
      throw DomainException.invalid("invalid format: " + name + " (expected one of csv, ndjson, parquet)");
    }
  }

  private void export(RoutingContext ctx) {
    Blocking.run(vertx, ctx, () -> {
      Principal p = guard.secret(ctx);
      Format format = Format.of(Params.string(ctx, "format"));
      List<String> custom = customNames.apply(p.accountId());
      ViewsRequest r = request(ctx, null, custom);
      ViewPosition after = ViewCursor.decode(Params.string(ctx, "after"), "after");
      explorer.checkExport(p.accountId(), r);
      beginExport(p.accountId());
      try {
        ctx.response().putHeader("Content-Disposition", "attachment; filename=\"views." + format.extension + "\"");
        if (format == Format.PARQUET) {
          // compressed already (zstd): gzip would cost a core for nothing (Vert.x compresses no answer that says this)
          ctx.response().putHeader("Content-Encoding", "identity");
        }
        StreamedAnswer.send(ctx, format.contentType, out -> write(format, p.accountId(), r, after, custom, out));
      } catch (IOException | RuntimeException e) {
        // failed before anything was sent: the error answer is JSON, not an attachment
        ctx.response().headers().remove("Content-Disposition").remove("Content-Encoding");
        throw e;
      } finally {
        endExport(p.accountId());
      }
      return null;
    }, done -> {});
  }

  /** Takes an export slot for the account, or refuses (429) when all are taken or the account holds its share. */
  private synchronized void beginExport(String accountId) {
    if (exports >= EXPORTS) {
      throw new DomainException(DomainException.Kind.RATE_LIMITED, "at most " + EXPORTS
          + " exports run at once: retry when one has finished", 10);
    }
    if (exportsByAccount.getOrDefault(accountId, 0) >= EXPORTS_PER_ACCOUNT) {
      throw new DomainException(DomainException.Kind.RATE_LIMITED, "at most " + EXPORTS_PER_ACCOUNT
          + " exports of one account run at once: retry when one has finished", 10);
    }
    exports++;
    exportsByAccount.merge(accountId, 1, Integer::sum);
  }

  private synchronized void endExport(String accountId) {
    exports--;
    exportsByAccount.computeIfPresent(accountId, (k, n) -> n == 1 ? null : n - 1);
  }

  /** Writes the export; its custom dimensions' columns are {@code custom}'s, the names declared when it began. */
  private void write(Format format, String accountId, ViewsRequest r, ViewPosition after, List<String> custom,
      java.io.OutputStream out) throws IOException {
    try {
      switch (format) {
        case PARQUET -> explorer.parquet(accountId, r, after, custom, out);
        case NDJSON -> {
          try (ViewRowsJson.Ndjson w = new ViewRowsJson.Ndjson(out, custom)) {
            explorer.export(accountId, r, after, row -> unchecked(() -> w.row(row)));
          }
        }
        case CSV -> {
          try (ViewRowsJson.Csv w = new ViewRowsJson.Csv(out, custom)) {
            explorer.export(accountId, r, after, row -> unchecked(() -> w.row(row)));
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private interface IoWork {
    void run() throws IOException;
  }

  private static void unchecked(IoWork w) {
    try {
      w.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code filters} and the viewer, who must both hold: positive viewerId filters are alternatives among themselves
   * ({@link Filter}), so the viewer is not simply one more of them. The viewer among them: the viewer alone; not among
   * them: no view (the viewer and not the viewer).
   */
  static List<Filter> withViewer(List<Filter> filters, String viewer) {
    io.viewpulse.query.Dimension dim = io.viewpulse.query.Dimension.VIEWER_ID;
    List<String> named = Filter.alternatives(filters).getOrDefault(dim, List.of());
    List<Filter> out = new ArrayList<>();
    for (Filter f : filters) {
      if (f.negated() || f.dimension() != dim) {
        out.add(f);
      }
    }
    out.add(new Filter(dim, viewer, false));
    if (!named.isEmpty() && !named.contains(viewer)) {
      out.add(new Filter(dim, viewer, true));
    }
    return out;
  }

  /** The scope: the media, the filters and the time range of the viewership queries, and a viewer when given. */
  private static ViewsRequest request(RoutingContext ctx, String viewerId, List<String> custom) {
    Params.forbid(ctx, "views are listed one by one: timeStep and breakdownBy do not apply", "timeStep",
        "breakdownBy", "breakdownBy[]");
    String viewer = viewerId != null ? viewerId : Params.string(ctx, "viewerId");
    List<Filter> filters = viewer == null ? Params.filters(ctx, custom)
        : withViewer(Params.filters(ctx, custom), viewer);
    return new ViewsRequest(Params.string(ctx, "playbackId"), Params.string(ctx, "assetId"),
        Params.string(ctx, "streamId"), Params.string(ctx, "creatorId"), Params.time(ctx, "from"),
        Params.time(ctx, "to"), null, List.of(), filters);
  }
}
