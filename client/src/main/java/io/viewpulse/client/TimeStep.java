package io.viewpulse.client;

import java.util.Locale;

/** Width of the UTC buckets of a series. Usage accepts {@link #HOUR} and {@link #DAY} only. */
public enum TimeStep {
  HOUR,
  DAY,
  WEEK,
  MONTH,
  YEAR;

  /** The name the API uses ({@code hour}, {@code day}, ...). */
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
