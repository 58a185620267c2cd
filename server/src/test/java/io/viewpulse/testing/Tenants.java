package io.viewpulse.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Two accounts, A and B, each with a secret key, an asset and a live channel; A also has a CORS key and a revoked key.
 * Everything is made through the admin routes, so a server in another process is set up exactly like one in this
 * JVM. Every token and signature handed out is remembered, for tests that look for them where they must not be.
 */
public final class Tenants {
  public static final String ALLOWED_ORIGIN = "https://app.example.com";
  public static final String OTHER_ORIGIN = "https://evil.example";
  /** A CIDv0 on A's asset: dStorage totals are the one documented cross-account answer. */
  public static final String CID = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";

  /** One account's id, secret key and media. */
  public record Account(String id, String secret, String assetId, String assetPlaybackId, String streamId,
      String streamPlaybackId, String creatorId) {}

  public final Http http;
  public final String adminToken;
  public final Account a;
  public final Account b;
  public final String corsKey;
  public final String revokedKey;
  /** Set, the server sees this test's requests as from another machine (null: a server that cannot be switched). */
  public final java.util.concurrent.atomic.AtomicBoolean elsewhere;
  private final LongSupplier nowMillis;
  private final List<String> secrets = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger serial = new AtomicInteger();

  private Tenants(Http http, String adminToken, LongSupplier nowMillis,
      java.util.concurrent.atomic.AtomicBoolean elsewhere) {
    this.http = http;
    this.elsewhere = elsewhere;
    this.adminToken = adminToken;
    this.nowMillis = nowMillis;
    secrets.add(adminToken);
    a = account("a");
    b = account("b");
    corsKey = key(a.id(), "browser", "[\"" + ALLOWED_ORIGIN + "\"]").path("token").asText();
    JsonNode revoked = key(a.id(), "leaked", null);
    admin("POST", "/admin/keys/" + revoked.get("id").asText() + "/revoke", "{}");
    revokedKey = revoked.get("token").asText();
  }

  /** Sets up both accounts on the server behind {@code http}; {@code nowMillis} is that server's clock. */
  public static Tenants create(Http http, String adminToken, LongSupplier nowMillis) {
    return new Tenants(http, adminToken, nowMillis, null);
  }

  /** As {@link #create(Http, String, LongSupplier)}, for a server whose loopback check reads {@code elsewhere}. */
  public static Tenants create(Http http, String adminToken, LongSupplier nowMillis,
      java.util.concurrent.atomic.AtomicBoolean elsewhere) {
    return new Tenants(http, adminToken, nowMillis, elsewhere);
  }

  private Account account(String tag) {
    String id = admin("POST", "/admin/accounts", "{\"name\": \"tenant " + tag + "\"}").get("id").asText();
    String secret = key(id, "backend", null).get("token").asText();
    String creator = "creator-" + tag;
    String asset = media(id, "asset", "\"name\": \"video " + tag + "\", \"playbackId\": \"" + tag + "-video\", "
        + "\"creatorId\": \"" + creator + "\"" + (tag.equals("a") ? ", \"dStorageUrl\": \"ipfs://" + CID + "\"" : ""));
    String stream = media(id, "stream", "\"name\": \"live " + tag + "\", \"playbackId\": \"" + tag + "-live\", "
        + "\"type\": \"channel\"");
    return new Account(id, secret, asset, tag + "-video", stream, tag + "-live", creator);
  }

  private JsonNode key(String account, String name, String originsJson) {
    JsonNode k = admin("POST", "/admin/keys", "{\"account\": \"" + account + "\", \"name\": \"" + name + "\""
        + (originsJson == null ? "" : ", \"allowedOrigins\": " + originsJson) + "}");
    secrets.add(k.get("token").asText());
    return k;
  }

  private String media(String account, String kind, String fields) {
    return admin("POST", "/admin/media", "{\"account\": \"" + account + "\", \"kind\": \"" + kind + "\", " + fields
        + "}").get("id").asText();
  }

  /** An admin call that must succeed. */
  public JsonNode admin(String method, String path, String body) {
    Http.Response r = http.send(method, path, body, "Authorization", "Bearer " + adminToken,
        "Content-Type", "application/json");
    if (r.status() != 200) {
      throw new IllegalStateException(method + " " + path + " answered " + r.status() + ": " + r.body());
    }
    return r.json();
  }

  /** A throwaway asset or stream of A, for routes that destroy what they are given. */
  public String spareMedia(String kind) {
    int n = serial.incrementAndGet();
    return media(a.id(), kind, "\"name\": \"spare " + n + "\"" + (kind.equals("stream") ? ", \"type\": \"event\""
        : ""));
  }

  private String keptSavedView;

  /** A saved view of A's that no route of the matrix deletes: its id. */
  public synchronized String keptSavedView() {
    if (keptSavedView == null) {
      keptSavedView = savedView();
    }
    return keptSavedView;
  }

  /** A new saved view of A's dashboard: its id. */
  public String savedView() {
    String name = "saved " + serial.incrementAndGet();
    Http.Response r = http.send("POST", "/api/saved-view", "{\"name\": \"" + name + "\", \"state\": \"#/overview\"}",
        "Authorization", "Bearer " + a.secret(), "Content-Type", "application/json");
    if (r.status() != 201) {
      throw new IllegalStateException("saving a view answered " + r.status() + ": " + r.body());
    }
    return r.json().get("id").asText();
  }

  /** A throwaway live secret key of A: its id. */
  public String spareKeyId() {
    return key(a.id(), "spare " + serial.incrementAndGet(), null).get("id").asText();
  }

  /**
   * Signs as Uplynk clients do, {@code skewSeconds} away from the server's clock. A nonce makes every signature
   * unique, since two requests signed in the same second would otherwise share one and count as a replay.
   */
  public Uplynk.Signed sign(String owner, String secret, long skewSeconds) {
    Uplynk.Signed s = Uplynk.sign(owner, secret, nowMillis.getAsLong() / 1000 + skewSeconds,
        "\"_nonce\": " + serial.incrementAndGet());
    secrets.add(s.sig());
    return s;
  }

  /** As {@link #sign(String, String, long)}, for a write: {@code msg} also carries the digest of {@code body}. */
  public Uplynk.Signed signWrite(String owner, String secret, long skewSeconds, String body) {
    Uplynk.Signed s = Uplynk.sign(owner, secret, nowMillis.getAsLong() / 1000 + skewSeconds,
        "\"_nonce\": " + serial.incrementAndGet() + ", \"_body_sha256\": \"" + Uplynk.bodySha256(body) + "\"");
    secrets.add(s.sig());
    return s;
  }

  /** The server's clock. */
  public long nowMillis() {
    return nowMillis.getAsLong();
  }

  /** A name no other call of this fixture gets. */
  public String unique(String prefix) {
    return prefix + serial.incrementAndGet();
  }

  /** Remembers a secret handed out by a test itself (a token, a signature). */
  public void remember(String secret) {
    secrets.add(secret);
  }

  /** Every token and signature handed out so far, the admin token included. */
  public List<String> secrets() {
    synchronized (secrets) {
      return List.copyOf(secrets);
    }
  }
}
