package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.ingest.IngestConfig;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The CMCD endpoints' HTTP behaviour: CORS as browsers need it for {@code application/cmcd}, refusals that name the
 * line and key, the body limit, the per-address limits beacons have, methods, and no 5xx whatever arrives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CmcdEndpointTest {
  private final MutableClock clock = new MutableClock(T0);
  private TestServer s;

  @BeforeAll
  void start() {
    s = new TestServer(clock, c -> c.withIngest(c.ingest().withLimits(new IngestConfig.Limits(2, 6, 3))));
    s.asset("pbE");
    s.asset("pbBad");
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private Http.Response post(String body, String ip, String... more) {
    List<String> headers = new ArrayList<>(List.of("Content-Type", "application/cmcd", "X-Forwarded-For", ip,
        "Origin", "https://player.example.com"));
    headers.addAll(List.of(more));
    return s.http.post("/analytics/cmcd", body, headers.toArray(String[]::new));
  }

  private static String line(String sid, String sta) {
    return line(sid, "pbE", sta);
  }

  private static String line(String sid, String video, String sta) {
    return "sid=\"" + sid + "\",cid=\"" + video + "\",e=ps,sta=" + sta + ",v=2,ts=" + T0.toEpochMilli();
  }

  @Test
  void aBrowsersPreflightForApplicationCmcdIsAnsweredAndSoIsThePost() {
    Http.Response pre = s.http.options("/analytics/cmcd", "Origin", "https://player.example.com",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
    assertThat(pre.status()).isEqualTo(204);
    assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo("https://player.example.com");
    assertThat(pre.header("Access-Control-Allow-Headers")).isEqualTo("content-type");
    assertThat(pre.header("Access-Control-Allow-Methods")).contains("POST");
    Http.Response r = post(line("cors-1", "s"), "198.51.100.1");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://player.example.com");
    assertThat(r.body()).isEqualTo("{\"accepted\":1,\"dropped\":{}}");
  }

  @Test
  void aReportThatBreaksTheGrammarIsA400NamingTheLineAndTheKeyAndNothingOfTheRequestIsKept() {
    Http.Response r = post(line("bad-1", "pbBad", "s") + "\n" + line("bad-1", "pbBad", "p") + ",bl=(100,200)\n",
        "198.51.100.2");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.error()).isEqualTo("line 2: \"bl\": the items of its inner list are separated by spaces, not ','");
    Http.Response typed = post("sid=\"bad-2\",cid=\"pbBad\",sta=playing", "198.51.100.2");
    assertThat(typed.status()).isEqualTo(400);
    assertThat(typed.error()).isEqualTo("line 1: \"sta\" must be one of the tokens s, p, k, r, a, w, e, f, q, d");
    assertThat(s.query("/api/data/views/query/total/pbBad").json().get("viewCount").asLong())
        .as("line 1 was good, but a request is refused whole").isZero();
  }

  @Test
  void aVideoNobodyRegisteredIsA404() {
    Http.Response r = post("sid=\"nf-1\",cid=\"nobody-has-it\",sta=p", "198.51.100.3");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("no asset or stream has playback id nobody-has-it");
  }

  @Test
  void aBodyOver64KiBIsA413() {
    String big = (line("big-1", "p") + "\n").repeat(64 * 1024 / 40 + 10);
    Http.Response r = post(big, "198.51.100.4");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.error()).isEqualTo("body is larger than 65536 bytes; send fewer reports at once");
  }

  @Test
  void reportsPastAnAddresssAllowanceAre429WithRetryAfterAsBeaconsAre() {
    List<Integer> statuses = new ArrayList<>();
    Http.Response refused = null;
    for (int i = 0; i < 25; i++) {
      Http.Response r = post(line("limit-1", "p"), "203.0.113.77");
      statuses.add(r.status());
      if (r.status() == 429) {
        refused = r;
      }
    }
    assertThat(statuses.subList(0, 20)).as("a burst of ten seconds' worth").containsOnly(200);
    assertThat(statuses.subList(20, 25)).containsOnly(429);
    assertThat(refused.header("Retry-After")).isEqualTo("1");
    assertThat(refused.error()).isEqualTo("too many beacons from this address; retry in 1 s");
  }

  @Test
  void aForwardedRequestWithoutCmcdOrWithABadHeaderIsA400NamingIt() {
    Http.Response none = s.http.get("/analytics/cmcd/request/hls/pbE/seg0.ts", "X-Forwarded-For", "198.51.100.5");
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.error()).isEqualTo("the request carries no CMCD: neither a CMCD query argument nor CMCD-Object,"
        + " CMCD-Request, CMCD-Session or CMCD-Status headers");
    Http.Response bad = s.http.get("/analytics/cmcd/request/hls/pbE/seg0.ts", "X-Forwarded-For", "198.51.100.5",
        "CMCD-Session", "sid=\"fw-1\"", "CMCD-Request", "bl=12000,su=yes");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("the request's CMCD: \"su\" must be a boolean (the key alone, or ?0 / ?1)");
    Http.Response grammar = s.http.get("/analytics/cmcd/request/hls/pbE/seg0.ts?CMCD=sid%3D%22fw-1%22%2C",
        "X-Forwarded-For", "198.51.100.5");
    assertThat(grammar.status()).isEqualTo(400);
    assertThat(grammar.error()).isEqualTo("the CMCD query argument: a comma ends the payload (a trailing comma)");
    Http.Response ok = s.http.get("/analytics/cmcd/request/hls/pbE/seg0.ts", "X-Forwarded-For", "198.51.100.5",
        "CMCD-Session", "sid=\"fw-1\"", "CMCD-Object", "ot=v,br=800,d=2000", "CMCD-Request", "su");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("{\"accepted\":1,\"dropped\":{}}");
  }

  @Test
  void otherMethodsAre405() {
    assertThat(s.http.send("PUT", "/analytics/cmcd/request/hls/pbE/seg0.ts", null).status()).isEqualTo(405);
    Http.Response put = s.http.send("PUT", "/analytics/cmcd", "x");
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.error()).isEqualTo("method PUT not allowed on /analytics/cmcd");
  }

  @Test
  void noMangledReportIsEverA5xxAndEveryRefusalHasTheErrorShape() {
    Random random = new Random(20);
    String[] valid = {
      "sid=\"fz\",cid=\"pbE\",e=ps,sta=p,sn=1,ts=" + T0.toEpochMilli() + ",bl=(1200;v 300;a),br=(800),pr=1.25,v=2",
      "bs,br=840,cid=\"pbE\",d=4000,ec=(\"E1\" \"E2\"),mtp=25400,nor=\"seg5.m4s\",ot=v,sid=\"fz2\",su,tb=1600",
    };
    String alphabet = "\"\\(),;=?:*-.09azAZ \t\u00e9\u0000\n";
    int fuzzed = 0;
    for (int i = 0; i < 1_500; i++) {
      StringBuilder b = new StringBuilder(valid[i % 2]);
      for (int m = 1 + random.nextInt(4); m > 0; m--) {
        int at = random.nextInt(b.length() + 1);
        switch (random.nextInt(3)) {
          case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> b.delete(at, Math.min(b.length(), at + 1 + random.nextInt(6)));
          default -> b.setLength(at);
        }
      }
      // each from an address of its own: the allowance per address is small on this server
      Http.Response r = post(b.toString(), "10." + (i / 250) + "." + (i % 250) + ".9");
      assertThat(r.status()).as(b.toString()).isIn(200, 400, 404);
      if (r.status() != 200) {
        assertThat(r.json().get("errors").get(0).asText()).as(b.toString()).isNotBlank();
        fuzzed++;
      }
    }
    assertThat(fuzzed).as("most mangled reports are refused").isGreaterThan(500);
  }
}
