package io.viewpulse.ingest;

/**
 * What a session's first beacon was enriched with, so its later beacons skip the user-agent and address lookups.
 *
 * <p>A direct-mapped table of fixed size: a slot holds the last session whose 64-bit key hashed to it, and a newer
 * session simply takes the slot over. Forgetting is harmless (the beacon is enriched again), so the table needs no
 * expiry and no locks: entries are immutable and published through their final fields, and a reader that races a
 * writer sees either the old entry or the new one, each whole. Per session this costs the entry and nothing else,
 * a fraction of what a general-purpose cache spends on its bookkeeping.
 */
final class SessionMemo {
  record Known(long key, Enricher.Enriched enriched, String sourceHost) {}

  private final Known[] slots;
  private final int mask;

  /** @param capacity rounded up to a power of two */
  SessionMemo(int capacity) {
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
    this.slots = new Known[size];
    this.mask = size - 1;
  }

  /** The entry remembered for the key, or null. */
  Known get(long key) {
    Known k = slots[index(key)];
    return k != null && k.key() == key ? k : null;
  }

  void put(Known k) {
    slots[index(k.key())] = k;
  }

  int index(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32) & mask;
  }
}
