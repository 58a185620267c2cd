package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * The views explorer and the export through the real server, on both stores.
 *
 * <pre>
 * session  playback viewer  address / place / agent        start      what happens                   view facts
 * a1       pbA      alice   192.0.2.10 US Chrome/Linux     T0         plays 5 s (ttff 200), ends     5000 ms, ttff 200
 * b1       pbA      bob     198.51.100.20 DE Safari/iOS    T0+60s     play, fatal error, page gone   1 error, no frame
 * c1..c3   pbB      carol   203.0.113.30 GB Firefox/Win    T0+1h      play 1, 2, 3 s (ttff 100), end same second, by id
 * d1       pbA      alice   192.0.2.10 US Chrome/Linux     T0+2h      plays 4 s (ttff 150), ends     4000 ms, ttff 150
 * o1       pbX      (a second account)                    T0+2h      plays 9 s                      never seen here
 * </pre>
 *
 * All are over by T0+4h, when the tests begin. Later tests add views (e1, e2) while a walk is under way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class ViewsExplorerApiTest {
  private static final String RANGE = "from=" + T0.toEpochMilli() + "&to=" + T0.plusSeconds(3 * 3600).toEpochMilli();
  private static final String CSV_HEADER = "viewId,playbackId,creatorId,dStorageUrl,viewerId,startedAt,deviceType,"
      + "device,cpu,os,browser,browserEngine,continent,country,subdivision,timezone,geohash,domain,live,playtimeMs,"
      + "ttffMs,rebufferMs,errors,firstFrame,ended,asn,isp,cdn,outcome,nonFatalErrors,rebufferCount,seekCount,"
      + "seekLatencyMs,averageBitrateBps,upscalePercentage,downscalePercentage,maxUpscalePercentage,droppedFrames,"
      + "totalFrames,droppedFrameRate,switchesUp,switchesDown";

  @Parameter
  TestStores.Engine engine;
  private TestServer s;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    s.asset("pbA");
    s.asset("pbB");
    var other = s.otherAccount("other");
    s.vp.catalog().create(other.key().accountId(),
        new io.viewpulse.catalog.Catalog.NewMedia(io.viewpulse.model.Media.Kind.ASSET, "x", "pbX", null, null, null));

    at(T0.plusSeconds(6));
    ok(s.beacon(Beacons.session("a1", "pbA").uid("alice").play(T0)
        .seek(T0.plusSeconds(3), 400)
        .heartbeat("a1h", T0.plusSeconds(5), 5000, 0, 0, 0, 200L).with("video_width_px", 1280)
        .with("video_height_px", 720).with("player_width_px", 1920).with("player_height_px", 1080)
        .with("bitrate_bps", 2_000_000).with("rendition_up_count", 1).with("rendition_down_count", 2)
        .with("dropped_frames", 12).with("total_frames", 300)
        .heartbeat("a1i", T0.plusSeconds(6), 0, 500, 0, 0, null).ended(T0.plusSeconds(6)).json(), "192.0.2.10"));

    Instant b0 = T0.plusSeconds(60);
    at(b0.plusSeconds(5));
    ok(s.beacon(Beacons.session("b1", "pbA").uid("bob").userAgent(Beacons.SAFARI_IPHONE).play(b0)
        .error(b0.plusSeconds(2), "unknown", "").heartbeat("b1h", b0.plusSeconds(5), 0, 0, 0, 1, null).json(),
        "198.51.100.20"));
    ok(s.lastBeacon(Beacons.session("b1", "pbA").uid("bob").userAgent(Beacons.SAFARI_IPHONE)
        .heartbeat("b1i", b0.plusSeconds(6), 0, 0, 0, 0, null).json(), "198.51.100.20"));

    Instant c0 = T0.plusSeconds(3600);
    at(c0.plusSeconds(5));
    for (int i = 1; i <= 3; i++) {
      ok(s.beacon(Beacons.session("c" + i, "pbB").uid("carol").userAgent(Beacons.FIREFOX_WINDOWS).play(c0)
          .heartbeat("c" + i + "h", c0.plusSeconds(4), i * 1000L, 0, 0, 0, 100L).ended(c0.plusSeconds(4)).json(),
          "203.0.113.30"));
    }

    Instant d0 = T0.plusSeconds(7200);
    at(d0.plusSeconds(10));
    ok(s.beacon(Beacons.session("d1", "pbA").uid("alice").play(d0)
        .heartbeat("d1h", d0.plusSeconds(5), 4000, 0, 0, 0, 150L).ended(d0.plusSeconds(5)).json(), "192.0.2.10"));
    ok(s.beacon(Beacons.session("o1", "pbX").uid("alice").play(d0)
        .heartbeat("o1h", d0.plusSeconds(9), 9000, 0, 0, 0, 50L).ended(d0.plusSeconds(9)).json(), "192.0.2.99"));

    at(T0.plusSeconds(4 * 3600));
    s.flush();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private void at(Instant t) {
    s.clock.set(t);
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private JsonNode get(String pathAndQuery) {
    Http.Response r = s.query(pathAndQuery);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** session-like summary of a row: playback, viewer, start offset from T0 in seconds, playtime. */
  private static String brief(JsonNode v) {
    return v.get("playbackId").asText() + " " + v.get("viewerId").asText() + " +"
        + (v.get("startedAt").asLong() - T0.toEpochMilli()) / 1000 + "s " + v.get("playtimeMs").asLong() + "ms";
  }

  private static List<String> briefs(JsonNode views) {
    List<String> out = new ArrayList<>();
    views.forEach(v -> out.add(brief(v)));
    return out;
  }

  /** The views of a whole walk, page by page, and the number of pages. */
  private List<JsonNode> walk(String query, int limit, List<Integer> pageSizes) {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = get("/api/data/views?limit=" + limit + query + (cursor == null ? "" : "&cursor=" + cursor));
      page.get("views").forEach(out::add);
      pageSizes.add(page.get("views").size());
      cursor = page.get("next").isNull() ? null : page.get("next").asText();
    } while (cursor != null);
    return out;
  }

  @Test
  @Order(1)
  void theNewestViewsComeFirstWithEveryFieldOfTheView() {
    JsonNode page = get("/api/data/views");
    assertThat(page.get("next").isNull()).isTrue();
    JsonNode views = page.get("views");
    assertThat(briefs(views).subList(0, 1)).containsExactly("pbA alice +7200s 4000ms");
    assertThat(briefs(views).subList(1, 4)).containsExactlyInAnyOrder("pbB carol +3600s 1000ms",
        "pbB carol +3600s 2000ms", "pbB carol +3600s 3000ms");
    assertThat(briefs(views).subList(4, 6)).containsExactly("pbA bob +60s 0ms", "pbA alice +0s 5000ms");
    // views of one second in the order of their ids, newest (largest) first
    assertThat(views.get(1).get("viewId").asLong()).isGreaterThan(views.get(2).get("viewId").asLong());
    assertThat(views.get(2).get("viewId").asLong()).isGreaterThan(views.get(3).get("viewId").asLong());

    JsonNode a1 = views.get(5);
    assertThat(a1.get("viewId").isTextual()).isTrue();
    assertThat(text(a1, "playbackId", "creatorId", "dStorageUrl", "viewerId", "deviceType", "device", "cpu", "os",
        "browser", "browserEngine", "country", "domain")).isEqualTo(
        "pbA|null|null|alice|desktop|Linux Desktop|Intel x86_64|Linux|Chrome|Blink|US|www.example.com");
    assertThat(a1.get("startedAt").asLong()).isEqualTo(T0.toEpochMilli());
    assertThat(text(a1, "live", "playtimeMs", "ttffMs", "rebufferMs", "errors", "firstFrame", "ended", "failed"))
        .isEqualTo("false|5000|200|500|0|true|true|false");
    assertThat(text(a1, "outcome", "nonFatalErrors", "rebufferCount", "seekCount", "seekLatencyMs",
        "averageBitrateBps", "upscalePercentage", "downscalePercentage", "maxUpscalePercentage", "droppedFrames",
        "totalFrames", "droppedFrameRate", "switchesUp", "switchesDown"))
        .as("a 1280x720 rendition at 2 Mbit/s shown at 1920x1080, one seek, one stall, frames dropped, switches")
        .isEqualTo("played|0|1|1|400|2000000|0.5|0|0.5|12|300|0.04|1|2");

    JsonNode b1 = views.get(4);
    assertThat(text(b1, "viewerId", "browser", "os", "country", "playtimeMs", "ttffMs", "errors", "firstFrame",
        "failed", "outcome", "seekLatencyMs", "averageBitrateBps", "upscalePercentage", "droppedFrameRate"))
        .isEqualTo("bob|Safari|iOS|DE|0|null|1|false|true|failedToStart|null|null|null|null");
  }

  private static String text(JsonNode n, String... fields) {
    List<String> out = new ArrayList<>();
    for (String f : fields) {
      JsonNode v = n.get(f);
      assertThat(v).as(f).isNotNull();
      out.add(v.isNull() ? "null" : v.asText());
    }
    return String.join("|", out);
  }

  @Test
  @Order(2)
  void filtersAndTheTimeRangeNarrowTheListAsTheyDoTheQueries() {
    assertThat(briefs(get("/api/data/views?playbackId=pbA").get("views"))).containsExactly(
        "pbA alice +7200s 4000ms", "pbA bob +60s 0ms", "pbA alice +0s 5000ms");
    assertThat(briefs(get("/api/data/views?filters[]=country:DE").get("views"))).containsExactly(
        "pbA bob +60s 0ms");
    assertThat(briefs(get("/api/data/views?filters[]=!browser:Firefox&from=" + T0.plusSeconds(30).toEpochMilli()
        + "&to=" + T0.plusSeconds(7200).toEpochMilli()).get("views"))).containsExactly("pbA bob +60s 0ms");
    assertThat(briefs(get("/api/data/views?filters[]=country:DE&filters[]=country:GB").get("views")))
        .as("several values of one dimension are alternatives").containsExactlyInAnyOrder("pbB carol +3600s 3000ms",
            "pbB carol +3600s 2000ms", "pbB carol +3600s 1000ms", "pbA bob +60s 0ms");
    assertThat(briefs(get("/api/data/views?filters[]=country:US&filters[]=country:GB&filters[]=!browser:Firefox"
        + "&filters[]=!playbackId:nothing").get("views"))).as("and the other dimensions' conditions hold too")
        .containsExactly("pbA alice +7200s 4000ms", "pbA alice +0s 5000ms");
    assertThat(briefs(get("/api/data/views?filters[]=!country:US&filters[]=!country:GB").get("views")))
        .as("each negation drops its value").containsExactly("pbA bob +60s 0ms");
  }

  @Test
  @Order(3)
  void aViewersViewsAreFoundByTheViewerId() {
    assertThat(briefs(get("/api/data/viewers/alice/views").get("views"))).as("not the other account's o1")
        .containsExactly("pbA alice +7200s 4000ms", "pbA alice +0s 5000ms");
    assertThat(briefs(get("/api/data/views?viewerId=bob").get("views"))).containsExactly("pbA bob +60s 0ms");
    assertThat(get("/api/data/viewers/nobody/views").get("views")).isEmpty();
    // the viewer and the filters must both hold: a filter naming other viewers does not widen the viewer's views
    assertThat(briefs(get("/api/data/viewers/bob/views?filters[]=viewerId:alice").get("views"))).isEmpty();
    assertThat(briefs(get("/api/data/viewers/bob/views?filters[]=viewerId:alice&filters[]=viewerId:bob")
        .get("views"))).containsExactly("pbA bob +60s 0ms");
    assertThat(briefs(get("/api/data/views?viewerId=alice&filters[]=viewerId:carol").get("views"))).isEmpty();
    assertThat(briefs(get("/api/data/views?viewerId=alice&filters[]=!playbackId:pbB&filters[]=country:US")
        .get("views"))).containsExactly("pbA alice +7200s 4000ms", "pbA alice +0s 5000ms");
  }

  @Test
  @Order(4)
  void aWalkByCursorSeesEveryViewOnceAndIsNotShiftedByViewsThatArrive() {
    List<Integer> sizes = new ArrayList<>();
    List<JsonNode> all = walk("", 2, sizes);
    assertThat(sizes).containsExactly(2, 2, 2);
    assertThat(all).hasSize(6);

    // begin a walk, then views arrive: one newer than all, one in the middle of what is left to walk
    JsonNode first = get("/api/data/views?limit=2");
    Instant e0 = T0.plusSeconds(4 * 3600);
    at(e0.plusSeconds(6));
    ok(s.beacon(Beacons.session("e1", "pbB").uid("erin").play(e0)
        .heartbeat("e1h", e0.plusSeconds(5), 5000, 0, 0, 0, 90L).ended(e0.plusSeconds(5)).json(), "192.0.2.10"));
    Instant e2 = T0.plusSeconds(1800);
    ok(s.beacon(Beacons.session("e2", "pbB").uid("erin").play(e2)
        .heartbeat("e2h", e2.plusSeconds(5), 700, 0, 0, 0, 90L).ended(e2.plusSeconds(5)).json(), "192.0.2.10"));
    at(e0.plusSeconds(3600));
    s.flush();

    List<String> rest = new ArrayList<>(briefs(first.get("views")));
    String cursor = first.get("next").asText();
    while (cursor != null) {
      JsonNode page = get("/api/data/views?limit=2&cursor=" + cursor);
      rest.addAll(briefs(page.get("views")));
      cursor = page.get("next").isNull() ? null : page.get("next").asText();
    }
    // the walk goes on where it was: nothing of before repeated or skipped, the newer view not in it, the view that
    // started in the part not walked yet in its place
    List<String> before = new ArrayList<>(briefs(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(all)));
    before.add(4, "pbB erin +1800s 700ms");
    assertThat(rest).containsExactlyElementsOf(before);
    assertThat(briefs(get("/api/data/views?limit=1").get("views"))).containsExactly("pbB erin +14400s 5000ms");
  }

  @Test
  @Order(5)
  void badCursorsLimitsAndRangesAreRefusedWithTheirReason() {
    assertThat(error("/api/data/views?cursor=nonsense")).isEqualTo(
        "bad cursor: give the cursor a previous answer returned, unchanged");
    assertThat(error("/api/data/views?cursor=" + java.util.Base64.getUrlEncoder().encodeToString(
        "v1:x:1".getBytes(StandardCharsets.US_ASCII)))).startsWith("bad cursor");
    assertThat(error("/api/data/views?limit=0")).isEqualTo("invalid limit: 0 (expected 1 to 1000)");
    assertThat(error("/api/data/views?limit=1001")).isEqualTo("invalid limit: 1001 (expected 1 to 1000)");
    assertThat(error("/api/data/views?from=2026-03-02T12:00:00Z&to=2026-03-02T11:00:00Z"))
        .isEqualTo("from must be before to");
    assertThat(error("/api/data/views?from=yesterday")).startsWith("bad time \"yesterday\" for from");
    assertThat(error("/api/data/views?timeStep=hour")).isEqualTo(
        "views are listed one by one: timeStep and breakdownBy do not apply");
    assertThat(error("/api/data/views/export?format=xml&" + RANGE)).isEqualTo(
        "invalid format: xml (expected one of csv, ndjson, parquet)");
    assertThat(error("/api/data/views/export?" + RANGE)).isEqualTo("give format: csv, ndjson or parquet");
    assertThat(error("/api/data/views/export?format=csv&from=" + T0.toEpochMilli())).isEqualTo(
        "an export needs a time range: give from and to (RFC 3339 or Unix ms)");
    assertThat(error("/api/data/views/export?format=csv&" + RANGE + "&after=%2F%2F")).isEqualTo(
        "bad after: give the cursor a previous answer returned, unchanged");
    Http.Response cors = s.http.getWithKey("/api/data/views", s.corsKey);
    assertThat(cors.status()).isEqualTo(403);
    assertThat(s.http.get("/api/data/views/export?format=csv&" + RANGE).status()).isEqualTo(401);
  }

  private String error(String pathAndQuery) {
    Http.Response r = s.query(pathAndQuery);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.header("content-type")).startsWith("application/json");
    return r.error();
  }

  @Test
  @Order(6)
  void theCsvExportHasOneRowPerViewOfTheRangeOldestFirst() {
    Http.Response r = s.query("/api/data/views/export?format=csv&" + RANGE);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("content-type")).isEqualTo("text/csv; charset=utf-8");
    assertThat(r.header("content-disposition")).isEqualTo("attachment; filename=\"views.csv\"");
    List<String> lines = List.of(r.body().split("\r\n", -1));
    assertThat(lines.get(0)).isEqualTo(CSV_HEADER);
    assertThat(lines.get(lines.size() - 1)).as("the file ends with a line break").isEmpty();
    List<String> rows = lines.subList(1, lines.size() - 1);
    assertThat(rows).as("e2 (added by the walk test) is in the range, e1 is not").hasSize(7);
    long t0 = T0.toEpochMilli();
    String[] a1 = rows.get(0).split(",", -1);
    assertThat(a1).as("with asn, isp and cdn (none sent), then the quality figures").hasSize(42);
    assertThat(a1[13]).as("country").isEqualTo("US");
    a1[12] = "";
    a1[13] = "";
    a1[14] = "";
    a1[15] = "";
    a1[16] = "";
    assertThat(withoutId(String.join(",", a1))).isEqualTo("pbA,,,alice," + t0 + ",desktop,Linux Desktop,"
        + "Intel x86_64,Linux,Chrome,Blink,,,,,,www.example.com,false,5000,200,500,0,true,true,64500,Example Cable Ltd,,"
        + "played,0,1,1,400,2000000,0.5,0,0.5,12,300,0.04,1,2");
    assertThat(rows.get(1)).contains(",bob," + (t0 + 60_000) + ",")
        .endsWith(",false,0,,0,1,false,true,64501,Beispiel Telekom AG,,failedToStart,0,0,0,,,,,,0,0,,0,0");
    assertThat(rows.get(2)).contains(",pbB,,,erin," + (t0 + 1_800_000) + ",");
    assertThat(rows.subList(3, 6)).allMatch(l -> l.contains(",carol," + (t0 + 3_600_000) + ","));
    assertThat(rows.subList(3, 6)).extracting(l -> l.split(",")[19])
        .containsExactlyInAnyOrder("1000", "2000", "3000");
    assertThat(rows.get(6)).contains(",alice," + (t0 + 7_200_000) + ",");
    List<Long> sameSecond = rows.subList(3, 6).stream().map(l -> Long.parseLong(l.substring(0, l.indexOf(','))))
        .toList();
    assertThat(sameSecond).isSorted();
    assertThat(new HashSet<>(rows.stream().map(l -> l.substring(0, l.indexOf(','))).toList())).hasSize(7);
  }

  private static String withoutId(String line) {
    return line.substring(line.indexOf(',') + 1);
  }

  @Test
  @Order(7)
  void theNdjsonExportIsTheListOldestFirstAndResumesAfterTheLastRowReceived() {
    List<JsonNode> listed = new ArrayList<>();
    get("/api/data/views?" + RANGE + "&limit=1000").get("views").forEach(listed::add);
    java.util.Collections.reverse(listed);
    Http.Response r = s.query("/api/data/views/export?format=ndjson&" + RANGE);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("content-type")).isEqualTo("application/x-ndjson");
    List<JsonNode> exported = ndjson(r.body());
    assertThat(exported).hasSize(7);
    for (int i = 0; i < exported.size(); i++) {
      com.fasterxml.jackson.databind.node.ObjectNode l = listed.get(i).deepCopy();
      l.remove("failed");
      assertThat(exported.get(i)).as("row " + i).isEqualTo(l);
    }
    assertThat(briefs(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(exported))).startsWith(
        "pbA alice +0s 5000ms", "pbA bob +60s 0ms", "pbB erin +1800s 700ms");

    // resumed after the fourth row (one of the three that started in the same second)
    JsonNode fourth = exported.get(3);
    String after = ViewCursor.encode(new io.viewpulse.query.ViewPosition(
        fourth.get("startedAt").asLong() / 1000, fourth.get("viewId").asLong()));
    Http.Response resumed = s.query("/api/data/views/export?format=ndjson&" + RANGE + "&after=" + after);
    assertThat(ndjson(resumed.body())).containsExactlyElementsOf(exported.subList(4, 7));
  }

  private static List<JsonNode> ndjson(String body) {
    List<JsonNode> out = new ArrayList<>();
    assertThat(body).endsWith("\n");
    for (String line : body.split("\n")) {
      assertThat(line).as("a line is one object, nothing before it").startsWith("{").endsWith("}");
      try {
        out.add(Http.JSON.readTree(line));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return out;
  }

  @Test
  @Order(8)
  void theParquetExportHoldsEveryViewOfTheRangeWithTypedColumns() throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + s.http.port() + "/api/data/views/export?format=parquet&playbackId=pbA&" + RANGE))
        .header("Authorization", "Bearer " + s.secretKey).header("Accept-Encoding", "gzip").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    // zstd inside already: not gzipped again, though the client would take gzip
    assertThat(new String(r.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");
    assertThat(r.headers().firstValue("content-encoding").orElse("identity")).isEqualTo("identity");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/vnd.apache.parquet");
    Path file = Files.createTempFile("views", ".parquet");
    try {
      Files.write(file, r.body());
      List<String> rows = new ArrayList<>();
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
          PreparedStatement p = c.prepareStatement("SELECT playbackId, viewerId, epoch_ms(startedAt), playtimeMs,"
              + " ttffMs, errors, firstFrame, country, typeof(startedAt), typeof(viewId), typeof(live), outcome,"
              + " rebufferCount, seekLatencyMs, averageBitrateBps, upscalePercentage, droppedFrames,"
              + " droppedFrameRate, switchesUp, switchesDown, typeof(seekLatencyMs), typeof(droppedFrames)"
              + " FROM read_parquet(?) ORDER BY startedAt");) {
        p.setString(1, file.toString());
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            List<String> cols = new ArrayList<>();
            for (int i = 1; i <= 22; i++) {
              cols.add(String.valueOf(rs.getObject(i)));
            }
            rows.add(String.join("|", cols));
          }
        }
      }
      long t0 = T0.toEpochMilli();
      String types = "|TIMESTAMP WITH TIME ZONE|BIGINT|BOOLEAN";
      String qualityTypes = "|DOUBLE|INTEGER";
      assertThat(rows).containsExactly(
          "pbA|alice|" + t0 + "|5000|200|0|true|US" + types + "|played|1|400.0|2000000.0|0.5|12|0.04|1|2"
              + qualityTypes,
          "pbA|bob|" + (t0 + 60_000) + "|0|null|1|false|DE" + types + "|failedToStart|0|null|null|null|0|null|0|0"
              + qualityTypes,
          "pbA|alice|" + (t0 + 7_200_000) + "|4000|150|0|true|US" + types + "|played|0|null|null|null|0|null|0|0"
              + qualityTypes);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  @Order(9)
  void anExportOfAnEmptyRangeIsItsHeaderAlone() {
    Http.Response r = s.query("/api/data/views/export?format=csv&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(CSV_HEADER + "\r\n");
    Http.Response n = s.query("/api/data/views/export?format=ndjson&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z");
    assertThat(n.body()).isEmpty();
  }

  @Test
  @Order(10)
  void anExportTakesTheFiltersOfTheList() throws Exception {
    Http.Response r = s.query("/api/data/views/export?format=ndjson&" + RANGE
        + "&filters[]=country:US&filters[]=country:DE&filters[]=!playbackId:pbB");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> rows = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      JsonNode v = Json.MAPPER.readTree(line);
      rows.add(v.get("viewerId").asText() + "/" + v.get("country").asText() + "/" + v.get("playbackId").asText());
    }
    assertThat(rows).as("e2 (US, but pbB) and carol's (GB) left out")
        .containsExactly("alice/US/pbA", "bob/DE/pbA", "alice/US/pbA");
    Http.Response bad = s.query("/api/data/views/export?format=csv&" + RANGE + "&filters[]=colour:red");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("invalid filter dimension: colour");
  }

}
