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
 * never in dashboards), every engagement panel, as the provisioned datasource and the Infinity plugin run it, is
 * answered by the API with the fields the panel reads, every Prometheus expression names metrics /metrics exports,
 * and the dashboards use the datasources the provisioning defines.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrafanaProvisioningTest {
  private static final Path GRAFANA = Path.of("..", "grafana");
  private TestServer s;

  @BeforeAll
  void seed() {
    s = new TestServer();
    s.asset("vod1");
    s.vp.catalog().create(s.accountId, new Catalog.NewMedia(Media.Kind.STREAM, "chan1", "Channel", "chanpb", null,
        null, "channel"));
    s.clock.set(T0.plusSeconds(5));
    s.beacon(Beacons.session("a", "vod1").play(T0).heartbeat("h", T0.plusSeconds(5), 5000, 0, 400, 0, 200L).json(),
        "192.0.2.1");
    s.beacon(Beacons.session("b", "chanpb").live(true).error(T0, "unknown", "x").json(), "192.0.2.2");
    s.beacon(Beacons.session("c", "nobody").play(T0).json(), "192.0.2.3");
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

  @Test
  void dashboardsUseOnlyTheVariablesTheyDefineAndGrafanasOwn() throws Exception {
    for (String f : List.of("dashboards/viewpulse-engagement.json", "dashboards/viewpulse-live-ops.json")) {
      JsonNode d = read(f);
      Set<String> defined = new HashSet<>(GRAFANA_GLOBALS);
      d.path("templating").path("list").forEach(v -> defined.add(v.get("name").asText()));
      // Grafana substitutes environment variables in provisioning files only, never in a dashboard's JSON
      assertThat(variablesUsed(d.get("panels"))).as(f).isSubsetOf(defined);
    }
  }

  /**
   * Every engagement panel as provisioned Grafana runs it: the datasource's URL and key from the provisioning file,
   * with the environment Grafana is given substituted as Grafana does; the panel's URL with the dashboard's
   * variables (each value the time step offers; no playback id, and one), joined to the datasource's URL as the
   * Infinity plugin joins them and within its allowed hosts. A real Viewpulse answers each with the fields the panel
   * reads.
   */
  @Test
  void everyEngagementPanelAsProvisionedIsAnsweredWithTheFieldsItReads() throws Exception {
    String viewpulse = "http://127.0.0.1:" + s.vp.port();
    JsonNode infinity = null;
    for (JsonNode d : provisioned("provisioning/datasources/viewpulse.yaml", Map.of("VIEWPULSE_URL", viewpulse,
        "VIEWPULSE_API_KEY", s.secretKey, "PROMETHEUS_URL", "http://127.0.0.1:9090")).get("datasources")) {
      if (d.get("type").asText().equals("yesoreyeram-infinity-datasource")) {
        infinity = d;
      }
    }
    assertThat(infinity).isNotNull();
    String base = infinity.path("url").asText();
    assertThat(base).as("the datasource's URL, where Grafana substitutes VIEWPULSE_URL").isEqualTo(viewpulse);
    assertThat(infinity.at("/jsonData/auth_method").asText()).isEqualTo("bearerToken");
    String token = infinity.at("/secureJsonData/bearerToken").asText();
    List<String> allowed = new ArrayList<>();
    infinity.at("/jsonData/allowedHosts").forEach(h -> allowed.add(h.asText()));

    JsonNode dashboard = read("dashboards/viewpulse-engagement.json");
    List<String> timeSteps = new ArrayList<>();
    dashboard.at("/templating/list").forEach(v -> {
      if (v.get("name").asText().equals("timeStep")) {
        v.get("options").forEach(o -> timeSteps.add(o.get("value").asText()));
      }
    });
    assertThat(timeSteps).containsExactly("hour", "day", "week", "month");
    List<JsonNode> targets = targets(dashboard);
    assertThat(targets).hasSizeGreaterThan(10);
    Http client = new Http("");
    int asked = 0;
    for (JsonNode t : targets) {
      assertThat(t.at("/datasource/uid").asText()).isEqualTo(infinity.get("uid").asText());
      for (String playbackId : List.of("", "vod1")) {
        for (String step : timeSteps) {
          // the filters as typed: none, or a negation each (everything the seed holds stays)
          boolean filtered = step.equals("day");
          String panelUrl = t.get("url").asText()
              .replace("${__from}", Long.toString(T0.minusSeconds(86_400).toEpochMilli()))
              .replace("${__to}", Long.toString(T0.plusSeconds(86_400).toEpochMilli()))
              .replace("${playbackId}", playbackId).replace("${timeStep}", step)
              .replace("${filter}", filtered ? "!country:ZZ" : "").replace("${filter2}", filtered ? "!os:None" : "");
          assertThat(panelUrl).doesNotContain("$");
          String url = infinityUrl(base, panelUrl);
          assertThat(allowed).as("Infinity's allowed hosts for " + url).anyMatch(url::startsWith);
          Http.Response r = client.get(url, "Authorization", "Bearer " + token);
          assertThat(r.status()).as(url + " " + r.body()).isEqualTo(200);
          assertThat(r.json()).as(url).isNotEmpty();
          for (JsonNode c : t.get("columns")) {
            String field = c.get("selector").asText();
            assertThat(r.json().findValues(field)).as(url + " has " + field).isNotEmpty();
          }
          asked++;
        }
      }
    }
    assertThat(asked).isEqualTo(targets.size() * 2 * timeSteps.size());
    // every engagement panel takes the two filters
    assertThat(targets).allMatch(t -> t.get("url").asText().endsWith("&filters[]=${filter}&filters[]=${filter2}"));
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
    for (String f : List.of("dashboards/viewpulse-engagement.json", "dashboards/viewpulse-live-ops.json")) {
      JsonNode d = read(f);
      assertThat(d.get("uid").asText()).startsWith("viewpulse-");
      d.findValues("datasource").forEach(ref -> assertThat(uids).contains(ref.get("uid").asText()));
    }
    JsonNode providers = new ObjectMapper(new YAMLFactory()).readTree(
        Files.readString(GRAFANA.resolve("provisioning/dashboards/viewpulse.yaml")));
    assertThat(providers.at("/providers/0/options/path").asText()).isEqualTo("/var/lib/grafana/dashboards/viewpulse");
  }
}
