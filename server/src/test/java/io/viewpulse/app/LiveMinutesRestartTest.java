package io.viewpulse.app;

import static io.viewpulse.testing.LiveScript.CHAN;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.LiveScript;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.store.Store;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server stops in the middle of a minute of live statistics and another takes over its data directory: the
 * minute is counted whole, as if no restart had happened ({@link LiveScript#MINUTE_2} is what an uninterrupted
 * server answers).
 */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class LiveMinutesRestartTest {
  @Parameter
  TestStores.Engine engine;

  private final Path data = TestServer.newTempDir();
  /** The store every server of a test runs on, in turn. */
  private StoreConfig store;

  @BeforeEach
  void store() {
    store = TestStores.fresh(engine, data);
  }

  private final MutableClock clock = new MutableClock(T0);
  /** The first server's secret key: a restarted one issues none. */
  private String key;

  @AfterEach
  void clean() {
    TestServer.deleteTree(data);
  }

  @Test
  void anOrderlyRestartMidMinuteKeepsTheMinuteWhole() throws Exception {
    try (TestServer first = server()) {
      LiveScript.createChannel(first);
      key = first.secretKey;
      play(first, LiveScript.FIRST, 90);
    }
    assertTheSecondMinuteIsWholeAfterPlaying(95);
  }

  /**
   * The crash of the process as the store sees it: the sessionizer stops where it is, without a last write, while
   * the event log keeps acknowledging beacons; the next server has only what was committed and the log.
   */
  @Test
  void aCrashMidMinuteKeepsTheMinuteWholeWithBeaconsOnlyInTheLog() throws Exception {
    crashAt60WithBeaconsTo90OnlyInTheLog();
    assertTheSecondMinuteIsWholeAfterPlaying(95);
  }

  /**
   * After an outage longer than the minutes' grace, the beacons and slate acknowledged before it still count in
   * their minutes: the replay decides on when they were received, not on the clock of the restart.
   */
  @Test
  void aCrashFollowedByALongOutageKeepsWhatWasAcknowledgedBeforeIt() throws Exception {
    crashAt60WithBeaconsTo90OnlyInTheLog();
    clock.set(T0.plusSeconds(300));
    try (TestServer second = server()) {
      second.flush();
      Http.Response series = second.http.getWithKey("/api/v4/monitoring/stream_stats_enhanced/" + CHAN
          + "/series?from=" + T0 + "&to=" + T0.plusSeconds(600), key);
      assertThat(series.status()).as(series.body()).isEqualTo(200);
      assertThat(series.json().get("items")).extracting(i -> i.get("ts_iso").asText())
          .containsExactly("2026-03-02T10:01:00.000000Z", "2026-03-02T10:02:00.000000Z");
      // 10:01 to 10:01:30 of both viewers; the origin's report at 10:01:30 whole; the player error came later
      assertThat(series.json().get("items").get(1).get("stats")).isEqualTo(Http.JSON.readTree("""
          {"auth_failures": 1,
           "concurrent": {"sessions": 2, "total_time": 60.0, "ad_slate": {"7": {"time": 12.5, "sessions": 1}},
                          "mcs": {"1": {"time": 6.0, "sessions": 2}}},
           "new": {"sessions": 0, "total_time": 0.0, "ad_slate": {}, "mcs": {}},
           "domains": [{"domain": "live.example.com", "sessions": 2, "mcs": 2, "ad_slate": 1}],
           "locations": [{"location": "de:by", "sessions": 1, "mcs": 1, "ad_slate": 1},
                         {"location": "us:ca", "sessions": 1, "mcs": 1, "ad_slate": 0}],
           "platforms": [{"platform": "ios", "sessions": 1, "mcs": 1, "ad_slate": 1},
                         {"platform": "linux", "sessions": 1, "mcs": 1, "ad_slate": 0}],
           "type": "channel"}"""));
    }
  }

  private void assertTheSecondMinuteIsWholeAfterPlaying(long from) throws Exception {
    try (TestServer second = server()) {
      play(second, from, LiveScript.LAST);
      clock.set(T0.plusSeconds(136));
      second.flush();
      Http.Response r = second.http.getWithKey("/api/v4/monitoring/stream_stats_enhanced/" + CHAN, key);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json()).isEqualTo(Http.JSON.readTree(LiveScript.MINUTE_2));
      Http.Response series = second.http.getWithKey("/api/v4/monitoring/stream_stats_enhanced/" + CHAN
          + "/series?from=" + T0 + "&to=" + T0.plusSeconds(600), key);
      assertThat(series.json().get("items")).extracting(i -> i.get("ts_iso").asText())
          .as("one row a minute, never two").containsExactly("2026-03-02T10:01:00.000000Z",
              "2026-03-02T10:02:00.000000Z");
    }
    assertThat(minutesWithStoredParts()).as("parts go with their minute's row: only 10:02 is still open")
        .containsExactly(T0.plusSeconds(120).toEpochMilli());
  }

  /** The minutes whose parts the store keeps for recovery, read the way a restart reads them. */
  private java.util.List<Long> minutesWithStoredParts() {
    try (Store st = Stores.open(store)) {
      return st.sessions().recover(0).openMinuteParts().stream().map(p -> p.minuteStart()).distinct().sorted()
          .toList();
    }
  }


  /** The first server plays the script to 10:01:00 and commits; then its sessionizer dies and 30 s more are logged. */
  private void crashAt60WithBeaconsTo90OnlyInTheLog() throws InterruptedException {
    try (TestServer first = server()) {
      LiveScript.createChannel(first);
      key = first.secretKey;
      play(first, LiveScript.FIRST, 60);
      first.flush();
      Thread sessionizer = theSessionizer();
      sessionizer.interrupt();
      sessionizer.join(10_000);
      assertThat(sessionizer.isAlive()).isFalse();
      play(first, 65, 90);
    }
  }

  private TestServer server() {
    return new TestServer(data, clock, false, store);
  }

  private static void play(TestServer s, long from, long to) {
    for (long r = from; r <= to; r += 5) {
      LiveScript.step(s, r);
    }
  }

  private static Thread theSessionizer() {
    List<Thread> found = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("sessionizer") && t.isAlive()).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }
}
