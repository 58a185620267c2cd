package io.viewpulse.query;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A breakdown dimension of the views API, by its API name (as Livepeer spells it in {@code breakdownBy[]}). The
 * custom dimensions are slots ({@link #custom}): the API names them {@code custom.<name>} by the names their account
 * declared ({@link #resolve}), never by slot.
 */
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
  CREATOR_ID("creatorId"),
  ASN("asn"),
  ISP("isp"),
  CDN("cdn"),
  CUSTOM_1("custom.1"),
  CUSTOM_2("custom.2"),
  CUSTOM_3("custom.3"),
  CUSTOM_4("custom.4"),
  CUSTOM_5("custom.5"),
  CUSTOM_6("custom.6"),
  CUSTOM_7("custom.7"),
  CUSTOM_8("custom.8"),
  CUSTOM_9("custom.9"),
  CUSTOM_10("custom.10");

  private static final Map<String, Dimension> BY_API_NAME = Arrays.stream(values()).filter(d -> d.customSlot() == 0)
      .collect(Collectors.toUnmodifiableMap(Dimension::apiName, Function.identity()));
  private static final Dimension[] CUSTOM = {CUSTOM_1, CUSTOM_2, CUSTOM_3, CUSTOM_4, CUSTOM_5, CUSTOM_6, CUSTOM_7,
      CUSTOM_8, CUSTOM_9, CUSTOM_10};

  private final String apiName;

  Dimension(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /** A dimension that is not custom, by its API name. */
  public static Optional<Dimension> byApiName(String name) {
    return Optional.ofNullable(BY_API_NAME.get(name));
  }

  /** The custom dimension of slot {@code slot}, 1 to {@link io.viewpulse.model.CustomDimension#MAX}. */
  public static Dimension custom(int slot) {
    return CUSTOM[slot - 1];
  }

  /** The slot of a custom dimension, 1 to {@link io.viewpulse.model.CustomDimension#MAX}; 0 for the others. */
  public int customSlot() {
    return ordinal() >= CUSTOM_1.ordinal() ? ordinal() - CUSTOM_1.ordinal() + 1 : 0;
  }

  /**
   * A dimension by its API name: {@code custom.<name>} by the names an account declared ({@code declared}, by slot,
   * index 0 being slot 1), the others by {@link #byApiName}; invalid (naming the account's names) for a custom name it
   * did not declare, empty for any other unknown name.
   */
  public static Optional<Dimension> resolve(String name, java.util.List<String> declared) {
    if (!name.startsWith(io.viewpulse.model.CustomDimension.PREFIX)) {
      return byApiName(name);
    }
    String custom = name.substring(io.viewpulse.model.CustomDimension.PREFIX.length());
    int slot = declared.indexOf(custom);
    if (slot < 0) {
      java.util.List<String> names = declared.stream().filter(java.util.Objects::nonNull).toList();
      throw io.viewpulse.model.DomainException.invalid("custom dimension " + custom + " is not declared"
          + (names.isEmpty() ? ": this account declared none (POST /api/custom-dimensions)"
          : " (this account declared " + String.join(", ", names) + ")"));
    }
    return Optional.of(custom(slot + 1));
  }

  /** The API name of this dimension for an account with these declared names (by slot). */
  public String apiName(java.util.List<String> declared) {
    int slot = customSlot();
    return slot == 0 ? apiName : io.viewpulse.model.CustomDimension.PREFIX + declared.get(slot - 1);
  }
}
