package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
 * Scripted CMCD sessions through the real server, and the exact answers of the viewership API: event-mode reports as
 * the players POST them, and media requests' CMCD as a forwarder passes it on (the native recipe), on both stores.
 *
 * <pre>
 * session   video (how)                   viewer                        reports                                    view
 * c-dash    cmA (cid)                     192.0.2.10 US Chrome/Linux    s (msd 30) r p, t p, r p, e                ttff 600, play 18 000, rebuffer 1 500
 * c-hls     cmA (?playbackId=)            203.0.113.30 GB Firefox/Win   s p, f with ec, t f with the same ec      ttff 900, play 10 000, one error
 * c-shaka   cmB (cid is a media URL)      198.51.100.20 DE Safari/iOS   r p, t p msd 380, a, q                     ttff 380, play 10 000
 * c-ebs     cmA                           192.0.2.11 US Chrome/Linux    s, q (never a first frame)                 exit before start
 * c-mount   cmA (same request as c-ebs)   192.0.2.11                    d, w                                       not a view
 * n-avplayer  nA (media path)             2001:db8::1 JP AVPlayer      playlist su, seg0 su, seg1, seg2 bs        first frame, a stall
 * n-media3    nB (cid, query argument)    192.0.2.12 US Media3         seg0 su, seg1, seg2                        first frame
 * n-init      nA                          192.0.2.13                   playlist, init segment only                not a view
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class CmcdApiTest {
  static final String AVPLAYER_UA = "AppleCoreMedia/1.0.0.22A3354 (iPhone; U; CPU OS 18_0 like Mac OS X; en_us)";
  static final String MEDIA3_UA = "ViewpulseDemo/1.0 (Linux;Android 14) AndroidXMedia3/1.5.1";
  @Parameter
  TestStores.Engine engine;
  private TestServer s;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    s.asset("cmA");
    s.asset("cmB");
    s.asset("nA");
    s.asset("nB");
    s.vp.catalog().declareDimension(s.accountId, "experiment");

    String d = "sid=\"c-dash\",cid=\"cmA\",v=2,sf=d,st=v,";
    at(1);
    ok(events("", Beacons.CHROME_LINUX, "192.0.2.10",
        d + "e=ps,sta=s,sn=0,msd=30,ts=" + ms(0),
        d + "e=ps,sta=r,sn=1,ts=" + ms(200),
        d + "e=ps,sta=p,sn=2,bl=(4000),br=(120),mtp=(9000),ts=" + ms(600)), 3);
    at(11);
    ok(events("", Beacons.CHROME_LINUX, "192.0.2.10", d + "e=t,sta=p,sn=3,ts=" + ms(10_600)), 1);
    at(15);
    ok(events("", Beacons.CHROME_LINUX, "192.0.2.10",
        d + "e=ps,sta=r,sn=4,ts=" + ms(12_600), d + "e=ps,sta=p,sn=5,ts=" + ms(14_100)), 2);
    at(21);
    ok(events("", Beacons.CHROME_LINUX, "192.0.2.10", d + "e=ps,sta=e,sn=6,ts=" + ms(20_100)), 1);

    String h = "sid=\"c-hls\",v=2,sf=h,st=v,";
    at(62);
    ok(events("?playbackId=cmA", Beacons.FIREFOX_WINDOWS, "203.0.113.30",
        h + "e=ps,sta=s,sn=0,ts=" + ms(60_000), h + "e=ps,sta=p,sn=1,ts=" + ms(60_900)), 2);
    at(72);
    ok(events("?playbackId=cmA", Beacons.FIREFOX_WINDOWS, "203.0.113.30",
        h + "e=ps,sta=f,sn=2,ts=" + ms(70_900),
        h + "e=e,ec=(\"bufferStalledError\"),sta=f,sn=3,ts=" + ms(70_901)), 4);
    at(100);
    ok(events("?playbackId=cmA", Beacons.FIREFOX_WINDOWS, "203.0.113.30",
        h + "e=t,ec=(\"bufferStalledError\"),sta=f,sn=4,ts=" + ms(99_000)), 2);

    // a custom key (a hyphen in its name) is the custom dimension named after the hyphen
    String k = "sid=\"c-shaka\",cid=\"https://cdn.example.com/hls/cmB/index.m3u8\",v=2,com.example-experiment=\"B\",";
    at(122);
    ok(events("", Beacons.SAFARI_IPHONE, "198.51.100.20",
        k + "e=ps,sta=r,sn=0,ts=" + ms(120_000), k + "e=ps,sta=p,sn=1,ts=" + ms(120_400)), 2);
    at(132);
    ok(events("", Beacons.SAFARI_IPHONE, "198.51.100.20", k + "e=t,sta=p,msd=380,sn=2,ts=" + ms(125_400),
        k + "e=ps,sta=a,sn=3,ts=" + ms(130_400), k + "e=ps,sta=q,sn=4,ts=" + ms(131_000)), 3);

    at(185);
    ok(events("", Beacons.CHROME_LINUX, "192.0.2.11",
        "sid=\"c-ebs\",cid=\"cmA\",v=2,e=ps,sta=s,ts=" + ms(180_000),
        "sid=\"c-mount\",cid=\"cmA\",v=2,e=ps,sta=d,ts=" + ms(180_500),
        "sid=\"c-mount\",cid=\"cmA\",v=2,e=ps,sta=w,ts=" + ms(181_000),
        "sid=\"c-ebs\",cid=\"cmA\",v=2,e=ps,sta=q,ts=" + ms(183_000)), 4);

    // AVPlayer (iOS 18): CMCD v1 in headers, no cid; the forwarder passes the media path
    String av = "sf=h,sid=\"4BCE1E09-66A1-4DA4-9F0B-0C3B5E8E6D2A\",st=v";
    at(300);
    ok(forwarded("/hls/nA/index.m3u8", null, AVPLAYER_UA, "2001:db8::1",
        "CMCD-Object", "ot=m", "CMCD-Request", "su", "CMCD-Session", av, "Viewpulse-CDN", "akamai"), 0);
    at(301);
    ok(forwarded("/hls/nA/seg0.ts", null, AVPLAYER_UA, "2001:db8::1",
        "CMCD-Object", "br=2400,d=2000,ot=av", "CMCD-Request", "bl=0,mtp=12300,nor=\"seg1.ts\",su",
        "CMCD-Session", av, "Viewpulse-CDN", "akamai"), 1);
    at(302);
    ok(forwarded("/hls/nA/seg1.ts", null, AVPLAYER_UA, "2001:db8::1",
        "CMCD-Object", "br=2400,d=2000,ot=av", "CMCD-Request", "bl=2000,mtp=14100,nor=\"seg2.ts\"",
        "CMCD-Session", av), 1);
    at(310);
    ok(forwarded("/hls/nA/seg2.ts", null, AVPLAYER_UA, "2001:db8::1",
        "CMCD-Object", "br=2400,d=2000,ot=av", "CMCD-Request", "bl=1000,mtp=3200,nor=\"seg3.ts\"",
        "CMCD-Session", av, "CMCD-Status", "bs"), 2);

    // Media3: CMCD v1 as the query argument (keys sorted, as Media3 writes them), with cid
    String m = "cid%3D%22nB%22%2Csf%3Dd%2Csid%3D%22b0c5e1d4-9a0e-4f6c-8d7e-2f1a3b4c5d6e%22%2Cst%3Dv";
    at(400);
    ok(forwarded("/dash/segment/seg0.m4s", "bl%3D0%2Cbr%3D840%2Cd%3D4000%2Cmtp%3D25400%2Cot%3Dv%2C" + m
        + "%2Csu%2Ctb%3D1600", MEDIA3_UA, "192.0.2.12"), 1);
    at(404);
    ok(forwarded("/dash/segment/seg1.m4s", "bl%3D4000%2Cbr%3D840%2Cd%3D4000%2Cmtp%3D26100%2Cot%3Dv%2C" + m
        + "%2Ctb%3D1600", MEDIA3_UA, "192.0.2.12"), 1);
    at(408);
    ok(forwarded("/dash/segment/seg2.m4s", "bl%3D8000%2Cbr%3D1600%2Cd%3D4000%2Cmtp%3D27000%2Cot%3Dv%2C" + m
        + "%2Cpr%3D1.50%2Ctb%3D1600", MEDIA3_UA, "192.0.2.12"), 1);

    at(500);
    ok(forwarded("/hls/nA/index.m3u8", "ot%3Dm%2Csid%3D%22n-init%22%2Csu", AVPLAYER_UA, "192.0.2.13"), 0);
    ok(forwarded("/hls/nA/init.mp4", "ot%3Di%2Csid%3D%22n-init%22%2Csu", AVPLAYER_UA, "192.0.2.13"), 0);
    s.flush();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private static long ms(long offset) {
    return T0.toEpochMilli() + offset;
  }

  private void at(long seconds) {
    s.clock.set(T0.plusSeconds(seconds));
  }

  private Http.Response events(String query, String userAgent, String ip, String... reports) {
    return s.http.post("/analytics/cmcd" + query, String.join("\n", reports) + "\n", "Content-Type",
        "application/cmcd", "User-Agent", userAgent, "X-Forwarded-For", ip, "Origin", "https://www.example.com");
  }

  private Http.Response forwarded(String path, String cmcdQuery, String userAgent, String ip, String... headers) {
    List<String> all = new ArrayList<>(List.of("User-Agent", userAgent, "X-Forwarded-For", ip));
    all.addAll(List.of(headers));
    return s.http.get("/analytics/cmcd/request" + path + (cmcdQuery == null ? "" : "?CMCD=" + cmcdQuery),
        all.toArray(String[]::new));
  }

  private static void ok(Http.Response r, int events) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("accepted").asInt()).as(r.body()).isEqualTo(events);
    assertThat(r.json().get("dropped").size()).as(r.body()).isZero();
  }

  private List<JsonNode> rows(String query) {
    Http.Response r = s.query(query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().forEach(out::add);
    return out;
  }

  @Test
  void eventModeSessionsAreViewsWithEveryMetricExact() {
    JsonNode a = byVideo("cmA");
    assertThat(a.get("viewCount").asLong()).as("c-dash, c-hls, c-ebs; c-mount only preloaded").isEqualTo(3);
    assertThat(a.get("playtimeMins").asDouble()).isCloseTo(28_000 / 60_000.0, within(1e-12));
    assertThat(a.get("ttffMs").asDouble()).as("600 and 900").isEqualTo(750.0);
    assertThat(a.get("rebufferRatio").asDouble()).isCloseTo(1_500 / 29_500.0, within(1e-8));
    assertThat(a.get("errorRate").asDouble()).isCloseTo(1 / 3.0, within(1e-7));
    assertThat(a.get("exitsBeforeStart").asDouble()).isCloseTo(1 / 3.0, within(1e-7));
    JsonNode b = byVideo("cmB");
    assertThat(b.get("viewCount").asLong()).isEqualTo(1);
    assertThat(b.get("playtimeMins").asDouble()).isCloseTo(10_000 / 60_000.0, within(1e-12));
    assertThat(b.get("ttffMs").asDouble()).as("the msd reported after the first frame").isEqualTo(380.0);
    assertThat(b.get("rebufferRatio").asDouble()).as("buffering before the first frame is startup").isZero();
    assertThat(b.get("errorRate").asDouble()).isZero();
  }

  private JsonNode byVideo(String playbackId) {
    return rows("/api/data/views/query?breakdownBy[]=playbackId").stream()
        .filter(n -> n.get("playbackId").asText().equals(playbackId)).findFirst().orElseThrow();
  }

  @Test
  void theUserAgentAndTheAddressGiveDevicesAndPlaces() {
    assertThat(rows("/api/data/views/query?breakdownBy[]=playbackId&breakdownBy[]=browser&breakdownBy[]=os"
        + "&breakdownBy[]=country"))
        .extracting(n -> n.get("playbackId").asText() + "/" + n.path("browser").asText(null) + "/"
            + n.path("os").asText(null) + "/" + n.path("country").asText(null) + "=" + n.get("viewCount").asLong())
        .containsExactly(
            "cmA/Chrome/Linux/US=2",
            "cmA/Firefox/Windows NT/GB=1",
            "cmB/Safari/iOS/DE=1",
            "nA/AppleCoreMedia/iOS/JP=1",
            "nB/ViewpulseDemo/Android/US=1");
  }

  @Test
  void customKeysAreCustomDimensionsAndAForwarderNamesTheCdn() {
    List<String> arms = new ArrayList<>();
    for (JsonNode r : rows("/api/data/views/query?breakdownBy[]=custom.experiment&breakdownBy[]=playbackId")) {
      arms.add(r.path("custom.experiment").asText("-") + " " + r.get("playbackId").asText() + " "
          + r.get("viewCount").asLong());
    }
    assertThat(arms).filteredOn(a -> !a.startsWith("-")).containsExactly("B cmB 1");
    List<String> cdns = new ArrayList<>();
    for (JsonNode r : rows("/api/data/views/query?breakdownBy[]=cdn&filters[]=playbackId:nA")) {
      cdns.add(r.path("cdn").asText("-") + " " + r.get("viewCount").asLong());
    }
    assertThat(cdns).as("the forwarder's Viewpulse-CDN header").containsExactly("akamai 1");
  }

  @Test
  void forwardedMediaRequestsAreViewsOfTheVideoInTheirPathOrCid() {
    JsonNode a = byVideo("nA");
    assertThat(a.get("viewCount").asLong()).as("n-init requested no media").isEqualTo(1);
    assertThat(a.get("playtimeMins").asDouble()).as("CMCD v1 says nothing of playing time").isZero();
    assertThat(a.has("ttffMs")).as("nor of the time to the first frame").isFalse();
    assertThat(a.get("exitsBeforeStart").asDouble()).as("media requested without su: playback under way")
        .isZero();
    assertThat(a.get("errorRate").asDouble()).isZero();
    JsonNode b = byVideo("nB");
    assertThat(b.get("viewCount").asLong()).isEqualTo(1);
    assertThat(b.get("exitsBeforeStart").asDouble()).isZero();
  }

  @Test
  void everySessionIsOneViewerAndTheRealtimeViewCountsTheOpenOnes() {
    JsonNode total = rows("/api/data/views/query").get(0);
    assertThat(total.get("viewCount").asLong()).isEqualTo(6);
    assertThat(total.get("uniqueViewers").asLong()).isEqualTo(6);
    assertThat(s.query("/api/data/views/query/total/cmA").json().get("viewCount").asLong()).isEqualTo(3);
  }

  @Test
  void viewsStartWhenTheirFirstReportWasMade() {
    assertThat(rows("/api/data/views/query?timeStep=hour&playbackId=cmA"))
        .extracting(n -> n.get("timestamp").asLong(), n -> n.get("viewCount").asLong())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(T0.toEpochMilli(), 3L));
    assertThat(rows("/api/data/views/query?from=" + Instant.ofEpochMilli(ms(60_000)) + "&to=" + ms(60_001)
        + "&playbackId=cmA").get(0).get("viewCount").asLong()).as("c-hls started at its s report").isEqualTo(1);
  }
}
