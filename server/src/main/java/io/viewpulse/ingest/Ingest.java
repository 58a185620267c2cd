package io.viewpulse.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.eventlog.EventLog;
import io.viewpulse.eventlog.LogUnavailableException;
import io.viewpulse.model.Beacon;
import io.viewpulse.model.LogCodec;
import io.viewpulse.model.Media;
import io.viewpulse.model.PlayerEvent;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The ingest pipeline: a named list of steps from a raw {@link Edge} to a durable {@link Beacon}. A step either
 * refuses the whole beacon (a {@link Rejection}, answered 4xx/5xx) or drops single events with a {@link Reason};
 * every refusal and drop is counted in {@code viewpulse_beacons_rejected_total} and
 * {@code viewpulse_events_dropped_total}. CPU only, and on the caller's thread (an event loop), except the parse of a
 * user agent not seen before (up to milliseconds, more for a hostile one): a beacon that needs one is enriched and
 * appended on one thread of its own, {@code user-agents}, behind a bounded queue (503 when full). A session's beacons
 * keep their order into the log: while one of them waits for that thread, the session's next ones queue behind it.
 *
 * <p>Before anything else, the client's address ({@link ClientLocator}) is held to its limits ({@link AddressLimits}):
 * beacons per second, and, once the owner is known, new sessions per minute (429 with {@code Retry-After}).
 */
public final class Ingest implements AutoCloseable {
  /** What a caller learns of an accepted beacon. */
  public record Ack(int acceptedEvents, Map<Reason, Integer> dropped) {}

  private interface Step {
    void apply(Context c);
  }

  private record NamedStep(String name, Step step) {}

  /** The state of one beacon travelling through the steps. */
  private static final class Context {
    final Edge edge;
    RawBeacon raw;
    Media owner;
    List<PlayerEvent> events;
    Enricher.Enriched enriched;
    String sourceHost;
    CustomValues.Result custom;
    final EnumMap<Reason, Integer> dropped = new EnumMap<>(Reason.class);

    java.net.InetAddress client;
    long sessionKey;

    Context(Edge edge) {
      this.edge = edge;
    }

    Context(Edge edge, RawBeacon raw, java.net.InetAddress client) {
      this.edge = edge;
      this.raw = raw;
      this.client = client;
    }

    void drop(Reason r, int n) {
      if (n > 0) {
        dropped.merge(r, n, Integer::sum);
      }
    }
  }

  /**
   * The steps after {@code parse}, which makes one context of a beacon, or one per session of a CMCD request's
   * reports ({@link CmcdReports}): each context goes through these steps, then {@code enrich}.
   */
  private final List<NamedStep> steps = List.of(
      new NamedStep("resolve_owner", this::resolveOwner),
      new NamedStep("limit_new_sessions", this::limitNewSessions),
      new NamedStep("check_events", this::checkEvents),
      new NamedStep("custom_dimensions", this::customDimensions));
  /** The first step, named for {@link #stepNames}. */
  private static final String PARSE = "parse";
  /** The last step, named for {@link #stepNames}: run on this thread or the user-agent thread. */
  private static final String ENRICH = "enrich";
  /** Beacons that may wait for the user-agent thread. */
  static final int PARSE_QUEUE = 256;

  private final Catalog catalog;
  private final EventLog log;
  private final InstantSource clock;
  private final Enricher enricher;
  private final ClientLocator locator;
  private final AddressLimits limits;
  private final java.util.concurrent.ThreadPoolExecutor parser;
  /** Sessions (by {@link #hash64}) with beacons waiting for the user-agent thread, and how many. */
  private final java.util.concurrent.ConcurrentHashMap<Long, Integer> waiting =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final GeoLookup geo;
  private final AsnLookup asn;
  private final MeterRegistry metrics;
  private final Timer ackLatency;
  // looked up once: a registry lookup per beacon (building and hashing the meter id) costs more than the increment
  private final Counter acceptedBeacons;
  private final Map<Reason, Counter> rejectedBeacons = new EnumMap<>(Reason.class);
  private final Map<Reason, Counter> droppedEvents = new EnumMap<>(Reason.class);
  private final java.util.function.Supplier<Reason> backpressure;
  /** Keyed by a 64-bit hash of account and session id: a long costs less heap than the string, per open session. */
  private final SessionMemo bySession = new SessionMemo(1 << 18);
  private final LegacyReports legacy;

