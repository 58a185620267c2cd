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
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Uplynk-style signed requests: {@code msg} is base64 of the zlib-compressed JSON of the parameters, which include
 * {@code _owner} (the account id) and {@code _timestamp} (Unix seconds); {@code sig} is the lowercase hex
 * HMAC-SHA256 of the {@code msg} text, keyed with one of the account's secret keys.
 *
 * <p>A {@code _timestamp} more than {@link #WINDOW} away from the server's clock is refused, and so is a signed request
 * already seen within that window (remembered for twice the window), so a captured request cannot be replayed. The
 * scheme signs only the parameters, not the route: two different requests signed in the same second carry the same
 * signature, so "seen" means the same signature on the same request (method, path and body; the query carries only
 * msg and sig, and whatever else a replayer appends to it is not a new request). The body of a POST is not signed:
 * a captured signature can carry another body once within the window, a limit of the scheme itself.
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

  /**
   * Checks a signed request.
   *
   * @param request what identifies the request besides its signature (method, path, other parameters, body digest)
   * @throws AuthException 401 naming what is wrong
   */
  public Signed verify(String msg, String sig, String request) {
    if (msg == null || sig == null) {
      throw new AuthException(401, "a signed request needs both msg and sig");
    }
    JsonNode params = decode(msg);
    JsonNode owner = params.get("_owner");
    JsonNode ts = params.get("_timestamp");
    if (owner == null || !owner.isTextual() || ts == null || !ts.canConvertToLong()) {
      throw new AuthException(401, "msg must hold _owner (your user id) and _timestamp (Unix seconds)");
    }
    if (keys.account(owner.asText()).isEmpty()) {
      throw new AuthException(401, "unknown _owner " + owner.asText());
    }
    long skew = Math.abs(clock.instant().getEpochSecond() - ts.asLong());
    if (skew > WINDOW.toSeconds()) {
      throw new AuthException(401, "_timestamp is " + skew + " s away from the server's clock; at most "
          + WINDOW.toSeconds() + " s is accepted");
    }
    byte[] presented;
    try {
      presented = HexFormat.of().parseHex(sig.strip().toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new AuthException(401, "sig must be the hex HMAC-SHA256 of msg");
    }
    byte[] message = msg.getBytes(StandardCharsets.UTF_8);
    for (String secret : keys.secretTokens(owner.asText())) {
      byte[] expected = MasterKey.hmac(secret.getBytes(StandardCharsets.UTF_8), message);
      if (MessageDigest.isEqual(expected, presented)) {
        if (used.asMap().putIfAbsent(HexFormat.of().formatHex(expected) + " " + request, Boolean.TRUE) != null) {
          throw new AuthException(401, "this signature was already used: sign each request anew");
        }
        return new Signed(new Principal(owner.asText(), null, null), params);
      }
    }
    throw new AuthException(401, "bad signature: sig does not match msg for any secret key of " + owner.asText());
  }

  private static JsonNode decode(String msg) {
    try {
      byte[] compressed = Base64.getMimeDecoder().decode(msg.strip());
      Inflater inflater = new Inflater();
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new DataFormatException("truncated");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_MSG) {
          throw new DataFormatException("too large");
        }
      }
      inflater.end();
      JsonNode n = JSON.readTree(out.toByteArray());
      if (n == null || !n.isObject()) {
        throw new DataFormatException("not an object");
      }
      return n;
    } catch (IllegalArgumentException | DataFormatException | java.io.IOException e) {
      throw new AuthException(401, "msg must be base64 of zlib-compressed JSON (" + e.getMessage() + ")");
    }
  }
}
