package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.Tenants;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code /api/saved-view}: the dashboard's saved views, the same for every key of an account, no other's. */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class SavedViewsApiTest {
  private static final String STATE = "#/breakdown?dim=browser&metric=errorRate&filter=country%3ADE&range=7d";

  @Parameter
  TestStores.Engine engine;

  private TestServer s;
  private Tenants t;

  @BeforeEach
  void start() {
    s = new TestServer(engine);
    t = Tenants.create(s.http, s.vp.adminToken(), s.clock::millis);
  }

  @AfterEach
  void stop() {
    s.close();
  }

  private Http.Response post(String key, String body) {
    return s.http.post("/api/saved-view", body, "Authorization", "Bearer " + key, "Content-Type", "application/json");
  }

  private static List<String> names(Http.Response list) {
    List<String> out = new ArrayList<>();
    list.json().forEach(v -> out.add(v.get("name").asText()));
    return out;
  }

  @Test
  void aViewSavedWithOneKeyIsListedOpenedAndDeletedWithAnotherOfTheAccountAndNotFoundByAnotherAccount() {
    String secondKey = t.admin("POST", "/admin/keys", "{\"account\": \"" + t.a.id() + "\", \"name\": \"colleague\"}")
        .get("token").asText();
    Http.Response saved = post(t.a.secret(), "{\"name\": \"  Errors by browser, Germany  \", \"state\": \"" + STATE
        + "\"}");
    assertThat(saved.status()).as(saved.body()).isEqualTo(201);
    String id = saved.json().get("id").asText();
    assertThat(saved.json().get("name").asText()).as("trimmed").isEqualTo("Errors by browser, Germany");
    assertThat(saved.json().get("state").asText()).isEqualTo(STATE);
    assertThat(saved.json().get("createdAt").asLong()).isEqualTo(s.clock.millis());
    assertThat(saved.json().get("createdBy").asText()).isEqualTo(t.a.secret().split("_")[1]);
    s.clock.advance(java.time.Duration.ofSeconds(5));
    assertThat(post(secondKey, "{\"name\": \"Overview\", \"state\": \"#/overview\"}").status()).isEqualTo(201);

    assertThat(names(s.http.getWithKey("/api/saved-view", secondKey))).as("oldest first, whoever saved them")
        .containsExactly("Errors by browser, Germany", "Overview");
    assertThat(s.http.getWithKey("/api/saved-view/" + id, secondKey).json()).isEqualTo(saved.json());

    assertThat(s.http.getWithKey("/api/saved-view", t.b.secret()).json()).as("another account's list").isEmpty();
    Http.Response theirs = s.http.getWithKey("/api/saved-view/" + id, t.b.secret());
    assertThat(theirs.status()).isEqualTo(404);
    assertThat(theirs.error()).isEqualTo("saved view not found");
    assertThat(s.http.delete("/api/saved-view/" + id, "Authorization", "Bearer " + t.b.secret()).status())
        .isEqualTo(404);

    assertThat(s.http.delete("/api/saved-view/" + id, "Authorization", "Bearer " + secondKey).status())
        .isEqualTo(204);
    assertThat(s.http.getWithKey("/api/saved-view/" + id, t.a.secret()).status()).isEqualTo(404);
    assertThat(s.http.delete("/api/saved-view/" + id, "Authorization", "Bearer " + secondKey).status())
        .as("deleted already").isEqualTo(404);
    assertThat(names(s.http.getWithKey("/api/saved-view", t.a.secret()))).containsExactly("Overview");
  }

  @Test
  void badBodiesAreRefusedNamingTheProblem() {
    String longName = "n".repeat(101);
    String longState = "#/" + "s".repeat(4095);
    String[][] cases = {
      {"{", "body is not valid JSON"},
      {"[]", "body must be a JSON object"},
      {"{\"state\": \"#/\"}", "name is required and may not be blank"},
      {"{\"name\": \"   \", \"state\": \"#/\"}", "name is required and may not be blank"},
      {"{\"name\": \"" + longName + "\", \"state\": \"#/\"}", "name is longer than 100 characters"},
      {"{\"name\": \"a\\nb\", \"state\": \"#/\"}", "name may not contain control characters"},
      {"{\"name\": 7, \"state\": \"#/\"}", "name must be a string"},
      {"{\"name\": \"x\"}", "state is required and may not be blank"},
      {"{\"name\": \"x\", \"state\": \"" + longState + "\"}", "state is longer than 4096 characters"},
      {"{\"name\": \"x\", \"state\": \"#/\", \"owner\": \"me\"}", "unknown field 'owner' (expected name, state)"},
    };
    for (String[] c : cases) {
      Http.Response r = post(t.a.secret(), c[0]);
      assertThat(r.status()).as(c[0]).isEqualTo(400);
      assertThat(r.error()).as(c[0]).isEqualTo(c[1]);
    }
    Http.Response cors = s.http.send("GET", "/api/saved-view", null, "Authorization", "Bearer " + t.corsKey);
    assertThat(cors.status()).isEqualTo(403);
    assertThat(s.http.getWithKey("/api/saved-view", t.a.secret()).json()).as("nothing was saved").isEmpty();
  }

  @Test
  void anAccountKeepsAtMostTwoHundredAndMaySaveAgainAfterADeletion() {
    String first = null;
    for (int i = 0; i < 200; i++) {
      Http.Response r = post(t.a.secret(), "{\"name\": \"view " + i + "\", \"state\": \"#/overview?n=" + i + "\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      first = first == null ? r.json().get("id").asText() : first;
    }
    Http.Response over = post(t.a.secret(), "{\"name\": \"one more\", \"state\": \"#/overview\"}");
    assertThat(over.status()).isEqualTo(409);
    assertThat(over.error()).isEqualTo("the account has 200 saved views, the most it may keep: delete one first");
    assertThat(post(t.b.secret(), "{\"name\": \"theirs\", \"state\": \"#/overview\"}").status())
        .as("another account's cap is its own").isEqualTo(201);
    assertThat(s.http.delete("/api/saved-view/" + first, "Authorization", "Bearer " + t.a.secret()).status())
        .isEqualTo(204);
    assertThat(post(t.a.secret(), "{\"name\": \"one more\", \"state\": \"#/overview\"}").status()).isEqualTo(201);
    assertThat(s.http.getWithKey("/api/saved-view", t.a.secret()).json()).hasSize(200);
  }
}
