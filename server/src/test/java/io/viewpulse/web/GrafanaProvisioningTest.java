package io.viewpulse.web;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Dashboards;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Grafana provisioning files hold together (no Grafana can be installed here): the dashboards are what Grafana
 * loads (no variable but their own and Grafana's: Grafana substitutes environment variables in provisioning files,
 * never in dashboards), every panel of the engagement and quality dashboards, as the provisioned datasource and the
 * Infinity plugin run it, is answered by the API with the fields the panel reads (the quality panels with exactly the
 * seed's values), every Prometheus expression names metrics /metrics exports, and the dashboards use the datasources
 * the provisioning defines.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrafanaProvisioningTest {
  private static final Path GRAFANA = Path.of("..", "grafana");
  private TestServer s;

  @BeforeAll
  void seed() {
    // with the test ASN database: 192.0.2.0/24 is Example Cable Ltd, 198.51.100.0/24 Beispiel Telekom AG
    s = new TestServer(io.viewpulse.testing.TestStores.Engine.DUCKDB);
    s.asset("vod1");
    s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, "chan1", "Channel", "chanpb", null,
        null, "channel"));
    s.clock.set(T0.plusSeconds(5));
    s.beacon(Beacons.session("a", "vod1").field("cdn", "akamai").play(T0).heartbeat("h", T0.plusSeconds(5), 5000, 0, 400, 0, 200L).json(),
        "192.0.2.1");
    s.beacon(Beacons.session("b", "chanpb").live(true).error(T0, "unknown", "x").json(), "192.0.2.2");
    s.beacon(Beacons.session("c", "nobody").play(T0).json(), "192.0.2.3");
    s.beacon(Beacons.session("q", "vod1").field("cdn", "fastly").userAgent(Beacons.FIREFOX_WINDOWS).play(T0)
        .heartbeat("q1", T0.plusSeconds(2), 1500, 0, 500, 0, 500L).with("video_width_px", 1280)
        .with("video_height_px", 720).with("player_width_px", 1920).with("player_height_px", 1080)
        .with("bitrate_bps", 2_000_000).with("dropped_frames", 0).with("total_frames", 45)
        .warning(T0.plusSeconds(3), "offline")
        .heartbeat("q2", T0.plusSeconds(4), 1000, 1000, 0, 0, null).with("video_width_px", 1280)
        .with("video_height_px", 720).with("player_width_px", 1920).with("player_height_px", 1080)
        .with("bitrate_bps", 1_000_000).with("rendition_down_count", 1).with("dropped_frames", 3)
        .with("total_frames", 30)
        .ended(T0.plusSeconds(4)).json(), "198.51.100.4");
    s.lastBeacon(Beacons.session("x", "chanpb").live(true).play(T0)
        .heartbeat("x1", T0.plusSeconds(3), 0, 0, 3000, 0, null).json(), "192.0.2.5");
    s.flush();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private static JsonNode read(String file) throws Exception {
    return new ObjectMapper().readTree(Files.readString(GRAFANA.resolve(file)));
  }

  private static List<JsonNode> targets(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    dashboard.get("panels").forEach(p -> p.get("targets").forEach(out::add));
    return out;
  }

  /**
   * Grafana's substitution of environment variables in provisioning files: {@code $NAME} and {@code ${NAME}} in
   * values (unset: empty), {@code $$} for a literal {@code $}. Dashboard JSON files get none of it.
   */
  static String expandEnv(String value, Map<String, String> env) {
    Matcher m = ENV.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      m.appendReplacement(out, Matcher.quoteReplacement(
          m.group().equals("$$") ? "$" : env.getOrDefault(name, "")));
    }
    return m.appendTail(out).toString();
  }

  private static final Pattern ENV = Pattern.compile("\\$\\$|\\$\\{([A-Za-z0-9_]+)}|\\$([A-Za-z0-9_]+)");

  /** The provisioning file's tree with every string value expanded as Grafana expands it. */
  private static JsonNode provisioned(String file, Map<String, String> env) throws Exception {
    JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(GRAFANA.resolve(file)));
    return expand(tree, env);
  }

  private static JsonNode expand(JsonNode n, Map<String, String> env) {
    if (n.isTextual()) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(expandEnv(n.asText(), env));
    }
    if (n.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) n;
      o.fieldNames().forEachRemaining(f -> o.set(f, expand(o.get(f), env)));
    } else if (n.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode a = (com.fasterxml.jackson.databind.node.ArrayNode) n;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, expand(a.get(i), env));
      }
    }
    return n;
  }

  /**
   * How the Infinity plugin builds a query's URL (GetQueryURL in its pkg/infinity/request.go): the datasource's URL
   * and the query's, concatenated unless the query's starts with it; then Go's url.Values.Encode of the query string
   * (keys sorted, escaped as QueryEscape does).
   */
  static String infinityUrl(String datasourceUrl, String queryUrl) {
    String joined = queryUrl.startsWith(datasourceUrl) ? queryUrl : datasourceUrl + queryUrl;
    int q = joined.indexOf('?');
    if (q < 0) {
      return joined;
    }
    java.util.TreeMap<String, List<String>> params = new java.util.TreeMap<>();
    for (String pair : joined.substring(q + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      params.computeIfAbsent(k, x -> new ArrayList<>()).add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    List<String> encoded = new ArrayList<>();
    params.forEach((k, vs) -> vs.forEach(v -> encoded.add(goQueryEscape(k) + "=" + goQueryEscape(v))));
    return joined.substring(0, q) + "?" + String.join("&", encoded);
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String goQueryEscape(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-_.~".indexOf(c) >= 0) {
        out.append(c);
      } else if (c == ' ') {
        out.append('+');
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** Grafana's own variables a dashboard may use without defining them. */
  private static final Set<String> GRAFANA_GLOBALS = Set.of("__from", "__to", "__interval", "__interval_ms",
      "__rate_interval", "__range", "__range_s", "__range_ms", "__timezone", "__dashboard", "__org", "__user");

  /** Every {@code $name}, {@code ${name}}, {@code ${name:format}} and {@code [[name]]} in a dashboard's strings. */
  private static Set<String> variablesUsed(JsonNode n) {
    Set<String> out = new java.util.TreeSet<>();
    if (n.isTextual()) {
      Matcher m = VARIABLE.matcher(n.asText());
      while (m.find()) {
        out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
      }
    }
    n.forEach(child -> out.addAll(variablesUsed(child)));
    return out;
  }

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z0-9_.]+)(?::[^}]*)?}|\\$([A-Za-z0-9_]+)|\\[\\[([A-Za-z0-9_.]+)(?::[^\\]]*)?]]");

  /** The dashboards that read the API through the Infinity datasource, and all of them. */
  private static final List<String> API_DASHBOARDS =
      List.of("dashboards/viewpulse-engagement.json", "dashboards/viewpulse-quality.json");
  private static final List<String> DASHBOARDS = List.of("dashboards/viewpulse-engagement.json",
      "dashboards/viewpulse-quality.json", "dashboards/viewpulse-live-ops.json");

  @Test
  void dashboardsUseOnlyTheVariablesTheyDefineAndGrafanasOwn() throws Exception {
    for (String f : DASHBOARDS) {
      JsonNode d = read(f);
      Set<String> defined = new HashSet<>(GRAFANA_GLOBALS);
      d.path("templating").path("list").forEach(v -> defined.add(v.get("name").asText()));
      // Grafana substitutes environment variables in provisioning files only, never in a dashboard's JSON
      assertThat(variablesUsed(d.get("panels"))).as(f).isSubsetOf(defined);
    }
  }

  /** The provisioned Infinity datasource, with the environment Grafana is given substituted as Grafana does. */
  private JsonNode infinity() throws Exception {
    JsonNode infinity = null;
    for (JsonNode d : provisioned("provisioning/datasources/viewpulse.yaml", Map.of("VIEWPULSE_URL", viewpulse(),
        "VIEWPULSE_API_KEY", s.secretKey, "PROMETHEUS_URL", "http://127.0.0.1:9090")).get("datasources")) {
      if (d.get("type").asText().equals("yesoreyeram-infinity-datasource")) {
        infinity = d;
      }
    }
    assertThat(infinity).isNotNull();
    return infinity;
  }

  private String viewpulse() {
    return "http://127.0.0.1:" + s.vp.port();
  }

  /**
   * One panel's query as provisioned Grafana runs it: the panel's URL with the dashboard's variables as given (the
   * time range the seed's day), joined to the datasource's URL as the Infinity plugin joins them, within its allowed
   * hosts, sent with the provisioned key.
   */
  private Http.Response run(JsonNode infinity, JsonNode target, String playbackId, String step, String filter,
      String filter2) {
    String panelUrl = target.get("url").asText()
        .replace("${__from}", Long.toString(T0.minusSeconds(86_400).toEpochMilli()))
        .replace("${__to}", Long.toString(T0.plusSeconds(86_400).toEpochMilli()))
        .replace("${playbackId}", playbackId).replace("${timeStep}", step)
        .replace("${filter}", filter).replace("${filter2}", filter2);
    assertThat(panelUrl).doesNotContain("$");
    String url = infinityUrl(infinity.path("url").asText(), panelUrl);
    List<String> allowed = new ArrayList<>();
    infinity.at("/jsonData/allowedHosts").forEach(h -> allowed.add(h.asText()));
    assertThat(allowed).as("Infinity's allowed hosts for " + url).anyMatch(url::startsWith);
    Http.Response r = new Http("").get(url, "Authorization",
        "Bearer " + infinity.at("/secureJsonData/bearerToken").asText());
    assertThat(r.status()).as(url + " " + r.body()).isEqualTo(200);
    return r;
  }

  /**
   * Every panel of both API dashboards as provisioned Grafana runs it: the datasource's URL and key from the
   * provisioning file; the panel's URL with the dashboard's variables (each value the time step offers; no playback
   * id, and one; the filter boxes empty, and a negation each), joined to the datasource's URL as the Infinity plugin
   * joins them and within its allowed hosts. A real Viewpulse answers each with the fields the panel reads.
   */
  @Test
  void everyApiPanelAsProvisionedIsAnsweredWithTheFieldsItReads() throws Exception {
    JsonNode infinity = infinity();
    assertThat(infinity.path("url").asText()).as("the datasource's URL, where Grafana substitutes VIEWPULSE_URL")
        .isEqualTo(viewpulse());
    assertThat(infinity.at("/jsonData/auth_method").asText()).isEqualTo("bearerToken");
    for (String f : API_DASHBOARDS) {
      JsonNode dashboard = read(f);
      List<String> timeSteps = new ArrayList<>();
      Set<String> variables = new HashSet<>();
      dashboard.at("/templating/list").forEach(v -> {
        variables.add(v.get("name").asText());
        if (v.get("name").asText().equals("timeStep")) {
          v.get("options").forEach(o -> timeSteps.add(o.get("value").asText()));
        }
      });
      assertThat(variables).as(f).containsExactlyInAnyOrder("playbackId", "timeStep", "filter", "filter2");
      assertThat(timeSteps).containsExactly("hour", "day", "week", "month");
      List<JsonNode> targets = targets(dashboard);
      assertThat(targets).hasSizeGreaterThan(10);
      int asked = 0;
      for (JsonNode t : targets) {
        assertThat(t.at("/datasource/uid").asText()).isEqualTo(infinity.get("uid").asText());
        for (String playbackId : List.of("", "vod1")) {
          for (String step : timeSteps) {
            // the filters as typed: none, or a negation each (everything the seed holds stays)
            boolean filtered = step.equals("day");
            Http.Response r = run(infinity, t, playbackId, step, filtered ? "!country:ZZ" : "",
                filtered ? "!os:None" : "");
            assertThat(r.json()).as(f + " " + t.get("url")).isNotEmpty();
            for (JsonNode c : t.get("columns")) {
              String field = c.get("selector").asText();
              assertThat(r.json().findValues(field)).as(t.get("url") + " has " + field).isNotEmpty()
                  .allMatch(v -> v.isNumber() || v.isTextual());
            }
            asked++;
          }
        }
      }
      assertThat(asked).isEqualTo(targets.size() * 2 * timeSteps.size());
      // every panel takes the two filters
      assertThat(targets).as(f)
          .allMatch(t -> t.get("url").asText().endsWith("&filters[]=${filter}&filters[]=${filter2}"));
    }
    // every quality panel asks for the quality metrics
    assertThat(targets(read("dashboards/viewpulse-quality.json")))
        .allMatch(t -> t.get("url").asText().startsWith("/api/data/views/query?metrics=quality&"));
  }

  /**
   * The quality dashboard's panels show exactly the seed's views, whatever the time step (one bucket: all started at
   * T0), as typed into the boxes: nothing (the account), a playback id and a filter, a playback id and a negation.
   *
   * <pre>
   * view  video   what happens                                         scores
   * a     vod1    Chrome, TTFF 200 (waits 400), plays 5 s              startup 800 / 8.2 = 97.56098, smoothness
   *                                                                     (100 + 100 e^(-10 x 200 / 5200)) / 2 = 84.03562,
   *                                                                     experience (0.25 st + 0.45 sm) / 0.7 = 88.8661
   * q     vod1    Firefox, TTFF 500, plays 1.5 s at 2 Mb/s and 1 s at  startup 94.11765, smoothness (100 / sqrt(1.25)
   *               1 Mb/s (one switch down), 720p in a 1080p player     + 100 e^(-10 x 1000 / 3500)) / 2 = 47.59299,
   *               (upscaled by 0.5), one stall of 1 s, a warning,      quality 100 e^(-0.33 x 0.5) = 84.78937,
   *               3 of 75 frames dropped, ends                         experience 70.38307
   * b     chanpb  a fatal error before any frame                        0
   * x     chanpb  waits 3 s, the page closes before a frame            50 (exit before start)
   * </pre>
   */
  @Test
  void everyQualityPanelShowsTheScriptedViewsExactly() throws Exception {
    JsonNode infinity = infinity();
    Map<String, String> account = Map.ofEntries(Map.entry("viewerExperienceScore", "52.31229"),
        Map.entry("playbackSuccessScore", "62.5"), Map.entry("startupTimeScore", "95.83931"),
        Map.entry("smoothnessScore", "65.81431"), Map.entry("videoQualityScore", "84.78937"),
        Map.entry("playbackFailureRate", "0.25"), Map.entry("videoStartupFailureRate", "0.25"),
        Map.entry("exitsBeforeStart", "0.25"), Map.entry("nonFatalErrorRate", "0.25"),
        // one rebuffer in 8.7 s of watch time (a's wait beyond its first frame, 200 ms, is rebuffer time too)
        Map.entry("rebufferCount", "1"), Map.entry("rebufferFrequency", "6.896552"),
        Map.entry("rebufferDurationMs", "300.0"),
        // q's alone: (1.5 s x 2 + 1 s x 1 Mb/s) / 2.5 s
        Map.entry("averageBitrateBps", "1600000.0"), Map.entry("renditionSwitchUpCount", "0"),
        Map.entry("renditionSwitchDownCount", "1"), Map.entry("droppedFrameRate", "0.04"),
        Map.entry("upscalePercentage", "0.5"), Map.entry("downscalePercentage", "0.0"));
    Map<String, String> q = new java.util.HashMap<>(account);
    q.putAll(Map.ofEntries(Map.entry("viewerExperienceScore", "70.38307"), Map.entry("playbackSuccessScore", "100.0"),
        Map.entry("startupTimeScore", "94.11765"), Map.entry("smoothnessScore", "47.59299"),
        Map.entry("playbackFailureRate", "0.0"), Map.entry("videoStartupFailureRate", "0.0"),
        Map.entry("exitsBeforeStart", "0.0"), Map.entry("nonFatalErrorRate", "1.0"),
        Map.entry("rebufferFrequency", "17.14286"), Map.entry("rebufferDurationMs", "1000.0")));
    // a's player reported no bitrate, sizes or frames: those metrics are undefined, absent from the answer
    Map<String, String> a = new java.util.HashMap<>(q);
    a.putAll(Map.of("viewerExperienceScore", "88.8661", "startupTimeScore", "97.56098", "smoothnessScore",
        "84.03562", "nonFatalErrorRate", "0.0", "rebufferCount", "0", "rebufferFrequency", "0.0",
        "rebufferDurationMs", "200.0", "renditionSwitchDownCount", "0"));
    for (String undefined : List.of("videoQualityScore", "averageBitrateBps", "droppedFrameRate", "upscalePercentage",
        "downscalePercentage")) {
      a.put(undefined, null);
    }
    // the bucket of T0 (Monday 2 March, 10:00 UTC) for each step: weeks start on Sunday, the 1st as the month
    Map<String, Long> buckets = Map.of("hour", T0.toEpochMilli(), "day", T0.minusSeconds(36_000).toEpochMilli(),
        "week", T0.minusSeconds(86_400 + 36_000).toEpochMilli(),
        "month", T0.minusSeconds(86_400 + 36_000).toEpochMilli());
    int checked = 0;
    for (JsonNode t : targets(read("dashboards/viewpulse-quality.json"))) {
      if (t.get("url").asText().contains("breakdownBy[]=")) {
        continue;
      }
      for (String step : buckets.keySet()) {
        for (var v : List.of(Map.entry(List.of("", "", ""), account), Map.entry(List.of("vod1", "browser:Firefox",
            ""), q), Map.entry(List.of("vod1", "", "!browser:Firefox"), a))) {
          List<String> boxes = v.getKey();
          Http.Response r = run(infinity, t, boxes.get(0), step, boxes.get(1), boxes.get(2));
          assertThat(r.json()).as(r.body()).hasSize(1);
          JsonNode row = r.json().get(0);
          for (JsonNode c : t.get("columns")) {
            String field = c.get("selector").asText();
            String as = t.get("url").asText() + " " + boxes + " " + step + ": " + field;
            if (field.equals("timestamp")) {
              assertThat(row.get(field).asLong()).as(as).isEqualTo(buckets.get(step));
              continue;
            }
            assertThat(v.getValue()).as("an expected value for " + field).containsKey(field);
            String expected = v.getValue().get(field);
            assertThat(row.has(field) ? row.get(field).asText() : null).as(as).isEqualTo(expected);
            checked++;
          }
        }
      }
    }
    assertThat(checked).as("every panel's fields, four steps, three ways").isEqualTo(4 * 3 * 22);
    // the table of videos: vod1 (a and q) and chanpb (b, failed, and x, exited); with a filter, q alone
    for (JsonNode t : targets(read("dashboards/viewpulse-quality.json"))) {
      if (t.get("url").asText().contains("breakdownBy[]=playbackId")) {
        List<String> columns = new ArrayList<>();
        t.get("columns").forEach(c -> columns.add(c.get("selector").asText()));
        assertThat(columns).containsExactly("playbackId", "viewCount", "viewerExperienceScore",
            "playbackFailureRate", "videoStartupFailureRate", "rebufferFrequency", "averageBitrateBps",
            "droppedFrameRate");
        assertThat(tableRows(run(infinity, t, "", "day", "", ""), columns)).containsExactlyInAnyOrder(
            "vod1 2 79.62459 0.0 0.0 6.896552 1600000.0 0.04",
            "chanpb 2 25.0 0.5 0.5 - - -");
        assertThat(tableRows(run(infinity, t, "", "day", "browser:Firefox", "!country:ZZ"), columns))
            .containsExactly("vod1 1 70.38307 0.0 0.0 17.14286 1600000.0 0.04");
        checked++;
      }
    }
    assertThat(checked).isEqualTo(4 * 3 * 22 + 1);
    // the tables by network: a (akamai, Example Cable), q (fastly, Beispiel Telekom), b and x (no CDN, Example Cable)
    Map<String, List<String>> columns = new java.util.TreeMap<>();
    Map<String, JsonNode> byNetwork = new java.util.TreeMap<>();
    for (JsonNode t : targets(read("dashboards/viewpulse-quality.json"))) {
      for (String dim : List.of("cdn", "isp")) {
        if (t.get("url").asText().contains("breakdownBy[]=" + dim + "&")) {
          List<String> c = new ArrayList<>();
          t.get("columns").forEach(x -> c.add(x.get("selector").asText()));
          columns.put(dim, c);
          byNetwork.put(dim, t);
        }
      }
    }
    assertThat(columns).isEqualTo(Map.of(
        "cdn", List.of("cdn", "viewCount", "viewerExperienceScore", "playbackFailureRate", "rebufferFrequency",
            "averageBitrateBps"),
        "isp", List.of("isp", "viewCount", "viewerExperienceScore", "playbackFailureRate", "rebufferFrequency",
            "averageBitrateBps")));
    assertThat(tableRows(run(infinity, byNetwork.get("cdn"), "", "day", "", ""), columns.get("cdn")))
        .containsExactlyInAnyOrder("akamai 1 88.8661 0.0 0.0 -", "fastly 1 70.38307 0.0 17.14286 1600000.0",
            "- 2 25.0 0.5 - -");
    assertThat(tableRows(run(infinity, byNetwork.get("cdn"), "vod1", "day", "!cdn:akamai", ""), columns.get("cdn")))
        .containsExactly("fastly 1 70.38307 0.0 17.14286 1600000.0");
    assertThat(tableRows(run(infinity, byNetwork.get("isp"), "", "day", "", ""), columns.get("isp")))
        // a, b and x: experience (88.8661 + 0 + 50) / 3, one failure in three, no rebuffer, no bitrate reported
        .containsExactlyInAnyOrder("Example Cable Ltd 3 46.2887 0.3333333 0.0 -",
            "Beispiel Telekom AG 1 70.38307 0.0 17.14286 1600000.0");
    assertThat(tableRows(run(infinity, byNetwork.get("isp"), "", "day", "isp:Beispiel Telekom AG", ""),
        columns.get("isp"))).containsExactly("Beispiel Telekom AG 1 70.38307 0.0 17.14286 1600000.0");
  }

  private static List<String> tableRows(Http.Response r, List<String> columns) {
    List<String> out = new ArrayList<>();
    r.json().forEach(row -> out.add(String.join(" ", columns.stream()
        .map(c -> row.has(c) ? row.get(c).asText() : "-").toList())));
    return out;
  }

  /** Grafana places panels on a grid 24 columns wide by their gridPos, and tells them apart by id. */
  @Test
  void panelsHaveIdsOfTheirOwnAndDoNotOverlapOnTheGrid() throws Exception {
    for (String f : DASHBOARDS) {
      Set<Integer> ids = new HashSet<>();
      Set<String> cells = new HashSet<>();
      for (JsonNode p : read(f).get("panels")) {
        assertThat(ids.add(p.get("id").asInt())).as(f + ": id of " + p.get("title")).isTrue();
        JsonNode g = p.get("gridPos");
        int x = g.get("x").asInt();
        int y = g.get("y").asInt();
        assertThat(x + g.get("w").asInt()).as(f + ": " + p.get("title")).isBetween(1, 24);
        for (int i = x; i < x + g.get("w").asInt(); i++) {
          for (int j = y; j < y + g.get("h").asInt(); j++) {
            assertThat(cells.add(i + "," + j)).as(f + ": " + p.get("title") + " overlaps at " + i + "," + j).isTrue();
          }
        }
      }
      assertThat(ids).as(f).hasSizeGreaterThan(10);
    }
  }

  @Test
  void theInfinityPluginJoinsUrlsByConcatenation() {
    assertThat(infinityUrl("https://vp.example.com", "/api/data/views/query?to=2&from=1&breakdownBy[]=os"))
        .isEqualTo("https://vp.example.com/api/data/views/query?breakdownBy%5B%5D=os&from=1&to=2");
    assertThat(infinityUrl("https://vp.example.com", "https://vp.example.com/x")).isEqualTo("https://vp.example.com/x");
    assertThat(expandEnv("$A/${B}/$$C/${D}", Map.of("A", "a", "B", "b"))).isEqualTo("a/b/$C/");
  }

  /** The Kafka event log's metrics are checked against a server on Kafka, in KafkaServerTest. */
  @Test
  void everyPrometheusExpressionNamesExportedMetrics() throws Exception {
    Set<String> exported = Dashboards.exported(s.http.get("/metrics").body());
    Map<String, Set<String>> expressions = Dashboards.expressions("dashboards/viewpulse-live-ops.json");
    assertThat(expressions).hasSizeGreaterThan(12);
    for (var e : expressions.entrySet()) {
      assertThat(e.getValue()).as(e.getKey()).isNotEmpty();
      e.getValue().stream().filter(n -> !n.startsWith("viewpulse_kafka_"))
          .forEach(n -> assertThat(exported).as(e.getKey()).contains(n));
    }
  }

  @Test
  void dashboardsUseTheProvisionedDatasources() throws Exception {
    JsonNode ds = new ObjectMapper(new YAMLFactory()).readTree(
        Files.readString(GRAFANA.resolve("provisioning/datasources/viewpulse.yaml")));
    Set<String> uids = new HashSet<>();
    ds.get("datasources").forEach(d -> uids.add(d.get("uid").asText()));
    assertThat(uids).containsExactlyInAnyOrder("viewpulse-api", "viewpulse-prometheus");
    Set<String> dashboardUids = new HashSet<>();
    for (String f : DASHBOARDS) {
      JsonNode d = read(f);
      assertThat(dashboardUids.add(d.get("uid").asText())).as("a uid of its own: " + f).isTrue();
      assertThat(d.get("uid").asText()).startsWith("viewpulse-");
      d.findValues("datasource").forEach(ref -> assertThat(uids).contains(ref.get("uid").asText()));
    }
    JsonNode providers = new ObjectMapper(new YAMLFactory()).readTree(
        Files.readString(GRAFANA.resolve("provisioning/dashboards/viewpulse.yaml")));
    assertThat(providers.at("/providers/0/options/path").asText()).isEqualTo("/var/lib/grafana/dashboards/viewpulse");
  }
}
