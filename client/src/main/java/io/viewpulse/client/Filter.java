package io.viewpulse.client;

import java.util.Objects;

/**
 * A condition of a views query on a dimension: {@code country:US} keeps views from the US, {@code !browser:Chrome}
 * ({@link #not}) drops Chrome's. Several filters on one dimension are alternatives (views from the US or from
 * Germany); each negated one drops its value; filters on different dimensions must all hold.
 */
public record Filter(Dimension dimension, String value, boolean negated) {
  public Filter {
    Objects.requireNonNull(dimension, "dimension");
    Objects.requireNonNull(value, "value");
  }

  /** Views whose {@code dimension} is {@code value}. */
  public static Filter is(Dimension dimension, String value) {
    return new Filter(dimension, value, false);
  }

  /** Views whose {@code dimension} is not {@code value} (unknown counts as not). */
  public static Filter not(Dimension dimension, String value) {
    return new Filter(dimension, value, true);
  }

  /**
   * Parses {@code dimension:value} or {@code !dimension:value}, as the API takes them.
   *
   * @throws IllegalArgumentException when it is neither, or the dimension is unknown
   */
  public static Filter parse(String s) {
    boolean neg = s.startsWith("!");
    String body = neg ? s.substring(1) : s;
    int colon = body.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("a filter is dimension:value or !dimension:value, got '" + s + "'");
    }
    Dimension d = Dimension.byApiName(body.substring(0, colon));
    if (d == null) {
      throw new IllegalArgumentException("unknown filter dimension '" + body.substring(0, colon) + "'");
    }
    return new Filter(d, body.substring(colon + 1), neg);
  }

  /** The API's form: {@code dimension:value} or {@code !dimension:value}. */
  @Override
  public String toString() {
    return (negated ? "!" : "") + dimension.apiName() + ":" + value;
  }
}
