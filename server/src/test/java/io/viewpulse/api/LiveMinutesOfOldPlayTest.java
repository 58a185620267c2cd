package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Beacons that arrive now with play from long ago, as {@code serve --demo} sends its week of history at every start,
 * do not make viewers of the minute they arrive in; a player's backlog counts in the minutes it was played, each
 * session at most once and at most a minute a minute. On the server's controlled clock, from 10:00:00:
 *
 * <pre>
 * s0..s4   steady viewers of chan1: play at 10:00:00, a heartbeat of 5 s every 5 s until 10:04:00
 * s5       plays alike, but its player is offline until 10:02:05: then it sends its 24 heartbeats of 10:00:05 to
 *          10:02:00 at once with the one of 10:02:05 (not merged), and beats every 5 s from then on
 * h0..h39  at 10:02:05, 40 finished views of chan1 from two days ago, each one beacon (play, 5 min of play,
 *          ended), as the demo's history sends them
 * </pre>
 * Minutes 10:01 and 10:02: six concurrent sessions with a minute of play each, whatever arrived at 10:02:05.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class LiveMinutesOfOldPlayTest {
  private static final int STEADY = 5;
  private static final int HISTORY = 40;
  private static final long BURST = 125;

  @Parameter
  TestStores.Engine engine;
  private TestServer s;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, "chan1", "Channel 1", "chanpb", null,
        null, "channel"));
    Beacons backlog = Beacons.session("s5", "chanpb").live(true).play(T0);
    for (long r = 5; r <= 240; r += 5) {
      Instant at = T0.plusSeconds(r);
      s.clock.set(at);
      for (int i = 0; i <= STEADY; i++) {
        Beacons b = i == STEADY ? backlog : Beacons.session("s" + i, "chanpb").live(true);
        if (r == 5 && i < STEADY) {
          b.play(T0);
        }
        b.heartbeat("s" + i + "-" + r, at, 5_000, 0, 0, 0, r == 5 ? 150L : null);
        if (i == STEADY && r < BURST) {
          continue; // offline: the batch grows
        }
        ok(s.beacon(b.json(), "192.0.2." + (10 + i)));
        if (i == STEADY) {
          backlog = Beacons.session("s5", "chanpb").live(true);
        }
      }
      if (r == BURST) {
        for (int h = 0; h < HISTORY; h++) {
          Instant start = T0.minusSeconds(2 * 86_400 - h * 600L);
          ok(s.lastBeacon(Beacons.session("h" + h, "chanpb").live(true).play(start)
              .heartbeat("hh" + h, start.plusSeconds(300), 300_000, 0, 0, 0, 200L).ended(start.plusSeconds(300))
              .json(), "198.51.100." + (10 + h)));
        }
      }
    }
    s.clock.set(T0.plusSeconds(300));
    s.flush();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** Each closed minute: its end, concurrent + new sessions, seconds served (concurrent + new). */
  private List<String> minutes() {
    Http.Response r = s.http.getWithKey("/api/v4/monitoring/stream_stats_enhanced/chan1/series?from="
        + T0.toEpochMilli() + "&to=" + T0.plusSeconds(600).toEpochMilli(), s.secretKey);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (JsonNode i : r.json().get("items")) {
      out.add(i.get("ts_iso").asText().substring(11, 16) + " " + i.at("/stats/concurrent/sessions").asInt() + "+"
          + i.at("/stats/new/sessions").asInt() + " sessions, "
          + (i.at("/stats/concurrent/total_time").asDouble() + i.at("/stats/new/total_time").asDouble()) + " s");
    }
    return out;
  }

  @Test
  void oldPlayArrivingNowMakesNoViewersOfTheMinuteItArrivesIn() {
    assertThat(minutes()).as("the minutes ending at 10:02 and 10:03: the burst arrived at 10:02:05")
        .contains("10:02 6+0 sessions, 360.0 s", "10:03 6+0 sessions, 360.0 s");
  }

  @Test
  void aBacklogCountsInTheMinutesItWasPlayedAtMostAMinuteASession() {
    // s5's first minute had closed (10:01:15) when its backlog came: what it played then is not counted
    assertThat(minutes()).containsExactly(
        "10:01 5+0 sessions, 300.0 s",
        "10:02 6+0 sessions, 360.0 s",
        "10:03 6+0 sessions, 360.0 s",
        "10:04 6+0 sessions, 360.0 s");
  }
}
