package io.viewpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.AccessRoutes.Route;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every route crossed with every kind of credential, and the answer the documentation promises for each: the routes
 * and their answers to their own account are in {@link AccessRoutes}; what each credential gets is decided here.
 */
public final class AccessMatrix {
  public static final String NOT_AUTHENTICATED = "request is not authenticated: send Authorization: Bearer <API key>";
  public static final String NO_KEY = "no API key: send Authorization: Bearer <API key>";
  public static final String UNSIGNED = "sign the request (msg and sig) or send Authorization: Bearer <secret key>";
  public static final String CORS_FORBIDDEN = "access forbidden for CORS-enabled API key with restricted access";
  public static final String REPLAYED = "this signature was already used: sign each request anew (to send the same"
      + " parameters twice in one second, add a parameter such as _nonce to msg)";
  public static final String ADMIN_LOCAL_ONLY = "the admin routes answer this machine only (the command line on the"
      + " server's machine, over loopback), not a peer elsewhere or a request relayed by a proxy";
  public static final String ADMIN_ONLY = "the admin routes need the admin token (the command line derives it from"
      + " the master key and the admin secret in the data directory)";
  /** Shaped like a real token ({@code vp_<key id>_<mac>}), issued by nobody. */
  static final String UNKNOWN_TOKEN = "vp_0123456789abcdef_" + "A".repeat(43);
  static final String UNKNOWN_OWNER_ID = "0123456789abcdef0123456789abcdef";

  private AccessMatrix() {}

  /** Who calls, and how. */
  public enum Caller {
    NONE("no credentials"),
    BASIC("a Basic header"),
    EMPTY_BEARER("\"Bearer\" and no key"),
    UNKNOWN_KEY("a well-formed unknown key"),
    REVOKED_KEY("a revoked key"),
    CORS_NO_ORIGIN("a CORS key without Origin"),
    CORS_ALLOWED_ORIGIN("a CORS key from its allowed origin"),
    CORS_OTHER_ORIGIN("a CORS key from another origin"),
    SECRET("the account's secret key"),
    OTHER_ACCOUNT("another account's secret key"),
    SIGNED("a signed request"),
    BAD_SIGNATURE("a signature by a wrong secret"),
    STALE_SIGNATURE("a signature 301 s old"),
    REPLAYED_SIGNATURE("a signed request sent a second time"),
    REVOKED_SIGNER("a signature by a revoked key"),
    OTHER_ACCOUNT_SIGNED("another account's signed request"),
    FORGED_OWNER("another account's key signing as this account"),
    UNKNOWN_OWNER("a signature naming an unknown owner"),
    MSG_WITHOUT_SIG("msg without sig"),
    GARBLED_MSG("a msg that is not a zlib-compressed JSON object"),
    SIGNED_ELSEWHERE("a signature already used on another route"),
    RESPELLED_PATH("a signed request on the path spelled with an empty segment"),
    GET_WITH_BODY("a signed GET with a body"),
    WRITE_WITHOUT_DIGEST("a signature whose msg lacks _body_sha256"),
    WRITE_OTHER_DIGEST("a signature over another body"),
    CORS_VIEWER_BREAKDOWN("a CORS key from its origin asking for a breakdown by viewerId"),
    CORS_TWO_ORIGINS("a CORS key with its origin and another in two Origin headers"),
    FROM_ELSEWHERE("a peer on another machine"),
    THROUGH_PROXY("a request relayed by a proxy on this machine"),
    FOREIGN_HOST("a Host the server does not answer for"),
    ADMIN_TOKEN("the admin token"),
    WRONG_ADMIN_TOKEN("a wrong admin token"),
    SECRET_AS_ADMIN("a secret key instead of the admin token"),
    CORS_AS_ADMIN("a CORS key instead of the admin token");

    final String label;

    Caller(String label) {
      this.label = label;
    }
  }

