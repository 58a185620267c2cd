package io.viewpulse.sessions;

import java.util.HashMap;
import java.util.Map;

/**
 * One shared instance of each equal value: every beacon read back from the event log brings its own copies of the
 * account id, the device and place strings..., and open sessions would each keep theirs. Bounded: when full it starts
 * over, which costs only some sharing. Owned by the sessionizer's thread.
 */
final class Interner<T> {
  private final int max;
  private final Map<T, T> values = new HashMap<>();

  Interner(int max) {
    this.max = max;
  }

  T intern(T v) {
    if (v == null) {
      return null;
    }
    T known = values.putIfAbsent(v, v);
    if (known != null) {
      return known;
    }
    if (values.size() > max) {
      values.clear();
      values.put(v, v);
    }
    return v;
  }
}
