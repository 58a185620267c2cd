package io.viewpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.viewpulse.model.ViewQuality;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.QualityMetric;
import java.util.Random;

/** Random quality facts for the pre-aggregates' tests, and the check that two answers agree on the quality metrics. */
public final class QualityChecks {
  private QualityChecks() {}

  /** The quality metrics of a row from pre-aggregates and of the scan's: equal, to a double's rounding. */
  public static void assertSameQuality(String what, MetricRow rolled, MetricRow scanned) {
    assertThat(rolled.quality()).as(what).isNotNull();
    assertThat(scanned.quality()).as(what).isNotNull();
    for (QualityMetric m : QualityMetric.values()) {
      Double s = scanned.quality(m);
      Double r = rolled.quality(m);
      if (s == null) {
        assertThat(r).as(what + " " + m.apiName()).isNull();
      } else {
        assertThat(r).as(what + " " + m.apiName()).isNotNull().isCloseTo(s, within(1e-9 * Math.max(1, Math.abs(s))));
      }
    }
  }

  /** Random quality facts that fit a view with or without a first frame. */
  public static ViewQuality randomQuality(Random random, boolean firstFrame) {
    int fatal = random.nextInt(12) != 0 ? ViewQuality.NO_FAILURE
        : firstFrame && random.nextBoolean() ? ViewQuality.FAILED_AFTER_START : ViewQuality.FAILED_TO_START;
    boolean rebuffered = firstFrame && random.nextInt(4) == 0;
    int seeks = firstFrame && random.nextInt(5) == 0 ? 1 + random.nextInt(3) : 0;
    // the video shown, for some views with a first frame: a few seconds at a bitrate, some of it scaled
    boolean shown = firstFrame && random.nextInt(3) == 0;
    long ms = shown ? 1000 + random.nextInt(20_000) : 0;
    double up = shown && random.nextBoolean() ? random.nextInt(4) * 0.25 : 0;
    double down = shown && up == 0 ? random.nextInt(3) * 0.25 : 0;
    int frames = shown ? (int) (ms * 30 / 1000) : 0;
    return new ViewQuality(fatal, random.nextInt(6) == 0 ? 1 + random.nextInt(4) : 0,
        rebuffered ? 1 + random.nextInt(5) : 0, seeks, seeks * (100 + random.nextInt(2000)), ms,
        ms * (500 + random.nextInt(8000)), ms, ms * up, ms * down, shown ? random.nextInt(5) : 0, frames,
        shown ? random.nextInt(3) : 0, shown ? random.nextInt(3) : 0, up);
  }
}