  static final List<Caller> BEARER = List.of(Caller.NONE, Caller.BASIC, Caller.EMPTY_BEARER, Caller.UNKNOWN_KEY,
      Caller.REVOKED_KEY, Caller.CORS_NO_ORIGIN, Caller.CORS_ALLOWED_ORIGIN, Caller.CORS_OTHER_ORIGIN, Caller.SECRET,
      Caller.OTHER_ACCOUNT);
  static final List<Caller> SIGNING = List.of(Caller.SIGNED, Caller.BAD_SIGNATURE, Caller.STALE_SIGNATURE,
      Caller.REPLAYED_SIGNATURE, Caller.REVOKED_SIGNER, Caller.OTHER_ACCOUNT_SIGNED, Caller.FORGED_OWNER,
      Caller.UNKNOWN_OWNER, Caller.MSG_WITHOUT_SIG, Caller.GARBLED_MSG);
  /** What every route under /api/v4 is also asked: its path spelled otherwise, and for a GET a body. */
  static final List<Caller> V4 = List.of(Caller.SIGNED_ELSEWHERE, Caller.RESPELLED_PATH);
  /** What a route that writes is also asked: signatures that do not cover its body. */
  static final List<Caller> WRITE = List.of(Caller.SIGNED_ELSEWHERE, Caller.WRITE_WITHOUT_DIGEST,
      Caller.WRITE_OTHER_DIGEST);
  static final List<Caller> ADMIN = List.of(Caller.NONE, Caller.BASIC, Caller.WRONG_ADMIN_TOKEN,
      Caller.SECRET_AS_ADMIN, Caller.CORS_AS_ADMIN, Caller.ADMIN_TOKEN, Caller.FROM_ELSEWHERE, Caller.THROUGH_PROXY);
  /** What a route a CORS key may call is also asked: an identifying breakdown, and an ambiguous Origin. */
  static final List<Caller> CORS = List.of(Caller.CORS_VIEWER_BREAKDOWN, Caller.CORS_TWO_ORIGINS);
  /** A public route ignores credentials: a stale key left in a page must not break it. */
  static final List<Caller> PUBLIC = List.of(Caller.NONE, Caller.REVOKED_KEY);
  /** A route served to this machine only. */
  static final List<Caller> LOCAL = List.of(Caller.NONE, Caller.REVOKED_KEY, Caller.FROM_ELSEWHERE,
      Caller.THROUGH_PROXY);
  /** The server of the matrix answers for this name (and loopback ones) only. */
  public static final String PUBLIC_HOST = "viewpulse.example.com";
  public static final String FOREIGN_HOST_REFUSED = "this server does not answer for the host the request names: it"
      + " answers for " + PUBLIC_HOST + " (and loopback names and addresses)";
  public static final String METRICS_LOCAL_ONLY = "/metrics answers this machine only (a loopback peer, not relayed"
      + " by a proxy): to scrape it from elsewhere, start Viewpulse with --metrics-token-file <file> and send"
      + " Authorization: Bearer <the token in it>";

  /** One cell: a route, a caller and the documented answer. */
  public record Row(Route route, Caller caller, AccessRoutes.Expect expect) {
    public String name() {
      return route.key() + " with " + caller.label + " → " + expect.status();
    }

