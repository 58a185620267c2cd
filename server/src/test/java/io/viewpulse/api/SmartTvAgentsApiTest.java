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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Views from smart TVs, with the user agents their makers document, through ingest and the breakdown API: every view
 * has a browser by name and an engine. One view each: Samsung Tizen TVs of 2021 and 2023 (their web engine named by
 * its Chromium version) and of 2018 ("Version/4.0 TV Safari"), an LG webOS 4 TV, a Fire TV web app, and a desktop
 * Chrome for comparison.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class SmartTvAgentsApiTest {
  @Parameter
  TestStores.Engine engine;
  private TestServer s;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    s.asset("tv1");
    s.clock.set(T0.plusSeconds(10));
    String[] agents = {Beacons.TIZEN_6, Beacons.TIZEN_7, Beacons.TIZEN_4, Beacons.WEBOS_4, Beacons.FIRE_TV,
        Beacons.CHROME_LINUX};
    for (int i = 0; i < agents.length; i++) {
      Instant start = T0.plusSeconds(i);
      Http.Response r = s.beacon(Beacons.session("tv-" + i, "tv1").userAgent(agents[i]).play(start)
          .heartbeat("h" + i, start.plusSeconds(4), 4000, 0, 0, 0, 300L).json(), "192.0.2." + (10 + i));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    s.flush();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private List<String> rows(String query, String... dimensions) {
    Http.Response r = s.query(query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (JsonNode n : r.json()) {
      StringBuilder key = new StringBuilder();
      for (String d : dimensions) {
        key.append(n.path(d).asText("unknown")).append(" / ");
      }
      out.add(key + "" + n.get("viewCount").asLong());
    }
    return out;
  }

  @Test
  void smartTvViewsHaveABrowserByNameAndAnEngine() {
    assertThat(rows("/api/data/views/query?breakdownBy[]=browser&breakdownBy[]=browserEngine", "browser",
        "browserEngine")).containsExactly(
            "Tizen Browser / Blink / 2",
            "Chrome / AppleWebKit / 1",
            "Chrome / Blink / 1",
            "LG Browser / Blink / 1",
            "Tizen Browser / AppleWebKit / 1");
  }

  @Test
  void theBrowserEngineBreakdownCountsEveryView() {
    assertThat(rows("/api/data/views/query?breakdownBy[]=browserEngine", "browserEngine"))
        .containsExactly("Blink / 4", "AppleWebKit / 2");
    assertThat(rows("/api/data/views/query?breakdownBy[]=deviceType&breakdownBy[]=os", "deviceType", "os"))
        .containsExactly("tv / Tizen / 3", "desktop / Linux / 1", "tv / FireOS / 1", "tv / WebOS / 1");
  }
}
