package io.viewpulse.query;

import io.viewpulse.model.DomainException;
/**
 * A condition on a dimension: {@code country:US} keeps views from the US, {@code !browser:Chrome} drops Chrome's
 * (the syntax of Mux's filters).
 */
public record Filter(Dimension dimension, String value, boolean negated) {
  /** Parses {@code dim:value} or {@code !dim:value}. */
  public static Filter parse(String s) {
    boolean neg = s.startsWith("!");
    String body = neg ? s.substring(1) : s;
    int colon = body.indexOf(':');
    if (colon <= 0) {
      throw DomainException.invalid("a filter is dimension:value or !dimension:value, got '" + s + "'");
    }
    String name = body.substring(0, colon);
    Dimension d = Dimension.byApiName(name)
        .orElseThrow(() -> DomainException.invalid("invalid filter dimension: " + name));
    return new Filter(d, body.substring(colon + 1), neg);
  }

  @Override
  public String toString() {
    return (negated ? "!" : "") + dimension.apiName() + ":" + value;
  }
}