  /**
   * @param backpressure why the sessionizer cannot take more right now ({@link Reason#OVERLOADED}: too many open
   *     sessions; {@link Reason#STORE_UNAVAILABLE}: the store refuses writes), or null: beacons are then refused with
   *     503 rather than acknowledged into a backlog
   */
  public Ingest(IngestConfig config, Catalog catalog, EventLog log, InstantSource clock, byte[] viewerSalt,
      MeterRegistry metrics, java.util.function.Supplier<Reason> backpressure) {
    this.backpressure = backpressure;
    this.catalog = catalog;
    this.log = log;
    this.clock = clock;
    this.metrics = metrics;
    this.geo = new GeoLookup(config.geoipFiles());
    List<Cidr> proxies = config.trustedProxies().stream().map(Cidr::parse).toList();
    this.locator = new ClientLocator(proxies, ClientLocator.Cdn.parse(config.cdn()), geo);
    this.asn = new AsnLookup(config.asnFiles());
    this.enricher = new Enricher(locator, asn, viewerSalt);
    this.limits = new AddressLimits(config.limits(), clock);
    this.parser = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.MILLISECONDS,
        new java.util.concurrent.ArrayBlockingQueue<>(PARSE_QUEUE), r -> {
          Thread t = new Thread(r, "user-agents");
          t.setDaemon(true);
          return t;
        });
    this.ackLatency = Timer.builder("viewpulse_ingest_ack_latency")
        .description("time from a beacon's arrival until it is durable")
        .publishPercentiles(0.5, 0.99).register(metrics);
    this.acceptedBeacons = metrics.counter("viewpulse_beacons_accepted_total");
    // every series exists from the start (at 0), as Prometheus recommends for known label values
    for (Reason r : Reason.values()) {
      if (!r.refusesBeacon()) {
        droppedEvents.put(r, metrics.counter("viewpulse_events_dropped_total", "reason", r.tag()));
      } else {
        rejectedBeacons.put(r, metrics.counter("viewpulse_beacons_rejected_total", "reason", r.tag()));
      }
    }
    this.legacy = new LegacyReports(this, clock, config.legacyMaxBytes());
    io.micrometer.core.instrument.Gauge.builder("viewpulse_legacy_sessions", legacy, LegacyReports::sessions)
        .description("sessions of Livepeer's legacy socket reporter held in memory (they count toward the open-session"
            + " limit)").register(metrics);
    UserAgents.warmUp();
  }

  /** The sessions of Livepeer's legacy socket reporter, whose messages become beacons of this ingest. */
  public LegacyReports legacy() {
    return legacy;
  }

  /** Sessions of the legacy socket reporter held in memory: they count toward the open-session limit. */
  public long legacySessions() {
    return legacy.sessions();
  }

  /** Why no new session can be taken now, or null. */
  Reason busy() {
    return backpressure.get();
  }

  /** The catalog's instance of a playback id that belongs to an asset or stream, or null. */
  String playbackIdOwned(String playbackId) {
    return catalog.byPlaybackId(playbackId).map(Media::playbackId).orElse(null);
  }

  /** Whether addresses are geolocated (a GeoIP database is loaded). */
  public boolean geolocates() {
    return geo.enabled();
  }

  /** Whether addresses' networks are found (an ASN database is loaded): the dimensions asn and isp. */
  public boolean findsNetworks() {
    return asn.enabled();
  }

  /**
   * Runs the steps and appends the beacon to the event log.
   *
   * @return completes when the beacon is durable; fails with a {@link Rejection} naming what is wrong
   */
  public CompletableFuture<Ack> accept(Edge edge) {
    long started = System.nanoTime();
    Context c = new Context(edge);
    c.client = locator.clientAddress(edge);
    long wait = limits.beacon(c.client);
    if (wait > 0) {
      rejected(Reason.TOO_MANY_BEACONS);
      return CompletableFuture.failedFuture(new Rejection(Reason.TOO_MANY_BEACONS,
          "too many beacons from this address; retry in " + wait + " s", wait));
    }
    Reason busy = backpressure.get();
    if (busy != null) {
      rejected(busy);
      return CompletableFuture.failedFuture(new Rejection(busy, busy == Reason.OVERLOADED
          ? "Viewpulse is at capacity; retry in a few seconds" : "Viewpulse cannot store beacons right now"));
    }
    List<Context> parts;
    try {
      parts = parse(c);
      // every part passes every step before any is appended: a request is refused whole or taken whole
      for (Context part : parts) {
        for (NamedStep s : steps) {
          s.step().apply(part);
        }
      }
    } catch (Rejection r) {
      rejected(r.reason());
      return CompletableFuture.failedFuture(r);
    }
    if (parts.size() == 1) {
      return deliver(parts.get(0), started);
    }
    // several sessions in one CMCD request: each is a beacon of its own; the answer waits for all
    List<CompletableFuture<Ack>> acks = new ArrayList<>(parts.size());
    for (Context part : parts) {
      acks.add(deliver(part, started));
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply(x -> {
      int events = 0;
      EnumMap<Reason, Integer> dropped = new EnumMap<>(Reason.class);
      for (CompletableFuture<Ack> a : acks) {
        Ack ack = a.join();
        events += ack.acceptedEvents();
        ack.dropped().forEach((reason, n) -> dropped.merge(reason, n, Integer::sum));
      }
      return new Ack(events, Map.copyOf(dropped));
    });
  }

  /** Enriches one parsed, checked beacon and appends it; completes once it is durable. */
  private CompletableFuture<Ack> deliver(Context c, long started) {
    Edge edge = c.edge;
    c.sessionKey = hash64(c.owner.accountId(), c.raw.sessionId());
    if (c.events.isEmpty() && !edge.lastOfPage()) {
      // nothing to store: nothing to enrich
      return append(c, started);
    }
    if (!waiting.containsKey(c.sessionKey) && enrichNow(c)) {
      return append(c, started);
    }
    return enrichLater(c, started);
  }

  /**
   * Enriches on the user-agent thread, then appends; the session's later beacons wait behind this one. 503 when that
   * thread has more than {@link #PARSE_QUEUE} beacons waiting.
   */
  private CompletableFuture<Ack> enrichLater(Context c, long started) {
    CompletableFuture<Ack> done = new CompletableFuture<>();
    waiting.merge(c.sessionKey, 1, Integer::sum);
    try {
      parser.execute(() -> {
        try {
          enrich(c);
          append(c, started).whenComplete((ack, e) -> {
            if (e != null) {
              done.completeExceptionally(cause(e));
            } else {
              done.complete(ack);
            }
          });
        } catch (RuntimeException e) {
          done.completeExceptionally(e);
        } finally {
          // the append is queued: the session's next beacon may go on its own now, and still comes after it
          waiting.computeIfPresent(c.sessionKey, (k, n) -> n <= 1 ? null : n - 1);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      waiting.computeIfPresent(c.sessionKey, (k, n) -> n <= 1 ? null : n - 1);
      rejected(Reason.OVERLOADED);
      return CompletableFuture.failedFuture(new Rejection(Reason.OVERLOADED,
          "Viewpulse is overloaded; retry in a few seconds"));
    }
    return done;
  }

  /** Runs a task on the user-agent thread, behind what waits there: for tests. */
  void onUserAgentThread(Runnable task) {
    parser.execute(task);
  }

  /** Appends an enriched beacon to the event log; completes once it is durable. */
  private CompletableFuture<Ack> append(Context c, long started) {
    Edge edge = c.edge;
    c.dropped.forEach((reason, n) -> counter(droppedEvents, "viewpulse_events_dropped_total", reason).increment(n));
    Ack ack = new Ack(c.events.size(), Map.copyOf(c.dropped));
    if (c.events.isEmpty() && !edge.lastOfPage()) {
      accepted();
      return CompletableFuture.completedFuture(ack);
    }
    io.viewpulse.model.Dimensions dims = c.enriched.dims();
    if (c.custom != null && (c.custom.slots() != null || c.custom.cdn() != null)) {
      dims = enricher.intern(dims.withCustom(c.custom.slots()).withCdn(c.custom.cdn()));
    }
    Beacon b = new Beacon(c.owner.accountId(), c.owner.id(), c.raw.playbackId(), c.owner.creatorId(),
        c.owner.dStorageUrl(), c.raw.sessionId(), c.enriched.viewerId(),
        c.raw.live() || c.owner.kind() == Media.Kind.STREAM, c.raw.domain(), c.sourceHost,
        dims,
        c.enriched.region(), edge.lastOfPage(), edge.receivedAtMs(), c.events);
    return log.append(b.partitionKey(), LogCodec.encode(b)).handle((offset, err) -> {
      if (err != null) {
        Throwable cause = cause(err);
        Reason r = cause instanceof LogUnavailableException lu && lu.isOverload()
            ? Reason.OVERLOADED : Reason.STORE_UNAVAILABLE;
        rejected(r);
        throw new Rejection(r, r == Reason.OVERLOADED
            ? "Viewpulse is overloaded; retry in a few seconds" : "Viewpulse cannot store beacons right now");
      }
      accepted();
      ackLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      return ack;
    });
  }

  /** What failed, without the wrapper a failed stage of a CompletableFuture chain adds around it. */
  static Throwable cause(Throwable e) {
    return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private static long hash64(String a, String b) {
    long h = 0xcbf29ce484222325L;
    for (String s : new String[] {a, b}) {
      for (int i = 0; i < s.length(); i++) {
        h ^= s.charAt(i);
        h *= 0x100000001b3L;
      }
      h ^= '|';
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static String hostOf(String url) {
    if (url == null) {
      return null;
    }
    try {
      String host = java.net.URI.create(url.strip()).getHost();
      return host == null || host.length() > 253 ? null
          : io.viewpulse.model.Bounded.host(host.toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Records a beacon refused before it reached ingest (too large, or the server is overloaded). */
  public void rejected(Reason r) {
    counter(rejectedBeacons, "viewpulse_beacons_rejected_total", r).increment();
  }

  private Counter counter(Map<Reason, Counter> known,
      String name, Reason r) {
    Counter c = known.get(r);
    return c != null ? c : metrics.counter(name, "reason", r.tag());
  }

  private void accepted() {
    acceptedBeacons.increment();
  }

  /** The parse step: a beacon's body, or a CMCD request's reports (one context per session and video). */
  private List<Context> parse(Context c) {
    if (c.edge.cmcd() != null) {
      List<RawBeacon> raws = CmcdReports.parse(c.edge, id -> catalog.byPlaybackId(id).isPresent());
      if (raws.size() == 1) {
        c.raw = raws.get(0);
        return List.of(c);
      }
      List<Context> out = new ArrayList<>(raws.size());
      for (RawBeacon raw : raws) {
        out.add(new Context(c.edge, raw, c.client));
      }
      return out;
    }
    BeaconParser.Parsed p = BeaconParser.parse(c.edge.body());
    c.raw = p.beacon();
    c.drop(Reason.UNKNOWN_EVENT_TYPE, p.unknownTypes());
    return List.of(c);
  }

  private void resolveOwner(Context c) {
    c.owner = catalog.byPlaybackId(c.raw.playbackId()).orElseThrow(() -> new Rejection(
        Reason.UNKNOWN_PLAYBACK_ID, "no asset or stream has playback id " + c.raw.playbackId()));
  }

  /** Counts a session against its address's new sessions unless it is known; 0, or the seconds to wait. */
  long newSession(java.net.InetAddress client, String playbackId, String sessionId) {
    return limits.session(client, playbackId, sessionId);
  }

  private void limitNewSessions(Context c) {
    long wait = limits.session(c.client, c.owner.playbackId(), c.raw.sessionId());
    if (wait > 0) {
      throw new Rejection(Reason.TOO_MANY_NEW_SESSIONS,
          "too many new sessions from this address; retry in " + wait + " s", wait);
    }
  }

  /** Takes a socket slot of the client behind a legacy reporter's socket; false when it holds all it may. */
  boolean openSocket(java.net.InetAddress client) {
    return limits.openSocket(client);
  }

  void closeSocket(java.net.InetAddress client) {
    limits.closeSocket(client);
  }

  /** The viewer's address behind a request from {@code peerAddress} with these headers (trusted proxies, CDN). */
  java.net.InetAddress clientAddress(String peerAddress, Map<String, String> headers) {
    return locator.clientAddress(new Edge(new byte[0], peerAddress, headers, false, 0));
  }

  private void checkEvents(Context c) {
    long now = clock.millis();
    List<PlayerEvent> kept = new ArrayList<>(c.raw.events().size());
    for (PlayerEvent e : c.raw.events()) {
      Reason r = EventChecks.check(e, now);
      if (r == null) {
        kept.add(e);
      } else {
        c.drop(r, 1);
      }
    }
    c.events = kept;
  }

  /** Puts the beacon's custom values in its account's slots, dropping undeclared names and bad values. */
  private void customDimensions(Context c) {
    RawBeacon.Metadata m = c.raw.metadata();
    if (m.custom().isEmpty() && m.player() == null && m.cdn() == null) {
      return;
    }
    c.custom = CustomValues.of(m, catalog.declaredDimensions(c.owner.accountId()));
    c.drop(Reason.CUSTOM_DIMENSION_UNDECLARED, c.custom.undeclared());
    c.drop(Reason.CUSTOM_VALUE_INVALID, c.custom.invalid());
  }

  /**
   * Enriches now when that needs no parse of a new user agent (the session's earlier beacon was enriched, or the user
   * agent's parse is cached); false when it does.
   */
  private boolean enrichNow(Context c) {
    if (!remembered(c) && UserAgents.cached(Enricher.userAgent(c.edge, c.raw)) == null) {
      return false;
    }
    enrich(c);
    return true;
  }

  private boolean remembered(Context c) {
    SessionMemo.Known known = bySession.get(c.sessionKey);
    return known != null && (c.raw.uid() == null || c.raw.uid().equals(known.enriched().viewerId()));
  }

  /** A session's later beacons reuse what its first one was enriched with: same viewer, same device, same place. */
  private void enrich(Context c) {
    SessionMemo.Known known = bySession.get(c.sessionKey);
    if (known != null && (c.raw.uid() == null || c.raw.uid().equals(known.enriched().viewerId()))) {
      c.enriched = known.enriched();
      c.sourceHost = c.raw.sourceUrl() == null ? null : known.sourceHost();
      return;
    }
    c.enriched = enricher.enrich(c.edge, c.raw, c.client);
    c.sourceHost = hostOf(c.raw.sourceUrl());
    bySession.put(new SessionMemo.Known(c.sessionKey, c.enriched, c.sourceHost));
  }

  /** Names of the steps, in order (for docs and tests). */
  public List<String> stepNames() {
    List<String> names = steps.stream().map(NamedStep::name).collect(Collectors.toList());
    names.add(0, PARSE);
    names.add(ENRICH);
    return names;
  }

  @Override
  public void close() {
    parser.shutdown();
    try {
      geo.close();
      asn.close();
    } catch (IOException ignored) {
      // read-only files
    }
  }
}
