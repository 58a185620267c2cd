package io.viewpulse.client;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.Deflater;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Uplynk-style request signing: msg = base64(zlib(json)) with _owner and _timestamp; sig = hex HMAC-SHA256. */
final class UplynkSignature {
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private final String owner;
  private final byte[] secret;
  private final Clock clock;

  UplynkSignature(String owner, String secret, Clock clock) {
    this.owner = owner;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  /** {@code msg=...&sig=...} for the query string. */
  String query() {
    // a nonce makes every request's signature unique, so two requests in one second are not taken for a replay
    String json = "{\"_owner\": " + Transport.JSON.valueToTree(owner) + ", \"_timestamp\": "
        + clock.instant().getEpochSecond() + ", \"_nonce\": \"" + Long.toHexString(RANDOM.nextLong()) + "\"}";
    Deflater d = new Deflater(9);
    d.setInput(json.getBytes(StandardCharsets.UTF_8));
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[512];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    String msg = Base64.getEncoder().encodeToString(out.toByteArray());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      String sig = HexFormat.of().formatHex(mac.doFinal(msg.getBytes(StandardCharsets.UTF_8)));
      return "msg=" + URLEncoder.encode(msg, StandardCharsets.UTF_8) + "&sig=" + sig;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
