package io.viewpulse.live;

import java.util.Locale;

/** Uplynk's spelling of where and on what a session plays. */
public final class Places {
  private Places() {}

  /** {@code country:region} in lower case, as {@code us:ca}; {@code ??} stands for an unknown part. */
  public static String location(String country, String region) {
    String c = country == null || country.isBlank() ? "??" : country.toLowerCase(Locale.ROOT);
    String r = region == null || region.isBlank() ? "??" : region.toLowerCase(Locale.ROOT);
    return c + ":" + r;
  }

  /** The OS family in lower case: windows, mac, ios, android, linux, chromeos, ... */
  public static String platform(String os) {
    if (os == null || os.isBlank()) {
      return "unknown";
    }
    String o = os.toLowerCase(Locale.ROOT);
    if (o.startsWith("windows")) {
      return "windows";
    }
    if (o.startsWith("mac") || o.equals("os x")) {
      return "mac";
    }
    if (o.equals("ios") || o.equals("ipados")) {
      return "ios";
    }
    if (o.startsWith("android") || o.equals("fire os")) {
      return "android";
    }
    if (o.equals("chrome os") || o.equals("chromeos")) {
      return "chromeos";
    }
    if (o.equals("linux") || o.equals("ubuntu") || o.equals("debian") || o.equals("fedora")) {
      return "linux";
    }
    return o.replace(' ', '-');
  }
}
