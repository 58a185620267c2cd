package io.viewpulse.api;

import static io.viewpulse.testing.LiveScript.CHAN;
import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.LiveScript;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** What a packager or origin reports through {@code POST /api/live/events}, and what becomes of it. */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class LiveEventsTest {
  @Parameter
  TestStores.Engine engine;

  private static Http.Response report(TestServer s, String events) {
    return s.http.post("/api/live/events", "{\"events\": [" + events + "]}", "Authorization", "Bearer " + s.secretKey,
        "Content-Type", "application/json");
  }

  @Test
  void anEventForAMinuteAlreadyClosedIsNotKeptAndTheAnswerSaysSo() throws Exception {
    try (TestServer s = new TestServer(engine)) {
      LiveScript.createChannel(s);
      s.clock.set(T0.plusSeconds(70));
      // at 10:01:10, 9:59 is closed (at 10:00:15: its end and the 15 s grace), 10:00 still takes data until 10:01:15;
      // no timestamp means now
      Http.Response r = report(s, """
          {"type": "auth_failure", "stream_id": "%s", "timestamp": %d},
          {"type": "auth_failure", "stream_id": "%s", "timestamp": %d},
          {"type": "auth_failure", "stream_id": "%s"}""".formatted(CHAN, T0.minusSeconds(30).toEpochMilli(), CHAN,
          T0.plusSeconds(10).toEpochMilli(), CHAN));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"accepted\":2,\"dropped\":{\"minute_closed\":1}}");
      assertThat(s.http.get("/metrics").body())
          .contains("viewpulse_live_events_dropped_total{reason=\"minute_closed\"} 1.0");

      s.clock.set(T0.plusSeconds(136));
      s.flush();
      Http.Response series = s.http.getWithKey("/api/v4/monitoring/stream_stats_enhanced/" + CHAN + "/series?from="
          + T0 + "&to=" + T0.plusSeconds(600), s.secretKey);
      assertThat(series.json().get("items")).extracting(i -> i.get("ts_iso").asText() + " "
          + i.at("/stats/auth_failures").asInt())
          .as("10:00 took the one received in its grace, 10:01 the one reported now")
          .containsExactly("2026-03-02T10:01:00.000000Z 1", "2026-03-02T10:02:00.000000Z 1");
    }
  }

  @Test
  void aBatchInTimeIsAcceptedWhole() {
    try (TestServer s = new TestServer(engine)) {
      LiveScript.createChannel(s);
      Http.Response r = report(s, """
          {"type": "slate", "stream_id": "%s", "session_id": "s1", "kind": "mcs", "reason": "1", "seconds": 3}"""
          .formatted(CHAN));
      assertThat(r.body()).isEqualTo("{\"accepted\":1,\"dropped\":{}}");
    }
  }
}
