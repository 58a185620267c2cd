package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Unique viewers are an estimate, and a group never shows more of them than it has views.
 *
 * <p>600 views of pbU in the hour from T0, each by its own viewer ({@code uid} viewer-88-0 to viewer-88-599): a set
 * of ids, found by search, for which both engines' estimators overshoot (DuckDB's {@code approx_count_distinct}
 * says 604, ClickHouse's {@code uniqCombined64(14)}, a HyperLogLog beyond a few hundred ids, says 606). And 10 views
 * of pbV two hours later, all by viewer-88-0: one viewer, which the clamp must leave alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class UniqueViewersApiTest {
  private static final int VIEWERS = 600;
  private static final String FIRST_HOUR = "from=" + T0.toEpochMilli() + "&to=" + T0.plusSeconds(3600).toEpochMilli();

  @Parameter
  TestStores.Engine engine;
  private TestServer s;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    s.asset("pbU");
    s.asset("pbV");
    s.clock.set(T0.plusSeconds(5));
    for (int i = 0; i < VIEWERS; i++) {
      Instant start = T0.plusMillis(i);
      ok(s.beacon(Beacons.session("u" + i, "pbU").uid("viewer-88-" + i).play(start)
          .heartbeat("h" + i, start.plusSeconds(4), 4000, 0, 0, 0, 100L).json(), address(i)));
    }
    Instant later = T0.plusSeconds(2 * 3600);
    s.clock.set(later.plusSeconds(5));
    for (int i = 0; i < 10; i++) {
      ok(s.beacon(Beacons.session("v" + i, "pbV").uid("viewer-88-0").play(later)
          .heartbeat("g" + i, later.plusSeconds(4), 4000, 0, 0, 0, 100L).json(), address(i)));
    }
    s.flush();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  /** Spread over addresses, well within the new sessions an address may start a minute. */
  private static String address(int i) {
    return "198.51.100." + (1 + i % 50);
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private List<String> rows(String query, String dimension) {
    Http.Response r = s.query(query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (JsonNode n : r.json()) {
      String key = dimension == null ? "" : n.get(dimension).asText() + " ";
      out.add(key + n.get("viewCount").asLong() + " views, " + n.get("uniqueViewers").asLong() + " viewers");
    }
    return out;
  }

  @Test
  @Order(1)
  void aGroupNeverHasMoreUniqueViewersThanViewsOnAnyRoute() {
    assertThat(rows("/api/data/views/query?" + FIRST_HOUR, null)).as("the account, from the rollups' query")
        .containsExactly("600 views, 600 viewers");
    assertThat(rows("/api/data/views/query?breakdownBy[]=browser&" + FIRST_HOUR, "browser"))
        .containsExactly("Chrome 600 views, 600 viewers");
    assertThat(rows("/api/data/views/query?breakdownBy[]=playbackId", "playbackId")).as("a scan")
        .containsExactly("pbU 600 views, 600 viewers", "pbV 10 views, 1 viewers");
    assertThat(rows("/api/data/views/query?timeStep=hour", "timestamp")).containsExactly(
        T0.toEpochMilli() + " 600 views, 600 viewers",
        T0.plusSeconds(2 * 3600).toEpochMilli() + " 10 views, 1 viewers");
    assertThat(rows("/api/data/views/query?playbackId=pbU&breakdownBy[]=browserEngine", "browserEngine"))
        .containsExactly("Blink 600 views, 600 viewers");
  }

  @Test
  @Order(2)
  void rolledUpViewsAreClampedAlike() {
    s.clock.set(T0.plusSeconds(4 * 3600));
    s.flush();
    s.vp.rollUp();
    assertThat(rows("/api/data/views/query?" + FIRST_HOUR, null)).containsExactly("600 views, 600 viewers");
    assertThat(rows("/api/data/views/query?breakdownBy[]=browser&timeStep=day&" + FIRST_HOUR, "browser"))
        .containsExactly("Chrome 600 views, 600 viewers");
    assertThat(rows("/api/data/views/query?timeStep=hour&breakdownBy[]=browser", "timestamp")).containsExactly(
        T0.toEpochMilli() + " 600 views, 600 viewers",
        T0.plusSeconds(2 * 3600).toEpochMilli() + " 10 views, 1 viewers");
  }
}
