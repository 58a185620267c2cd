package io.viewpulse.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when a test moves it; or, made with {@link #real()}, the real time plus whatever the test
 * adds with {@link #advance} (for tests where a browser's real timestamps meet the server's clock).
 */
public final class MutableClock implements InstantSource {
  private final AtomicLong millis;
  private final boolean follows;

  public MutableClock(Instant start) {
    this(start.toEpochMilli(), false);
  }

  private MutableClock(long value, boolean follows) {
    this.millis = new AtomicLong(value);
    this.follows = follows;
  }

  /** The real time, shifted by what the test advances. */
  public static MutableClock real() {
    return new MutableClock(0, true);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public long millis() {
    return follows ? System.currentTimeMillis() + millis.get() : millis.get();
  }

  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  public void set(Instant i) {
    if (follows) {
      throw new IllegalStateException("a real clock can only be advanced");
    }
    millis.set(i.toEpochMilli());
  }
}
