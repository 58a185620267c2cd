package io.viewpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every route of the server (keyed as the route table and docs/openapi.json name it), the request the matrix sends
 * to it, what its own account gets, and what another account gets when it aims that request at A's things.
 */
public final class AccessRoutes {
  private AccessRoutes() {}

  /**
   * What a route asks of its caller. STATIC: public files served from the jar, outside the route table.
   * SIGNED_WRITE_OR_SECRET: a secret key, or a signed request whose msg carries the digest of the body. LOCAL: anyone
   * on this machine (loopback, not relayed by a proxy), nobody else.
   */
  public enum Guard { PUBLIC, STATIC, LOCAL, SECRET, SECRET_OR_CORS, SIGNED_OR_SECRET, SIGNED_WRITE_OR_SECRET, ADMIN }

  public record Request(String method, String path, String body, String contentType) {}

  /** More than a status: what the body or the server's state must show afterwards. */
  @FunctionalInterface
  public interface Check {
    void verify(Http.Response r, Tenants t, Request q);
  }

  public record Expect(int status, String error, Check check) {
    public void verify(Http.Response r, Tenants t, Request q) {
      assertThat(r.status()).as(r.body()).isEqualTo(status);
      if (error != null) {
        assertThat(r.json()).as(r.body()).isEqualTo(Http.JSON.createObjectNode().set("errors",
            Http.JSON.createArrayNode().add(error)));
      }
      if (check != null) {
        check.verify(r, t, q);
      }
    }
  }

  /**
   * @param other what account B's credentials get when aimed at account A's things (null: not an API route)
   */
  public record Route(String key, Guard guard, Function<Tenants, Request> request, Expect ok,
      Function<Tenants, Expect> other) {}

  public static Expect error(int status, String message) {
    return new Expect(status, message, null);
  }

  static Expect ok(int status, Check check) {
    return new Expect(status, null, check);
  }

  static Function<Tenants, Request> get(Function<Tenants, String> path) {
    return t -> new Request("GET", path.apply(t), null, null);
  }

  static Function<Tenants, Request> json(String method, Function<Tenants, String> path,
      Function<Tenants, String> body) {
    return t -> new Request(method, path.apply(t), body.apply(t), "application/json");
  }

  private static Route route(String key, Guard g, Function<Tenants, Request> req, Expect ok,
      Function<Tenants, Expect> other) {
    return new Route(key, g, req, ok, other);
  }

  private static Route open(String key, Function<Tenants, Request> req, Expect ok) {
    return new Route(key, Guard.PUBLIC, req, ok, null);
  }

  /** The whole table. A route the server has and this table lacks fails the matrix. */
  public static List<Route> all() {
    List<Route> all = new ArrayList<>();
    all.addAll(viewership());
    all.addAll(media("asset"));
    all.addAll(media("stream"));
    all.addAll(customDimensions());
    all.addAll(savedViews());
    all.addAll(live());
    all.addAll(alerts());
    all.addAll(admin());
    all.addAll(open());
    return all;
  }

