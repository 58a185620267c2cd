package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.client.Dimension;
import io.viewpulse.client.ExportFormat;
import io.viewpulse.client.ExportProgress;
import io.viewpulse.client.View;
import io.viewpulse.client.ViewListQuery;
import io.viewpulse.client.Viewpulse;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The custom and network dimensions of finished views in the views explorer ({@code GET /api/data/views},
 * {@code GET /api/data/views/{id}}) and the export (CSV, NDJSON, Parquet), through the API, the Java client and the
 * command line, on both stores. The account declares experiment, player and region (in that order); three views from
 * players, each played 4 s and ended:
 *
 * <pre>
 * x1  T0       experiment A, player hls.js, CDN akamai        from 192.0.2.10   (AS64500, Example Cable Ltd)
 * x2  T0+10s   experiment {@code B,"q"} (a CSV quotes it)      from 198.51.100.10 (AS64501, Beispiel Telekom AG)
 * x3  T0+20s   nothing custom                                 from 203.0.113.5  (GB, no network known)
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class CustomDimensionsExportTest {
  private static final String RANGE = "from=" + T0.toEpochMilli() + "&to=" + T0.plusSeconds(3600).toEpochMilli();
  private static final String FIXED = "viewId,playbackId,creatorId,dStorageUrl,viewerId,startedAt,deviceType,"
      + "device,cpu,os,browser,browserEngine,continent,country,subdivision,timezone,geohash,domain,live,playtimeMs,"
      + "ttffMs,rebufferMs,errors,firstFrame,ended,asn,isp,cdn,outcome,nonFatalErrors,rebufferCount,seekCount,"
      + "seekLatencyMs,averageBitrateBps,upscalePercentage,downscalePercentage,maxUpscalePercentage,droppedFrames,"
      + "totalFrames,droppedFrameRate,switchesUp,switchesDown";
  /** The quality fields of a view that played without measuring anything beyond Livepeer's facts, as JSON. */
  private static final String PLAYED = "outcome=played nonFatalErrors=0 rebufferCount=0 seekCount=0"
      + " seekLatencyMs=null averageBitrateBps=null upscalePercentage=null downscalePercentage=null"
      + " maxUpscalePercentage=null droppedFrames=0 totalFrames=0 droppedFrameRate=null switchesUp=0 switchesDown=0";
  /** Those fields in CSV. */
  private static final String PLAYED_CSV = "played,0,0,0,,,,,,0,0,,0,0";
  private static final String B = "B,\"q\"";

  @Parameter
  TestStores.Engine engine;
  private TestServer s;
  private Viewpulse client;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    client = Viewpulse.builder().baseUrl("http://127.0.0.1:" + s.vp.port()).apiKey(s.secretKey).build();
    s.asset("pbX");
    for (String name : new String[] {"experiment", "player", "region"}) {
      client.declareCustomDimension(name);
    }
    view("x1", T0, "192.0.2.10", b -> b.customDimension("experiment", "A").customDimension("player", "hls.js")
        .field("cdn", "akamai"));
    view("x2", T0.plusSeconds(10), "198.51.100.10", b -> b.customDimension("experiment", B));
    view("x3", T0.plusSeconds(20), "203.0.113.5", b -> b);
    s.clock.set(T0.plusSeconds(3600));
    s.flush();
  }

  private void view(String id, Instant start, String ip, java.util.function.UnaryOperator<Beacons> custom) {
    s.clock.set(start.plusSeconds(5));
    // without Livepeer's player field, which would be the value of the declared name player
    Http.Response r = s.beacon(custom.apply(Beacons.session(id, "pbX").uid("viewer-" + id).without("player"))
        .play(start)
        .heartbeat(id + "h", start.plusSeconds(4), 4000, 0, 0, 0, 100L).ended(start.plusSeconds(4)).json(), ip);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("dropped").toString()).isEqualTo("{}");
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private JsonNode get(String pathAndQuery) {
    Http.Response r = s.query(pathAndQuery);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** A view's fields from asn on, as name=value (null for unknown). */
  private static String tail(JsonNode v) {
    List<String> out = new ArrayList<>();
    boolean on = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> f = it.next();
      on |= f.getKey().equals("asn");
      if (on) {
        out.add(f.getKey() + "=" + (f.getValue().isNull() ? "null" : f.getValue().asText()));
      }
    }
    return String.join(" ", out);
  }

  @Test
  void theListAndAViewOpenedCarryTheCustomDimensionsByTheirNamesAfterTheNetworkOnes() {
    JsonNode views = get("/api/data/views").get("views");
    List<String> tails = new ArrayList<>();
    views.forEach(v -> tails.add(v.get("viewerId").asText() + ": " + tail(v)));
    assertThat(tails).as("newest first, every declared name on every view").containsExactly(
        "viewer-x3: asn=null isp=null cdn=null " + PLAYED + " custom.experiment=null custom.player=null"
            + " custom.region=null failed=false",
        "viewer-x2: asn=64501 isp=Beispiel Telekom AG cdn=null " + PLAYED + " custom.experiment=" + B
            + " custom.player=null custom.region=null failed=false",
        "viewer-x1: asn=64500 isp=Example Cable Ltd cdn=akamai " + PLAYED + " custom.experiment=A"
            + " custom.player=hls.js custom.region=null failed=false");
    JsonNode opened = get("/api/data/views/" + views.get(2).get("viewId").asText()).get("view");
    assertThat(opened).isEqualTo(views.get(2));
    JsonNode filtered = get("/api/data/views?filters[]=!custom.experiment:A&filters[]=!isp:Beispiel%20Telekom%20AG")
        .get("views");
    assertThat(filtered).extracting(v -> v.get("viewerId").asText()).containsExactly("viewer-x3");
  }

  @Test
  void theCsvExportHasAColumnPerDeclaredNameAfterTheFixedOnes() {
    Http.Response r = s.query("/api/data/views/export?format=csv&" + RANGE);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> lines = List.of(r.body().split("\r\n", -1));
    assertThat(lines.get(0)).isEqualTo(FIXED + ",custom.experiment,custom.player,custom.region");
    assertThat(lines).hasSize(5);
    assertThat(lines.get(1)).contains(",viewer-x1,").endsWith(",4000,100,0,0,true,true,64500,Example Cable Ltd,"
        + "akamai," + PLAYED_CSV + ",A,hls.js,");
    assertThat(lines.get(2)).contains(",viewer-x2,").endsWith(",true,true,64501,Beispiel Telekom AG,,"
        + PLAYED_CSV + ",\"B,\"\"q\"\"\",,");
    assertThat(lines.get(3)).contains(",viewer-x3,").endsWith(",true,true,,,," + PLAYED_CSV + ",,,");
    assertThat(lines.get(4)).isEmpty();
  }

  @Test
  void theNdjsonExportIsTheListOldestFirstWithoutFailed() throws Exception {
    List<JsonNode> listed = new ArrayList<>();
    get("/api/data/views?" + RANGE).get("views").forEach(v -> {
      com.fasterxml.jackson.databind.node.ObjectNode o = v.deepCopy();
      o.remove("failed");
      listed.add(0, o);
    });
    Http.Response r = s.query("/api/data/views/export?format=ndjson&" + RANGE);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> exported = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      exported.add(Http.JSON.readTree(line));
    }
    assertThat(exported).containsExactlyElementsOf(listed);
    assertThat(exported.get(0).get("custom.player").asText()).isEqualTo("hls.js");
  }

  @Test
  void theParquetExportNamesItsCustomColumnsByTheDeclaredNames() throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + s.vp.port() + "/api/data/views/export?format=parquet&" + RANGE))
        .header("Authorization", "Bearer " + s.secretKey).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    Path file = Files.createTempFile("views", ".parquet");
    try {
      Files.write(file, r.body());
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
        List<String> columns = column(c, "SELECT column_name || ' ' || column_type FROM (DESCRIBE SELECT * FROM"
            + " read_parquet(?))", file);
        assertThat(String.join(",", columns.stream().map(l -> l.substring(0, l.indexOf(' '))).toList()))
            .isEqualTo(FIXED + ",custom.experiment,custom.player,custom.region");
        assertThat(columns.subList(columns.size() - 6, columns.size())).containsExactly("droppedFrameRate DOUBLE",
            "switchesUp INTEGER", "switchesDown INTEGER", "custom.experiment VARCHAR", "custom.player VARCHAR",
            "custom.region VARCHAR");
        assertThat(column(c, "SELECT viewerId || ' ' || coalesce(\"custom.experiment\", '-') || ' '"
            + " || coalesce(\"custom.player\", '-') || ' ' || coalesce(\"custom.region\", '-') || ' '"
            + " || coalesce(asn, '-') || ' ' || coalesce(cdn, '-') FROM read_parquet(?) ORDER BY viewerId", file))
            .containsExactly("viewer-x1 A hls.js - 64500 akamai", "viewer-x2 " + B + " - - 64501 -",
                "viewer-x3 - - - - -");
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static List<String> column(Connection c, String sql, Path file) throws Exception {
    List<String> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, file.toString());
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  @Test
  void theJavaClientGivesTheNetworkAndCustomDimensionsOfAView() {
    List<View> views = client.listViews(ViewListQuery.builder().build()).views();
    assertThat(views).extracting(View::viewerId).containsExactly("viewer-x3", "viewer-x2", "viewer-x1");
    View x1 = views.get(2);
    Map<String, String> custom = new LinkedHashMap<>();
    custom.put("experiment", "A");
    custom.put("player", "hls.js");
    custom.put("region", null);
    assertThat(x1.custom()).containsExactlyEntriesOf(custom);
    assertThat(x1.asn() + "/" + x1.isp() + "/" + x1.cdn()).isEqualTo("64500/Example Cable Ltd/akamai");
    assertThat(x1.dimension(Dimension.custom("player"))).isEqualTo("hls.js");
    assertThat(x1.dimension(Dimension.CDN)).isEqualTo("akamai");
    assertThat(views.get(1).dimension(Dimension.custom("experiment"))).isEqualTo(B);
    assertThat(views.get(0).dimension(Dimension.ISP)).isNull();
    assertThat(client.getView(x1.viewId()).view()).isEqualTo(x1);
    assertThat(client.listViews(ViewListQuery.builder().filter(Dimension.custom("experiment"), "A", B)
        .exclude(Dimension.CDN, "akamai").build()).views()).extracting(View::viewerId).containsExactly("viewer-x2");

    ByteArrayOutputStream csv = new ByteArrayOutputStream();
    ExportProgress done = client.exportViews(ViewListQuery.builder().from(T0).to(T0.plusSeconds(3600)).build(),
        ExportFormat.CSV, csv, null, p -> { });
    assertThat(done.views()).isEqualTo(3);
    assertThat(csv.toString(StandardCharsets.UTF_8)).isEqualTo(s.query("/api/data/views/export?format=csv&" + RANGE)
        .body());
  }

  @Test
  void theCommandLineListsTheNetworkAndCustomDimensionsAndExportsThem() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "list-views", "--format", "csv",
        "--server", "http://127.0.0.1:" + s.vp.port(), "--key", s.secretKey);
    assertThat(code).as(err.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).isEqualTo("started,viewId,playbackId,viewerId,device,browser,country,playtimeMs,ttffMs,"
        + "rebufferMs,errors,failed,outcome,rebufferCount,asn,isp,cdn,custom.experiment,custom.player,custom.region");
    assertThat(lines.subList(1, 4)).extracting(l -> l.substring(l.indexOf(",pbX,") + 5)).containsExactly(
        "viewer-x3,desktop,Chrome,GB,4000,100,0,0,false,played,0,,,,,,",
        "viewer-x2,desktop,Chrome,DE,4000,100,0,0,false,played,0,64501,Beispiel Telekom AG,,\"B,\"\"q\"\"\",,",
        "viewer-x1,desktop,Chrome,US,4000,100,0,0,false,played,0,64500,Example Cable Ltd,akamai,A,hls.js,");

    Path file = Files.createTempFile("views", ".csv");
    try {
      Files.delete(file);
      int exported = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "export", "--format", "csv",
          "--from", T0.toString(), "--to", T0.plusSeconds(3600).toString(), "--out", file.toString(),
          "--server", "http://127.0.0.1:" + s.vp.port(), "--key", s.secretKey);
      assertThat(exported).as(err.toString()).isZero();
      assertThat(Files.readString(file)).isEqualTo(s.query("/api/data/views/export?format=csv&" + RANGE).body());
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
