package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The published OpenAPI document is valid, is what the server serves, and describes exactly its routes. */
class OpenApiTest {
  private static final Path DOC = Path.of("src/main/resources/io/viewpulse/web/openapi.json");

  @Test
  void theDocumentIsValidOpenApi31() throws Exception {
    SwaggerParseResult r = new OpenAPIV3Parser().readContents(Files.readString(DOC), null, null);
    assertThat(r.getMessages()).isEmpty();
    assertThat(r.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
  }

  @Test
  void theServerServesItAndHasExactlyTheRoutesItDescribes() throws Exception {
    try (TestServer s = new TestServer()) {
      Http.Response r = s.http.get("/api/openapi.json");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json()).isEqualTo(Http.JSON.readTree(Files.readString(DOC)));
      SortedSet<String> documented = new TreeSet<>();
      for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = r.json().get("paths").fields();
          it.hasNext(); ) {
        var path = it.next();
        path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " "
            + path.getKey()));
      }
      assertThat(s.vp.routes()).isEqualTo(documented);
    }
  }

  /** A custom dimension in queries: {@code custom.} and a name as {@link io.viewpulse.model.CustomDimension#NAME}. */
  private static final String CUSTOM = "custom\\.[a-z][a-z0-9_-]{0,31}";

  /**
   * {@code filters[]} is documented on the routes that take it, with the dimensions they check it against: those of the
   * route's {@code breakdownBy[]}, or every dimension where views are listed one by one.
   */
  @Test
  void filtersAreDocumentedWhereTheyAreTakenWithTheDimensionsOfTheBreakdowns() throws Exception {
    com.fasterxml.jackson.databind.JsonNode paths = Http.JSON.readTree(Files.readString(DOC)).get("paths");
    Map<String, String> patterns = new java.util.TreeMap<>();
    Map<String, String> breakdowns = new java.util.TreeMap<>();
    paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      for (com.fasterxml.jackson.databind.JsonNode param : op.getValue().path("parameters")) {
        String name = param.path("name").asText();
        if (name.equals("filters[]")) {
          patterns.put(path.getKey(), param.get("schema").get("items").get("pattern").asText());
        } else if (name.equals("breakdownBy[]")) {
          java.util.List<String> dims = new java.util.ArrayList<>();
          com.fasterxml.jackson.databind.JsonNode items = param.get("schema").get("items");
          if (items.has("anyOf")) {
            // the fixed dimensions, or a custom one by the pattern of its name
            items.get("anyOf").get(0).get("enum").forEach(e -> dims.add(e.asText()));
            String custom = items.get("anyOf").get(1).get("pattern").asText();
            dims.add(custom.substring(1, custom.length() - 1));
          } else {
            items.get("enum").forEach(e -> dims.add(e.asText()));
          }
          breakdowns.put(path.getKey(), "^!?(" + String.join("|", dims) + "):");
        }
      }
    }));
    String every = "^!?(" + String.join("|", java.util.Arrays.stream(io.viewpulse.query.Dimension.values())
        .filter(d -> d.customSlot() == 0).map(io.viewpulse.query.Dimension::apiName).toList())
        + "|" + CUSTOM + "):";
    assertThat(patterns).containsOnlyKeys("/api/data/views/query", "/api/data/views/query/creator",
        "/api/data/views/now", "/api/data/views", "/api/data/views/export", "/api/data/viewers/{viewerId}/views");
    assertThat(patterns.get("/api/data/views/now"))
        .isEqualTo("^!?(playbackId|device|browser|country|asn|isp|cdn|" + CUSTOM + "):");
    assertThat("custom.content-type").matches(CUSTOM).as("the names Catalog takes")
        .startsWith(io.viewpulse.model.CustomDimension.PREFIX);
    assertThat("content-type").matches(io.viewpulse.model.CustomDimension.NAME.pattern());
    for (String route : List.of("/api/data/views/query", "/api/data/views/query/creator", "/api/data/views/now")) {
      assertThat(patterns.get(route)).as(route).isEqualTo(breakdowns.get(route));
    }
    for (String route : List.of("/api/data/views", "/api/data/views/export", "/api/data/viewers/{viewerId}/views")) {
      assertThat(patterns.get(route)).as(route).isEqualTo(every);
    }
  }

  /**
   * Java's HttpClient offers an upgrade to HTTP/2 on every new plain-HTTP connection. Upgraded, about one answer in
   * fifty over 64 KB (this document is 78 KB) reached it unframed and failed as a protocol error; the server now
   * declines the upgrade. 300 fresh connections, every answer whole.
   */
  @Test
  void aClientOfferingHttp2OnEachNewConnectionGetsTheWholeDocumentEveryTime() throws Exception {
    String doc = Files.readString(DOC);
    try (TestServer s = new TestServer()) {
      java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + s.vp.port() + "/api/openapi.json");
      java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
      for (int i = 0; i < 300; i++) {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String outcome;
        try {
          java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(uri).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
          outcome = r.statusCode() + " " + r.version() + (r.body().equals(doc) ? " whole" : " different");
        } catch (java.io.IOException e) {
          outcome = e.getClass().getSimpleName();
        }
        outcomes.merge(outcome, 1, Integer::sum);
      }
      assertThat(outcomes).containsExactly(java.util.Map.entry("200 HTTP_1_1 whole", 300));
    }
  }
}
