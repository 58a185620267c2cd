package io.viewpulse.api;

import static io.viewpulse.api.HostileInputs.CONTROL;
import static io.viewpulse.api.HostileInputs.LIVE;
import static io.viewpulse.api.HostileInputs.NOW;
import static io.viewpulse.api.HostileInputs.PLAYBACK;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.api.HostileInputs.Expect;
import io.viewpulse.api.HostileInputs.Req;
import io.viewpulse.ingest.Reason;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.RawHttp;
import io.viewpulse.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Bad input, by brute force: more than 100,000 generated malformed, truncated, oversize, wrongly typed and hostile
 * bodies, headers and query strings against one real server on loopback. No answer is a 5xx or missing, every
 * refusal has the API's error shape, and afterwards the store holds nothing a real player could not have produced,
 * while a set of known sessions sent amid the noise is stored exactly.
 */
class HostileInputTest {
  /** Concurrent connections: enough to keep the event log's group commit busy on two shared cores. */
  private static final int CONNECTIONS = 8;
  private static final int CONTROLS = 200;
  /**
   * With the clock standing still, accepted events lie within the last 7 days or the next 10 minutes (older and
   * later ones are dropped), and one heartbeat may report up to 24 h played before its own timestamp.
   */
  private static final long MAX_PLAYTIME_MS = Duration.ofDays(8).plusMinutes(10).toMillis();
  private static final long MAX_TTFF_MS = 3_600_000;
  private static final Set<String> DROP_TAGS = Arrays.stream(Reason.values()).filter(r -> !r.refusesBeacon())
      .map(Reason::tag).collect(java.util.stream.Collectors.toSet());

  private static final AtomicLong SENT = new AtomicLong();
  /** Ingest answers of 200, and of those the ones that took at least one event. */
  private static final AtomicLong ACKED = new AtomicLong();
  private static final AtomicLong ACKED_WITH_EVENTS = new AtomicLong();
  private static final AtomicLong ACCEPTED_EVENTS = new AtomicLong();
  private static final AtomicInteger CONTROLS_SENT = new AtomicInteger();
  private static final Map<Integer, AtomicLong> STATUSES = new java.util.concurrent.ConcurrentSkipListMap<>();
  private static final Queue<RawHttp> CLIENTS = new ConcurrentLinkedQueue<>();
  private static TestServer s;
  private static ExecutorService connections;
  private static ThreadLocal<RawHttp> client;
  private static final ThreadLocal<Req> previous = new ThreadLocal<>();
  private static long startedNanos;

  @BeforeContainer
  static void start() {
    s = new TestServer();
    s.asset(PLAYBACK);
    s.asset(CONTROL);
    HostileInputs.streamId = s.stream(LIVE, "channel").id();
    HostileInputs.accountId = s.accountId;
    connections = Executors.newFixedThreadPool(CONNECTIONS);
    client = ThreadLocal.withInitial(() -> {
      RawHttp c = new RawHttp(s.vp.port(), 30_000);
      CLIENTS.add(c);
      return c;
    });
    startedNanos = System.nanoTime();
  }

  @Property(tries = 1_300)
  void ingestNeverAnswers5xxToMalformedBodies(@ForAll(supplier = HostileInputs.MalformedBeacons.class) List<Req> batch) {
    List<Req> all = new ArrayList<>(batch);
    int control = CONTROLS_SENT.getAndIncrement();
    if (control < CONTROLS) {
      all.add(control(control));
    }
    List<RawHttp.Reply> replies = sendAll(all);
    if (control < CONTROLS) {
      RawHttp.Reply a = replies.get(replies.size() - 1);
      assertThat(a.text()).as("control session %d", control).isEqualTo("{\"accepted\":2,\"dropped\":{}}");
    }
  }

  @Property(tries = 300)
  void ingestNeverAnswers5xxToHostileHeaders(@ForAll(supplier = HostileInputs.HostileHeaders.class) List<Req> batch) {
    sendAll(batch);
  }

