package io.viewpulse.ingest;

import io.viewpulse.model.DomainException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.viewpulse.model.Bounded;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Livepeer's legacy player reporter, in {@code @livepeer/core} 2.x and 3.x (the players of {@code @livepeer/react}
 * 3.x and 4.x, and of {@code @livepeer/core-web} 3.x to 5.x): a WebSocket to {@code /json_video+{playbackId}.js?tkn={session}} on which the
 * player sends, every second, the fields of its metrics that changed since its last message. Timers and counters in
 * it are totals since the player started ({@code timeUnpaused}, {@code timeStalled}, {@code timeWaiting},
 * {@code nStalled}, {@code nWaiting}, {@code nError}); {@code ttff} is play to first frame.
 *
 * <p>Each session's messages are folded into beacons of the {@code /analytics/log} protocol and go through the same
 * ingest as the player's POSTs: a {@code play} event once it plays, a heartbeat with what the totals grew by (at most
 * every 5 s, at once for a first frame or an error), an {@code error} event per error, and a last beacon of the page
 * when the socket closes.
 *
 * <p>Only players that report nothing else are counted: {@code @livepeer/core} before 3.2 ({@code @livepeer/react}
 * before 4.2, whose versions run one major ahead; {@code @livepeer/react-native} 2.x), named with their version in the
 * {@code player} field of their first message. From core 3.2 on, players open the same socket for the same session
 * but also send every event as beacons, which would count twice. A session whose player is not known, such as one
 * that continues across a restart of this process (its messages carry only what changed), is not counted.
 *
 * <p>Invariants: what a session's totals grew by is counted once, across reconnections (the player keeps its totals
 * and reconnects under the same session token, sending only what changed, so the totals already counted are kept per
 * session here, not per connection); a beacon ingest refuses for now gives its growth back to be sent with the next.
 *
 * <p>Memory: nothing is kept for a socket whose playback id is malformed or belongs to nobody ({@link #open} refuses
 * it before the upgrade); a new session is refused while the server is at capacity, and the sessions kept here count
 * toward the open-session limit ({@link #sessions()}). A session keeps only what its beacons need, each field capped
 * (the page's host name, not its URL; the media URL's host; whether the player is one that counts; the viewer id;
 * the user agent only when it is not the socket's own), and the cache is bounded by an estimate of those bytes
 * ({@link Session#weight()}), re-weighed when a message changes them.
 */
public final class LegacyReports {
  static final long HEARTBEAT_MS = 5_000;
  static final int MAX_MESSAGE = 16 * 1024;
  /** What the session cache may hold by default, by {@link Session#weight()}. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;
  static final int MAX_HOST = 253;
  static final int MAX_USER_AGENT = 512;
  static final int MAX_ERROR = 128;
  private static final int MAX_ERRORS_PER_BEACON = 20;
  private static final long SOCKET_RETRY_SECONDS = 5;
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,128}");
  private static final Pattern PLAYER_VERSION = Pattern.compile("@livepeer/(core|react|react-native)@(\\d{1,4})\\.(\\d{1,4})\\.");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Ingest ingest;
  private final InstantSource clock;
  private final Cache<String, Session> sessions;

  /** @param maxBytes what the kept sessions may weigh together ({@link Session#weight()}) */
  LegacyReports(Ingest ingest, InstantSource clock, long maxBytes) {
    this.ingest = ingest;
    this.clock = clock;
    // a player reports every second while it plays; one quiet for this long (paused, or gone) is forgotten
    this.sessions = Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(2))
        .maximumWeight(maxBytes).weigher((String k, Session s) -> s.weight())
        .executor(Runnable::run).build();
  }

  /** Sessions kept (each also counts toward the open-session limit). */
  public long sessions() {
    return sessions.estimatedSize();
  }

  /** What the kept sessions weigh together, by {@link Session#weight()}. */
  long weight() {
    return sessions.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  /** Does the cache's pending maintenance now (evictions), so that counts are exact: for tests. */
  void cleanUp() {
    sessions.cleanUp();
  }

  /**
   * A player's socket is about to open: refused (nothing kept) unless its playback id belongs to an asset or stream,
   * and, for a session not seen before, unless the server can take one more.
   *
   * @param sessionToken the {@code tkn} parameter, or null; a socket without a usable one is a session of its own
   * @param headers request headers by lower-case name (user agent, proxies' and CDNs' address and geo headers)
   * @throws Rejection 404 for a playback id that is malformed or belongs to nobody, 503 at capacity, 429 when the
   *     client's address started as many new sessions as it may, or holds as many sockets
   */
  public Connection open(String playbackId, String sessionToken, String peerAddress, Map<String, String> headers) {
    if (playbackId == null || !TOKEN.matcher(playbackId).matches()) {
      // no asset or stream has such an id; not echoed, it may be long
      ingest.rejected(Reason.UNKNOWN_PLAYBACK_ID);
      throw new Rejection(Reason.UNKNOWN_PLAYBACK_ID,
          "no asset or stream has this playback id (ids are 1 to 128 printable ASCII characters)");
    }
    // the catalog's own string: the path's copy is not kept
    String known = ingest.playbackIdOwned(playbackId);
    if (known == null) {
      ingest.rejected(Reason.UNKNOWN_PLAYBACK_ID);
      throw new Rejection(Reason.UNKNOWN_PLAYBACK_ID, "no asset or stream has playback id " + playbackId);
    }
    String sessionId = sessionToken != null && TOKEN.matcher(sessionToken).matches() ? Bounded.sessionId(sessionToken)
        : "ws-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    String key = known + '|' + sessionId;
    java.net.InetAddress client = ingest.clientAddress(peerAddress, headers);
    if (!ingest.openSocket(client)) {
      ingest.rejected(Reason.TOO_MANY_SOCKETS);
      throw new Rejection(Reason.TOO_MANY_SOCKETS, "too many open sockets from this address; retry in "
          + SOCKET_RETRY_SECONDS + " s", SOCKET_RETRY_SECONDS);
    }
    Session s;
    try {
      s = session(key, known, sessionId, client);
    } catch (Rejection r) {
      ingest.closeSocket(client);
      throw r;
    }
    return new Connection(key, s, peerAddress, Map.copyOf(headers), client);
  }

  /** The session under {@code key}, or a new one unless the server is at capacity or the address started enough. */
  private Session session(String key, String playbackId, String sessionId, java.net.InetAddress client) {
    Session s = sessions.getIfPresent(key);
    if (s != null) {
      return s;
    }
    Reason busy = ingest.busy();
    if (busy != null) {
      ingest.rejected(busy);
      throw new Rejection(busy, busy == Reason.OVERLOADED ? "Viewpulse is at capacity; retry in a few seconds"
          : "Viewpulse cannot store beacons right now");
    }
    // a new session counts against its address's new sessions, as a beacon's does (and its beacons then not again)
    long wait = ingest.newSession(client, playbackId, sessionId);
    if (wait > 0) {
      ingest.rejected(Reason.TOO_MANY_NEW_SESSIONS);
      throw new Rejection(Reason.TOO_MANY_NEW_SESSIONS,
          "too many new sessions from this address; retry in " + wait + " s", wait);
    }
    return sessions.get(key, k -> new Session(playbackId, sessionId));
  }

  /** Whether the {@code player} field names a Livepeer player that reports over this socket and nowhere else. */
  static boolean reportsOnlyBySocket(String player) {
    Matcher m = player == null ? null : PLAYER_VERSION.matcher(player);
    if (m == null || !m.find()) {
      return false;
    }
    int major = Integer.parseInt(m.group(2));
    int minor = Integer.parseInt(m.group(3));
    return switch (m.group(1)) {
      case "core" -> major < 3 || major == 3 && minor < 2;
      case "react" -> major < 4 || major == 4 && minor < 2;
      default -> major <= 2;
    };
  }

  /** One socket of a session; its callbacks may run on any thread. */
  public final class Connection {
    private final String key;
    private final Session session;
    private final String peerAddress;
    private final Map<String, String> headers;
    private final String nonce = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final java.net.InetAddress client;
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

    private Connection(String key, Session session, String peerAddress, Map<String, String> headers,
        java.net.InetAddress client) {
      this.key = key;
      this.session = session;
      this.peerAddress = peerAddress;
      this.headers = headers;
      this.client = client;
    }

    /** Gives back the address's socket slot (once): the socket closed, or its upgrade failed. */
    public void release() {
      if (released.compareAndSet(false, true)) {
        ingest.closeSocket(client);
      }
    }

    /** The session this socket reports on. */
    Session session() {
      return session;
    }

    /** A text message from the player. Anything that is not a JSON object of at most 16 KiB is counted and ignored. */
    public void message(String text) {
      JsonNode n;
      try {
        n = text.length() > MAX_MESSAGE ? null : JSON.readTree(text);
      } catch (JsonProcessingException e) {
        n = null;
      }
      if (n == null || !n.isObject()) {
        ingest.rejected(Reason.MALFORMED_JSON);
        return;
      }
      Session.Beacon b;
      boolean reweigh;
      synchronized (session) {
        int before = session.weight();
        session.merge(n, headers.get("user-agent"));
        reweigh = session.weight() != before;
        b = session.beaconIfDue(clock.millis(), nonce, false);
      }
      if (reweigh) {
        // the cache weighs an entry when it is put: put again, so the bound holds what the session keeps now
        sessions.asMap().replace(key, session, session);
      }
      send(b, false);
    }

    /** The socket closed: the page is gone, or the player moves to another socket. */
    public void closed() {
      release();
      Session.Beacon b;
      synchronized (session) {
        b = session.played ? session.beaconIfDue(clock.millis(), nonce, true) : null;
      }
      send(b, true);
    }

    private void send(Session.Beacon b, boolean lastOfPage) {
      if (b == null) {
        return;
      }
      CompletableFuture<Ingest.Ack> accepted;
      try {
        accepted = ingest.accept(new Edge(b.body(), peerAddress, headers, lastOfPage, clock.millis()));
      } catch (RuntimeException e) {
        accepted = CompletableFuture.failedFuture(e);
      }
      accepted.whenComplete((ack, e) -> {
        Throwable cause = Ingest.cause(e);
        // refused for now (overloaded, store unavailable): sent again with the next beacon; refused for good (an
        // unknown playback id, an invalid field): sending it again would be refused again
        if (cause != null && !(cause instanceof Rejection r && r.kind() != DomainException.Kind.UNAVAILABLE
            && r.kind() != DomainException.Kind.RATE_LIMITED)) {
          synchronized (session) {
            session.giveBack(b.sent());
          }
        }
      });
    }
  }

  /** What one session reported, and how much of it has been sent. Guarded by its own monitor. */
  static final class Session {
    /** The growth one beacon carried (by {@link #TOTALS}' order), given back when ingest refuses it. */
    record Sent(long[] totals, boolean play, boolean ttff) {}

    /** A beacon's body and what it carries. */
    record Beacon(byte[] body, Sent sent) {}

    /**
     * The heap a session takes besides its strings: the session object, its two arrays of totals, three boxed numbers,
     * and the cache's entry for it (Caffeine's node, the map's node and table slot); measured, rounded up.
     */
    static final int FIXED_BYTES = 400;

    final String playbackId;
    final String sessionId;
    /** Host name of the page the player is on. */
    String domain;
    /** Host name of the media URL. */
    String sourceHost;
    /** Whether the {@code player} field named a player that reports only by socket (see reportsOnlyBySocket). */
    boolean legacy;
    /** The user agent the player reported, when it is not the socket's own (then that one is used). */
    String userAgent;
    String uid;
    String lastError;
    Long durationMs;
    Long offset;
    Long ttff;
    boolean firstPlayback;
    final long[] total = new long[6];
    final long[] counted = new long[6];
    boolean played;
    boolean playSent;
    boolean ttffSent;
    long lastBeaconAt = Long.MIN_VALUE;
    int seq;

    private static final String[] TOTALS = {"timeUnpaused", "timeStalled", "timeWaiting", "nStalled", "nWaiting",
        "nError"};

    Session(String playbackId, String sessionId) {
      this.playbackId = playbackId;
      this.sessionId = sessionId;
    }

    /**
     * What a session's strings and entry weigh on the heap, in bytes: {@link #FIXED_BYTES}, plus for each string kept
     * (the cache's key, the session id, the fields) its object and its characters at two bytes each (the most a
     * character takes). The playback id is the catalog's, shared.
     */
    int weight() {
      return FIXED_BYTES + string(playbackId.length() + 1 + sessionId.length()) + string(sessionId) + string(domain)
          + string(sourceHost) + string(userAgent) + string(uid) + string(lastError);
    }

    private static int string(String s) {
      return s == null ? 0 : string(s.length());
    }

    private static int string(int length) {
      return 40 + 2 * length;
    }

    /** Folds in a message with {@code socketAgent}, the User-Agent header of the socket it came on (or null). */
    void merge(JsonNode n, String socketAgent) {
      String page = text(n, "pageUrl", MAX_MESSAGE, null);
      if (page != null) {
        domain = host(page, domain);
      }
      String source = text(n, "sourceUrl", MAX_MESSAGE, null);
      if (source != null) {
        sourceHost = host(source, sourceHost);
      }
      String player = text(n, "player", 128, null);
      if (player != null) {
        legacy = reportsOnlyBySocket(player);
      }
      String agent = text(n, "userAgent", MAX_USER_AGENT, null);
      if (agent != null) {
        userAgent = agent.equals(socketAgent) ? null : agent;
      }
      String viewer = text(n, "uid", MAX_MESSAGE, null);
      if (viewer != null) {
        uid = Bounded.viewerId(viewer);
      }
      String error = text(n, "lastError", MAX_MESSAGE, null);
      if (error != null) {
        lastError = error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
      }
      if (number(n, "duration", null) != null) {
        durationMs = Math.round(n.get("duration").asDouble() * 1000);
      }
      offset = number(n, "offset", offset);
      ttff = number(n, "ttff", ttff);
      firstPlayback |= n.hasNonNull("firstPlayback");
      for (int i = 0; i < TOTALS.length; i++) {
        Long v = number(n, TOTALS[i], null);
        // totals only grow; a smaller one is a player that started over under the same token
        if (v != null) {
          if (v < total[i]) {
            counted[i] = Math.min(counted[i], v);
          }
          total[i] = v;
        }
      }
      played |= firstPlayback || total[0] > 0;
    }

    boolean legacyPlayer() {
      return legacy;
    }

    /** The host name of a URL, or {@code previous} when it has none (or one longer than DNS allows). */
    private static String host(String url, String previous) {
      try {
        String h = URI.create(url).getHost();
        return h == null || h.length() > MAX_HOST ? previous : Bounded.host(h);
      } catch (IllegalArgumentException e) {
        return previous;
      }
    }

    /** The next beacon, or null when nothing is due; what it carries counts as sent until given back. */
    Beacon beaconIfDue(long now, String nonce, boolean lastOfPage) {
      if (!legacyPlayer()) {
        return null;
      }
      boolean grew = false;
      for (int i = 0; i < total.length; i++) {
        grew |= total[i] > counted[i];
      }
      boolean urgent = played && !playSent || ttff != null && !ttffSent || total[5] > counted[5];
      boolean due = grew && (lastBeaconAt == Long.MIN_VALUE || now - lastBeaconAt >= HEARTBEAT_MS);
      if (!urgent && !due && !lastOfPage) {
        return null;
      }
      ArrayNode events = JSON.createArrayNode();
      boolean play = played && !playSent;
      if (play) {
        event(events, "play", now, nonce);
      }
      long[] d = new long[total.length];
      for (int i = 0; i < total.length; i++) {
        d[i] = Math.max(0, total[i] - counted[i]);
      }
      boolean sendTtff = ttff != null && !ttffSent;
      if (grew || sendTtff) {
        ObjectNode hb = event(events, "heartbeat", now, nonce);
        hb.put("time_playing_ms", d[0]).put("time_stalled_ms", d[1]).put("time_waiting_ms", d[2])
            .put("stalled_count", d[3]).put("waiting_count", d[4]).put("errors", d[5]);
        if (sendTtff) {
          hb.put("play_to_first_frame_ms", ttff);
        }
        if (durationMs != null) {
          hb.put("duration_ms", durationMs);
        }
        if (offset != null) {
          hb.put("offset_ms", offset);
        }
      }
      for (long e = 0; e < Math.min(d[5], MAX_ERRORS_PER_BEACON); e++) {
        event(events, "error", now, nonce).put("category", "unknown").put("message", lastError);
      }
      if (events.isEmpty() && !lastOfPage) {
        return null;
      }
      Sent sent = new Sent(d, play, sendTtff);
      System.arraycopy(total, 0, counted, 0, total.length);
      playSent |= play;
      ttffSent |= sendTtff;
      lastBeaconAt = now;
      return new Beacon(body(events), sent);
    }

    void giveBack(Sent s) {
      for (int i = 0; i < counted.length; i++) {
        counted[i] = Math.max(0, counted[i] - s.totals()[i]);
      }
      playSent &= !s.play();
      ttffSent &= !s.ttff();
    }

    private ObjectNode event(ArrayNode events, String type, long now, String nonce) {
      return events.addObject().put("id", "ws-" + nonce + "-" + seq++).put("type", type).put("timestamp", now);
    }

    private byte[] body(ArrayNode events) {
      ObjectNode b = JSON.createObjectNode();
      b.put("session_id", sessionId).put("playback_id", playbackId);
      if (sourceHost != null) {
        // ingest keeps only the host of the media URL
        b.put("source_url", "https://" + sourceHost + "/");
      }
      if (domain != null) {
        b.put("domain", domain);
      }
      if (userAgent != null) {
        b.put("user_agent", userAgent);
      }
      if (uid != null) {
        b.put("uid", uid);
      }
      // a live stream has no duration: known once it plays without having reported one
      b.put("live", played && durationMs == null);
      b.set("events", events);
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A text field, or the previous value when it is missing, too long or holds control characters. */
    private static String text(JsonNode n, String field, int max, String previous) {
      JsonNode v = n.get(field);
      if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > max) {
        return previous;
      }
      // one bad value in every later beacon of the session would have them all refused
      return v.asText().chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? previous : v.asText();
    }

    private static Long number(JsonNode n, String field, Long previous) {
      JsonNode v = n.get(field);
      if (v == null || !v.isNumber()) {
        return previous;
      }
      double d = v.asDouble();
      // the player sends only finite numbers of at least 0; more than a year is not a playback time
      return Double.isFinite(d) && d >= 0 && d < 3.2e10 ? Long.valueOf(Math.round(d)) : previous;
    }
  }
}
