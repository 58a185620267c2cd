package io.viewpulse.auth;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The operator's token for the {@code /admin} routes, derived from the master key: whoever can read the master key
 * (the command line on the server's machine) can administer; nobody else can, and it is never stored.
 */
public final class AdminToken {
  private AdminToken() {}

  public static String of(MasterKey master) {
    return "vpadmin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(master.derive("admin-token"));
  }

  /** Constant-time comparison of a presented token with the real one. */
  public static boolean matches(MasterKey master, String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(of(master).getBytes(StandardCharsets.UTF_8),
        presented.getBytes(StandardCharsets.UTF_8));
  }
}
