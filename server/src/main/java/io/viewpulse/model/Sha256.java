package io.viewpulse.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a text, for what must be recognised again but never kept as given (API tokens, oversize viewer ids). */
public final class Sha256 {
  private Sha256() {}

  /** The lowercase hex SHA-256 of {@code s} as UTF-8. */
  public static String hex(String s) {
    return HexFormat.of().formatHex(digest(s));
  }

  /** The SHA-256 of {@code s} as UTF-8. */
  public static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
