package io.viewpulse.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Viewpulse-Signature} header, as Stripe signs its webhooks: {@code t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "<t>.<body>">} with the endpoint's secret. A receiver recomputes the HMAC over the raw body it received and
 * refuses a {@code t} too far from its own clock (a replayed delivery).
 */
public final class WebhookSignature {
  /** The header's name. */
  public static final String HEADER = "Viewpulse-Signature";

  private WebhookSignature() {}

  /** The header's value for a body sent at {@code unixSeconds}. */
  public static String header(byte[] secret, long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, unixSeconds, body));
  }

  /** Whether a header's {@code v1} is the HMAC of this body at its {@code t} (compared in constant time). */
  public static boolean verifies(byte[] secret, String header, byte[] body) {
    long t = -1;
    String v1 = null;
    for (String part : header.split(",")) {
      if (part.startsWith("t=")) {
        try {
          t = Long.parseLong(part.substring(2));
        } catch (NumberFormatException e) {
          return false;
        }
      } else if (part.startsWith("v1=")) {
        v1 = part.substring(3);
      }
    }
    if (t < 0 || v1 == null) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(v1);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(given, hmac(secret, t, body));
  }

  private static byte[] hmac(byte[] secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
