package io.viewpulse.query;

import io.viewpulse.model.DomainException;
/**
 * A condition on a dimension: {@code country:US} keeps views from the US, {@code !browser:Chrome} drops Chrome's
 * (the syntax of Mux's filters). Several filters on one dimension: the positive ones are alternatives
 * ({@code country:US} and {@code country:DE} keep views from either), each negated one drops its value; filters on
 * different dimensions must all hold. {@link #alternatives} and {@link #exclusions} give them in that form.
 */
public record Filter(Dimension dimension, String value, boolean negated) {
  /** Parses {@code dim:value} or {@code !dim:value}, without custom dimensions. */
  public static Filter parse(String s) {
    return parse(s, java.util.Collections.nCopies(io.viewpulse.model.CustomDimension.MAX, null));
  }

  /**
   * Parses {@code dim:value} or {@code !dim:value}; {@code custom.<name>} by the names an account declared (by slot,
   * {@link Dimension#resolve}). The name ends at the first colon: custom names have none.
   */
  public static Filter parse(String s, java.util.List<String> declared) {
    boolean neg = s.startsWith("!");
    String body = neg ? s.substring(1) : s;
    int colon = body.indexOf(':');
    if (colon <= 0) {
      throw DomainException.invalid("a filter is dimension:value or !dimension:value, got '" + s + "'");
    }
    String name = body.substring(0, colon);
    Dimension d = Dimension.resolve(name, declared)
        .orElseThrow(() -> DomainException.invalid("invalid filter dimension: " + name));
    return new Filter(d, body.substring(colon + 1), neg);
  }

  /** The positive filters' values by dimension, in order of first appearance: a view must have one of them. */
  public static java.util.Map<Dimension, java.util.List<String>> alternatives(java.util.List<Filter> filters) {
    java.util.Map<Dimension, java.util.List<String>> out = new java.util.LinkedHashMap<>();
    for (Filter f : filters) {
      if (!f.negated()) {
        java.util.List<String> values = out.computeIfAbsent(f.dimension(), d -> new java.util.ArrayList<>());
        if (!values.contains(f.value())) {
          values.add(f.value());
        }
      }
    }
    return out;
  }

  /** The negated filters: a view must have none of their values. */
  public static java.util.List<Filter> exclusions(java.util.List<Filter> filters) {
    return filters.stream().filter(Filter::negated).toList();
  }

  @Override
  public String toString() {
    return (negated ? "!" : "") + dimension.apiName() + ":" + value;
  }
}
