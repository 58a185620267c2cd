package io.viewpulse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.viewpulse.model.Dimensions;
import org.junit.jupiter.api.Test;

class SessionMemoTest {
  private static SessionMemo.Known known(long key, String viewer) {
    return new SessionMemo.Known(key, new Enricher.Enriched(Dimensions.UNKNOWN, null, viewer), "example.com");
  }

  @Test
  void remembersAnEntryUnderItsOwnKeyOnly() {
    SessionMemo memo = new SessionMemo(16);
    SessionMemo.Known a = known(42L, "viewer-a");
    memo.put(a);
    assertSame(a, memo.get(42L));
    assertNull(memo.get(43L));
  }

  @Test
  void aSessionThatLandsOnAnOccupiedSlotTakesItOver() {
    SessionMemo memo = new SessionMemo(8);
    long first = 7L;
    long second = first + 1;
    while (memo.index(second) != memo.index(first)) {
      second++;
    }
    memo.put(known(first, "a"));
    SessionMemo.Known b = known(second, "b");
    memo.put(b);
    assertNull(memo.get(first));
    assertSame(b, memo.get(second));
  }

  @Test
  void capacityIsRoundedUpToAPowerOfTwo() {
    SessionMemo memo = new SessionMemo(100);
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (long k = 0; k < 100_000; k++) {
      used.add(memo.index(k));
    }
    assertEquals(128, used.size());
  }
}