  static List<Route> viewership() {
    return List.of(
        route("GET /api/data/views/query", Guard.SECRET,
            get(t -> "/api/data/views/query?assetId=" + t.a.assetId()), ok(200, (r, t, q) -> assertThat(
                r.json().isArray()).isTrue()), t -> error(404, "asset not found")),
        route("GET /api/data/views/query/creator", Guard.SECRET_OR_CORS,
            get(t -> "/api/data/views/query/creator?assetId=" + t.a.assetId()), ok(200, (r, t, q) -> assertThat(
                r.json().isArray()).isTrue()), t -> error(404, "asset not found")),
        // totals are public (Livepeer's getPublicViewership): any valid key reads any playback id's total
        route("GET /api/data/views/query/total/{playbackId}", Guard.SECRET_OR_CORS,
            get(t -> "/api/data/views/query/total/" + t.a.assetPlaybackId()), ok(200, (r, t, q) -> assertThat(
                r.json().get("playbackId").asText()).isEqualTo(t.a.assetPlaybackId())),
            t -> ok(200, (r, x, q) -> assertThat(r.json().get("playbackId").asText())
                .isEqualTo(t.a.assetPlaybackId()))),
        route("GET /api/data/views/query/retention/{playbackId}", Guard.SECRET,
            get(t -> "/api/data/views/query/retention/" + t.a.assetPlaybackId()), ok(200, (r, t, q) -> assertThat(
                r.json().get("share").size()).isEqualTo(100)), t -> ok(200, (r, x, q) -> assertThat(
                    r.json().get("views").asLong()).isZero())),
        route("GET /api/data/views", Guard.SECRET,
            get(t -> "/api/data/views?assetId=" + t.a.assetId()), ok(200, (r, t, q) -> assertThat(
                r.json().get("views").isArray()).isTrue()), t -> error(404, "asset not found")),
        route("GET /api/data/viewers/{viewerId}/views", Guard.SECRET,
            get(t -> "/api/data/viewers/someone/views?assetId=" + t.a.assetId()), ok(200, (r, t, q) -> assertThat(
                r.json().get("views").isArray()).isTrue()), t -> error(404, "asset not found")),
        // an id of nobody's: a view of A's matrix is not erased from under the other routes; B's erasure is B's own
        route("DELETE /api/data/viewers/{viewerId}", Guard.SECRET,
            t -> new Request("DELETE", "/api/data/viewers/" + t.unique("matrix-viewer-"), null, null),
            ok(200, (r, t, q) -> assertThat(r.json().get("views").asLong()).isZero()),
            t -> ok(200, (r, x, q) -> assertThat(r.json().get("keyId").asText())
                .isEqualTo(t.b.secret().split("_")[1]))),
        route("GET /api/data/erasures", Guard.SECRET, get(t -> "/api/data/erasures"),
            ok(200, (r, t, q) -> assertThat(r.json().get("erasures").isArray()).isTrue()),
            t -> ok(200, (r, x, q) -> r.json().get("erasures").forEach(e -> assertThat(e.get("keyId").asText())
                .as("B sees its own erasures only").isNotEqualTo(t.a.secret().split("_")[1])))),
        route("GET /api/data/webhooks", Guard.SECRET, get(t -> "/api/data/webhooks"),
            ok(200, (r, t, q) -> assertThat(r.json().get("webhooks").isArray()).isTrue()),
            t -> ok(200, (r, x, q) -> assertThat(r.body()).as("B sees its own webhooks only")
                .doesNotContain("hooks-of-a"))),
        // what B creates is B's: A does not list it; each one made is deleted again (an account has at most ten)
        route("POST /api/data/webhooks", Guard.SECRET, json("POST", t -> "/api/data/webhooks",
                t -> "{\"url\": \"https://hooks.example.invalid/made-by-the-matrix\"}"),
            ok(201, (r, t, q) -> {
              assertThat(r.json().get("secret").asText()).startsWith("whsec_");
              assertThat(t.http.delete("/api/data/webhooks/" + r.json().get("id").asText(), "Authorization",
                  "Bearer " + t.a.secret()).status()).isEqualTo(204);
            }),
            t -> ok(201, (r, x, q) -> {
              assertThat(t.http.delete("/api/data/webhooks/" + r.json().get("id").asText(), "Authorization",
                  "Bearer " + t.a.secret()).status()).as("A cannot delete B's").isEqualTo(404);
              assertThat(t.http.delete("/api/data/webhooks/" + r.json().get("id").asText(), "Authorization",
                  "Bearer " + t.b.secret()).status()).isEqualTo(204);
            })),
        route("DELETE /api/data/webhooks/{id}", Guard.SECRET,
            t -> new Request("DELETE", "/api/data/webhooks/" + spareWebhook(t), null, null),
            ok(204, (r, t, q) -> assertThat(t.http.getWithKey("/api/data/webhooks", t.a.secret()).body())
                .doesNotContain(q.path().substring(q.path().lastIndexOf('/') + 1))),
            t -> new Expect(404, "webhook not found", (r, x, q) -> assertThat(t.http.getWithKey(
                "/api/data/webhooks", t.a.secret()).body()).contains(q.path().substring(q.path().lastIndexOf('/')
                + 1)))),
        route("GET /api/data/views/export", Guard.SECRET,
            get(t -> "/api/data/views/export?format=csv&from=0&to=4102444800000&assetId=" + t.a.assetId()),
            ok(200, (r, t, q) -> assertThat(r.body()).startsWith("viewId,playbackId,")),
            t -> error(404, "asset not found")),
        // the matrix's accounts have no views: a view of A's opened is ViewTimelineApiTest's, with B's key refused
        route("GET /api/data/views/{viewId}", Guard.SECRET, get(t -> "/api/data/views/1"),
            error(404, "no view 1 in this account"), t -> error(404, "no view 1 in this account")),
        route("GET /api/data/views/now", Guard.SECRET,
            get(t -> "/api/data/views/now?playbackId=" + t.a.assetPlaybackId()), ok(200, (r, t, q) -> assertThat(
                r.json().isArray()).isTrue()), t -> ok(200, (r, x, q) -> assertThat(r.body()).isEqualTo("[{\"viewCount\":0,\"errorRate\":0.0}]"))),
        route("GET /api/data/usage/query", Guard.SECRET,
            get(t -> "/api/data/usage/query?creatorId=" + t.a.creatorId()), ok(200, (r, t, q) -> assertThat(
                r.json().get("UserID").asText()).isEqualTo(t.a.id())),
            t -> ok(200, (r, x, q) -> {
              assertThat(r.json().get("UserID").asText()).isEqualTo(t.b.id());
              assertThat(r.json().get("DeliveryUsageMins").asDouble()).isZero();
            })));
  }