  @Property(tries = 4)
  void oversizeBodiesAreRefusedWith413(@ForAll(supplier = HostileInputs.Oversize.class) Req q) {
    sendAll(List.of(q));
  }

  @Property(tries = 300)
  void queriesNeverAnswer5xxToHostileParameters(@ForAll(supplier = HostileInputs.HostileQueries.class) List<Req> b) {
    sendAll(b);
  }

  @Property(tries = 120)
  void uplynkStatsRefuseUnsignedAndGarbageSignedRequests(
      @ForAll(supplier = HostileInputs.HostileUplynk.class) List<Req> batch) {
    sendAll(batch);
  }

  @Property(tries = 100)
  void streamEventReportsNeverAnswer5xx(@ForAll(supplier = HostileInputs.HostileStreamEvents.class) List<Req> b) {
    sendAll(b);
  }

  /** A session with exactly known facts: playtime 1000 + i ms, TTFF 100 + i ms, nothing else. */
  private static Req control(int i) {
    String body = Beacons.session("ctl-" + i, CONTROL).uid("ctl-viewer-" + i).play(T0.minusSeconds(60))
        .heartbeat("c1", T0.minusSeconds(55), 1_000 + i, 0, 0, 0, 100L + i).json();
    return new Req("POST", "/analytics/log", List.of("Content-Type: text/plain;charset=UTF-8",
        "X-Forwarded-For: 198.51.100.7"), HostileInputs.utf8(body), Expect.NO_5XX);
  }

  /** Sends the batch over the pool's keep-alive connections, then checks every answer. */
  private static List<RawHttp.Reply> sendAll(List<Req> batch) {
    List<Future<RawHttp.Reply>> pending = new ArrayList<>();
    for (Req q : batch) {
      byte[] wire = q.wire(s.vp.port(), s.secretKey, s.corsKey);
      pending.add(connections.submit(() -> {
        // a connection the server closed after an earlier answer shows up here: name that one too
        Req before = previous.get();
        previous.set(q);
        try {
          return client.get().exchange(wire);
        } catch (java.io.IOException e) {
          throw new java.io.IOException(e + "; the request before it on this connection: " + before, e);
        }
      }));
      SENT.incrementAndGet();
    }
    List<RawHttp.Reply> replies = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Req q = batch.get(i);
      RawHttp.Reply a;
      try {
        a = pending.get(i).get();
      } catch (ExecutionException e) {
        throw new AssertionError("no answer to " + q + ": " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      check(q, a);
      replies.add(a);
    }
    return replies;
  }

  private static void check(Req q, RawHttp.Reply a) {
    Supplier<String> what = () -> q + "\n  answered " + a.status() + " " + HostileInputs.clip(a.text());
    STATUSES.computeIfAbsent(a.status(), k -> new AtomicLong()).incrementAndGet();
    assertThat(a.status()).as(what).isBetween(200, 499);
    if (q.expect() == Expect.TOO_LARGE) {
      assertThat(a.status()).as(what).isEqualTo(413);
    } else if (q.expect() == Expect.REFUSED) {
      assertThat(a.status()).as(what).isGreaterThanOrEqualTo(400);
    }
    if (a.status() >= 400) {
      assertThat(a.header("content-type")).as(what).startsWith("application/json");
      JsonNode body = json(a, what);
      assertThat(body.isObject() && body.size() == 1 && body.path("errors").isArray()).as(what).isTrue();
      assertThat(body.get("errors")).as(what).isNotEmpty()
          .allSatisfy(m -> assertThat(m.isTextual() && !m.asText().isBlank()).as(what).isTrue());
    } else if (!q.ingest()) {
      assertThat(a.header("content-type")).as(what).startsWith("application/json");
      json(a, what);
    } else if (a.status() == 200) {
      JsonNode body = json(a, what);
      assertThat(body.size()).as(what).isEqualTo(2);
      assertThat(body.path("accepted").canConvertToInt() && body.get("accepted").asInt() >= 0).as(what).isTrue();
      assertThat(body.path("dropped").isObject()).as(what).isTrue();
      body.get("dropped").fields().forEachRemaining(d -> {
        assertThat(DROP_TAGS).as(what).contains(d.getKey());
        assertThat(d.getValue().asInt()).as(what).isPositive();
      });
      ACKED.incrementAndGet();
      int accepted = body.get("accepted").asInt();
      ACCEPTED_EVENTS.addAndGet(accepted);
      if (accepted > 0) {
        ACKED_WITH_EVENTS.incrementAndGet();
      }
    }
  }

  private static JsonNode json(RawHttp.Reply a, Supplier<String> what) {
    try {
      return Http.JSON.readTree(a.body());
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + what.get(), e);
    }
  }

