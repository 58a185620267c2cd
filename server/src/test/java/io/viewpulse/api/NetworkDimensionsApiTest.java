package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The network dimensions asn and isp, found at ingest in the test ASN database (test-asn.mmdb) before the address is
 * dropped: two viewers from 192.0.2.0/24 (AS64500), one from 198.51.100.0/24 (AS64501), one from 203.0.113.0/24 (no
 * network known).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class NetworkDimensionsApiTest {
  @Parameter
  TestStores.Engine engine;
  private TestServer s;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    s.asset("pbN");
    s.clock.set(T0.plusSeconds(5));
    String[] from = {"192.0.2.10", "192.0.2.11", "198.51.100.10", "203.0.113.5"};
    for (int i = 0; i < from.length; i++) {
      Http.Response r = s.beacon(Beacons.session("n" + i, "pbN").play(T0)
          .heartbeat("h" + i, T0.plusSeconds(4), 4000, 0, 0, 0, 100L).json(), from[i]);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    s.flush();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private Map<String, Long> views(String query, String dimension) {
    Http.Response r = s.query(query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Map<String, Long> out = new TreeMap<>();
    for (JsonNode n : r.json()) {
      out.put(n.has(dimension) ? n.get(dimension).asText() : "-", n.get("viewCount").asLong());
    }
    return out;
  }

  @Test
  void viewsBreakDownAndFilterByNetwork() {
    assertThat(views("/api/data/views/query?breakdownBy[]=asn", "asn"))
        .isEqualTo(Map.of("64500", 2L, "64501", 1L, "-", 1L));
    assertThat(views("/api/data/views/query?breakdownBy[]=isp&filters[]=!asn:64500", "isp"))
        .isEqualTo(Map.of("Beispiel Telekom AG", 1L, "-", 1L));
    assertThat(views("/api/data/views/query?breakdownBy[]=country&filters[]=isp:Example%20Cable%20Ltd", "country"))
        .isEqualTo(Map.of("US", 2L));
    assertThat(views("/api/data/views/now?breakdownBy[]=isp", "isp"))
        .isEqualTo(Map.of("Example Cable Ltd", 2L, "Beispiel Telekom AG", 1L, "-", 1L));
    assertThat(s.http.get("/healthz").json().get("networkDimensions").asText()).isEqualTo("on");
  }
}
