package io.viewpulse.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Caps on the strings an open session keeps of what its player sent, so that a session's heap has an upper bound
 * whatever the player sends (docs/BENCHMARKS.md, heap per open session).
 *
 * <p>A session id or viewer id longer than {@link #MAX_ID} characters is replaced by a fixed-length hash of it, so that
 * distinct long ids stay distinct; shorter ones are kept as they are, as they always were (they are stored). A host
 * name longer than {@link #MAX_HOST} characters keeps its last labels that fit (its parent domain): hosts are
 * dimensions, not identities. Each function is idempotent, so an id or host bounded once (by ingest) is left alone
 * when a beacon is read back from the event log or a session from its snapshot, while one written by an older version
 * is bounded the same way as a new one.
 */
public final class Bounded {
  /** Session and viewer ids longer than this are kept as a hash of them. */
  public static final int MAX_ID = 64;
  /** Host names longer than this keep their last labels that fit. */
  public static final int MAX_HOST = 128;
  /** Prefix of a hashed session id: a session id is printable ASCII, and this mark keeps the hashes apart. */
  private static final String SESSION_HASH = "~";
  /** Prefix of a hashed viewer id, as viewer ids longer than 256 characters have always been kept. */
  private static final String VIEWER_HASH = "sha256:";
  private static final int VIEWER_HASH_LENGTH = VIEWER_HASH.length() + 64;

  private Bounded() {}

  /** The session id as kept: itself up to {@link #MAX_ID} characters, else {@code ~} and 22 characters of its hash. */
  public static String sessionId(String id) {
    if (id == null || id.length() <= MAX_ID) {
      return id;
    }
    byte[] digest = sha256(id);
    return SESSION_HASH + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
  }

  /** The viewer id as kept: itself up to {@link #MAX_ID} characters, else {@code sha256:} and its hex SHA-256. */
  public static String viewerId(String id) {
    if (id == null || id.length() <= MAX_ID || isViewerHash(id)) {
      return id;
    }
    return VIEWER_HASH + Sha256.hex(id);
  }

  /**
   * The host name as kept: itself up to {@link #MAX_HOST} characters, else its last whole labels that fit, or null
   * when not even its last label fits (no DNS label is longer than 63 characters).
   */
  public static String host(String host) {
    if (host == null || host.length() <= MAX_HOST) {
      return host;
    }
    // the first dot from which the rest is at most MAX_HOST characters
    int dot = host.indexOf('.', host.length() - MAX_HOST - 1);
    return dot < 0 || dot + 1 >= host.length() ? null : host.substring(dot + 1);
  }

  private static boolean isViewerHash(String id) {
    if (id.length() != VIEWER_HASH_LENGTH || !id.startsWith(VIEWER_HASH)) {
      return false;
    }
    for (int i = VIEWER_HASH.length(); i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
