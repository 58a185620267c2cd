package io.viewpulse.testing;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.Deflater;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs requests the way Uplynk's api_auth does: msg = base64(zlib(json)), sig = hex HMAC-SHA256(secret, msg). */
public final class Uplynk {
  private Uplynk() {}

  public record Signed(String msg, String sig) {
    public String query() {
      return "msg=" + URLEncoder.encode(msg, StandardCharsets.UTF_8) + "&sig=" + sig;
    }
  }

  public static Signed sign(String owner, String secret, long timestampSeconds, String extraJson) {
    String json = "{\"_owner\": \"" + owner + "\", \"_timestamp\": " + timestampSeconds
        + (extraJson == null ? "" : ", " + extraJson) + "}";
    String msg = zlibBase64(json);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return new Signed(msg, HexFormat.of().formatHex(mac.doFinal(msg.getBytes(StandardCharsets.UTF_8))));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code _body_sha256} a signed write carries: the lowercase hex SHA-256 of the body's UTF-8 bytes. */
  public static String bodySha256(String body) {
    try {
      return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code msg} encoding: base64 of the zlib-compressed text. */
  public static String zlibBase64(String text) {
    Deflater d = new Deflater(9);
    d.setInput(text.getBytes(StandardCharsets.UTF_8));
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1024];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }
}
