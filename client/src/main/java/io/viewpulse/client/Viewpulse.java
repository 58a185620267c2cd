package io.viewpulse.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * A client of the Viewpulse API. Thread-safe: make one and share it.
 *
 * <pre>{@code
 * Viewpulse viewpulse = new Viewpulse(apiKey);                       // http://localhost:8080
 * TotalViews total = viewpulse.getTotalViews("launch1");
 * List<ViewershipMetric> byDevice = viewpulse.getViews(
 *     ViewsQuery.builder().breakdownBy(Dimension.DEVICE, Dimension.BROWSER).build());
 * }</pre>
 *
 * Every method has a {@code CompletableFuture} twin ending in {@code Async}; the synchronous ones throw
 * {@link ViewpulseException} with the server's status and messages.
 */
public final class Viewpulse {
  private final Transport transport;
  private final String auth;
  private final UplynkSignature signature;

  /** A client of a Viewpulse on {@code http://localhost:8080} with this API key. */
  public Viewpulse(String apiKey) {
    this(builder().apiKey(apiKey));
  }

  private Viewpulse(Builder b) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
    this.transport = new Transport(http, b.baseUrl, b.requestTimeout, b.retries, b.backoff);
    this.auth = b.apiKey;
    this.signature = b.owner == null ? null : new UplynkSignature(b.owner, b.secret, b.clock);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link Viewpulse}. */
  public static final class Builder {
    private String baseUrl = "http://localhost:8080";
    private String apiKey;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private int retries = 2;
    private Duration backoff = Duration.ofMillis(250);
    private String owner;
    private String secret;
    private Clock clock = Clock.systemUTC();

    /** Where Viewpulse is, e.g. {@code https://viewpulse.example.com}. */
    public Builder baseUrl(String v) {
      baseUrl = v;
      return this;
    }

    /** A secret API key (a CORS key only works for totals and creator views). */
    public Builder apiKey(String v) {
      apiKey = v;
      return this;
    }

    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    public Builder requestTimeout(Duration v) {
      requestTimeout = v;
      return this;
    }

    /** Retries of reads on 429, 503 and connection failures (default 2), starting after {@code backoff}. */
    public Builder retries(int n, Duration backoff) {
      retries = n;
      this.backoff = backoff;
      return this;
    }

    /**
     * Sign live-statistics requests the Uplynk way instead of sending the key: {@code owner} is the account id,
     * {@code secret} one of its secret keys.
     */
    public Builder signLiveStatsWith(String owner, String secret) {
      this.owner = owner;
      this.secret = secret;
      return this;
    }

    /** The clock signed requests take their timestamp from. */
    public Builder clock(Clock v) {
      clock = v;
      return this;
    }

    public Viewpulse build() {
      return new Viewpulse(this);
    }
  }

  // ---- viewership (the Livepeer-compatible API) ----

  /** All-time views of a playback id, or of a dStorage id ({@code ipfs://CID}, a bare CID, {@code ar://tx}). */
  public TotalViews getTotalViews(String playbackId) {
    return join(getTotalViewsAsync(playbackId));
  }

  public CompletableFuture<TotalViews> getTotalViewsAsync(String playbackId) {
    return get("/api/data/views/query/total/" + enc(playbackId), n -> new TotalViews(text(n, "playbackId"),
        text(n, "dStorageUrl"), n.path("viewCount").asLong(), n.path("playtimeMins").asDouble()));
  }

  /** Views and watch time of exactly one asset or stream ({@code assetId} or {@code streamId} must be set). */
  public List<ViewershipMetric> getViewsByCreator(ViewsQuery q) {
    return join(getViewsByCreatorAsync(q));
  }

  public CompletableFuture<List<ViewershipMetric>> getViewsByCreatorAsync(ViewsQuery q) {
    return get("/api/data/views/query/creator" + viewsQuery(q, false), Viewpulse::metrics);
  }

  /** Every viewership metric, with any filter, time step and breakdown. Needs a secret key. */
  public List<ViewershipMetric> getViews(ViewsQuery q) {
    return join(getViewsAsync(q));
  }

  public CompletableFuture<List<ViewershipMetric>> getViewsAsync(ViewsQuery q) {
    return get("/api/data/views/query" + viewsQuery(q, true), Viewpulse::metrics);
  }

  /**
   * Views playing now, optionally of one playback id or creator, broken down by playback id, device, browser or
   * country.
   */
  public List<RealtimeMetric> getRealtimeViews(String playbackId, String creatorId, Dimension... breakdownBy) {
    return join(getRealtimeViewsAsync(playbackId, creatorId, List.of(), breakdownBy));
  }

  /** {@link #getRealtimeViews(String, String, Dimension...)} with filters on playback id, device, browser, country. */
  public List<RealtimeMetric> getRealtimeViews(String playbackId, String creatorId, List<Filter> filters,
      Dimension... breakdownBy) {
    return join(getRealtimeViewsAsync(playbackId, creatorId, filters, breakdownBy));
  }

  public CompletableFuture<List<RealtimeMetric>> getRealtimeViewsAsync(String playbackId, String creatorId,
      Dimension... breakdownBy) {
    return getRealtimeViewsAsync(playbackId, creatorId, List.of(), breakdownBy);
  }

  public CompletableFuture<List<RealtimeMetric>> getRealtimeViewsAsync(String playbackId, String creatorId,
      List<Filter> filters, Dimension... breakdownBy) {
    return getRealtimeViewsAsync(RealtimeQuery.builder().playbackId(playbackId).creatorId(creatorId)
        .filters(filters).breakdownBy(breakdownBy).build());
  }

  /**
   * Views playing now (a beacon in the last minute, not ended) of the query's media, filtered and broken down, with
   * their quality so far when the query asks for it ({@link RealtimeQuery.Builder#withQuality()}).
   */
  public List<RealtimeMetric> getRealtimeViews(RealtimeQuery q) {
    return join(getRealtimeViewsAsync(q));
  }

  public CompletableFuture<List<RealtimeMetric>> getRealtimeViewsAsync(RealtimeQuery q) {
    Query qs = new Query().add("playbackId", q.playbackId()).add("assetId", q.assetId())
        .add("streamId", q.streamId()).add("creatorId", q.creatorId());
    for (Dimension d : q.breakdownBy()) {
      qs.add("breakdownBy[]", d.apiName());
    }
    for (Filter f : q.filters()) {
      qs.add("filters[]", f.toString());
    }
    if (q.quality()) {
      qs.add("metrics", "quality");
    }
    return get("/api/data/views/now" + qs, n -> {
      List<RealtimeMetric> out = new ArrayList<>();
      for (JsonNode r : n) {
        out.add(new RealtimeMetric(dimensions(r), r.path("viewCount").asLong(), r.path("errorRate").asDouble(),
            q.quality() ? realtimeQuality(r) : null));
      }
      return out;
    });
  }

  private static RealtimeQuality realtimeQuality(JsonNode r) {
    return new RealtimeQuality(dbl(r, "ttffP50Ms"), dbl(r, "ttffP95Ms"), dbl(r, "rebufferRatio"),
        dbl(r, "playbackFailureRate"), dbl(r, "videoStartupFailureRate"), dbl(r, "nonFatalErrorRate"),
        lng(r, "nonFatalErrorCount"), lng(r, "rebufferCount"), dbl(r, "rebufferFrequency"),
        dbl(r, "rebufferDurationMs"), dbl(r, "seekLatencyMs"), dbl(r, "averageBitrateBps"),
        lng(r, "renditionSwitchUpCount"), lng(r, "renditionSwitchDownCount"), lng(r, "droppedFrameCount"),
        dbl(r, "droppedFrameRate"), dbl(r, "upscalePercentage"), dbl(r, "downscalePercentage"),
        dbl(r, "playbackSuccessScore"), dbl(r, "startupTimeScore"), dbl(r, "smoothnessScore"),
        dbl(r, "videoQualityScore"), dbl(r, "viewerExperienceScore"));
  }

  /** Minutes delivered to viewers. Always a list: one row without time step or breakdown. */
  public List<UsageMetric> getUsage(UsageQuery q) {
    return join(getUsageAsync(q));
  }

  public CompletableFuture<List<UsageMetric>> getUsageAsync(UsageQuery q) {
    Query qs = new Query().add("from", millis(q.from())).add("to", millis(q.to()))
        .add("timeStep", q.timeStep() == null ? null : q.timeStep().apiName()).add("creatorId", q.creatorId());
    if (q.byCreator()) {
      qs.add("breakdownBy[]", "creatorId");
    }
    return get("/api/data/usage/query" + qs, n -> {
      List<UsageMetric> out = new ArrayList<>();
      for (JsonNode r : n.isArray() ? n : Transport.JSON.createArrayNode().add(n)) {
        out.add(new UsageMetric(r.has("TimeInterval") ? r.get("TimeInterval").asLong() : null, text(r, "UserID"),
            text(r, "CreatorID"), r.path("DeliveryUsageMins").asDouble(), r.path("TotalUsageMins").asDouble(),
            r.path("StorageUsageMins").asDouble()));
      }
      return out;
    });
  }

  // ---- custom dimensions ----

  /**
   * Declares a custom dimension of the account ({@code POST /api/custom-dimensions}): players may then send a value
   * for it, and queries break down and filter by it ({@link Dimension#custom}). Returns the dimension.
   */
  public Dimension declareCustomDimension(String name) {
    return join(declareCustomDimensionAsync(name));
  }

  public CompletableFuture<Dimension> declareCustomDimensionAsync(String name) {
    ObjectNode body = Transport.JSON.createObjectNode();
    body.put("name", name);
    return send("POST", "/api/custom-dimensions", body.toString(), n -> Dimension.custom(n.get("name").asText()));
  }

  /** The account's custom dimensions, by slot. */
  public List<Dimension> listCustomDimensions() {
    return join(get("/api/custom-dimensions", n -> {
      List<Dimension> out = new ArrayList<>();
      n.forEach(d -> out.add(Dimension.custom(d.get("name").asText())));
      return out;
    }));
  }

  // ---- assets and streams ----

  public Media createAsset(NewMedia m) {
    return join(createAsync("asset", m));
  }

  public Media createStream(NewMedia m) {
    return join(createAsync("stream", m));
  }

  public CompletableFuture<Media> createAssetAsync(NewMedia m) {
    return createAsync("asset", m);
  }

  public CompletableFuture<Media> createStreamAsync(NewMedia m) {
    return createAsync("stream", m);
  }

  public List<Media> listAssets(String search) {
    return join(listAsync("asset", search));
  }

  public List<Media> listStreams(String search) {
    return join(listAsync("stream", search));
  }

  public CompletableFuture<List<Media>> listAssetsAsync(String search) {
    return listAsync("asset", search);
  }

  public CompletableFuture<List<Media>> listStreamsAsync(String search) {
    return listAsync("stream", search);
  }

  public Media getAsset(String id) {
    return join(get("/api/asset/" + enc(id), Viewpulse::media));
  }

  public Media getStream(String id) {
    return join(get("/api/stream/" + enc(id), Viewpulse::media));
  }

  public void deleteAsset(String id) {
    join(send("DELETE", "/api/asset/" + enc(id), null, n -> null));
  }

  public void deleteStream(String id) {
    join(send("DELETE", "/api/stream/" + enc(id), null, n -> null));
  }

  private CompletableFuture<Media> createAsync(String kind, NewMedia m) {
    ObjectNode body = Transport.JSON.createObjectNode();
    putIf(body, "id", m.id());
    putIf(body, "name", m.name());
    putIf(body, "playbackId", m.playbackId());
    putIf(body, "creatorId", m.creatorId());
    putIf(body, "dStorageUrl", m.dStorageUrl());
    putIf(body, "type", m.type());
    return send("POST", "/api/" + kind, body.toString(), Viewpulse::media);
  }

  private CompletableFuture<List<Media>> listAsync(String kind, String search) {
    return get("/api/" + kind + new Query().add("search", search), n -> {
      List<Media> out = new ArrayList<>();
      n.forEach(m -> out.add(media(m)));
      return out;
    });
  }

  // ---- alerts ----

  public AlertRule createAlertRule(AlertRule r) {
    return join(send("POST", "/api/alerts/rules", ruleBody(r), Viewpulse::alertRule));
  }

  /** Replaces rule {@code id} with {@code r}; its open incident goes on. */
  public AlertRule replaceAlertRule(String id, AlertRule r) {
    return join(send("PUT", "/api/alerts/rules/" + enc(id), ruleBody(r), Viewpulse::alertRule));
  }

  public AlertRule getAlertRule(String id) {
    return join(get("/api/alerts/rules/" + enc(id), Viewpulse::alertRule));
  }

  public List<AlertRule> listAlertRules() {
    return join(get("/api/alerts/rules", n -> {
      List<AlertRule> out = new ArrayList<>();
      n.get("rules").forEach(r -> out.add(alertRule(r)));
      return out;
    }));
  }

  // ---- the dashboard's saved views ----

  /** The account's saved dashboard views, oldest first; needs a secret key. */
  public List<SavedView> listSavedViews() {
    return join(get("/api/saved-view", n -> {
      List<SavedView> out = new ArrayList<>();
      n.forEach(v -> out.add(savedView(v)));
      return out;
    }));
  }

  public void deleteAlertRule(String id) {
    join(send("DELETE", "/api/alerts/rules/" + enc(id), null, n -> null));
  }

  /** The account's incidents, newest first, at most {@code limit} (1 to 1000); only open ones when {@code openOnly}. */
  public List<Incident> listIncidents(boolean openOnly, int limit) {
    return join(get("/api/alerts/incidents" + new Query().add("open", openOnly ? "true" : null)
        .add("limit", Integer.toString(limit)), n -> {
          List<Incident> out = new ArrayList<>();
          n.get("incidents").forEach(i -> out.add(new Incident(i.get("id").asText(), i.get("ruleId").asText(),
              i.get("ruleName").asText(), i.get("metric").asText(), Instant.ofEpochMilli(i.get("openedAt").asLong()),
              i.get("resolvedAt").isNull() ? null : Instant.ofEpochMilli(i.get("resolvedAt").asLong()),
              i.get("value").asDouble(), i.get("bound").asDouble())));
          return out;
        }));
  }

  /** The secret the account's alert notifications are signed with (HMAC key: its ASCII bytes). */
  public String getAlertSigningSecret() {
    return join(get("/api/alerts/signing-secret", n -> n.get("secret").asText()));
  }

  private static String ruleBody(AlertRule r) {
    ObjectNode body = Transport.JSON.createObjectNode();
    putIf(body, "name", r.name());
    putIf(body, "metric", r.metric());
    if (!r.filters().isEmpty()) {
      r.filters().forEach(body.putArray("filters")::add);
    }
    putIf(body, "comparison", r.comparison());
    if (r.threshold() != null) {
      body.put("threshold", r.threshold());
    }
    if (r.anomaly() != null) {
      ObjectNode a = body.putObject("anomaly");
      if (r.anomaly().weeks() != null) {
        a.put("weeks", r.anomaly().weeks());
      }
      if (r.anomaly().stddevs() != null) {
        a.put("stddevs", r.anomaly().stddevs());
      }
      if (r.anomaly().factor() != null) {
        a.put("factor", r.anomaly().factor());
      }
    }
    if (r.minViews() != null) {
      body.put("minViews", r.minViews());
    }
    if (r.windowMinutes() != null) {
      body.put("windowMinutes", r.windowMinutes());
    }
    if (r.openAfter() != null) {
      body.put("openAfter", r.openAfter());
    }
    if (r.resolveAfter() != null) {
      body.put("resolveAfter", r.resolveAfter());
    }
    putIf(body, "webhookUrl", r.webhookUrl());
    return body.toString();
  }

  private static AlertRule alertRule(JsonNode n) {
    List<String> filters = new ArrayList<>();
    n.path("filters").forEach(f -> filters.add(f.asText()));
    JsonNode a = n.get("anomaly");
    AlertRule.Anomaly anomaly = a == null ? null : new AlertRule.Anomaly(a.get("weeks").asInt(),
        a.has("stddevs") ? a.get("stddevs").asDouble() : null, a.has("factor") ? a.get("factor").asDouble() : null);
    return new AlertRule(n.get("id").asText(), n.get("name").asText(), n.get("metric").asText(), filters,
        n.get("comparison").asText(), n.has("threshold") ? n.get("threshold").asDouble() : null, anomaly,
        n.get("minViews").asLong(), n.get("windowMinutes").asInt(), n.get("openAfter").asInt(),
        n.get("resolveAfter").asInt(), n.has("webhookUrl") ? n.get("webhookUrl").asText() : null,
        Instant.ofEpochMilli(n.get("createdAt").asLong()));
  }

  /**
   * Saves a dashboard state under a name (at most 100 characters, not blank; the state at most 4096).
   *
   * @throws ViewpulseException 400 naming a bad name or state, 409 when the account keeps 200 already
   */
  public SavedView createSavedView(String name, String state) {
    ObjectNode body = Transport.JSON.createObjectNode();
    body.put("name", name);
    body.put("state", state);
    return join(send("POST", "/api/saved-view", body.toString(), Viewpulse::savedView));
  }

  /** @throws ViewpulseException 404 when the account has no such saved view */
  public SavedView getSavedView(String id) {
    return join(get("/api/saved-view/" + enc(id), Viewpulse::savedView));
  }

  /** @throws ViewpulseException 404 when the account has no such saved view */
  public void deleteSavedView(String id) {
    join(send("DELETE", "/api/saved-view/" + enc(id), null, n -> null));
  }

  private static SavedView savedView(JsonNode n) {
    return new SavedView(n.get("id").asText(), n.get("name").asText(), n.get("state").asText(),
        Instant.ofEpochMilli(n.get("createdAt").asLong()), n.get("createdBy").asText());
  }

  // ---- live statistics (the Uplynk v4 API) ----

  /** The last complete minute of each stream, in the order asked; streams without data have null stats. */
  public List<StreamStats> getStreamStats(String... streamIds) {
    return join(getStreamStatsAsync(streamIds));
  }

  public CompletableFuture<List<StreamStats>> getStreamStatsAsync(String... streamIds) {
    ObjectNode body = Transport.JSON.createObjectNode();
    ArrayNode ids = body.putArray("stream_ids");
    for (String id : streamIds) {
      ids.add(id);
    }
    return live("POST", "/api/v4/monitoring/stream_stats_enhanced", body.toString(), n -> {
      List<StreamStats> out = new ArrayList<>();
      n.path("items").forEach(i -> out.add(streamStats(i)));
      return out;
    });
  }

  /** Every minute of a stream between {@code from} and {@code to} (at most 24 h; null for the last hour). */
  public List<StreamStats> getStreamStatsSeries(String streamId, Instant from, Instant to) {
    Query qs = new Query().add("from", millis(from)).add("to", millis(to));
    return join(live("GET", "/api/v4/monitoring/stream_stats_enhanced/" + enc(streamId) + "/series" + qs, null,
        n -> {
          List<StreamStats> out = new ArrayList<>();
          n.path("items").forEach(i -> out.add(streamStats(((ObjectNode) i).put("id", streamId))));
          return out;
        }));
  }

  private <T> CompletableFuture<T> live(String method, String path, String body, Function<JsonNode, T> map) {
    if (signature == null) {
      return send(method, path, body, map);
    }
    String sep = path.contains("?") ? "&" : "?";
    Transport.Call call = new Transport.Call(method, () -> path + sep + signature.query(), List.of(), body);
    return transport.send(call).thenApply(map);
  }

  // ---- views one by one: the explorer and the export ----

  /** Views newest first, a page at a time ({@link ViewPage#next}); needs a secret key. */
  public ViewPage listViews(ViewListQuery q) {
    return join(listViewsAsync(q));
  }

  public CompletableFuture<ViewPage> listViewsAsync(ViewListQuery q) {
    return get("/api/data/views" + listQuery(q, true).add("limit", q.limit() == null ? null : q.limit().toString())
        .add("cursor", q.cursor()), Viewpulse::page);
  }

  /** A viewer's views, newest first ({@code cursor}: the {@code next} of the previous page, or null). */
  public ViewPage getViewerViews(String viewerId, String cursor, int limit) {
    return join(getViewerViewsAsync(viewerId, cursor, limit));
  }

  public CompletableFuture<ViewPage> getViewerViewsAsync(String viewerId, String cursor, int limit) {
    return get("/api/data/viewers/" + enc(viewerId) + "/views"
        + new Query().add("limit", Integer.toString(limit)).add("cursor", cursor), Viewpulse::page);
  }

  /**
   * Erases every finished view of a viewer in the key's account (the right to erasure of privacy laws); needs a secret
   * key. Returns the record of it (how many views went).
   *
   * @throws ViewpulseException 409 while the viewer is watching (nothing erased: retry once the viewer has stopped)
   */
  public Erasure eraseViewer(String viewerId) {
    return join(eraseViewerAsync(viewerId));
  }

  public CompletableFuture<Erasure> eraseViewerAsync(String viewerId) {
    return send("DELETE", "/api/data/viewers/" + enc(viewerId), null, Viewpulse::erasure);
  }

  /** The account's erasures of viewers, newest first, at most {@code limit} (1 to 1000). */
  public List<Erasure> listErasures(int limit) {
    return join(get("/api/data/erasures" + new Query().add("limit", Integer.toString(limit)), n -> {
      List<Erasure> out = new java.util.ArrayList<>();
      n.get("erasures").forEach(e -> out.add(erasure(e)));
      return out;
    }));
  }

  // ---- webhooks: the streaming export ----

  /**
   * Creates a webhook endpoint: every view of the account finished from now on is posted to {@code url} in batches,
   * signed. Needs a secret key. The answer holds the signing secret, this once.
   *
   * @throws ViewpulseException 400 for a URL the server will not post to (not http(s), or an address that is not
   *     public), 409 when the account has the most endpoints it may have
   */
  public Webhook createWebhook(String url) {
    return join(createWebhookAsync(url));
  }

  public CompletableFuture<Webhook> createWebhookAsync(String url) {
    ObjectNode body = Transport.JSON.createObjectNode().put("url", url);
    return send("POST", "/api/data/webhooks", body.toString(), Viewpulse::webhook);
  }

  /** The account's webhook endpoints, oldest first (without their secrets). */
  public List<Webhook> listWebhooks() {
    return join(get("/api/data/webhooks", n -> {
      List<Webhook> out = new java.util.ArrayList<>();
      n.get("webhooks").forEach(w -> out.add(webhook(w)));
      return out;
    }));
  }

  public void deleteWebhook(String id) {
    join(send("DELETE", "/api/data/webhooks/" + enc(id), null, n -> null));
  }

  private static Webhook webhook(JsonNode n) {
    return new Webhook(n.get("id").asText(), n.get("url").asText(), Instant.ofEpochMilli(n.get("createdAt").asLong()),
        n.hasNonNull("secret") ? n.get("secret").asText() : null);
  }

  private static Erasure erasure(JsonNode n) {
    return new Erasure(n.get("keyId").asText(), Instant.ofEpochMilli(n.get("erasedAt").asLong()),
        n.get("views").asLong());
  }

  /**
   * Writes an export of every view of {@code q}'s scope with a start in {@code [from, to)} to {@code out} as it
   * arrives, telling {@code progress} after each view (CSV, NDJSON) or each block (Parquet). Blocks until the export
   * is whole. To resume an export that broke, pass what it had written ({@code resume}: the last progress, or one
   * made from the last line of the file): the views after it are appended, without a second CSV header. Parquet
   * cannot be resumed (its file is only readable whole): export shorter ranges instead.
   *
   * @throws ViewpulseException when the server refused, or the connection broke (then resume)
   * @throws java.io.UncheckedIOException when {@code out} failed
   */
  public ExportProgress exportViews(ViewListQuery q, ExportFormat format, java.io.OutputStream out,
      ExportProgress resume, java.util.function.Consumer<ExportProgress> progress) {
    if (q.from() == null || q.to() == null) {
      throw new IllegalArgumentException("an export needs from and to");
    }
    boolean resuming = resume != null && resume.lastStart() != null;
    if (resuming && format == ExportFormat.PARQUET) {
      throw new IllegalArgumentException("a Parquet export cannot be resumed: export the rest of the range anew");
    }
    ViewListQuery scope = resuming ? new ViewListQuery(q.playbackId(), q.assetId(), q.streamId(), q.creatorId(),
        q.viewerId(), resume.lastStart(), q.to(), q.filters(), null, null) : q;
    List<String> headers = auth == null ? List.of() : List.of("Authorization", "Bearer " + auth);
    var response = transport.stream(new Transport.Call("GET", "/api/data/views/export"
        + listQuery(scope, true).add("format", format.apiName()), headers, null));
    ExportCopy copy = new ExportCopy(format, out, progress, resume);
    try (java.io.InputStream in = response.body()) {
      return copy.copy(new DestinationFailures(in));
    } catch (DestinationFailures.SourceFailure e) {
      throw new ViewpulseException(0, List.of("the export broke off: " + e.getCause().getMessage()), e.getCause());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Tells a failure to read the answer (the connection) from a failure to write the destination. */
  private static final class DestinationFailures extends java.io.FilterInputStream {
    static final class SourceFailure extends java.io.IOException {
      SourceFailure(java.io.IOException cause) {
        super(cause);
      }
    }

    DestinationFailures(java.io.InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      try {
        return super.read(b, off, len);
      } catch (java.io.IOException e) {
        throw new SourceFailure(e);
      }
    }
  }

  private static Query listQuery(ViewListQuery q, boolean withViewer) {
    Query qs = new Query().add("playbackId", q.playbackId()).add("assetId", q.assetId())
        .add("streamId", q.streamId()).add("creatorId", q.creatorId())
        .add("viewerId", withViewer ? q.viewerId() : null).add("from", millis(q.from())).add("to", millis(q.to()));
    for (String f : q.filters()) {
      qs.add("filters[]", f);
    }
    return qs;
  }

  /**
   * The audience retention of an on-demand video over its views that started in {@code [from, to)} (either may be
   * null: unbounded) and pass the filters (as the API writes them: {@code country:US}); needs a secret key.
   */
  public AudienceRetention getAudienceRetention(String playbackId, Instant from, Instant to, List<String> filters) {
    return join(getAudienceRetentionAsync(playbackId, from, to, filters));
  }

  public CompletableFuture<AudienceRetention> getAudienceRetentionAsync(String playbackId, Instant from, Instant to,
      List<String> filters) {
    Query qs = new Query().add("from", millis(from)).add("to", millis(to));
    for (String f : filters == null ? List.<String>of() : filters) {
      qs.add("filters[]", f);
    }
    return get("/api/data/views/query/retention/" + enc(playbackId) + qs, n -> {
      List<Double> share = new ArrayList<>();
      List<Long> viewers = new ArrayList<>();
      List<Long> watches = new ArrayList<>();
      n.path("share").forEach(v -> share.add(v.asDouble()));
      n.path("viewers").forEach(v -> viewers.add(v.asLong()));
      n.path("watches").forEach(v -> watches.add(v.asLong()));
      return new AudienceRetention(text(n, "playbackId"), n.path("views").asLong(), share, viewers, watches);
    });
  }

  /**
   * One view of the key's account by its id (as {@link #listViews} gives it), with its timeline; needs a secret key.
   *
   * @throws ViewpulseException 404 when the account has no such view
   */
  public ViewTimeline getView(String viewId) {
    return join(getViewAsync(viewId));
  }

  public CompletableFuture<ViewTimeline> getViewAsync(String viewId) {
    return get("/api/data/views/" + enc(viewId), Viewpulse::timeline);
  }

  private static ViewTimeline timeline(JsonNode n) {
    List<ViewTimeline.Event> events = new ArrayList<>();
    for (JsonNode e : n.path("timeline").path("events")) {
      events.add(new ViewTimeline.Event(text(e, "type"), Instant.parse(e.get("at").asText()),
          e.path("offsetMs").asLong(), e.hasNonNull("durationMs") ? e.get("durationMs").asLong() : null,
          e.hasNonNull("count") ? e.get("count").asInt() : null,
          e.hasNonNull("latencyMs") ? e.get("latencyMs").asLong() : null, rendition(e.get("from")),
          rendition(e.get("to")), e.hasNonNull("fatal") ? e.get("fatal").asBoolean() : null, text(e, "category"),
          text(e, "message"), text(e, "cause")));
    }
    return new ViewTimeline(view(n.get("view")), events, n.path("timeline").path("dropped").asInt());
  }

  private static ViewTimeline.Rendition rendition(JsonNode r) {
    if (r == null || r.isNull()) {
      return null;
    }
    return new ViewTimeline.Rendition(r.hasNonNull("bitrateBps") ? r.get("bitrateBps").asLong() : null,
        r.hasNonNull("width") ? r.get("width").asInt() : null, r.hasNonNull("height") ? r.get("height").asInt()
            : null);
  }

  private static ViewPage page(JsonNode n) {
    List<View> views = new ArrayList<>();
    for (JsonNode v : n.path("views")) {
      views.add(view(v));
    }
    return new ViewPage(views, text(n, "next"));
  }

  private static View view(JsonNode v) {
    return new View(text(v, "viewId"), text(v, "playbackId"), text(v, "creatorId"), text(v, "dStorageUrl"),
          text(v, "viewerId"), Instant.ofEpochMilli(v.path("startedAt").asLong()), text(v, "deviceType"),
          text(v, "device"), text(v, "cpu"), text(v, "os"), text(v, "browser"), text(v, "browserEngine"),
          text(v, "continent"), text(v, "country"), text(v, "subdivision"), text(v, "timezone"), text(v, "geohash"),
          text(v, "domain"), v.path("live").asBoolean(), v.path("playtimeMs").asLong(),
          v.hasNonNull("ttffMs") ? v.get("ttffMs").asInt() : null, v.path("rebufferMs").asLong(),
          v.path("errors").asInt(), v.path("firstFrame").asBoolean(), v.path("ended").asBoolean(),
          v.path("failed").asBoolean(), text(v, "asn"), text(v, "isp"), text(v, "cdn"), custom(v), quality(v));
  }

  /** A view's quality figures, null when the server did not report them. */
  private static View.Quality quality(JsonNode v) {
    if (!v.hasNonNull("outcome")) {
      return null;
    }
    return new View.Quality(text(v, "outcome"), v.path("nonFatalErrors").asInt(), v.path("rebufferCount").asInt(),
        v.path("seekCount").asInt(), real(v, "seekLatencyMs"), real(v, "averageBitrateBps"),
        real(v, "upscalePercentage"), real(v, "downscalePercentage"), real(v, "maxUpscalePercentage"),
        v.path("droppedFrames").asInt(), v.path("totalFrames").asInt(), real(v, "droppedFrameRate"),
        v.path("switchesUp").asInt(), v.path("switchesDown").asInt());
  }

  private static Double real(JsonNode v, String field) {
    return v.hasNonNull(field) ? v.get(field).asDouble() : null;
  }

  /** The {@code custom.<name>} fields of a view, by name, in the answer's order. */
  private static Map<String, String> custom(JsonNode v) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    v.fields().forEachRemaining(f -> {
      if (f.getKey().startsWith(Dimension.CUSTOM_PREFIX)) {
        out.put(f.getKey().substring(Dimension.CUSTOM_PREFIX.length()), f.getValue().isNull() ? null
            : f.getValue().asText());
      }
    });
    return out;
  }

  // ---- plumbing ----

  private <T> CompletableFuture<T> get(String path, Function<JsonNode, T> map) {
    return send("GET", path, null, map);
  }

  private <T> CompletableFuture<T> send(String method, String path, String body, Function<JsonNode, T> map) {
    List<String> headers = auth == null ? List.of() : List.of("Authorization", "Bearer " + auth);
    return transport.send(new Transport.Call(method, path, headers, body)).thenApply(map);
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof ViewpulseException v) {
        throw v;
      }
      throw e;
    }
  }

  private static String viewsQuery(ViewsQuery q, boolean withPlaybackId) {
    Query qs = new Query().add("playbackId", withPlaybackId ? q.playbackId() : null).add("assetId", q.assetId())
        .add("streamId", q.streamId()).add("creatorId", q.creatorId()).add("from", millis(q.from()))
        .add("to", millis(q.to())).add("timeStep", q.timeStep() == null ? null : q.timeStep().apiName());
    for (Dimension d : q.breakdownBy()) {
      qs.add("breakdownBy[]", d.apiName());
    }
    for (Filter f : q.filters()) {
      qs.add("filters[]", f.toString());
    }
    return qs.toString();
  }

  private static List<ViewershipMetric> metrics(JsonNode n) {
    List<ViewershipMetric> out = new ArrayList<>();
    for (JsonNode r : n) {
      out.add(new ViewershipMetric(r.has("timestamp") ? r.get("timestamp").asLong() : null, dimensions(r),
          r.path("viewCount").asLong(), r.path("playtimeMins").asDouble(), dbl(r, "ttffMs"), dbl(r, "ttffP50Ms"),
          dbl(r, "ttffP95Ms"), dbl(r, "rebufferRatio"), dbl(r, "errorRate"), dbl(r, "exitsBeforeStart"),
          r.has("uniqueViewers") ? r.get("uniqueViewers").asLong() : null));
    }
    return out;
  }

  private static Map<Dimension, String> dimensions(JsonNode r) {
    Map<Dimension, String> dims = new java.util.LinkedHashMap<>();
    for (Dimension d : Dimension.values()) {
      if (r.hasNonNull(d.apiName())) {
        dims.put(d, r.get(d.apiName()).asText());
      }
    }
    r.fields().forEachRemaining(f -> {
      if (f.getKey().startsWith(Dimension.CUSTOM_PREFIX) && !f.getValue().isNull()) {
        Dimension d = Dimension.byApiName(f.getKey());
        if (d != null) {
          dims.put(d, f.getValue().asText());
        }
      }
    });
    return dims;
  }

  private static Media media(JsonNode m) {
    return new Media(text(m, "id"), text(m, "name"), text(m, "playbackId"), text(m, "creatorId"),
        text(m, "dStorageUrl"), text(m, "type"), Instant.ofEpochMilli(m.path("createdAt").asLong()));
  }

  private static StreamStats streamStats(JsonNode i) {
    JsonNode s = i.get("stats");
    Instant ts = i.hasNonNull("ts") ? Instant.ofEpochMilli(i.get("ts").asLong()) : null;
    if (s == null || s.isNull()) {
      return new StreamStats(text(i, "id"), null, ts);
    }
    return new StreamStats(text(i, "id"), new StreamStats.Stats(s.path("auth_failures").asInt(),
        sessions(s.path("concurrent")), sessions(s.path("new")), breakdown(s.path("domains"), "domain"),
        breakdown(s.path("locations"), "location"), breakdown(s.path("platforms"), "platform"), text(s, "type")), ts);
  }

  private static StreamStats.Sessions sessions(JsonNode g) {
    return new StreamStats.Sessions(g.path("sessions").asInt(), g.path("total_time").asDouble(),
        slate(g.path("ad_slate")), slate(g.path("mcs")));
  }

  private static Map<String, StreamStats.Slate> slate(JsonNode m) {
    Map<String, StreamStats.Slate> out = new java.util.TreeMap<>();
    m.fields().forEachRemaining(e -> out.put(e.getKey(), new StreamStats.Slate(e.getValue().path("time").asDouble(),
        e.getValue().path("sessions").asInt())));
    return out;
  }

  private static List<StreamStats.Breakdown> breakdown(JsonNode list, String key) {
    List<StreamStats.Breakdown> out = new ArrayList<>();
    list.forEach(b -> out.add(new StreamStats.Breakdown(b.path(key).asText(), b.path("sessions").asInt(),
        b.path("mcs").asInt(), b.path("ad_slate").asInt())));
    return out;
  }

  private static String text(JsonNode n, String f) {
    return n.hasNonNull(f) ? n.get(f).asText() : null;
  }

  private static Double dbl(JsonNode n, String f) {
    return n.hasNonNull(f) ? n.get(f).asDouble() : null;
  }

  private static Long lng(JsonNode n, String f) {
    return n.hasNonNull(f) ? n.get(f).asLong() : null;
  }

  private static void putIf(ObjectNode o, String f, String v) {
    if (v != null) {
      o.put(f, v);
    }
  }

  private static String millis(Instant i) {
    return i == null ? null : Long.toString(i.toEpochMilli());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A query string built from name/value pairs, skipping null values. */
  private static final class Query {
    private final StringBuilder b = new StringBuilder();

    Query add(String name, String value) {
      if (value != null) {
        b.append(b.length() == 0 ? '?' : '&').append(enc(name)).append('=').append(enc(value));
      }
      return this;
    }

    @Override
    public String toString() {
      return b.toString();
    }
  }
}
