package io.viewpulse.client;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What views can be broken down and filtered by, with the API's names: the fixed dimensions (constants, {@link
 * #values}) and the custom dimensions an account declared ({@link #custom}, {@code custom.<name>} in the API).
 * Two dimensions are equal when their API names are.
 */
public final class Dimension {
  public static final Dimension PLAYBACK_ID = new Dimension("playbackId");
  public static final Dimension D_STORAGE_URL = new Dimension("dStorageUrl");
  public static final Dimension DEVICE_TYPE = new Dimension("deviceType");
  public static final Dimension DEVICE = new Dimension("device");
  public static final Dimension CPU = new Dimension("cpu");
  public static final Dimension OS = new Dimension("os");
  public static final Dimension BROWSER = new Dimension("browser");
  public static final Dimension BROWSER_ENGINE = new Dimension("browserEngine");
  public static final Dimension CONTINENT = new Dimension("continent");
  public static final Dimension COUNTRY = new Dimension("country");
  public static final Dimension SUBDIVISION = new Dimension("subdivision");
  public static final Dimension TIMEZONE = new Dimension("timezone");
  public static final Dimension GEOHASH = new Dimension("geohash");
  public static final Dimension VIEWER_ID = new Dimension("viewerId");
  public static final Dimension CREATOR_ID = new Dimension("creatorId");
  /** The autonomous system number of the viewer's network (an ASN database on the server). */
  public static final Dimension ASN = new Dimension("asn");
  /** The organisation holding that autonomous system. */
  public static final Dimension ISP = new Dimension("isp");
  /** The CDN the player or the forwarder reported. */
  public static final Dimension CDN = new Dimension("cdn");

  private static final List<Dimension> VALUES = List.of(PLAYBACK_ID, D_STORAGE_URL, DEVICE_TYPE, DEVICE, CPU, OS,
      BROWSER, BROWSER_ENGINE, CONTINENT, COUNTRY, SUBDIVISION, TIMEZONE, GEOHASH, VIEWER_ID, CREATOR_ID, ASN, ISP,
      CDN);
  /** The API name's prefix of a custom dimension. */
  public static final String CUSTOM_PREFIX = "custom.";
  private static final Pattern CUSTOM_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  private final String apiName;

  private Dimension(String apiName) {
    this.apiName = apiName;
  }

  /**
   * The custom dimension {@code name} the account declared ({@code custom.<name>} in the API).
   *
   * @throws IllegalArgumentException for a name no account can declare
   */
  public static Dimension custom(String name) {
    if (name == null || !CUSTOM_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a custom dimension's name is 1 to 32 lowercase letters, digits, '_' or '-',"
          + " a letter first; got '" + name + "'");
    }
    return new Dimension(CUSTOM_PREFIX + name);
  }

  /** The fixed dimensions (not the custom ones), in the API's order. */
  public static Dimension[] values() {
    return VALUES.toArray(Dimension[]::new);
  }

  public String apiName() {
    return apiName;
  }

  /** Whether this is a custom dimension. */
  public boolean isCustom() {
    return apiName.startsWith(CUSTOM_PREFIX);
  }

  /** The dimension with this API name ({@code custom.<name>} for a custom one), or null. */
  public static Dimension byApiName(String name) {
    if (name == null) {
      return null;
    }
    if (name.startsWith(CUSTOM_PREFIX)) {
      String custom = name.substring(CUSTOM_PREFIX.length());
      return CUSTOM_NAME.matcher(custom).matches() ? new Dimension(name) : null;
    }
    for (Dimension d : VALUES) {
      if (d.apiName.equals(name)) {
        return d;
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dimension d && d.apiName.equals(apiName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(apiName);
  }

  @Override
  public String toString() {
    return apiName;
  }
}
