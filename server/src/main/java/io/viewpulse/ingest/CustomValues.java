package io.viewpulse.ingest;

import io.viewpulse.model.CustomDimension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The {@code custom_dimensions} step's rule: a beacon's custom values, by name, put in the slots of the names its
 * account declared. A name the account did not declare is dropped ({@link Reason#CUSTOM_DIMENSION_UNDECLARED}), as is
 * a value that is not text, is blank, has control characters or is longer than {@link CustomDimension#MAX_VALUE}
 * ({@link Reason#CUSTOM_VALUE_INVALID}). The name {@code cdn} is the network dimension CDN, never a custom one.
 * Livepeer's {@code player} field (its player's name) is the value of a declared {@code player} the beacon does not
 * send itself.
 */
final class CustomValues {
  /** The custom name that is the CDN dimension. */
  static final String CDN = "cdn";
  private static final String PLAYER = "player";

  /** The values by slot (null: none at all), the CDN, and what was dropped. */
  record Result(List<String> slots, String cdn, int undeclared, int invalid) {}

  private CustomValues() {}

  /** @param declared the account's names by slot (index 0 is slot 1), null for a slot not given */
  static Result of(RawBeacon.Metadata m, List<String> declared) {
    String[] slots = new String[CustomDimension.MAX];
    boolean any = false;
    int undeclared = 0;
    int invalid = 0;
    String cdn = null;
    if (m.cdn() != null) {
      cdn = valid(m.cdn());
      invalid += cdn == null ? 1 : 0;
    }
    for (Map.Entry<String, String> e : m.custom().entrySet()) {
      if (CDN.equals(e.getKey())) {
        String v = valid(e.getValue());
        invalid += v == null ? 1 : 0;
        cdn = v != null ? v : cdn;
        continue;
      }
      int slot = declared.indexOf(e.getKey());
      if (slot < 0) {
        undeclared++;
        continue;
      }
      String v = valid(e.getValue());
      if (v == null) {
        invalid++;
        continue;
      }
      slots[slot] = v;
      any = true;
    }
    int player = declared.indexOf(PLAYER);
    if (player >= 0 && slots[player] == null && m.player() != null) {
      String v = valid(m.player());
      if (v != null) {
        slots[player] = v;
        any = true;
      }
    }
    return new Result(any ? Collections.unmodifiableList(new ArrayList<>(java.util.Arrays.asList(slots))) : null, cdn,
        undeclared, invalid);
  }

  /** The value kept, or null when it is not kept. */
  static String valid(String v) {
    if (v == null || v.isBlank() || v.length() > CustomDimension.MAX_VALUE) {
      return null;
    }
    for (int i = 0; i < v.length(); i++) {
      if (Character.isISOControl(v.charAt(i))) {
        return null;
      }
    }
    return v.strip();
  }
}
