package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.sessions.SessionRules;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Too many open sessions: new beacons wait with 503 and Retry-After, and are accepted again once sessions end. */
class OverloadTest {
  @Test
  void aFloodOfSessionsIsRefusedUntilSessionsEnd() {
    try (TestServer s = new TestServer(c -> c.withSessions(SessionRules.defaults().withMaxOpenSessions(2)))) {
      s.asset("pb");
      assertThat(s.beacon(Beacons.session("a", "pb").play(T0).json(), "192.0.2.1").status()).isEqualTo(200);
      assertThat(s.beacon(Beacons.session("b", "pb").play(T0).json(), "192.0.2.1").status()).isEqualTo(200);
      s.flush();
      Http.Response refused = s.beacon(Beacons.session("c", "pb").play(T0).json(), "192.0.2.1");
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isEqualTo("1");
      assertThat(refused.error()).isEqualTo("Viewpulse is at capacity; retry in a few seconds");

      s.clock.advance(Duration.ofMinutes(11));
      s.flush();
      assertThat(s.beacon(Beacons.session("c", "pb").play(T0.plus(Duration.ofMinutes(11))).json(), "192.0.2.1")
          .status()).isEqualTo(200);
      assertThat(s.query("/api/data/views/query").json().get(0).get("viewCount").asLong()).isEqualTo(3);
    }
  }
}
