package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
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
 * Custom dimensions end to end: declared through the API, sent by players in a beacon's {@code custom} object (and
 * Livepeer's {@code player} field), dropped with a reason when undeclared or bad, broken down and filtered by as
 * {@code custom.<name>} on the views query and {@code /now}, and the CDN a beacon names as the dimension {@code cdn}.
 *
 * <p>Sessions: a (experiment A, content-type vod, an undeclared color, CDN akamai), b (experiment B, Livepeer's player
 * field "video", CDN fastly as {@code custom.cdn}), c (experiment 5 sent as a number, a content type of 129
 * characters, dropped), d (nothing custom). Each plays 4 seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class CustomDimensionsApiTest {
  @Parameter
  TestStores.Engine engine;
  private TestServer s;
  private final Map<String, JsonNode> acks = new TreeMap<>();

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    s.asset("pbC");
    for (String name : new String[] {"experiment", "player", "content-type"}) {
      Http.Response r = declare(name);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
    s.clock.set(T0.plusSeconds(5));
    send("a", Map.of("experiment", "A", "content-type", "vod", "color", "red", "cdn", "akamai"), null);
    send("b", Map.of("experiment", "B", "cdn", "fastly"), "video");
    ObjectNode c = Http.JSON.createObjectNode();
    c.put("experiment", 5);
    c.put("content-type", "x".repeat(129));
    sendJson("c", c, null);
    send("d", Map.of(), null);
    s.flush();
  }

  private Http.Response declare(String name) {
    return s.http.post("/api/custom-dimensions", "{\"name\":\"" + name + "\"}", "Authorization",
        "Bearer " + s.secretKey, "Content-Type", "application/json");
  }

  private void send(String session, Map<String, String> custom, String player) {
    ObjectNode o = Http.JSON.createObjectNode();
    custom.forEach(o::put);
    sendJson(session, custom.isEmpty() ? null : o, player);
  }

  private void sendJson(String session, ObjectNode custom, String player) {
    Instant start = T0;
    ObjectNode body = (ObjectNode) Http.JSON.valueToTree(readTree(Beacons.session(session, "pbC").play(start)
        .heartbeat("h" + session, start.plusSeconds(4), 4000, 0, 0, 0, 100L).json()));
    body.remove("player");
    if (player != null) {
      body.put("player", player);
    }
    if (custom != null) {
      body.set("custom", custom);
    }
    Http.Response r = s.beacon(body.toString(), "198.51.100." + (10 + session.charAt(0) - 'a'));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    acks.put(session, r.json().get("dropped"));
  }

  private static JsonNode readTree(String json) {
    try {
      return Http.JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private Map<String, Long> views(String query, String dimension) {
    Http.Response r = s.query(query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Map<String, Long> out = new TreeMap<>();
    for (JsonNode n : r.json()) {
      out.put(n.has(dimension) ? n.get(dimension).asText() : "-", n.get("viewCount").asLong());
    }
    return out;
  }

  @Test
  @Order(1)
  void undeclaredNamesAndBadValuesAreDroppedWithTheirReason() {
    assertThat(acks.get("a").toString()).isEqualTo("{\"custom_dimension_undeclared\":1}");
    assertThat(acks.get("b").toString()).isEqualTo("{}");
    assertThat(acks.get("c").toString()).isEqualTo("{\"custom_value_invalid\":1}");
    assertThat(acks.get("d").toString()).isEqualTo("{}");
  }

  @Test
  @Order(2)
  void customDimensionsBreakDownAndFilterByTheirDeclaredNames() {
    assertThat(views("/api/data/views/query?breakdownBy[]=custom.experiment", "custom.experiment"))
        .isEqualTo(Map.of("A", 1L, "B", 1L, "5", 1L, "-", 1L));
    assertThat(views("/api/data/views/query?breakdownBy[]=custom.player", "custom.player"))
        .as("Livepeer's player field, for the declared name player").isEqualTo(Map.of("video", 1L, "-", 3L));
    assertThat(views("/api/data/views/query?breakdownBy[]=custom.content-type&filters[]=!custom.experiment:B",
        "custom.content-type")).isEqualTo(Map.of("vod", 1L, "-", 2L));
    assertThat(views("/api/data/views/query?breakdownBy[]=cdn&metrics=quality", "cdn"))
        .isEqualTo(Map.of("akamai", 1L, "fastly", 1L, "-", 2L));
    assertThat(views("/api/data/views/query?breakdownBy[]=custom.experiment&filters[]=cdn:fastly",
        "custom.experiment")).isEqualTo(Map.of("B", 1L));
    assertThat(views("/api/data/views/now?breakdownBy[]=custom.experiment&filters[]=cdn:akamai",
        "custom.experiment")).as("sessions playing now").isEqualTo(Map.of("A", 1L));
  }

  @Test
  @Order(3)
  void theJavaClientBreaksDownAndFiltersByCustomAndNetworkDimensions() {
    io.viewpulse.client.Viewpulse client = io.viewpulse.client.Viewpulse.builder()
        .baseUrl("http://127.0.0.1:" + s.vp.port()).apiKey(s.secretKey).build();
    io.viewpulse.client.Dimension arm = io.viewpulse.client.Dimension.custom("experiment");
    assertThat(client.listCustomDimensions()).containsExactly(arm, io.viewpulse.client.Dimension.custom("player"),
        io.viewpulse.client.Dimension.custom("content-type"));
    Map<String, Long> byArm = new TreeMap<>();
    for (var m : client.getViews(io.viewpulse.client.ViewsQuery.builder().breakdownBy(arm)
        .exclude(io.viewpulse.client.Dimension.CDN, "akamai").build())) {
      byArm.put(String.valueOf(m.dimension(arm)), m.viewCount());
    }
    assertThat(byArm).isEqualTo(Map.of("B", 1L, "5", 1L, "null", 1L));
    assertThat(io.viewpulse.client.Filter.parse("!custom.experiment:B"))
        .isEqualTo(io.viewpulse.client.Filter.not(arm, "B"));
  }

  @Test
  @Order(4)
  void aCustomDimensionTheAccountDidNotDeclareIsRefused() {
    Http.Response r = s.query("/api/data/views/query?breakdownBy[]=custom.region");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo(
        "custom dimension region is not declared (this account declared experiment, player, content-type)");
    Http.Response f = s.query("/api/data/views/now?filters[]=custom.region:x");
    assertThat(f.status()).isEqualTo(400);
    assertThat(f.error()).startsWith("custom dimension region is not declared");
    assertThat(s.query("/api/data/views/query?breakdownBy[]=custom.1").status()).as("never by slot").isEqualTo(400);
  }

  @Test
  @Order(5)
  void anAccountDeclaresAtMostTenAndEachNameOnce() {
    assertThat(declare("experiment").status()).isEqualTo(409);
    assertThat(declare("Bad Name").status()).isEqualTo(400);
    for (int i = 4; i <= 10; i++) {
      Http.Response r = declare("d" + i);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      assertThat(r.json().get("slot").asInt()).isEqualTo(i);
    }
    Http.Response eleventh = declare("d11");
    assertThat(eleventh.status()).isEqualTo(400);
    assertThat(eleventh.error()).isEqualTo("an account declares at most 10 custom dimensions, and this one has");
    Http.Response list = s.query("/api/custom-dimensions");
    assertThat(list.json().size()).isEqualTo(10);
    assertThat(list.json().get(2).get("dimension").asText()).isEqualTo("custom.content-type");
  }
}
