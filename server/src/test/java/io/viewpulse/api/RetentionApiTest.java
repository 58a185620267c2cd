package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
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
 * The audience retention of a video ({@code GET /api/data/views/query/retention/{playbackId}}) through the real
 * server, on both stores: a session of Viewpulse's collector with playheads, a heartbeat re-sent with cumulative
 * values and a replay; a session of Livepeer's player without playheads (its start offset and playing time); a
 * session without a duration, not counted; exact curves, a filter, a time range, bad requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class RetentionApiTest {
  private static final long DURATION = 100_000;

  @Parameter
  TestStores.Engine engine;
  private TestServer s;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    s.asset("pbR");
    s.clock.set(T0.plusSeconds(40));
    // Viewpulse's collector: 0-10 s, 10-20 s; then h2 re-sent with the next heartbeat merged into it (10-25 s)
    ok(s.beacon(Beacons.session("r1", "pbR").uid("ann").play(T0)
        .heartbeat("h1", T0.plusSeconds(10), 10_000, 0, 0, 0, 300L).with("duration_ms", DURATION)
        .with("position_ms", 10_000)
        .heartbeat("h2", T0.plusSeconds(20), 10_000, 0, 0, 0, null).with("position_ms", 20_000).json(),
        "192.0.2.10"));
    // ... and a replay: back to the start, 0-5 s again
    ok(s.beacon(Beacons.session("r1", "pbR").uid("ann")
        .heartbeat("h2", T0.plusSeconds(25), 15_000, 0, 0, 0, null).with("position_ms", 25_000)
        .heartbeat("h3", T0.plusSeconds(31), 5_000, 0, 0, 0, null).with("position_ms", 5_000)
        .ended(T0.plusSeconds(32)).json(), "192.0.2.10"));
    // Livepeer's player: no playhead, the offset where it started (50 s) once, and 20 s of playing
    ok(s.beacon(Beacons.session("r2", "pbR").uid("bob").userAgent(Beacons.FIREFOX_WINDOWS).play(T0.plusSeconds(1))
        .heartbeat("h1", T0.plusSeconds(11), 10_000, 0, 0, 0, 400L).with("duration_ms", DURATION)
        .with("offset_ms", 50_000)
        .heartbeat("h2", T0.plusSeconds(21), 10_000, 0, 0, 0, null).with("duration_ms", DURATION)
        .ended(T0.plusSeconds(22)).json(), "192.0.2.11"));
    // a player that never said the duration: a view, but of nothing known watched
    ok(s.beacon(Beacons.session("r3", "pbR").uid("cat").play(T0.plusSeconds(2))
        .heartbeat("h1", T0.plusSeconds(12), 10_000, 0, 0, 0, 400L).with("position_ms", 10_000)
        .ended(T0.plusSeconds(13)).json(), "192.0.2.12"));
    s.clock.set(T0.plusSeconds(4 * 3600));
    s.flush();
    assertThat(get("/api/data/views?playbackId=pbR").get("views")).hasSize(3);
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private JsonNode get(String pathAndQuery) {
    Http.Response r = s.query(pathAndQuery);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** 100 values: {@code value} over each run {@code [from, to)}, 0 elsewhere. */
  private static List<Double> curve(double... runs) {
    List<Double> out = new ArrayList<>(java.util.Collections.nCopies(100, 0.0));
    for (int i = 0; i < runs.length; i += 3) {
      for (int b = (int) runs[i]; b < (int) runs[i + 1]; b++) {
        out.set(b, runs[i + 2]);
      }
    }
    return out;
  }

  private static List<Double> numbers(JsonNode a) {
    List<Double> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asDouble()));
    return out;
  }

  @Test
  void theCurveCountsEachViewOncePerPercentAndEveryWatchWithReplays() {
    JsonNode r = get("/api/data/views/query/retention/pbR");
    assertThat(r.get("playbackId").asText()).isEqualTo("pbR");
    assertThat(r.get("views").asLong()).isEqualTo(2);
    assertThat(numbers(r.get("share"))).isEqualTo(curve(0, 25, 0.5, 50, 70, 0.5));
    assertThat(numbers(r.get("viewers"))).isEqualTo(curve(0, 25, 1, 50, 70, 1));
    assertThat(numbers(r.get("watches"))).isEqualTo(curve(0, 5, 2, 5, 25, 1, 50, 70, 1));
  }

  @Test
  void theFiltersAndTheTimeRangeOfTheViewsQueryApply() {
    JsonNode firefox = get("/api/data/views/query/retention/pbR?filters[]=browser:Firefox");
    assertThat(firefox.get("views").asLong()).isEqualTo(1);
    assertThat(numbers(firefox.get("share"))).isEqualTo(curve(50, 70, 1));
    JsonNode later = get("/api/data/views/query/retention/pbR?from=" + T0.plusSeconds(1).toEpochMilli() + "&to="
        + T0.plusSeconds(3600).toEpochMilli());
    assertThat(numbers(later.get("watches"))).isEqualTo(curve(50, 70, 1));
    JsonNode none = get("/api/data/views/query/retention/unknown-video");
    assertThat(none.get("views").asLong()).isZero();
    assertThat(numbers(none.get("share"))).isEqualTo(curve());
  }

  /** The Java client reads the same curve, with the filters and time range. */
  @Test
  void theJavaClientReadsTheCurve() {
    io.viewpulse.client.Viewpulse client = io.viewpulse.client.Viewpulse.builder()
        .baseUrl("http://127.0.0.1:" + s.vp.port()).apiKey(s.secretKey).build();
    io.viewpulse.client.AudienceRetention all = client.getAudienceRetention("pbR", null, null, List.of());
    assertThat(all.playbackId()).isEqualTo("pbR");
    assertThat(all.views()).isEqualTo(2);
    assertThat(all.share()).isEqualTo(curve(0, 25, 0.5, 50, 70, 0.5));
    assertThat(all.watches().stream().map(Long::doubleValue).toList()).isEqualTo(curve(0, 5, 2, 5, 25, 1, 50, 70, 1));
    io.viewpulse.client.AudienceRetention firefox = client.getAudienceRetention("pbR", T0, T0.plusSeconds(3600),
        List.of("browser:Firefox"));
    assertThat(firefox.views()).isEqualTo(1);
    assertThat(firefox.viewers().stream().map(Long::doubleValue).toList()).isEqualTo(curve(50, 70, 1));
  }

  @Test
  void aBreakdownOrATimeStepIsRefused() {
    Http.Response r = s.query("/api/data/views/query/retention/pbR?timeStep=hour");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("timeStep and breakdownBy do not apply");
    Http.Response bad = s.query("/api/data/views/query/retention/pbR?filters[]=nope:x");
    assertThat(bad.status()).isEqualTo(400);
  }
}