  @AfterContainer
  static void afterTheFloodTheStoreHoldsNoGarbage() throws Exception {
    try {
      double seconds = (System.nanoTime() - startedNanos) / 1e9;
      System.out.printf("HostileInputTest: %,d requests in %.1f s (%,.0f/s); ingest acknowledged %,d beacons"
          + " (%,d with events, %,d events); answers by status %s%n", SENT.get(), seconds, SENT.get() / seconds,
          ACKED.get(), ACKED_WITH_EVENTS.get(), ACCEPTED_EVENTS.get(), STATUSES);
      assertThat(SENT.get()).as("requests sent").isGreaterThanOrEqualTo(100_000);
      s.flush();
      Map<String, List<Long>> open = checkEveryStoredView();
      checkControlSessions();
      checkApiAgrees(open);
      // end every session: the views move from the open-session table to the finished one, and must not change
      s.clock.advance(Duration.ofDays(2));
      s.flush();
      assertThat(checkEveryStoredView()).isEqualTo(open);
      checkControlSessions();
      checkApiAgrees(open);
      checkLiveStatistics();
      assertThat(s.http.get("/healthz").status()).isEqualTo(200);
    } finally {
      CLIENTS.forEach(RawHttp::close);
      connections.shutdownNow();
      s.close();
    }
  }

