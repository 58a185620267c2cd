package io.viewpulse.sessions;

import java.time.Duration;

/**
 * When views end and how often they are written.
 *
 * @param idleTimeout a session that sends nothing for this long is over: its page is gone (players send a heartbeat
 *     every 5 s while the page lives; background tabs may slow that to once a minute)
 * @param pausedTimeout a session that keeps sending heartbeats without playing for this long is over (Mux's rule)
 * @param closeGrace a session whose video ended stays in memory this long, to absorb late re-sends and reopenings
 *     (one whose page sent its last beacon, hidden or left, waits the idle timeout: a hidden page may come back)
 * @param closedMemory how long the ids of finished sessions are remembered, so late events for them are dropped
 *     rather than counted as a second view
 * @param flushInterval how often changed sessions are written to the store: bounds query freshness
 * @param flushSize write early when this many sessions have changed
 * @param maxOpenSessions above this many sessions in memory, ingest answers 503 until some end: a flood of new
 *     sessions slows down instead of exhausting the heap (about 1 KiB each)
 * @param liveGrace a minute of live statistics still takes data this long after it ends (heartbeats under way)
 * @param maxUnstored while the store refuses writes, ingest goes on acknowledging beacons (the event log keeps them)
 *     until this many wait for the store, then answers 503 until it takes writes again
 */
public record SessionRules(Duration idleTimeout, Duration pausedTimeout, Duration closeGrace, Duration closedMemory,
    Duration flushInterval, int flushSize, int maxOpenSessions, Duration liveGrace, long maxUnstored) {

  public static SessionRules defaults() {
    return new SessionRules(Duration.ofMinutes(10), Duration.ofMinutes(60), Duration.ofMinutes(1),
        Duration.ofHours(1), Duration.ofMillis(250), 20_000, 1_000_000, Duration.ofSeconds(15), 1_000_000);
  }

  public SessionRules withIdleTimeout(Duration timeout) {
    return new SessionRules(timeout, pausedTimeout, closeGrace, closedMemory, flushInterval, flushSize,
        maxOpenSessions, liveGrace, maxUnstored);
  }

  public SessionRules withMaxOpenSessions(int max) {
    return new SessionRules(idleTimeout, pausedTimeout, closeGrace, closedMemory, flushInterval, flushSize, max,
        liveGrace, maxUnstored);
  }

  public SessionRules withMaxUnstored(long max) {
    return new SessionRules(idleTimeout, pausedTimeout, closeGrace, closedMemory, flushInterval, flushSize,
        maxOpenSessions, liveGrace, max);
  }
}