    /** Sends {@code q} as this caller and returns the (last) answer. */
    public Http.Response send(Tenants t, AccessRoutes.Request q) {
      if (caller == Caller.REPLAYED_SIGNATURE) {
        // its first use is good; the very same request again is the replay
        Uplynk.Signed s = sign(t, q, t.a.id(), t.a.secret(), 0);
        String path = signed(q.path(), s.msg(), s.sig());
        route.ok().verify(send(t, q, path, List.of()), t, q);
        return send(t, q, path, List.of());
      }
      if (caller == Caller.SIGNED_ELSEWHERE) {
        // first used, and accepted, on a read of another route: a signature is good for one request, anywhere
        Uplynk.Signed s = sign(t, q, t.a.id(), t.a.secret(), 0);
        String stats = "/api/v4/monitoring/stream_stats_enhanced/" + t.a.streamId();
        String elsewhere = q.path().equals(stats) ? stats + "/series" : stats;
        Http.Response first = t.http.get(signed(elsewhere, s.msg(), s.sig()));
        assertThat(first.status()).as(elsewhere + ": " + first.body()).isEqualTo(200);
        return send(t, q, signed(q.path(), s.msg(), s.sig()), List.of());
      }
      if (caller == Caller.FROM_ELSEWHERE) {
        if (t.elsewhere == null) {
          throw new IllegalStateException("this server cannot be made to see a peer from elsewhere");
        }
        t.elsewhere.set(true);
        try {
          return send(t, q, q.path(), goodCredential(t));
        } finally {
          t.elsewhere.set(false);
        }
      }
      if (caller == Caller.FOREIGN_HOST) {
        return withHost(t, q, "attacker.example", goodCredential(t));
      }
      if (caller == Caller.CORS_TWO_ORIGINS) {
        return withHost(t, q, "127.0.0.1", List.of("Authorization", "Bearer " + t.corsKey, "Origin",
            Tenants.ALLOWED_ORIGIN, "Origin", Tenants.OTHER_ORIGIN));
      }
      return switch (caller) {
        case NONE -> send(t, q, q.path(), List.of());
        case THROUGH_PROXY -> {
          List<String> h = new ArrayList<>(goodCredential(t));
          h.addAll(List.of("X-Forwarded-For", "198.51.100.4"));
          yield send(t, q, q.path(), h);
        }
        case BASIC -> send(t, q, q.path(), List.of("Authorization", "Basic dXNlcjpwYXNz"));
        case EMPTY_BEARER -> send(t, q, q.path(), List.of("Authorization", "Bearer"));
        case UNKNOWN_KEY -> bearer(t, q, UNKNOWN_TOKEN);
        case REVOKED_KEY -> bearer(t, q, t.revokedKey);
        case CORS_NO_ORIGIN, CORS_AS_ADMIN -> bearer(t, q, t.corsKey);
        case CORS_ALLOWED_ORIGIN -> send(t, q, q.path(), List.of("Authorization", "Bearer " + t.corsKey,
            "Origin", Tenants.ALLOWED_ORIGIN));
        case CORS_OTHER_ORIGIN -> send(t, q, q.path(), List.of("Authorization", "Bearer " + t.corsKey,
            "Origin", Tenants.OTHER_ORIGIN));
        case CORS_VIEWER_BREAKDOWN -> send(t, q, q.path() + (q.path().contains("?") ? "&" : "?")
            + "breakdownBy[]=viewerId", List.of("Authorization", "Bearer " + t.corsKey, "Origin",
            Tenants.ALLOWED_ORIGIN));
        case SECRET, SECRET_AS_ADMIN -> bearer(t, q, t.a.secret());
        case OTHER_ACCOUNT -> bearer(t, q, t.b.secret());
        case ADMIN_TOKEN -> bearer(t, q, t.adminToken);
        case WRONG_ADMIN_TOKEN -> bearer(t, q, "vpadmin_" + "A".repeat(43));
        case SIGNED -> signed(t, q, sign(t, q, t.a.id(), t.a.secret(), 0));
        case BAD_SIGNATURE -> signed(t, q, sign(t, q, t.a.id(), "not the secret", 0));
        case STALE_SIGNATURE -> signed(t, q, sign(t, q, t.a.id(), t.a.secret(), -301));
        case REVOKED_SIGNER -> signed(t, q, sign(t, q, t.a.id(), t.revokedKey, 0));
        case OTHER_ACCOUNT_SIGNED -> signed(t, q, sign(t, q, t.b.id(), t.b.secret(), 0));
        case FORGED_OWNER -> signed(t, q, sign(t, q, t.a.id(), t.b.secret(), 0));
        case UNKNOWN_OWNER -> signed(t, q, sign(t, q, UNKNOWN_OWNER_ID, t.a.secret(), 0));
        case RESPELLED_PATH -> {
          Uplynk.Signed s = sign(t, q, t.a.id(), t.a.secret(), 0);
          yield send(t, q, signed(q.path().replaceFirst("^/api/v4/", "/api/v4//"), s.msg(), s.sig()), List.of());
        }
        case GET_WITH_BODY -> {
          Uplynk.Signed s = t.sign(t.a.id(), t.a.secret(), 0);
          yield t.http.send("GET", signed(q.path(), s.msg(), s.sig()), "{\"stream_ids\": [\"x\"]}",
              "Content-Type", "application/json");
        }
        case WRITE_WITHOUT_DIGEST -> signed(t, q, t.sign(t.a.id(), t.a.secret(), 0));
        case WRITE_OTHER_DIGEST -> signed(t, q, t.signWrite(t.a.id(), t.a.secret(), 0, q.body() + " "));
        case MSG_WITHOUT_SIG -> send(t, q, q.path() + (q.path().contains("?") ? "&" : "?") + "msg="
            + URLEncoder.encode(t.sign(t.a.id(), t.a.secret(), 0).msg(), StandardCharsets.UTF_8), List.of());
        case GARBLED_MSG -> send(t, q, signed(q.path(), Uplynk.zlibBase64("[1]"), "00"), List.of());
        case REPLAYED_SIGNATURE, SIGNED_ELSEWHERE, FROM_ELSEWHERE, FOREIGN_HOST, CORS_TWO_ORIGINS ->
            throw new IllegalStateException("sent above");
      };
    }

