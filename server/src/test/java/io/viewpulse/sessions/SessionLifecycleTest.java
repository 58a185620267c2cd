package io.viewpulse.sessions;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a session stops being one view, through the real server on a controlled clock. */
class SessionLifecycleTest {
  private final TestServer s = new TestServer();

  @AfterEach
  void stop() {
    s.close();
  }

  private void at(Duration afterT0) {
    s.clock.set(T0.plus(afterT0));
    s.flush();
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** Events of sessions already over: durable when acknowledged, dropped once the sessionizer applies them. */
  private double droppedForClosedSessions() {
    return s.http.get("/metrics").body().lines()
        .filter(l -> l.startsWith("viewpulse_events_dropped_total{reason=\"session_closed\"}"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private JsonNode total() {
    s.flush();
    return s.query("/api/data/views/query").json().get(0);
  }

  @Test
  void aViewerBackOnAPageThatWasHiddenGoesOnWithTheSameView() {
    s.asset("pb");
    Instant t = T0;
    ok(s.beacon(Beacons.session("phone", "pb").play(t).heartbeat("h1", t.plusSeconds(5), 5_000, 0, 0, 0, 200L)
        .json(), "192.0.2.1"));
    // the page is hidden (another app): its last beacon, as sendBeacon sends it
    ok(s.lastBeacon(Beacons.session("phone", "pb").heartbeat("h2", t.plusSeconds(8), 3_000, 0, 0, 0, null).json(),
        "192.0.2.1"));
    at(Duration.ofMinutes(2));
    assertThat(s.query("/api/data/views/now").json().get(0).get("viewCount").asLong()).as("not watching now")
        .isZero();
    at(Duration.ofMinutes(5));
    Http.Response back = s.beacon(Beacons.session("phone", "pb")
        .heartbeat("h3", t.plusSeconds(305), 4_000, 0, 0, 0, null).json(), "192.0.2.1");
    ok(back);
    assertThat(back.body()).isEqualTo("{\"accepted\":1,\"dropped\":{}}");
    JsonNode v = total();
    assertThat(v.get("viewCount").asLong()).isEqualTo(1);
    assertThat(v.get("playtimeMins").asDouble()).isCloseTo(12_000 / 60_000.0, within(1e-9));
  }

  @Test
  void aPageGoneForTheIdleTimeoutIsOverAndWhatComesLaterIsDroppedNotASecondView() {
    s.asset("pb");
    ok(s.lastBeacon(Beacons.session("gone", "pb").play(T0).heartbeat("h1", T0.plusSeconds(5), 5_000, 0, 0, 0, 200L)
        .json(), "192.0.2.1"));
    at(Duration.ofMinutes(11));
    Http.Response late = s.beacon(Beacons.session("gone", "pb")
        .heartbeat("h2", T0.plusSeconds(665), 4_000, 0, 0, 0, null).json(), "192.0.2.1");
    ok(late);
    JsonNode v = total();
    assertThat(v.get("viewCount").asLong()).isEqualTo(1);
    assertThat(v.get("playtimeMins").asDouble()).isCloseTo(5_000 / 60_000.0, within(1e-9));
    assertThat(droppedForClosedSessions()).isEqualTo(1.0);
  }

  @Test
  void aVideoThatEndedIsOverAfterAMinute() {
    s.asset("pb");
    ok(s.beacon(Beacons.session("done", "pb").play(T0).heartbeat("h1", T0.plusSeconds(5), 5_000, 0, 0, 0, 200L)
        .ended(T0.plusSeconds(6)).json(), "192.0.2.1"));
    at(Duration.ofSeconds(50));
    ok(s.beacon(Beacons.session("done", "pb").play(T0.plusSeconds(50)).json(), "192.0.2.1"));
    // played again within the minute: the same view, open again; then it ends for good
    ok(s.beacon(Beacons.session("done", "pb").ended(T0.plusSeconds(60)).json(), "192.0.2.1"));
    at(Duration.ofSeconds(125));
    Http.Response late = s.beacon(Beacons.session("done", "pb").play(T0.plusSeconds(125)).json(), "192.0.2.1");
    ok(late);
    assertThat(total().get("viewCount").asLong()).isEqualTo(1);
    assertThat(droppedForClosedSessions()).isEqualTo(1.0);
  }
}
