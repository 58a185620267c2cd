package io.viewpulse.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one client address may ask of ingest: beacons at a sustained rate with bursts, new sessions per minute, and
 * open sockets of the legacy reporter at once. The address is the one ingest locates the viewer by (after trusted
 * proxies and CDN headers); an IPv6 address counts by its /64 network (what one subscriber gets), a loopback address
 * not at all (the local machine: a load test, or a reverse proxy not declared with {@code --trusted-proxies}, whose
 * traffic is every viewer's).
 *
 * <p>Beacons and new sessions are token buckets by the injected clock: {@code beaconsPerSecond} refilled every second
 * up to ten seconds' worth, {@code newSessionsPerMinute} refilled over a minute up to a minute's worth. The state of
 * an address is forgotten after two quiet minutes (its buckets would be full again by then), and at most
 * {@value #MAX_ADDRESSES} addresses are remembered at once.
 *
 * <p>A session is new when its playback id and session id were not seen in the current or the previous period of
 * {@value #PERIOD_MS} ms: two generations of a bit set ({@value #BITS} bits, 2 MiB each) indexed by a keyed hash of
 * the ids, so remembering sessions costs a fixed 4 MiB whatever their number. A session seen within the last two to
 * four minutes is known (players beat every 5 s, background tabs at least once a minute); a new session that happens
 * to hit a set bit (a few percent of them at a million sessions in two periods) is taken as known and not counted,
 * which can only let a client through, never refuse one wrongly. Right after a start every session is new to the bit
 * set, so during the first period sessions are learned, not counted.
 */
final class AddressLimits {
  static final int MAX_ADDRESSES = 100_000;
  static final long PERIOD_MS = 120_000;
  static final int BITS = 1 << 24;
  /** Bucket sizes: ten seconds of beacons, one minute of new sessions. */
  static final int BEACON_BURST_SECONDS = 10;

  private final IngestConfig.Limits limits;
  private final InstantSource clock;
  private final long startedAt;
  private final long seed = ThreadLocalRandom.current().nextLong();
  private final Cache<Object, State> byAddress = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(2))
      .maximumSize(MAX_ADDRESSES).build();
  private final ConcurrentHashMap<Object, Integer> sockets = new ConcurrentHashMap<>();
  private final AtomicReference<Generations> seen;

  /** The seen-session bits of the current period and the previous one. */
  private record Generations(long period, AtomicLongArray current, AtomicLongArray previous) {}

  /** Two token buckets; guarded by its own monitor. */
  private static final class State {
    double beacons;
    long beaconsAt;
    double sessions;
    long sessionsAt;

    State(double beacons, double sessions, long now) {
      this.beacons = beacons;
      this.sessions = sessions;
      this.beaconsAt = now;
      this.sessionsAt = now;
    }
  }

  AddressLimits(IngestConfig.Limits limits, InstantSource clock) {
    this.limits = limits;
    this.clock = clock;
    this.startedAt = clock.millis();
    this.seen = new AtomicReference<>(new Generations(startedAt / PERIOD_MS, new AtomicLongArray(BITS / 64),
        new AtomicLongArray(BITS / 64)));
  }

  /** What an address counts as: null for one that is not limited (loopback, unknown). */
  static Object key(InetAddress a) {
    if (a == null || a.isLoopbackAddress()) {
      return null;
    }
    byte[] b = a.getAddress();
    return a instanceof Inet4Address ? (Object) ByteBuffer.wrap(b).getInt() : (Object) ByteBuffer.wrap(b).getLong();
  }

  private double beaconBurst() {
    return (double) limits.beaconsPerSecond() * BEACON_BURST_SECONDS;
  }

  private State state(Object key, long now) {
    return byAddress.get(key, k -> new State(beaconBurst(), limits.newSessionsPerMinute(), now));
  }

  /**
   * Takes a beacon from the address's allowance.
   *
   * @return 0 when it may go on, else the seconds until it may
   */
  long beacon(InetAddress a) {
    Object key = key(a);
    if (key == null || limits.beaconsPerSecond() <= 0) {
      return 0;
    }
    long now = clock.millis();
    State s = state(key, now);
    synchronized (s) {
      s.beacons = Math.min(beaconBurst(), s.beacons + Math.max(0, now - s.beaconsAt) * limits.beaconsPerSecond() / 1000.0);
      s.beaconsAt = Math.max(s.beaconsAt, now);
      if (s.beacons >= 1) {
        s.beacons -= 1;
        return 0;
      }
      return secondsFor(1 - s.beacons, limits.beaconsPerSecond() / 1000.0);
    }
  }

  /**
   * Takes a session from the address's allowance of new sessions, unless the session is known.
   *
   * @return 0 when it may go on, else the seconds until it may
   */
  long session(InetAddress a, String playbackId, String sessionId) {
    long now = clock.millis();
    Generations g = generations(now);
    long h = hash(playbackId, sessionId);
    int word = (int) ((h >>> 40) & (BITS / 64 - 1));
    long bit = 1L << (h & 63);
    if ((g.current().get(word) & bit) != 0) {
      return 0;
    }
    Object key = key(a);
    boolean known = (g.previous().get(word) & bit) != 0;
    if (!known && key != null && limits.newSessionsPerMinute() > 0 && now >= startedAt + PERIOD_MS) {
      State s = state(key, now);
      synchronized (s) {
        double perMs = limits.newSessionsPerMinute() / 60_000.0;
        s.sessions = Math.min(limits.newSessionsPerMinute(), s.sessions + Math.max(0, now - s.sessionsAt) * perMs);
        s.sessionsAt = Math.max(s.sessionsAt, now);
        if (s.sessions < 1) {
          return secondsFor(1 - s.sessions, perMs);
        }
        s.sessions -= 1;
      }
    }
    g.current().getAndUpdate(word, w -> w | bit);
    return 0;
  }

  /** Takes a socket slot of the address; false when it holds as many sockets as it may. */
  boolean openSocket(InetAddress a) {
    Object key = key(a);
    if (key == null || limits.socketsPerAddress() <= 0) {
      return true;
    }
    boolean[] taken = {false};
    sockets.compute(key, (k, n) -> {
      int open = n == null ? 0 : n;
      if (open >= limits.socketsPerAddress()) {
        return n;
      }
      taken[0] = true;
      return open + 1;
    });
    return taken[0];
  }

  /** Gives back a socket slot taken by {@link #openSocket}. */
  void closeSocket(InetAddress a) {
    Object key = key(a);
    if (key == null || limits.socketsPerAddress() <= 0) {
      return;
    }
    sockets.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** The bit sets for the period of {@code now}, moved on when a period has passed. */
  private Generations generations(long now) {
    long period = now / PERIOD_MS;
    while (true) {
      Generations g = seen.get();
      if (g.period() >= period) {
        return g;
      }
      Generations next = new Generations(period, new AtomicLongArray(BITS / 64),
          g.period() == period - 1 ? g.current() : new AtomicLongArray(BITS / 64));
      if (seen.compareAndSet(g, next)) {
        return next;
      }
    }
  }

  /** A keyed hash: clients cannot choose ids that land on bits of others' sessions. */
  private long hash(String playbackId, String sessionId) {
    long h = seed;
    for (String s : new String[] {playbackId, sessionId}) {
      for (int i = 0; i < s.length(); i++) {
        h = (h ^ s.charAt(i)) * 0x100000001b3L;
      }
      h = (h ^ '|') * 0x100000001b3L;
    }
    // a finalizer (MurmurHash3's) so that every bit of the result depends on every character
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  private static long secondsFor(double tokens, double perMs) {
    return Math.max(1, (long) Math.ceil(tokens / perMs / 1000.0));
  }
}
