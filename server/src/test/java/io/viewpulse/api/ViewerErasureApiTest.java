package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.nio.file.Path;
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
 * Erasure of a viewer through the real server, on both stores: {@code DELETE /api/data/viewers/{viewerId}} leaves
 * nothing of the viewer in its views, the views explorer or the export, leaves other viewers and other accounts
 * alone, is refused while the viewer watches, and is recorded without the id; all of it after a restart too.
 *
 * <pre>
 * session  playback viewer  start      what happens
 * a1       pbA      alice   T0         plays 5 s, ends
 * b1       pbA      bob     T0+60s     plays 3 s, ends
 * d1       pbA      alice   T0+2h      plays 4 s, ends
 * o1       pbX      alice   T0+2h      (a second account) plays 9 s, ends
 * c1       pbA      carol   T0+4h      plays, still open when the tests begin
 * </pre>
 */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class ViewerErasureApiTest {
  private static final String RANGE = "from=" + T0.minusSeconds(3600).toEpochMilli() + "&to="
      + T0.plusSeconds(5 * 3600).toEpochMilli();

  @Parameter
  TestStores.Engine engine;
  private Path dir;
  private StoreConfig store;
  private MutableClock clock;
  private TestServer s;
  private String secret;
  private String otherSecret;

  @BeforeEach
  void script() {
    dir = TestServer.newTempDir();
    store = TestStores.fresh(engine, dir);
    clock = new MutableClock(T0);
    s = new TestServer(dir, clock, false, store);
    secret = s.secretKey;
    s.asset("pbA");
    var other = s.otherAccount("other");
    otherSecret = other.token();
    s.vp.catalog().create(other.key().accountId(),
        new io.viewpulse.catalog.Catalog.NewMedia(io.viewpulse.model.Media.Kind.ASSET, "x", "pbX", null, null, null));

    clock.set(T0.plusSeconds(6));
    ok(s.beacon(Beacons.session("a1", "pbA").uid("alice").play(T0)
        .heartbeat("a1h", T0.plusSeconds(5), 5000, 0, 0, 0, 200L).ended(T0.plusSeconds(6)).json(), "192.0.2.10"));
    Instant b0 = T0.plusSeconds(60);
    clock.set(b0.plusSeconds(5));
    ok(s.beacon(Beacons.session("b1", "pbA").uid("bob").play(b0)
        .heartbeat("b1h", b0.plusSeconds(3), 3000, 0, 0, 0, 100L).ended(b0.plusSeconds(4)).json(), "198.51.100.20"));
    Instant d0 = T0.plusSeconds(7200);
    clock.set(d0.plusSeconds(10));
    ok(s.beacon(Beacons.session("d1", "pbA").uid("alice").play(d0)
        .heartbeat("d1h", d0.plusSeconds(5), 4000, 0, 0, 0, 150L).ended(d0.plusSeconds(5)).json(), "192.0.2.10"));
    ok(s.beacon(Beacons.session("o1", "pbX").uid("alice").play(d0)
        .heartbeat("o1h", d0.plusSeconds(9), 9000, 0, 0, 0, 50L).ended(d0.plusSeconds(9)).json(), "192.0.2.99"));
    Instant c0 = T0.plusSeconds(4 * 3600);
    clock.set(c0.plusSeconds(5));
    ok(s.beacon(Beacons.session("c1", "pbA").uid("carol").play(c0)
        .heartbeat("c1h", c0.plusSeconds(4), 4000, 0, 0, 0, 100L).json(), "203.0.113.30"));
    s.flush();
  }

  @AfterEach
  void stop() {
    s.close();
    TestServer.deleteTree(dir);
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private Http.Response erase(String viewerId, String key) {
    s.flush();
    return s.http.delete("/api/data/viewers/" + viewerId, "Authorization", "Bearer " + key);
  }

  private JsonNode get(String path, String key) {
    s.flush();
    Http.Response r = s.http.getWithKey(path, key);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private List<String> viewers(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("views").forEach(v -> out.add(v.get("viewerId").asText() + "@" + v.get("playbackId").asText()));
    return out;
  }

  private String export(String key) {
    s.flush();
    Http.Response r = s.http.getWithKey("/api/data/views/export?format=ndjson&" + RANGE, key);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** The viewers of the aggregate answer broken down by viewer (carol's open session counts there). */
  private List<String> byViewer() {
    List<String> out = new ArrayList<>();
    get("/api/data/views/query?breakdownBy[]=viewerId&playbackId=pbA", secret)
        .forEach(row -> out.add(row.get("viewerId").asText()));
    java.util.Collections.sort(out);
    return out;
  }

  private static String keyId(String token) {
    return token.split("_")[1];
  }

  @Test
  void anErasedViewerIsFoundNowhereAndTheErasureIsRecordedWithoutItsId() {
    assertThat(viewers(get("/api/data/views", secret))).containsExactly("alice@pbA", "bob@pbA", "alice@pbA");
    assertThat(byViewer()).containsExactly("alice", "bob", "carol");
    Http.Response r = erase("alice", secret);
    ok(r);
    assertThat(r.json().get("views").asLong()).isEqualTo(2);
    assertThat(r.json().get("keyId").asText()).isEqualTo(keyId(secret));
    assertThat(r.json().get("erasedAt").asLong()).isEqualTo(T0.plusSeconds(4 * 3600 + 5).toEpochMilli());

    for (int round = 0; round < 2; round++) {
      assertThat(viewers(get("/api/data/viewers/alice/views", secret))).as("round " + round).isEmpty();
      assertThat(viewers(get("/api/data/views", secret))).containsExactly("bob@pbA");
      assertThat(export(secret)).doesNotContain("alice").contains("\"viewerId\":\"bob\"");
      assertThat(byViewer()).as("the rollups hold no viewer: a breakdown by viewer reads the views").containsExactly(
          "bob", "carol");
      assertThat(viewers(get("/api/data/viewers/alice/views", otherSecret))).as("another account's alice stays")
          .containsExactly("alice@pbX");
      JsonNode erasures = get("/api/data/erasures", secret);
      assertThat(erasures.toString()).doesNotContain("alice");
      assertThat(erasures.get("erasures")).hasSize(1);
      assertThat(erasures.get("erasures").get(0).get("views").asLong()).isEqualTo(2);
      assertThat(erasures.get("erasures").get(0).get("keyId").asText()).isEqualTo(keyId(secret));
      assertThat(get("/api/data/erasures", otherSecret).get("erasures")).isEmpty();
      // a new process on the same data: the erasure holds, and replaying the event log brings nothing back
      s.close();
      s = new TestServer(dir, clock, false, store);
    }
  }

  @Test
  void aViewerWhoIsWatchingIsRefusedUntilTheSessionHasEnded() {
    Http.Response r = erase("carol", secret);
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.error()).isEqualTo("the viewer is watching now (1 open session): nothing was erased; retry once"
        + " the viewer has stopped");
    assertThat(r.header("Retry-After")).isEqualTo("60");
    assertThat(get("/api/data/erasures", secret).get("erasures")).isEmpty();

    // the session times out; its view is stored; then the erasure goes through
    clock.set(T0.plusSeconds(5 * 3600));
    s.flush();
    assertThat(viewers(get("/api/data/viewers/carol/views", secret))).containsExactly("carol@pbA");
    r = erase("carol", secret);
    ok(r);
    assertThat(r.json().get("views").asLong()).isEqualTo(1);
    assertThat(viewers(get("/api/data/viewers/carol/views", secret))).isEmpty();
    assertThat(viewers(get("/api/data/views", secret))).containsExactly("alice@pbA", "bob@pbA", "alice@pbA");
  }

  @Test
  void badRequestsAreRefusedNamingTheProblem() throws Exception {
    Http.Response r = erase("", secret);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("no route DELETE /api/data/viewers/: a viewer is erased at DELETE"
        + " /api/data/viewers/{viewerId}");
    r = erase("alice/views", secret);
    assertThat(r.status()).isEqualTo(404);
    try (io.viewpulse.testing.RawHttp raw = new io.viewpulse.testing.RawHttp(s.vp.port(), 10_000)) {
      io.viewpulse.testing.RawHttp.Reply bad = raw.exchange(("DELETE /api/data/viewers/%zz HTTP/1.1\r\nHost: 127.0.0.1"
          + "\r\nAuthorization: Bearer " + secret + "\r\nContent-Length: 0\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(bad.status()).as(bad.text()).isEqualTo(400);
      assertThat(bad.text()).startsWith("{\"errors\":[");
    }
    r = erase("x".repeat(4097), secret);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("viewer id too long: at most 4096 characters");
    r = s.http.getWithKey("/api/data/erasures?limit=0", secret);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid limit: 0 (expected 1 to 1000)");
    assertThat(viewers(get("/api/data/views", secret))).hasSize(3);
  }
}
