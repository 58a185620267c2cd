package io.viewpulse.model;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A custom dimension an account declared: a name players may send a value for (player name, experiment, content
 * type, ...). Its slot, 1 to {@link #MAX}, is where its values are kept; a slot once given is never given again.
 */
public record CustomDimension(String accountId, int slot, String name, Instant declaredAt) {
  /** How many custom dimensions an account may declare. */
  public static final int MAX = 10;
  /** The longest value kept; a longer one is dropped. */
  public static final int MAX_VALUE = 128;
  /** What a name may be: lowercase letters, digits, underscores and hyphens, a letter first. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
  /** How a custom dimension is named in queries: {@code custom.experiment}. */
  public static final String PREFIX = "custom.";
}
