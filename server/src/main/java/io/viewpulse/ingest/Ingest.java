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
 * {@code viewpulse_events_dropped_total}. CPU only: parsing a never-seen user agent takes a fraction of a
 * millisecond, every later beacon of a session reuses its enrichment, so it runs on the event loop.
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
    final EnumMap<Reason, Integer> dropped = new EnumMap<>(Reason.class);

    Context(Edge edge) {
      this.edge = edge;
    }

    void drop(Reason r, int n) {
      if (n > 0) {
        dropped.merge(r, n, Integer::sum);
      }
    }
  }

  private final List<NamedStep> steps = List.of(
      new NamedStep("parse", this::parse),
      new NamedStep("resolve_owner", this::resolveOwner),
      new NamedStep("check_events", this::checkEvents),
      new NamedStep("enrich", this::enrich));

  private final Catalog catalog;
  private final EventLog log;
  private final InstantSource clock;
  private final Enricher enricher;
  private final GeoLookup geo;
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
    this.enricher = new Enricher(new ClientLocator(proxies, ClientLocator.Cdn.parse(config.cdn()), geo), viewerSalt);
    this.ackLatency = Timer.builder("viewpulse_ingest_ack_latency")
        .description("time from a beacon's arrival until it is durable")
        .publishPercentiles(0.5, 0.99).register(metrics);
    this.acceptedBeacons = metrics.counter("viewpulse_beacons_accepted_total");
    // every series exists from the start (at 0), as Prometheus recommends for known label values
    for (Reason r : Reason.values()) {
      if (r.status() == 0) {
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

  /**
   * Runs the steps and appends the beacon to the event log.
   *
   * @return completes when the beacon is durable; fails with a {@link Rejection} naming what is wrong
   */
  public CompletableFuture<Ack> accept(Edge edge) {
    long started = System.nanoTime();
    Reason busy = backpressure.get();
    if (busy != null) {
      rejected(busy);
      return CompletableFuture.failedFuture(new Rejection(busy, busy == Reason.OVERLOADED
          ? "Viewpulse is at capacity; retry in a few seconds" : "Viewpulse cannot store beacons right now"));
    }
    Context c = new Context(edge);
    try {
      for (NamedStep s : steps) {
        s.step().apply(c);
      }
    } catch (Rejection r) {
      rejected(r.reason());
      return CompletableFuture.failedFuture(r);
    }
    c.dropped.forEach((reason, n) -> counter(droppedEvents, "viewpulse_events_dropped_total", reason).increment(n));
    Ack ack = new Ack(c.events.size(), Map.copyOf(c.dropped));
    if (c.events.isEmpty() && !edge.lastOfPage()) {
      accepted();
      return CompletableFuture.completedFuture(ack);
    }
    Beacon b = new Beacon(c.owner.accountId(), c.owner.id(), c.raw.playbackId(), c.owner.creatorId(),
        c.owner.dStorageUrl(), c.raw.sessionId(), c.enriched.viewerId(),
        c.raw.live() || c.owner.kind() == Media.Kind.STREAM, c.raw.domain(), c.sourceHost,
        c.enriched.dims(),
        c.enriched.region(), edge.lastOfPage(), edge.receivedAtMs(), c.events);
    return log.append(LogCodec.encode(b)).handle((offset, err) -> {
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

  private void parse(Context c) {
    BeaconParser.Parsed p = BeaconParser.parse(c.edge.body());
    c.raw = p.beacon();
    c.drop(Reason.UNKNOWN_EVENT_TYPE, p.unknownTypes());
  }

  private void resolveOwner(Context c) {
    c.owner = catalog.byPlaybackId(c.raw.playbackId()).orElseThrow(() -> new Rejection(
        Reason.UNKNOWN_PLAYBACK_ID, "no asset or stream has playback id " + c.raw.playbackId()));
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

  /** A session's later beacons reuse what its first one was enriched with: same viewer, same device, same place. */
  private void enrich(Context c) {
    long key = hash64(c.owner.accountId(), c.raw.sessionId());
    SessionMemo.Known known = bySession.get(key);
    if (known != null && (c.raw.uid() == null || c.raw.uid().equals(known.enriched().viewerId()))) {
      c.enriched = known.enriched();
      c.sourceHost = c.raw.sourceUrl() == null ? null : known.sourceHost();
      return;
    }
    c.enriched = enricher.enrich(c.edge, c.raw);
    c.sourceHost = hostOf(c.raw.sourceUrl());
    bySession.put(new SessionMemo.Known(key, c.enriched, c.sourceHost));
  }

  /** Names of the steps, in order (for docs and tests). */
  public List<String> stepNames() {
    return steps.stream().map(NamedStep::name).collect(Collectors.toList());
  }

  @Override
  public void close() {
    try {
      geo.close();
    } catch (IOException ignored) {
      // read-only files
    }
  }
}
