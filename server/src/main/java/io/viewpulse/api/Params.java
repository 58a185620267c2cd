package io.viewpulse.api;

import io.viewpulse.model.DomainException;
import io.vertx.ext.web.RoutingContext;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.TimeStep;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Query-string parameters of the metrics API, parsed into typed values or a 400 that names the parameter. */
final class Params {
  static final Instant EARLIEST = java.time.LocalDate.of(0, 1, 1).atStartOfDay(java.time.ZoneOffset.UTC)
      .toInstant();
  static final Instant LATEST = java.time.LocalDate.of(10_000, 1, 1).atStartOfDay(java.time.ZoneOffset.UTC)
      .toInstant().minusMillis(1);

  private Params() {}

  /** The parameter's value; empty values count as absent. */
  static String string(RoutingContext ctx, String name) {
    for (String v : ctx.queryParam(name)) {
      if (v != null && !v.isEmpty()) {
        if (v.length() > 512) {
          throw DomainException.invalid(name + " is longer than 512 characters");
        }
        return v;
      }
    }
    return null;
  }

  /** RFC 3339 (e.g. 2024-01-01T00:00:00.000Z) or Unix milliseconds. */
  static Instant time(RoutingContext ctx, String name) {
    String v = string(ctx, name);
    if (v == null) {
      return null;
    }
    Instant t;
    try {
      t = OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      try {
        t = Instant.ofEpochMilli(Long.parseLong(v));
      } catch (NumberFormatException | java.time.DateTimeException e2) {
        throw DomainException.invalid("bad time \"" + v + "\" for " + name
            + ". must be in RFC3339 or Unix Timestamp (millisecond) formats");
      }
    }
    // RFC 3339 years have four digits; far beyond them times overflow in the store's arithmetic
    if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw DomainException.invalid("time \"" + v + "\" for " + name + " is outside the years 0000 to 9999");
    }
    return t;
  }

  static TimeStep timeStep(RoutingContext ctx, Set<TimeStep> allowed) {
    String v = string(ctx, "timeStep");
    if (v == null) {
      return null;
    }
    TimeStep t = TimeStep.byApiName(v).orElse(null);
    if (t == null || !allowed.contains(t)) {
      throw DomainException.invalid("invalid time step: " + v + " (expected one of "
          + String.join(", ", allowed.stream().sorted().map(TimeStep::apiName).toList()) + ")");
    }
    return t;
  }

  /** {@code breakdownBy[]} (as the SDK sends it) and {@code breakdownBy}, repeated, in order, without repeats. */
  static List<Dimension> breakdown(RoutingContext ctx, Set<Dimension> allowed) {
    return breakdown(ctx, allowed, NO_CUSTOM);
  }

  /** An account without custom dimensions. */
  static final List<String> NO_CUSTOM =
      java.util.Collections.nCopies(io.viewpulse.model.CustomDimension.MAX, null);

  /**
   * {@code breakdownBy[]}, with {@code custom.<name>} for the custom dimensions the account declared ({@code declared},
   * by slot): one it did not declare is invalid.
   */
  static List<Dimension> breakdown(RoutingContext ctx, Set<Dimension> allowed, List<String> declared) {
    List<String> raw = new ArrayList<>(ctx.queryParam("breakdownBy[]"));
    raw.addAll(ctx.queryParam("breakdownBy"));
    List<Dimension> out = new ArrayList<>();
    for (String v : raw) {
      for (String name : v.split(",")) {
        if (name.isBlank()) {
          continue;
        }
        Dimension d = Dimension.resolve(name.strip(), declared).orElse(null);
        if (d == null || !allowed.contains(d)) {
          boolean custom = allowed.stream().anyMatch(a -> a.customSlot() > 0);
          throw DomainException.invalid("invalid breakdown field: " + name.strip() + " (expected one of "
              + String.join(", ", allowed.stream().filter(a -> a.customSlot() == 0).sorted().map(Dimension::apiName)
              .toList()) + (custom ? ", or custom.<name> of a declared custom dimension" : "") + ")");
        }
        if (!out.contains(d)) {
          out.add(d);
        }
      }
    }
    return out;
  }

  /** {@code filters[]=country:US} and {@code filters[]=!browser:Chrome} (repeatable; a Viewpulse extension). */
  static List<io.viewpulse.query.Filter> filters(RoutingContext ctx) {
    return filters(ctx, NO_CUSTOM);
  }

  /** {@code filters[]}, with {@code custom.<name>:value} for the custom dimensions the account declared. */
  static List<io.viewpulse.query.Filter> filters(RoutingContext ctx, List<String> declared) {
    List<String> raw = new ArrayList<>(ctx.queryParam("filters[]"));
    raw.addAll(ctx.queryParam("filters"));
    if (raw.size() > 20) {
      throw DomainException.invalid("at most 20 filters");
    }
    for (String v : raw) {
      if (v.length() > 512) {
        throw DomainException.invalid("a filter is longer than 512 characters");
      }
    }
    return raw.stream().filter(v -> !v.isBlank()).map(v -> io.viewpulse.query.Filter.parse(v, declared)).toList();
  }

  /**
   * {@code metrics=quality}: Viewpulse's quality metrics and scores too ({@link io.viewpulse.query.QualityMetric});
   * {@code metrics=livepeer} or none: Livepeer's metrics only.
   */
  static boolean quality(RoutingContext ctx) {
    String v = string(ctx, "metrics");
    if (v == null || v.equals("livepeer")) {
      return false;
    }
    if (v.equals("quality")) {
      return true;
    }
    throw DomainException.invalid("invalid metrics: " + v + " (expected livepeer or quality)");
  }

  /**
   * {@code limit}: a whole number from 1 to {@code max}, {@code fallback} when absent; anything else is refused as
   * {@code invalid limit: VALUE (expected 1 to MAX)}.
   */
  static int limit(RoutingContext ctx, int fallback, int max) {
    String v = string(ctx, "limit");
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw DomainException.invalid("invalid limit: " + v + " (expected 1 to " + max + ")");
  }

  /** Rejects parameters that make no sense on a route. */
  static void forbid(RoutingContext ctx, String message, String... names) {
    for (String n : names) {
      if (string(ctx, n) != null) {
        throw DomainException.invalid(message);
      }
    }
  }
}