  /** A webhook endpoint of A's to delete, made afresh after deleting A's others (an account has at most ten). */
  private static String spareWebhook(Tenants t) {
    for (JsonNode w : t.http.getWithKey("/api/data/webhooks", t.a.secret()).json().get("webhooks")) {
      t.http.delete("/api/data/webhooks/" + w.get("id").asText(), "Authorization", "Bearer " + t.a.secret());
    }
    Http.Response r = t.http.post("/api/data/webhooks", "{\"url\": \"https://hooks-of-a.example.invalid/vp\"}",
        "Authorization", "Bearer " + t.a.secret(), "Content-Type", "application/json");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  static List<Route> media(String kind) {
    String base = "/api/" + kind;
    String notFound = kind + " not found";
    Function<Tenants, String> mine = t -> kind.equals("asset") ? t.a.assetId() : t.a.streamId();
    return List.of(
        // A's kept view is saved before the list is asked for
        route("GET " + base, Guard.SECRET, get(t -> t.keptSavedView().isEmpty() ? null : base),
            ok(200, (r, t, q) -> assertThat(ids(r.json())).contains(mine.apply(t))),
            t -> ok(200, (r, x, q) -> assertThat(ids(r.json())).doesNotContain(mine.apply(t))
                .contains(kind.equals("asset") ? t.b.assetId() : t.b.streamId()))),
        // what B creates is B's: A cannot see it
        route("POST " + base, Guard.SECRET, json("POST", t -> base, t -> "{\"name\": \"made by the matrix\"}"),
            ok(201, (r, t, q) -> assertThat(t.http.getWithKey(base + "/" + r.json().get("id").asText(),
                t.a.secret()).status()).isEqualTo(200)),
            t -> ok(201, (r, x, q) -> assertThat(t.http.getWithKey(base + "/" + r.json().get("id").asText(),
                t.a.secret()).status()).isEqualTo(404))),
        route("GET " + base + "/{id}", Guard.SECRET, get(t -> base + "/" + mine.apply(t)),
            ok(200, (r, t, q) -> assertThat(r.json().get("id").asText()).isEqualTo(mine.apply(t))),
            t -> error(404, notFound)),
        // deletes a spare of A's; refused deletes leave it, and B's refused one is checked to have left it
        route("DELETE " + base + "/{id}", Guard.SECRET, t -> new Request("DELETE", base + "/" + t.spareMedia(kind),
                null, null),
            ok(204, (r, t, q) -> assertThat(t.http.getWithKey(q.path(), t.a.secret()).status()).isEqualTo(404)),
            t -> new Expect(404, notFound, (r, x, q) -> assertThat(t.http.getWithKey(q.path(), t.a.secret())
                .status()).isEqualTo(200))));
  }

  static List<Route> customDimensions() {
    String base = "/api/custom-dimensions";
    Function<List<String>, Check> names = want -> (r, t, q) -> assertThat(r.json().isArray()).isTrue();
    return List.of(
        route("GET " + base, Guard.SECRET, get(t -> base), ok(200, names.apply(null)), t -> ok(200, names.apply(null))),
        // what B declares is B's: A's list does not have it
        route("POST " + base, Guard.SECRET, json("POST", t -> base, t -> "{\"name\": \"" + t.unique("matrix-") + "\"}"),
            ok(201, (r, t, q) -> assertThat(t.http.getWithKey(base, t.a.secret()).body())
                .contains("\"" + r.json().get("name").asText() + "\"")),
            t -> ok(201, (r, x, q) -> assertThat(t.http.getWithKey(base, t.a.secret()).body())
                .doesNotContain("\"" + r.json().get("name").asText() + "\""))));
  }

  private static final String RULE = "{\"name\": \"matrix\", \"metric\": \"errorRate\", \"comparison\": \">\","
      + " \"threshold\": 0.5}";

  /** A new rule of A's, for the routes of one rule. */
  private static String ruleOfA(Tenants t) {
    return t.http.post("/api/alerts/rules", RULE, "Authorization", "Bearer " + t.a.secret(), "Content-Type",
        "application/json").json().get("id").asText();
  }

  static List<Route> alerts() {
    String rules = "/api/alerts/rules";
    return List.of(
        route("GET " + rules, Guard.SECRET, get(t -> rules),
            ok(200, (r, t, q) -> assertThat(r.json().get("rules").isArray()).isTrue()),
            t -> ok(200, (r, x, q) -> r.json().get("rules").forEach(n -> assertThat(n.get("name").asText())
                .as("B sees its own rules only").isNotEqualTo("matrix")))),
        route("POST " + rules, Guard.SECRET, json("POST", t -> rules, t -> RULE),
            ok(201, (r, t, q) -> assertThat(t.http.getWithKey(rules + "/" + r.json().get("id").asText(),
                t.a.secret()).status()).isEqualTo(200)),
            t -> ok(201, (r, x, q) -> assertThat(t.http.getWithKey(rules + "/" + r.json().get("id").asText(),
                t.a.secret()).status()).isEqualTo(404))),
        route("GET " + rules + "/{id}", Guard.SECRET, get(t -> rules + "/" + ruleOfA(t)),
            ok(200, (r, t, q) -> assertThat(r.json().get("name").asText()).isEqualTo("matrix")),
            t -> error(404, "alert rule not found")),
        route("PUT " + rules + "/{id}", Guard.SECRET, json("PUT", t -> rules + "/" + ruleOfA(t), t -> RULE),
            ok(200, (r, t, q) -> assertThat(r.json().get("threshold").asDouble()).isEqualTo(0.5)),
            t -> error(404, "alert rule not found")),
        route("DELETE " + rules + "/{id}", Guard.SECRET, t -> new Request("DELETE", rules + "/" + ruleOfA(t), null,
                null),
            ok(204, (r, t, q) -> assertThat(t.http.getWithKey(q.path(), t.a.secret()).status()).isEqualTo(404)),
            t -> new Expect(404, "alert rule not found", (r, x, q) -> assertThat(t.http.getWithKey(q.path(),
                t.a.secret()).status()).isEqualTo(200))),
        route("GET /api/alerts/signing-secret", Guard.SECRET, get(t -> "/api/alerts/signing-secret"),
            ok(200, (r, t, q) -> assertThat(r.json().get("secret").asText()).hasSize(64)),
            t -> ok(200, (r, x, q) -> assertThat(r.json().get("secret").asText()).as("B's own secret")
                .isNotEqualTo(t.http.getWithKey(q.path(), t.a.secret()).json().get("secret").asText()))),
        route("GET /api/alerts/incidents", Guard.SECRET, get(t -> "/api/alerts/incidents"),
            ok(200, (r, t, q) -> assertThat(r.json().get("incidents").isArray()).isTrue()),
            t -> ok(200, (r, x, q) -> assertThat(r.json().get("incidents").isArray()).isTrue())));
  }

  /** The dashboard's saved views: secret keys only; another account's are not found, and what B saves is B's. */
  static List<Route> savedViews() {
    String base = "/api/saved-view";
    String notFound = "saved view not found";
    return List.of(
        // A's kept view is saved before the list is asked for
        route("GET " + base, Guard.SECRET, get(t -> t.keptSavedView().isEmpty() ? null : base),
            ok(200, (r, t, q) -> assertThat(ids(r.json())).contains(t.keptSavedView())),
            t -> ok(200, (r, x, q) -> assertThat(ids(r.json())).doesNotContain(t.keptSavedView()))),
        route("POST " + base, Guard.SECRET,
            json("POST", t -> base, t -> "{\"name\": \"made by the matrix\", \"state\": \"#/overview\"}"),
            ok(201, (r, t, q) -> assertThat(t.http.getWithKey(base + "/" + r.json().get("id").asText(),
                t.a.secret()).status()).isEqualTo(200)),
            t -> ok(201, (r, x, q) -> assertThat(t.http.getWithKey(base + "/" + r.json().get("id").asText(),
                t.a.secret()).status()).isEqualTo(404))),
        route("GET " + base + "/{id}", Guard.SECRET, get(t -> base + "/" + t.keptSavedView()),
            ok(200, (r, t, q) -> assertThat(base + "/" + r.json().get("id").asText()).isEqualTo(q.path())),
            t -> error(404, notFound)),
        route("DELETE " + base + "/{id}", Guard.SECRET, t -> new Request("DELETE", base + "/" + t.savedView(), null,
                null),
            ok(204, (r, t, q) -> assertThat(t.http.getWithKey(q.path(), t.a.secret()).status()).isEqualTo(404)),
            t -> new Expect(404, notFound, (r, x, q) -> assertThat(t.http.getWithKey(q.path(), t.a.secret())
                .status()).isEqualTo(200))));
  }

  static List<Route> live() {
    String enhanced = "/api/v4/monitoring/stream_stats_enhanced";
    String deprecated = "/api/v4/monitoring/stream_stats";
    List<Route> out = new ArrayList<>();
    for (String base : List.of(enhanced, deprecated)) {
      boolean old = base.equals(deprecated);
      Check flagged = (r, t, q) -> assertThat(r.header("Deprecation")).isEqualTo(old ? "true" : null);
      // another account's stream answers like a stream without data: nothing tells it exists
      out.add(route("GET " + base + "/{id}", Guard.SIGNED_OR_SECRET, get(t -> base + "/" + t.a.streamId()),
          ok(200, (r, t, q) -> {
            assertThat(r.json().get("id").asText()).isEqualTo(t.a.streamId());
            flagged.verify(r, t, q);
          }), t -> ok(200, (r, x, q) -> {
            assertThat(r.json().get("id").asText()).isEqualTo(t.a.streamId());
            assertThat(r.json().get("stats").isNull()).isTrue();
            assertThat(r.json().get("ts").isNull()).isTrue();
          })));
      out.add(route("POST " + base, Guard.SIGNED_OR_SECRET,
          json("POST", t -> base, t -> "{\"stream_ids\": [\"" + t.a.streamId() + "\"]}"),
          ok(200, (r, t, q) -> {
            assertThat(r.json().get("items").get(0).get("id").asText()).isEqualTo(t.a.streamId());
            flagged.verify(r, t, q);
          }), t -> ok(200, (r, x, q) -> assertThat(r.json().get("items").get(0).get("stats").isNull()).isTrue())));
    }
    out.add(route("GET " + enhanced + "/{id}/series", Guard.SIGNED_OR_SECRET,
        get(t -> enhanced + "/" + t.a.streamId() + "/series"),
        ok(200, (r, t, q) -> assertThat(r.json().get("@type").asText()).isEqualTo("StreamStatsSeries")),
        t -> error(404, "stream not found")));
    out.add(route("POST /api/live/events", Guard.SIGNED_WRITE_OR_SECRET, json("POST", t -> "/api/live/events",
            t -> "{\"events\": [{\"type\": \"auth_failure\", \"stream_id\": \"" + t.a.streamId() + "\"}]}"),
        ok(200, (r, t, q) -> assertThat(r.json().get("accepted").asInt()).isEqualTo(1)),
        t -> error(400, "events[0].stream_id: no stream " + t.a.streamId() + " in this account")));
    return out;
  }

  static List<Route> admin() {
    Function<Tenants, String> assets = t -> "?account=" + t.a.id() + "&kind=asset";
    return List.of(
        route("GET /admin/accounts", Guard.ADMIN, get(t -> "/admin/accounts"),
            ok(200, (r, t, q) -> assertThat(ids(r.json())).contains(t.a.id(), t.b.id())), null),
        route("POST /admin/accounts", Guard.ADMIN, json("POST", t -> "/admin/accounts",
            t -> "{\"name\": \"made by the matrix\"}"),
            ok(200, (r, t, q) -> assertThat(r.json().get("name").asText()).isEqualTo("made by the matrix")), null),
        // key listings never carry tokens: only their creation shows one, once
        route("GET /admin/keys", Guard.ADMIN, get(t -> "/admin/keys?account=" + t.a.id()),
            ok(200, (r, t, q) -> {
              assertThat(r.json().size()).isGreaterThanOrEqualTo(3);
              r.json().forEach(k -> assertThat(k.has("token")).isFalse());
            }), null),
        route("POST /admin/keys", Guard.ADMIN, json("POST", t -> "/admin/keys",
            t -> "{\"account\": \"" + t.a.id() + "\", \"name\": \"made by the matrix\"}"),
            ok(200, (r, t, q) -> {
              t.remember(r.json().get("token").asText());
              assertThat(r.json().get("token").asText()).startsWith("vp_" + r.json().get("id").asText() + "_");
            }), null),
        route("POST /admin/keys/{id}/revoke", Guard.ADMIN,
            json("POST", t -> "/admin/keys/" + t.spareKeyId() + "/revoke", t -> "{}"),
            ok(200, (r, t, q) -> assertThat(r.json().has("revokedAt")).isTrue()), null),
        route("GET /admin/media", Guard.ADMIN, get(t -> "/admin/media" + assets.apply(t)),
            ok(200, (r, t, q) -> assertThat(ids(r.json())).contains(t.a.assetId())), null),
        route("POST /admin/media", Guard.ADMIN, json("POST", t -> "/admin/media", t -> "{\"account\": \""
                + t.a.id() + "\", \"kind\": \"asset\", \"name\": \"made by the matrix\"}"),
            ok(200, (r, t, q) -> assertThat(r.json().get("accountId").asText()).isEqualTo(t.a.id())), null),
        route("GET /admin/media/{id}", Guard.ADMIN, get(t -> "/admin/media/" + t.a.assetId() + assets.apply(t)),
            ok(200, (r, t, q) -> assertThat(r.json().get("id").asText()).isEqualTo(t.a.assetId())), null),
        route("DELETE /admin/media/{id}", Guard.ADMIN,
            t -> new Request("DELETE", "/admin/media/" + t.spareMedia("asset") + assets.apply(t), null, null),
            ok(200, (r, t, q) -> assertThat(r.json().get("name").asText()).startsWith("spare ")), null),
        route("GET /admin/retention", Guard.ADMIN, get(t -> "/admin/retention?account=" + t.b.id()),
            ok(200, (r, t, q) -> assertThat(r.json().get("accountId").asText()).isEqualTo(t.b.id())), null),
        route("PUT /admin/retention", Guard.ADMIN, json("PUT", t -> "/admin/retention",
                t -> "{\"account\": \"" + t.a.id() + "\", \"viewDays\": 36500}"),
            ok(200, (r, t, q) -> assertThat(r.json().get("viewDays").asInt()).isEqualTo(36_500)), null));
  }

  static List<Route> open() {
    Check javascript = (r, t, q) -> assertThat(r.header("Content-Type")).contains("javascript");
    Expect accepted = ok(200, (r, t, q) -> assertThat(r.body()).isEqualTo("{\"accepted\":1,\"dropped\":{}}"));
    return List.of(
        open("GET /analytics/log", get(t -> "/analytics/log"), ok(200, null)),
        open("HEAD /analytics/log", t -> new Request("HEAD", "/analytics/log", null, null), ok(200, null)),
        open("POST /analytics/log", t -> new Request("POST", "/analytics/log",
                Beacons.session(t.unique("matrix-session-"), t.a.assetPlaybackId())
                    .play(Instant.ofEpochMilli(t.nowMillis())).json(), "text/plain;charset=UTF-8"),
            ok(200, (r, t, q) -> assertThat(r.body()).isEqualTo("{\"accepted\":1,\"dropped\":{}}"))),
        // CMCD: event mode (a report a line) and request mode (the query argument of a forwarded segment request)
        open("POST /analytics/cmcd", t -> new Request("POST", "/analytics/cmcd", cmcd(t, "e=ps,v=2,ts="
            + t.nowMillis()), "application/cmcd"), accepted),
        open("GET /analytics/cmcd/request", t -> cmcdRequest("GET", t, ""), accepted),
        open("HEAD /analytics/cmcd/request", t -> cmcdRequest("HEAD", t, ""), ok(200, null)),
        open("POST /analytics/cmcd/request", t -> cmcdRequest("POST", t, ""), accepted),
        open("GET /analytics/cmcd/request/{mediaPath}", t -> cmcdRequest("GET", t, "/hls/v/seg0.ts"), accepted),
        open("HEAD /analytics/cmcd/request/{mediaPath}", t -> cmcdRequest("HEAD", t, "/hls/v/seg0.ts"),
            ok(200, null)),
        open("POST /analytics/cmcd/request/{mediaPath}", t -> cmcdRequest("POST", t, "/hls/v/seg0.ts"), accepted),
        open("GET /collector.js", get(t -> "/collector.js"), ok(200, javascript)),
        open("GET /collector.mjs", get(t -> "/collector.mjs"), ok(200, javascript)),
        open("GET /json_video+{playbackId}.js", get(t -> "/json_video+" + t.a.assetPlaybackId() + ".js"),
            ok(200, null)),
        open("GET /api/openapi.json", get(t -> "/api/openapi.json"),
            ok(200, (r, t, q) -> assertThat(r.json().get("openapi").asText()).isEqualTo("3.1.0"))),
        open("GET /healthz", get(t -> "/healthz"),
            ok(200, (r, t, q) -> assertThat(r.json().get("status").asText()).isEqualTo("ok"))),
        // without a metrics token, as here: this machine only
        new Route("GET /metrics", Guard.LOCAL, get(t -> "/metrics"),
            ok(200, (r, t, q) -> assertThat(r.body()).contains("viewpulse_sessions_open")), null),
        open("GET /", get(t -> "/"), ok(302, (r, t, q) -> assertThat(r.header("Location")).isEqualTo("/dashboard/"))),
        new Route("GET /dashboard/", Guard.STATIC, get(t -> "/dashboard/"),
            ok(200, (r, t, q) -> assertThat(r.header("Content-Type")).startsWith("text/html")), null),
        new Route("GET /dashboard/app.js", Guard.STATIC, get(t -> "/dashboard/app.js"), ok(200, javascript), null),
        new Route("GET /webjars/chart.js/4.5.1/dist/chart.umd.min.js", Guard.STATIC,
            get(t -> "/webjars/chart.js/4.5.1/dist/chart.umd.min.js"), ok(200, javascript), null));
  }

  /** A CMCD report of a session of its own on account A's asset, with the keys given after the session's. */
  private static String cmcd(Tenants t, String more) {
    return "sid=\"" + t.unique("matrix-cmcd-") + "\",cid=\"" + t.a.assetPlaybackId() + "\",sta=p"
        + (more.isEmpty() ? "" : "," + more);
  }

  private static Request cmcdRequest(String method, Tenants t, String mediaPath) {
    return new Request(method, "/analytics/cmcd/request" + mediaPath + "?CMCD="
        + java.net.URLEncoder.encode(cmcd(t, ""), java.nio.charset.StandardCharsets.UTF_8), null, null);
  }

  static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("id").asText()));
    return out;
  }
}
