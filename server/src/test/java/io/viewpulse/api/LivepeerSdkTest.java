package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.NpmDeps;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Livepeer's own TypeScript SDK ({@code livepeer} 3.5.0 from npm, installed here with npm ci) pointed at Viewpulse
 * with its {@code serverURL} option: every metrics method must get an answer its response schemas accept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class LivepeerSdkTest {
  @Parameter
  TestStores.Engine engine;

  private TestServer s;
  private final Map<String, JsonNode> results = new HashMap<>();

  @BeforeParameterizedClassInvocation
  void runTheSdk() throws Exception {
    Path dir = installSdk();
    s = new TestServer(engine);
    Media asset = s.asset("sdkpb");
    s.clock.set(T0.plusSeconds(10));
    s.beacon(Beacons.session("sdk-1", "sdkpb").play(T0).heartbeat("h1", T0.plusSeconds(5), 30_000, 0, 0, 0, 250L)
        .json(), "192.0.2.1");
    s.beacon(Beacons.session("sdk-2", "sdkpb").userAgent(Beacons.SAFARI_IPHONE).play(T0)
        .heartbeat("h2", T0.plusSeconds(5), 90_000, 0, 0, 0, 350L).json(), "198.51.100.1");
    s.flush();
    Process p = new ProcessBuilder("node", "sdk-check.mjs", "http://127.0.0.1:" + s.vp.port() + "/api",
        s.secretKey, "sdkpb", asset.id(), Long.toString(T0.toEpochMilli() - 3_600_000))
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    for (String line : out.split("\n")) {
      if (line.startsWith("{")) {
        JsonNode n = Http.JSON.readTree(line);
        results.put(n.get("method").asText(), n);
      }
    }
  }

  @AfterParameterizedClassInvocation
  void stop() {
    if (s != null) {
      s.close();
    }
  }

  /** npm ci of the pinned SDK into target/sdk, once per build. */
  static Path installSdk() {
    return NpmDeps.install("sdk", "livepeer", List.of("package.json", "package-lock.json", "sdk-check.mjs"));
  }

  private JsonNode ok(String method) {
    JsonNode r = results.get(method);
    assertThat(r).as(method + " ran").isNotNull();
    assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
    return r.get("data");
  }

  @Test
  void getViewershipParsesEveryFieldWithBreakdownsAndTimeStep() {
    JsonNode data = ok("getViewership");
    assertThat(data).hasSize(2);
    JsonNode iphone = data.get(0).get("country").asText().equals("DE") ? data.get(0) : data.get(1);
    assertThat(iphone.get("browser").asText()).isEqualTo("Safari");
    assertThat(iphone.get("timestamp").asLong()).isEqualTo(java.time.Instant.parse("2026-03-02T00:00:00Z")
        .toEpochMilli());
    assertThat(iphone.get("viewCount").asInt()).isEqualTo(1);
    assertThat(iphone.get("playtimeMins").asDouble()).isEqualTo(1.5);
    assertThat(iphone.get("ttffMs").asDouble()).isEqualTo(350.0);
    assertThat(iphone.get("errorRate").asDouble()).isEqualTo(0.0);
  }

  @Test
  void getCreatorViewershipParses() {
    JsonNode data = ok("getCreatorViewership");
    assertThat(data).hasSize(2);
    assertThat(data.findValuesAsText("timezone")).containsExactlyInAnyOrder("America/Los_Angeles", "Europe/Berlin");
  }

  @Test
  void getPublicViewershipParses() {
    JsonNode data = ok("getPublicViewership");
    assertThat(data.get("playbackId").asText()).isEqualTo("sdkpb");
    assertThat(data.get("viewCount").asInt()).isEqualTo(2);
    assertThat(data.get("playtimeMins").asDouble()).isEqualTo(2.0);
  }

  @Test
  void getRealtimeViewershipParses() {
    JsonNode data = ok("getRealtimeViewership");
    assertThat(data).hasSize(1);
    assertThat(data.get(0).get("playbackId").asText()).isEqualTo("sdkpb");
    assertThat(data.get(0).get("viewCount").asInt()).isEqualTo(2);
    assertThat(data.get(0).get("errorRate").asDouble()).isEqualTo(0.0);
  }

  @Test
  void getUsageParses() {
    JsonNode data = ok("getUsage");
    assertThat(data.get("userID").asText()).isEqualTo(s.accountId);
    assertThat(data.get("deliveryUsageMins").asDouble()).isEqualTo(2.0);
  }

  @Test
  void theSeedsGetViewsExampleWorks() {
    JsonNode data = ok("seedGetViews");
    assertThat(data.findValuesAsText("device")).containsExactlyInAnyOrder("Linux Desktop", "Apple iPhone");
  }

  @Test
  void aBadKeyIsAnSdkErrorWithStatus401() {
    JsonNode r = results.get("badKey");
    assertThat(r.get("ok").asBoolean()).isFalse();
    assertThat(r.get("status").asInt()).isEqualTo(401);
    assertThat(r.get("error").asText()).contains("invalid API key");
  }
}
