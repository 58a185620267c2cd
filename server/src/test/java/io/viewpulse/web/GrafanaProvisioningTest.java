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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Grafana provisioning files hold together (no Grafana can be installed here): every engagement panel's URL is
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

  @Test
  void everyEngagementPanelIsAnsweredWithTheFieldsItReads() throws Exception {
    List<JsonNode> targets = targets(read("dashboards/viewpulse-engagement.json"));
    assertThat(targets).hasSizeGreaterThan(10);
    for (JsonNode t : targets) {
      String url = t.get("url").asText().replace("${VIEWPULSE_URL}", "")
          .replace("${__from}", Long.toString(T0.minusSeconds(86_400).toEpochMilli()))
          .replace("${__to}", Long.toString(T0.plusSeconds(86_400).toEpochMilli()))
          .replace("${playbackId}", "").replace("${timeStep}", "day");
      assertThat(url).doesNotContain("${");
      Http.Response r = s.http.getWithKey(url, s.secretKey);
      assertThat(r.status()).as(url + " " + r.body()).isEqualTo(200);
      assertThat(r.json()).as(url).isNotEmpty();
      for (JsonNode c : t.get("columns")) {
        String field = c.get("selector").asText();
        assertThat(r.json().findValues(field)).as(url + " has " + field).isNotEmpty();
      }
    }
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
