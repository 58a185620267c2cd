package io.viewpulse.client;

/** What views can be broken down by, with the API's names. */
public enum Dimension {
  PLAYBACK_ID("playbackId"),
  D_STORAGE_URL("dStorageUrl"),
  DEVICE_TYPE("deviceType"),
  DEVICE("device"),
  CPU("cpu"),
  OS("os"),
  BROWSER("browser"),
  BROWSER_ENGINE("browserEngine"),
  CONTINENT("continent"),
  COUNTRY("country"),
  SUBDIVISION("subdivision"),
  TIMEZONE("timezone"),
  GEOHASH("geohash"),
  VIEWER_ID("viewerId"),
  CREATOR_ID("creatorId");

  private final String apiName;

  Dimension(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /** The dimension with this API name, or null. */
  public static Dimension byApiName(String name) {
    for (Dimension d : values()) {
      if (d.apiName.equals(name)) {
        return d;
      }
    }
    return null;
  }
}
