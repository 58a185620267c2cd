package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.store.StoreProbe;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store stops taking writes under a running server (its table renamed away: a real failure of the real engine)
 * and comes back. Meanwhile ingest goes on acknowledging beacons, which the event log keeps, up to a bound, then
 * answers 503 with Retry-After; queries that need the store answer 503 with a JSON error; once it is back everything
 * resumes by itself and every acknowledged beacon is counted once.
 */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class StoreOutageTest {
  private static final int MAX_UNSTORED = 20;

  @Parameter
  TestStores.Engine engine;

  private TestServer s;
  private StoreProbe probe;

  @BeforeEach
  void start() {
    s = new TestServer(engine, c -> c.withSessions(c.sessions().withMaxUnstored(MAX_UNSTORED)));
    s.asset("pb");
    probe = TestStores.probe(engine, s.vp.store());
  }

  @AfterEach
  void stop() {
    s.close();
  }

  private Http.Response beat(int session, int n) {
    Instant at = T0.plusSeconds(5L * n);
    s.clock.set(at);
    Beacons b = Beacons.session("s" + session, "pb").uid("viewer-" + session);
    if (n == 0) {
      b.play(at);
    }
    return s.beacon(b.heartbeat("h" + n, at, 5_000, 0, 0, 0, n == 0 ? 200L : null).json(), "192.0.2.10");
  }

  @Test
  void ingestAcknowledgesUpToTheBoundThenRefusesAndEverythingAcknowledgedIsCountedOnceItIsBack() {
    assertThat(beat(0, 0).status()).isEqualTo(200);
    s.flush();
    probe.breakAt(StoreProbe.Step.COMMIT);
    List<Integer> statuses = new ArrayList<>();
    int acknowledged = 1;
    Http.Response refused = null;
    for (int n = 1; n <= 60; n++) {
      Http.Response r = beat(n % 3, n);
      statuses.add(r.status());
      if (r.status() == 200) {
        acknowledged++;
      } else {
        refused = r;
      }
      // give the sessionizer its tick: it tries to write, fails, and counts what waits
      s.vp.flushQuietly();
    }
    assertThat(statuses).as("acknowledged while the event log keeps them").startsWith(200, 200, 200, 200, 200);
    assertThat(acknowledged).as("at most the bound waits for the store").isBetween(MAX_UNSTORED, MAX_UNSTORED + 2);
    assertThat(refused).isNotNull();
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isNotNull();
    assertThat(refused.error()).isEqualTo("Viewpulse cannot store beacons right now");
    Http.Response unready = s.http.get("/healthz");
    assertThat(unready.status()).as("a load balancer sends beacons elsewhere").isEqualTo(503);
    assertThat(unready.header("Retry-After")).isEqualTo("1");
    assertThat(unready.json().get("status").asText()).isEqualTo("not ready");
    assertThat(unready.json().get("sessions").asText()).isEqualTo("refusing beacons: the store refuses writes");
    assertThat(unready.json().get("beaconsAwaitingStore").asLong()).isEqualTo(acknowledged - 1);
    assertThat(unready.json().get("eventLog").asText()).isEqualTo("ok");
    Http.Response query = s.http.getWithKey("/api/data/views/query", s.secretKey);
    if (engine == TestStores.Engine.CLICKHOUSE) {
      // DuckDB's queries read other tables than the one broken here; ClickHouse's read session_state
      assertThat(query.status()).isEqualTo(503);
      assertThat(query.error()).isEqualTo("the store is unavailable; retry later");
      assertThat(query.header("Retry-After")).isEqualTo("5");
    }

    probe.repair();
    s.flush();
    assertThat(beat(1, 61).status()).as("taking beacons again").isEqualTo(200);
    Http.Response ready = s.http.get("/healthz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("sessions").asText()).isEqualTo("ok");
    assertThat(ready.json().get("beaconsAwaitingStore").asLong()).isZero();
    acknowledged++;
    Http.Response views = s.query("/api/data/views/query?breakdownBy[]=viewerId");
    assertThat(views.status()).isEqualTo(200);
    long playedMs = 0;
    for (var row : views.json()) {
      assertThat(row.get("viewCount").asLong()).isEqualTo(1);
      playedMs += Math.round(row.get("playtimeMins").asDouble() * 60_000);
    }
    assertThat(views.json()).hasSize(3);
    assertThat(playedMs).as("every acknowledged heartbeat, once").isEqualTo(acknowledged * 5_000L);
  }
}
