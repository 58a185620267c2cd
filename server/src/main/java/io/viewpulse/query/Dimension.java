package io.viewpulse.query;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A breakdown dimension of the views API, by its API name (as Livepeer spells it in {@code breakdownBy[]}). */
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

  private static final Map<String, Dimension> BY_API_NAME =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Dimension::apiName, Function.identity()));

  private final String apiName;

  Dimension(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  public static Optional<Dimension> byApiName(String name) {
    return Optional.ofNullable(BY_API_NAME.get(name));
  }
}
