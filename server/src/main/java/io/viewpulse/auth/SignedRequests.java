package io.viewpulse.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Uplynk-style signed requests: {@code msg} is base64 of the zlib-compressed JSON of the parameters, which include
 * {@code _owner} (the account id) and {@code _timestamp} (Unix seconds); {@code sig} is the lowercase hex
 * HMAC-SHA256 of the {@code msg} text, keyed with one of the account's secret keys.
 *
 * <p>Invariants: a {@code _timestamp} more than {@link #WINDOW} away from the server's clock is refused; a signature is
 * good for one request, whatever its route, path spelling, body or stream id: the verified HMAC itself is the replay
 * key, remembered for twice the window, so a captured {@code msg}/{@code sig} is refused everywhere once used. The
 * scheme signs the parameters only, not the route nor the body: a route that writes asks, through its
 * {@link #verify requirement}, for a digest of the body inside {@code msg} ({@link #bodyDigest}). A client that sends
 * two requests with the same parameters in the same second adds any parameter (such as {@code _nonce}) to make their
 * signatures differ. A signature is spent only once it verified and the route's requirement held.
 */
public final class SignedRequests {
  /** How far a request's {@code _timestamp} may be from the server's clock. */
  public static final Duration WINDOW = Duration.ofMinutes(5);
  private static final int MAX_MSG = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyService keys;
  private final InstantSource clock;
  private final Cache<String, Boolean> used;

  public SignedRequests(KeyService keys, InstantSource clock) {
    this.keys = keys;
    this.clock = clock;
    this.used = Caffeine.newBuilder().expireAfterWrite(WINDOW.multipliedBy(2)).maximumSize(2_000_000)
        .build();
  }

  /** A verified request: who signed it and the parameters inside {@code msg}. */
  public record Signed(Principal principal, JsonNode params) {}

  /** The 401 message of a signature used a second time. */
  static final String REPLAYED = "this signature was already used: sign each request anew (to send the same"
      + " parameters twice in one second, add a parameter such as _nonce to msg)";

  /** What a route asks of a verified {@code msg} beyond its signature (nothing, for reads). */
  public static final Consumer<JsonNode> ANY = params -> {};

  /**
   * Checks a signed request and spends its signature.
   *
   * @param requirement what this route asks of the verified parameters (throws {@link AuthException} when unmet); the
   *     signature is spent only when it holds
   * @throws AuthException 401 naming what is wrong
   */
  public Signed verify(String msg, String sig, Consumer<JsonNode> requirement) {
    if (msg == null || sig == null) {
      throw AuthException.unauthenticated("a signed request needs both msg and sig");
    }
    JsonNode params = decode(msg);
    JsonNode owner = params.get("_owner");
    JsonNode ts = params.get("_timestamp");
    if (owner == null || !owner.isTextual() || ts == null || !ts.canConvertToLong()) {
      throw AuthException.unauthenticated("msg must hold _owner (your user id) and _timestamp (Unix seconds)");
    }
    if (keys.account(owner.asText()).isEmpty()) {
      throw AuthException.unauthenticated("unknown _owner " + owner.asText());
    }
    long skew = Math.abs(clock.instant().getEpochSecond() - ts.asLong());
    if (skew > WINDOW.toSeconds()) {
      throw AuthException.unauthenticated("_timestamp is " + skew + " s away from the server's clock; at most "
          + WINDOW.toSeconds() + " s is accepted");
    }
    byte[] presented;
    try {
      presented = HexFormat.of().parseHex(sig.strip().toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw AuthException.unauthenticated("sig must be the hex HMAC-SHA256 of msg");
    }
    byte[] message = msg.getBytes(StandardCharsets.UTF_8);
    for (String secret : keys.secretTokens(owner.asText())) {
      byte[] expected = MasterKey.hmac(secret.getBytes(StandardCharsets.UTF_8), message);
      if (MessageDigest.isEqual(expected, presented)) {
        requirement.accept(params);
        if (used.asMap().putIfAbsent(HexFormat.of().formatHex(expected), Boolean.TRUE) != null) {
          throw AuthException.unauthenticated(REPLAYED);
        }
        return new Signed(new Principal(owner.asText(), null, null), params);
      }
    }
    throw AuthException.unauthenticated("bad signature: sig does not match msg for any secret key of " + owner.asText());
  }

  /**
   * The requirement of a route that writes: {@code msg} carries {@code _body_sha256}, the lowercase hex SHA-256 of the
   * exact body bytes, so the signature covers what is written.
   */
  public static Consumer<JsonNode> bodyDigest(byte[] body) {
    return params -> {
      JsonNode d = params.get("_body_sha256");
      if (d == null || !d.isTextual()) {
        throw AuthException.unauthenticated("a signed write must carry _body_sha256 in msg: the lowercase hex SHA-256 of"
            + " the exact body bytes (or send Authorization: Bearer <secret key>)");
      }
      byte[] actual;
      try {
        actual = MessageDigest.getInstance("SHA-256").digest(body);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JDK", e);
      }
      if (!MessageDigest.isEqual(HexFormat.of().formatHex(actual).getBytes(StandardCharsets.US_ASCII),
          d.asText().getBytes(StandardCharsets.UTF_8))) {
        throw AuthException.unauthenticated("_body_sha256 in msg does not match the body: sign the lowercase hex SHA-256"
            + " of the exact bytes sent");
      }
    };
  }

  /**
   * The parameters inside {@code msg}. A refusal says which layer failed, never what it held (a garbled msg may hold
   * anything, a key included).
   */
  private static JsonNode decode(String msg) {
    byte[] compressed;
    try {
      compressed = Base64.getMimeDecoder().decode(msg.strip());
    } catch (IllegalArgumentException e) {
      throw garbled("not base64");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(compressed);
      byte[] buf = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw garbled("not zlib-compressed: truncated");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_MSG) {
          throw garbled("larger than " + MAX_MSG / 1024 + " KiB once inflated");
        }
      }
    } catch (DataFormatException e) {
      throw garbled("not zlib-compressed");
    } finally {
      inflater.end();
    }
    JsonNode n;
    try {
      n = JSON.readTree(out.toByteArray());
    } catch (java.io.IOException e) {
      throw garbled("not JSON");
    }
    if (n == null || !n.isObject()) {
      throw garbled("not an object");
    }
    return n;
  }

  private static AuthException garbled(String why) {
    return AuthException.unauthenticated("msg must be base64 of zlib-compressed JSON (" + why + ")");
  }
}