  /**
   * Reads every view straight from the store (what the API aggregates) and checks each one; returns the view count
   * and total playtime per playback id.
   */
  private static Map<String, List<Long>> checkEveryStoredView() throws SQLException {
    Map<String, List<Long>> out = new TreeMap<>();
    String url = "jdbc:duckdb:" + s.dataDir.resolve("viewpulse.duckdb").toAbsolutePath();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT *, epoch_ms(started_at) AS started_ms FROM all_views")) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
          String v = rs.getString(i);
          if (v != null) {
            assertThat(v.chars().noneMatch(Character::isISOControl)).as("control character in %s", row).isTrue();
          }
        }
        String view = row.toString();
        assertThat(rs.getString("account_id")).as(view).isEqualTo(s.accountId);
        assertThat(rs.getString("playback_id")).as(view).isIn(PLAYBACK, LIVE, CONTROL);
        assertThat(rs.getLong("playtime_ms")).as(view).isBetween(0L, MAX_PLAYTIME_MS);
        assertThat(rs.getLong("rebuffer_ms")).as(view).isBetween(0L, MAX_PLAYTIME_MS);
        assertThat(rs.getInt("errors")).as(view).isNotNegative();
        assertThat(rs.getObject("ttff_ms") == null || rs.getLong("ttff_ms") >= 0 && rs.getLong("ttff_ms") <= MAX_TTFF_MS)
            .as(view).isTrue();
        assertThat(rs.getLong("started_ms")).as(view).isBetween(NOW - Duration.ofDays(7).toMillis() - 1_000,
            NOW + Duration.ofMinutes(10).toMillis());
        assertThat(rs.getString("viewer_id")).as(view).isNotBlank().hasSizeLessThanOrEqualTo(256);
        assertThat(rs.getString("domain") == null || rs.getString("domain").length() <= 253).as(view).isTrue();
        List<Long> sum = out.computeIfAbsent(rs.getString("playback_id"), k -> new ArrayList<>(List.of(0L, 0L)));
        sum.set(0, sum.get(0) + 1);
        sum.set(1, sum.get(1) + rs.getLong("playtime_ms"));
      }
    }
    long noiseViews = out.getOrDefault(PLAYBACK, List.of(0L)).get(0) + out.getOrDefault(LIVE, List.of(0L)).get(0);
    assertThat(noiseViews).as("views from beacons that were acknowledged with events")
        .isLessThanOrEqualTo(ACKED_WITH_EVENTS.get() - CONTROLS);
    return out;
  }

  /** The known sessions sent amid the noise: exactly one view each, with exactly their facts. */
  private static void checkControlSessions() {
    Http.Response r = s.query("/api/data/views/query?playbackId=" + CONTROL + "&breakdownBy[]=viewerId");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json()).hasSize(CONTROLS);
    for (JsonNode row : r.json()) {
      int i = Integer.parseInt(row.get("viewerId").asText().substring("ctl-viewer-".length()));
      assertThat(row.get("viewCount").asLong()).as(row.toString()).isEqualTo(1);
      assertThat(row.get("playtimeMins").asDouble()).as(row.toString()).isCloseTo((1_000 + i) / 60_000.0,
          within(1e-12));
      assertThat(row.get("ttffMs").asDouble()).as(row.toString()).isEqualTo(100.0 + i);
      assertThat(row.get("rebufferRatio").asDouble()).as(row.toString()).isZero();
      assertThat(row.get("errorRate").asDouble()).as(row.toString()).isZero();
    }
  }

  /** The API's per-playback metrics agree with the stored views and stay within their ranges. */
  private static void checkApiAgrees(Map<String, List<Long>> stored) {
    Http.Response r = s.query("/api/data/views/query?breakdownBy[]=playbackId");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Map<String, List<Long>> seen = new TreeMap<>();
    for (JsonNode row : r.json()) {
      String what = row.toString();
      List<Long> views = stored.get(row.get("playbackId").asText());
      assertThat(views).as(what).isNotNull();
      assertThat(row.get("viewCount").asLong()).as(what).isEqualTo(views.get(0));
      assertThat(row.get("playtimeMins").asDouble() * 60_000).as(what).isCloseTo(views.get(1), within(1.0));
      for (String ratio : List.of("rebufferRatio", "errorRate", "exitsBeforeStart")) {
        assertThat(nullOrWithin(row.path(ratio), 1)).as(ratio + " in " + what).isTrue();
      }
      for (String ttff : List.of("ttffMs", "ttffP50Ms", "ttffP95Ms")) {
        assertThat(nullOrWithin(row.path(ttff), MAX_TTFF_MS)).as(ttff + " in " + what).isTrue();
      }
      seen.put(row.get("playbackId").asText(), views);
    }
    assertThat(seen).isEqualTo(stored);
  }

  private static boolean nullOrWithin(JsonNode n, double max) {
    return n.isNull() || n.isNumber() && n.asDouble() >= 0 && n.asDouble() <= max;
  }

  /** Live minutes of the stream the noise played and reported slate on: every number finite and not negative. */
  private static void checkLiveStatistics() {
    Http.Response r = s.http.getWithKey(LiveRoutes.ENHANCED + "/" + HostileInputs.streamId + "/series?from="
        + (NOW - Duration.ofHours(12).toMillis()) + "&to=" + (NOW + Duration.ofHours(12).toMillis()), s.secretKey);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("items")).as("live minutes").isNotEmpty();
    List<JsonNode> numbers = new ArrayList<>();
    collectNumbers(r.json().get("items"), numbers);
    assertThat(numbers).as(r.body()).allSatisfy(n -> assertThat(Double.isFinite(n.asDouble()) && n.asDouble() >= 0)
        .as(r.body()).isTrue());
  }

  private static void collectNumbers(JsonNode n, List<JsonNode> into) {
    if (n.isNumber()) {
      into.add(n);
    }
    n.forEach(child -> collectNumbers(child, into));
  }
}
