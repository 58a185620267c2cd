package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The two Python samples of Uplynk's live statistics documentation, verbatim but for the host, signing with an
 * {@code api_auth} module written to Uplynk's scheme, print exactly what the API answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class UplynkSamplesTest {
  @Parameter
  TestStores.Engine engine;

  static final List<String> IDS = List.of("114n9q6a847ieldd8bb8dbf67afef96b", "k30y636fa2f143eb95c7a41d96d581c4",
      "n2fj4f8knf83nf81347fh12347fhjwse");
  private TestServer s;
  private Path dir;
  private long lastRunSecond;

  @BeforeParameterizedClassInvocation
  void start() throws IOException {
    // the samples sign with the real time, so the server's clock starts at the real time too
    Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Path data = TestServer.newTempDir();
    s = new TestServer(data, new MutableClock(start), true, TestStores.fresh(engine, data));
    for (String id : IDS) {
      s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, id, "stream " + id, "pb-" + id,
          null, null, id.startsWith("k30") ? "event" : "channel"));
    }
    for (long r = 5; r <= 90; r += 5) {
      Instant at = start.plusSeconds(r);
      s.clock.set(at);
      s.beacon(Beacons.session("v1", "pb-" + IDS.get(0)).live(true).heartbeat("a" + r, at, 5000, 0, 0, 0, null)
          .json(), "192.0.2.10");
      s.beacon(Beacons.session("v2", "pb-" + IDS.get(1)).live(true).userAgent(Beacons.FIREFOX_WINDOWS)
          .heartbeat("b" + r, at, 5000, 0, 0, 0, null).json(), "203.0.113.7");
    }
    s.clock.set(start.plusSeconds(136));
    s.flush();
    dir = Files.createTempDirectory("uplynk-samples");
    for (String f : List.of("api_auth.py", "get_enhanced_stats_single_live_stream_v4.py",
        "get_enhanced_stats_multiple_live_streams_v4.py")) {
      try (InputStream in = getClass().getResourceAsStream("/uplynk/" + f)) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
            .replace("https://services.uplynk.com", "http://127.0.0.1:" + s.vp.port());
        Files.writeString(dir.resolve(f), text);
      }
    }
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
    TestServer.deleteTree(dir);
  }

  /**
   * Runs a sample and reads what it printed (a Python dict) as JSON. A signature is good for one request, and both
   * samples sign the same parameters ({@code {}} and the time in whole seconds): each run starts in a second of its
   * own, as two runs of a sample by hand would.
   */
  private synchronized JsonNode run(String sample) throws Exception {
    while (Instant.now().getEpochSecond() <= lastRunSecond) {
      Thread.sleep(20);
    }
    ProcessBuilder pb = new ProcessBuilder("python3", sample).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("VIEWPULSE_USER_ID", s.accountId);
    pb.environment().put("VIEWPULSE_API_SECRET", s.secretKey);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    lastRunSecond = Instant.now().getEpochSecond();
    assertThat(p.exitValue()).as(out).isZero();
    Process conv = new ProcessBuilder("python3", "-c",
        "import ast, json, sys; print(json.dumps(ast.literal_eval(sys.stdin.read())))").start();
    conv.getOutputStream().write(out.getBytes(StandardCharsets.UTF_8));
    conv.getOutputStream().close();
    String json = new String(conv.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(conv.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return Http.JSON.readTree(json);
  }

  @Test
  void theSingleStreamSamplePrintsTheDocumentedShape() throws Exception {
    JsonNode printed = run("get_enhanced_stats_single_live_stream_v4.py");
    assertThat(printed).isEqualTo(s.http.getWithKey("/api/v4/monitoring/stream_stats_enhanced/" + IDS.get(0),
        s.secretKey).json());
    assertThat(printed.get("@type").asText()).isEqualTo("StreamStats");
    assertThat(printed.at("/stats/concurrent/sessions").asInt()).isEqualTo(1);
    // the last complete minute holds the heartbeats of its first half (they stop at 1:30)
    assertThat(printed.at("/stats/concurrent/total_time").asDouble()).isEqualTo(30.0);
    assertThat(printed.at("/stats/locations/0/location").asText()).isEqualTo("us:ca");
    assertThat(printed.at("/stats/type").asText()).isEqualTo("channel");
    assertThat(printed.get("ts_iso").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00\\.000000Z");
  }

  @Test
  void theMultipleStreamsSampleSendsStreamIdsAsAStringAndGetsACollection() throws Exception {
    JsonNode printed = run("get_enhanced_stats_multiple_live_streams_v4.py");
    assertThat(printed.get("@type").asText()).isEqualTo("Collection");
    assertThat(printed.get("total_items").asInt()).isEqualTo(3);
    assertThat(printed.get("items")).extracting(i -> i.get("id").asText()).containsExactlyElementsOf(IDS);
    assertThat(printed.at("/items/1/stats/type").asText()).isEqualTo("event");
    assertThat(printed.at("/items/1/stats/platforms/0/platform").asText()).isEqualTo("windows");
    assertThat(printed.at("/items/1/stats/locations/0/location").asText()).isEqualTo("gb:eng");
    assertThat(printed.at("/items/2/stats").isNull()).isTrue();
    assertThat(printed.at("/items/2/ts").isNull()).isTrue();
    assertThat(printed.at("/items/2/ts_iso").isNull()).isTrue();
  }

}