    /** What the route's own account would send: the admin token, the secret key, or nothing on an open route. */
    private List<String> goodCredential(Tenants t) {
      return switch (route.guard()) {
        case ADMIN -> List.of("Authorization", "Bearer " + t.adminToken);
        case PUBLIC, STATIC, LOCAL -> List.of();
        default -> List.of("Authorization", "Bearer " + t.a.secret());
      };
    }

    /** The request on a raw connection, with this Host (java.net.http sets Host itself). */
    private static Http.Response withHost(Tenants t, AccessRoutes.Request q, String host, List<String> headers) {
      StringBuilder b = new StringBuilder(q.method() + " " + q.path() + " HTTP/1.1\r\nHost: " + host
          + "\r\nConnection: close\r\n");
      for (int i = 0; i + 1 < headers.size(); i += 2) {
        b.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
      }
      byte[] body = q.body() == null ? new byte[0] : q.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (q.body() != null) {
        b.append("Content-Type: ").append(q.contentType()).append("\r\nContent-Length: ").append(body.length)
            .append("\r\n");
      }
      b.append("\r\n");
      java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
      wire.writeBytes(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      wire.writeBytes(body);
      try (RawHttp raw = new RawHttp(t.http.port(), 10_000)) {
        RawHttp.Reply r = raw.exchange(wire.toByteArray());
        com.fasterxml.jackson.databind.JsonNode json = r.header("content-type") != null
            && r.header("content-type").startsWith("application/json") && r.body().length > 0
            ? Http.JSON.readTree(r.body()) : null;
        return new Http.Response(r.status(), r.headers(), r.text(), json);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** Signs as a client of this route would: a write's msg carries the digest of its body. */
    private Uplynk.Signed sign(Tenants t, AccessRoutes.Request q, String owner, String secret, long skew) {
      return route.guard() == AccessRoutes.Guard.SIGNED_WRITE_OR_SECRET
          ? t.signWrite(owner, secret, skew, q.body()) : t.sign(owner, secret, skew);
    }

    private static Http.Response bearer(Tenants t, AccessRoutes.Request q, String token) {
      return send(t, q, q.path(), List.of("Authorization", "Bearer " + token));
    }

    private static Http.Response signed(Tenants t, AccessRoutes.Request q, Uplynk.Signed s) {
      return send(t, q, signed(q.path(), s.msg(), s.sig()), List.of());
    }

    private static String signed(String path, String msg, String sig) {
      return path + (path.contains("?") ? "&" : "?") + "msg=" + URLEncoder.encode(msg, StandardCharsets.UTF_8)
          + "&sig=" + sig;
    }

    private static Http.Response send(Tenants t, AccessRoutes.Request q, String path, List<String> auth) {
      List<String> headers = new ArrayList<>(auth);
      if (q.body() != null) {
        headers.add("Content-Type");
        headers.add(q.contentType());
      }
      return t.http.send(q.method(), path, q.body(), headers.toArray(String[]::new));
    }

    /** Sends and checks the answer: status, exact error body, and what the route promises beyond. */
    public void run(Tenants t) {
      AccessRoutes.Request q = route.request().apply(t);
      try {
        expect.verify(send(t, q), t, q);
      } catch (AssertionError e) {
        // reports name dynamic tests by index: say which cell failed
        throw new AssertionError(name() + ": " + e.getMessage(), e);
      }
    }
  }

  /** The whole matrix for these tenants, route by route. */
  public static List<Row> rows(Tenants t) {
    List<Row> out = new ArrayList<>();
    for (Route r : AccessRoutes.all()) {
      for (Caller c : callers(r)) {
        out.add(new Row(r, c, expect(r, c, t)));
      }
    }
    return out;
  }

  static List<Caller> callers(Route r) {
    List<Caller> all = new ArrayList<>(guarded(r));
    all.add(Caller.FOREIGN_HOST);
    return all;
  }

  private static List<Caller> guarded(Route r) {
    return switch (r.guard()) {
      case PUBLIC, STATIC -> PUBLIC;
      case LOCAL -> LOCAL;
      case ADMIN -> ADMIN;
      case SECRET -> BEARER;
      case SECRET_OR_CORS -> {
        List<Caller> all = new ArrayList<>(BEARER);
        all.addAll(CORS);
        yield all;
      }
      case SIGNED_OR_SECRET, SIGNED_WRITE_OR_SECRET -> {
        List<Caller> all = new ArrayList<>(BEARER);
        all.addAll(SIGNING);
        if (r.guard() == AccessRoutes.Guard.SIGNED_WRITE_OR_SECRET) {
          all.addAll(WRITE);
        } else {
          all.addAll(V4);
          if (r.key().startsWith("GET ")) {
            all.add(Caller.GET_WITH_BODY);
          }
        }
        yield all;
      }
    };
  }

  static AccessRoutes.Expect expect(Route r, Caller c, Tenants t) {
    AccessRoutes.Guard g = r.guard();
    if (c == Caller.FOREIGN_HOST) {
      // an answer to HEAD has no body
      return AccessRoutes.error(421, r.key().startsWith("HEAD ") ? null : FOREIGN_HOST_REFUSED);
    }
    if (g == AccessRoutes.Guard.PUBLIC || g == AccessRoutes.Guard.STATIC) {
      return r.ok();
    }
    if (g == AccessRoutes.Guard.LOCAL) {
      return c == Caller.FROM_ELSEWHERE || c == Caller.THROUGH_PROXY ? AccessRoutes.error(403, METRICS_LOCAL_ONLY)
          : r.ok();
    }
    if (g == AccessRoutes.Guard.ADMIN) {
      return c == Caller.ADMIN_TOKEN ? r.ok() : c == Caller.FROM_ELSEWHERE || c == Caller.THROUGH_PROXY
          ? AccessRoutes.error(403, ADMIN_LOCAL_ONLY) : AccessRoutes.error(401, ADMIN_ONLY);
    }
    boolean corsAllowed = g == AccessRoutes.Guard.SECRET_OR_CORS;
    boolean signed = g == AccessRoutes.Guard.SIGNED_OR_SECRET || g == AccessRoutes.Guard.SIGNED_WRITE_OR_SECRET;
    String badSignature = "bad signature: sig does not match msg for any secret key of " + t.a.id();
    return switch (c) {
      case NONE -> AccessRoutes.error(401, signed ? UNSIGNED : NOT_AUTHENTICATED);
      case BASIC -> AccessRoutes.error(401, "unsupported authorization header scheme: Basic");
      case EMPTY_BEARER -> AccessRoutes.error(401, NO_KEY);
      case UNKNOWN_KEY -> AccessRoutes.error(401, "invalid API key");
      case REVOKED_KEY -> AccessRoutes.error(401, "this API key has been revoked");
      case CORS_NO_ORIGIN, CORS_ALLOWED_ORIGIN -> corsAllowed ? r.ok() : AccessRoutes.error(403, CORS_FORBIDDEN);
      case CORS_OTHER_ORIGIN -> AccessRoutes.error(403,
          "credential disallows CORS access from origin " + Tenants.OTHER_ORIGIN);
      // the totals have no breakdown: the parameter means nothing there
      case CORS_VIEWER_BREAKDOWN -> r.key().endsWith("/creator") ? AccessRoutes.error(403, "a CORS key may not break"
          + " down or filter by viewerId: it may use browser, browserEngine, continent, country, cpu, device,"
          + " deviceType, os, subdivision, timezone (a secret key may use any)") : r.ok();
      case CORS_TWO_ORIGINS -> AccessRoutes.error(400, "a request carries one Origin header, not 2");
      case SECRET, SIGNED -> r.ok();
      case OTHER_ACCOUNT, OTHER_ACCOUNT_SIGNED -> r.other().apply(t);
      case BAD_SIGNATURE, REVOKED_SIGNER, FORGED_OWNER -> AccessRoutes.error(401, badSignature);
      case STALE_SIGNATURE -> AccessRoutes.error(401,
          "_timestamp is 301 s away from the server's clock; at most 300 s is accepted");
      case REPLAYED_SIGNATURE, SIGNED_ELSEWHERE -> AccessRoutes.error(401, REPLAYED);
      case RESPELLED_PATH -> AccessRoutes.error(400, "the path is not in canonical form: it has an empty segment (//);"
          + " send " + r.request().apply(t).path().replaceFirst("\\?.*", ""));
      case GET_WITH_BODY -> AccessRoutes.error(400, "a GET request carries no body: send its parameters in the query"
          + " string");
      case WRITE_WITHOUT_DIGEST -> AccessRoutes.error(401, "a signed write must carry _body_sha256 in msg: the"
          + " lowercase hex SHA-256 of the exact body bytes (or send Authorization: Bearer <secret key>)");
      case WRITE_OTHER_DIGEST -> AccessRoutes.error(401, "_body_sha256 in msg does not match the body: sign the"
          + " lowercase hex SHA-256 of the exact bytes sent");
      case UNKNOWN_OWNER -> AccessRoutes.error(401, "unknown _owner " + UNKNOWN_OWNER_ID);
      case MSG_WITHOUT_SIG -> AccessRoutes.error(401, "a signed request needs both msg and sig");
      case GARBLED_MSG -> AccessRoutes.error(401, "msg must be base64 of zlib-compressed JSON (not an object)");
      case ADMIN_TOKEN, WRONG_ADMIN_TOKEN, SECRET_AS_ADMIN, CORS_AS_ADMIN, FROM_ELSEWHERE, THROUGH_PROXY, FOREIGN_HOST ->
          throw new IllegalStateException(c + " is not asked of " + r.key());
    };
  }

  /** Fails unless the answer has exactly this status. */
  public static void assertStatus(Row row, Http.Response r) {
    assertThat(r.status()).as(row.name() + ": " + r.body()).isEqualTo(row.expect().status());
  }
}
