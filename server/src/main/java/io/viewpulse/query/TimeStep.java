package io.viewpulse.query;

import java.util.Locale;
import java.util.Optional;

/** Width of the UTC time buckets of a series. Weeks start on Sunday, as in Livepeer's API. */
public enum TimeStep {
  HOUR,
  DAY,
  WEEK,
  MONTH,
  YEAR;

  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<TimeStep> byApiName(String s) {
    for (TimeStep t : values()) {
      if (t.apiName().equals(s)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
