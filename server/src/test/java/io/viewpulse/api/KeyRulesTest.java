package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Media;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Which key may call which route, as Livepeer's rules say. The bootstrap CORS key allows https://app.example.com. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class KeyRulesTest {
  @Parameter
  TestStores.Engine engine;

  private TestServer s;
  private Media asset;
  private String revoked;

  @BeforeParameterizedClassInvocation
  void start() {
    s = new TestServer(engine);
    asset = s.asset("pb1");
    var k = s.vp.keys().createKey(s.accountId, "to revoke", null);
    s.vp.keys().revoke(k.key().id());
    revoked = k.token();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private List<String> secretOnly() {
    return List.of("/api/data/views/query", "/api/data/views/now", "/api/data/usage/query", "/api/asset",
        "/api/stream");
  }

  private List<String> corsAllowed() {
    return List.of("/api/data/views/query/total/pb1", "/api/data/views/query/creator?assetId=" + asset.id());
  }

  @Test
  void withoutAKeyEveryRouteIs401() {
    for (String path : concat()) {
      Http.Response r = s.http.get(path);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.error()).isEqualTo("request is not authenticated: send Authorization: Bearer <API key>");
    }
  }

  @Test
  void anUnknownOrRevokedKeyIs401() {
    for (String path : concat()) {
      assertThat(s.http.getWithKey(path, "vp_nope_nope").error()).as(path).isEqualTo("invalid API key");
      assertThat(s.http.getWithKey(path, revoked).error()).isEqualTo("this API key has been revoked");
    }
  }

  @Test
  void anotherSchemeIs401() {
    Http.Response r = s.http.get("/api/data/views/query", "Authorization", "Basic dXNlcjpwYXNz");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("unsupported authorization header scheme: Basic");
  }

  @Test
  void aSecretKeyMayCallEverything() {
    for (String path : concat()) {
      assertThat(s.http.getWithKey(path, s.secretKey).status()).as(path).isEqualTo(200);
    }
  }

  @Test
  void aCorsKeyMayOnlyCallThePublicRoutes() {
    for (String path : secretOnly()) {
      Http.Response r = s.http.getWithKey(path, s.corsKey);
      assertThat(r.status()).as(path).isEqualTo(403);
      assertThat(r.error()).isEqualTo("access forbidden for CORS-enabled API key with restricted access");
    }
    for (String path : corsAllowed()) {
      assertThat(s.http.get(path, "Authorization", "Bearer " + s.corsKey, "Origin", "https://app.example.com")
          .status()).as(path).isEqualTo(200);
    }
  }

  @Test
  void aCorsKeyFromAnotherOriginIs403() {
    Http.Response r = s.http.get("/api/data/views/query/total/pb1", "Authorization", "Bearer " + s.corsKey,
        "Origin", "https://evil.example");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("credential disallows CORS access from origin https://evil.example");
  }

  @Test
  void browsersGetCorsHeadersOnTheApi() {
    Http.Response pre = s.http.options("/api/data/views/query/total/pb1", "Origin", "https://app.example.com",
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
    assertThat(pre.status()).isEqualTo(204);
    assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
    assertThat(pre.header("Access-Control-Allow-Headers")).isEqualTo("authorization");
  }

  @Test
  void anotherAccountsAssetIsNotFound() {
    var other = s.otherAccount("other");
    Http.Response r = s.http.getWithKey("/api/asset/" + asset.id(), other.token());
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("asset not found");
    assertThat(s.http.getWithKey("/api/data/views/query?assetId=" + asset.id(), other.token()).status())
        .isEqualTo(404);
    assertThat(s.http.delete("/api/asset/" + asset.id(), "Authorization", "Bearer " + other.token()).status())
        .isEqualTo(404);
    assertThat(s.http.getWithKey("/api/asset/" + asset.id(), s.secretKey).status()).isEqualTo(200);
  }

  /**
   * A CORS key's token is in the page for anyone to read: on the creator route it may use the dimensions of Livepeer's
   * creator endpoint that identify no one, and no other, whether to break down or to filter.
   */
  @Test
  void aCorsKeyMayNotBreakDownOrFilterByWhatIdentifiesAViewer() {
    String creator = "/api/data/views/query/creator?assetId=" + asset.id();
    String allowed = "browser, browserEngine, continent, country, cpu, device, deviceType, os, subdivision, timezone";
    for (String refused : List.of("viewerId", "geohash", "playbackId", "creatorId", "dStorageUrl")) {
      for (String param : List.of("&breakdownBy[]=country&breakdownBy[]=" + refused, "&filters[]=" + refused + ":x",
          "&filters[]=!" + refused + ":x", "&breakdownBy=" + refused)) {
        Http.Response r = s.http.get(creator + param, "Authorization", "Bearer " + s.corsKey, "Origin",
            "https://app.example.com");
        assertThat(r.status() + " " + r.error()).as(param).isEqualTo("403 a CORS key may not break down or filter by "
            + refused + ": it may use " + allowed + " (a secret key may use any)");
      }
      assertThat(s.http.getWithKey(creator + "&breakdownBy[]=" + refused, s.secretKey).status())
          .as("a secret key, " + refused).isEqualTo(200);
    }
    for (String dim : allowed.split(", ")) {
      Http.Response r = s.http.get(creator + "&breakdownBy[]=" + dim + "&filters[]=" + dim + ":x", "Authorization",
          "Bearer " + s.corsKey, "Origin", "https://app.example.com");
      assertThat(r.status()).as(dim + ": " + r.body()).isEqualTo(200);
    }
  }

  @Test
  void noAnswerAllowsCredentials() {
    Http.Response pre = s.http.options("/api/data/views/query/creator", "Origin", "https://app.example.com",
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
    Http.Response get = s.http.get("/api/data/views/query/creator?assetId=" + asset.id(), "Authorization",
        "Bearer " + s.corsKey, "Origin", "https://app.example.com");
    assertThat(get.status()).isEqualTo(200);
    for (Http.Response r : List.of(pre, get)) {
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
      assertThat(r.header("Access-Control-Allow-Credentials")).as("the API takes no cookies").isNull();
    }
  }

  @Test
  void aRequestWithSeveralOriginHeadersIsRefused() throws Exception {
    for (String path : List.of("/api/data/views/query/total/pb1", "/api/data/views/query/creator?assetId=" + asset.id(),
        "/analytics/log")) {
      String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + s.corsKey
          + "\r\nOrigin: https://app.example.com\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n";
      try (io.viewpulse.testing.RawHttp raw = new io.viewpulse.testing.RawHttp(s.vp.port(), 10_000)) {
        var r = raw.exchange(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.status() + " " + r.text()).as(path)
            .isEqualTo("400 {\"errors\":[\"a request carries one Origin header, not 2\"]}");
      }
    }
  }

  private List<String> concat() {
    List<String> all = new java.util.ArrayList<>(secretOnly());
    all.addAll(corsAllowed());
    return all;
  }
}
