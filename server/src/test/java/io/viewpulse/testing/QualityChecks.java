package io.viewpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.viewpulse.model.ViewQuality;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.QualityMetric;
import io.viewpulse.query.ViewsQuery;
import java.util.List;
import java.util.Random;

/**
 * Random quality facts for the pre-aggregates' tests, and the checks that an answer from pre-aggregates agrees with
 * the scan's.
 */
public final class QualityChecks {
  private QualityChecks() {}

  /**
   * A query's answer from pre-aggregates is the scan's, row by row: the same groups and counts, sums to a double's
   * rounding, the TTFF percentiles of merged t-digests close to the scan's (the tests' TTFFs spread over seconds), the
   * quality metrics ({@link #assertSameQuality}) for a quality query.
   */
  public static void assertSameAnswer(ViewsQuery q, List<MetricRow> rolled, List<MetricRow> scanned) {
    assertThat(rolled).as("%s", q).hasSameSizeAs(scanned);
    for (int i = 0; i < rolled.size(); i++) {
      MetricRow r = rolled.get(i);
      MetricRow s = scanned.get(i);
      String what = q + " row " + i;
      assertThat(r.timestamp()).as(what).isEqualTo(s.timestamp());
      assertThat(r.dimensions()).as(what).isEqualTo(s.dimensions());
      assertThat(r.viewCount()).as(what).isEqualTo(s.viewCount());
      assertThat(r.playtimeMins()).as(what).isCloseTo(s.playtimeMins(), within(1e-9));
      assertThat(r.uniqueViewers()).as(what).isEqualTo(s.uniqueViewers());
      if (q.detail() == ViewsQuery.Detail.ENGAGEMENT) {
        continue;
      }
      closeOrBothNull(what + " ttff", r.ttffMs(), s.ttffMs(), 1e-9);
      closeOrBothNull(what + " rebuffer", r.rebufferRatio(), s.rebufferRatio(), 1e-12);
      closeOrBothNull(what + " errors", r.errorRate(), s.errorRate(), 1e-12);
      closeOrBothNull(what + " ebs", r.exitsBeforeStart(), s.exitsBeforeStart(), 1e-12);
      closeOrBothNull(what + " p50", r.ttffP50Ms(), s.ttffP50Ms(), 150);
      closeOrBothNull(what + " p95", r.ttffP95Ms(), s.ttffP95Ms(), 150);
      if (q.detail() == ViewsQuery.Detail.QUALITY) {
        assertSameQuality(what, r, s);
      }
    }
  }

  private static void closeOrBothNull(String what, Double a, Double b, double tolerance) {
    if (b == null) {
      assertThat(a).as(what).isNull();
    } else {
      assertThat(a).as(what).isNotNull().isCloseTo(b, within(tolerance));
    }
  }

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
