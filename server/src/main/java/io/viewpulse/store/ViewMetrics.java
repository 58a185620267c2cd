package io.viewpulse.store;

import io.viewpulse.query.QualityMetric;
import io.viewpulse.query.ViewsQuery;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The one definition of the views API's metrics in terms of the per-view facts, used by every store: the DuckDB and
 * the ClickHouse stores write their SQL from it, for a scan of the views and for their rollups alike.
 *
 * <p>A metric is computed in two steps. First the <em>facts</em> of a group ({@link Fact}): a count or a sum over its
 * views, which add up when groups merge, so that a rollup keeps them as columns and merges them by addition. Then the
 * metric: an expression over the group's facts ({@link #LIVEPEER} and {@link #QUALITY}). Both are written in the SQL
 * both engines understand ({@code CASE}, {@code coalesce}, {@code nullif}, {@code exp}, {@code ln}, {@code sqrt},
 * {@code power}, {@code /} as division of reals); only the aggregate functions differ ({@link Dialect}). The column
 * names of a view are the same on every store. The estimators (TTFF percentiles, unique viewers) are engine functions
 * and stay with each store.
 */
public final class ViewMetrics {
  private ViewMetrics() {}

  /** How a fact aggregates its group's views. */
  public enum Agg {
    /** {@code count(*)}. */
    COUNT,
    /** Views whose expression is not null. */
    COUNT_NOT_NULL,
    /** Views that meet the condition. */
    COUNT_IF,
    /** The sum of a whole number over the views, 0 for none. */
    SUM,
    /** The sum of a real number over the views, 0 for none. */
    SUM_REAL
  }

  /**
   * A fact of a group of views: an aggregate that merges by addition.
   *
   * @param name its column, in query results and in the rollups
   * @param expr the per-view expression it aggregates (a condition for {@link Agg#COUNT_IF})
   */
  public record Fact(String name, Agg agg, String expr) {
    /** A real number (a sum of scores), not a count. */
    public boolean real() {
      return agg == Agg.SUM_REAL;
    }
  }

  /** The aggregate functions of one engine. */
  public interface Dialect {
    /** {@code count_if(cond)} in DuckDB, {@code countIf(cond)} in ClickHouse. */
    String countIf(String condition);

    /** The whole-number type a fact's sum is cast to ({@code BIGINT}, {@code UInt64}). */
    String wholeType();

    /** The real type ({@code DOUBLE}, {@code Float64}). */
    String realType();
  }

  /** The aggregate that computes {@code f} over a group of views, named as the fact. */
  public static String aggregate(Fact f, Dialect d) {
    String e = switch (f.agg()) {
      case COUNT -> "count(*)";
      case COUNT_NOT_NULL -> "count(" + f.expr() + ")";
      case COUNT_IF -> d.countIf(f.expr());
      case SUM -> "CAST(coalesce(sum(" + f.expr() + "), 0) AS " + d.wholeType() + ")";
      case SUM_REAL -> "CAST(coalesce(sum(" + f.expr() + "), 0) AS " + d.realType() + ")";
    };
    return e + " AS " + f.name();
  }

  /** The aggregate that merges rows of facts (rollup rows, or groups of them) into one, named as the fact. */
  public static String merged(Fact f, Dialect d) {
    return "CAST(sum(" + f.name() + ") AS " + (f.real() ? d.realType() : d.wholeType()) + ") AS " + f.name();
  }

  /** The aggregates of {@code facts}, comma-separated. */
  public static String aggregates(List<Fact> facts, Dialect d) {
    return String.join(", ", facts.stream().map(f -> aggregate(f, d)).toList());
  }

  /** The merges of {@code facts}, comma-separated. */
  public static String merges(List<Fact> facts, Dialect d) {
    return String.join(", ", facts.stream().map(f -> merged(f, d)).toList());
  }

  /** The names of {@code facts}, comma-separated. */
  public static String names(List<Fact> facts) {
    return String.join(", ", facts.stream().map(Fact::name).toList());
  }

  /** Views: every row of a views table is a view with play intent. */
  public static final Fact VIEWS = new Fact("views", Agg.COUNT, null);
  public static final Fact PLAYTIME = new Fact("playtime_ms", Agg.SUM, "playtime_ms");

  /** What engagement (view count and playing time) is made of. */
  public static final List<Fact> ENGAGEMENT_FACTS = List.of(VIEWS, PLAYTIME);

  /**
   * The facts of Livepeer's quality metrics. An exit before start is a view that ended without a first frame and
   * without a fatal error (CTA-2066: with one it is a start failure).
   */
  public static final List<Fact> LIVEPEER_FACTS = List.of(VIEWS, PLAYTIME,
      new Fact("ttff_n", Agg.COUNT_NOT_NULL, "ttff_ms"),
      new Fact("ttff_sum", Agg.SUM, "ttff_ms"),
      new Fact("rebuffer_ms", Agg.SUM, "rebuffer_ms"),
      new Fact("errored", Agg.COUNT_IF, "errors > 0"),
      new Fact("exits", Agg.COUNT_IF, "ended AND NOT first_frame AND fatal = 0"));

  /**
   * The scores of one view, 0 to 100, as SQL over its columns; null where the view has none. Mux's published formulas
   * (docs.mux.com, guides/data: playback success, smoothness, video quality); the startup time score is
   * 8 / (8 + seconds) x 100 (issue 20). A view's percentages are fractions here, as Mux's formulas take them.
   */
  public static final class Scores {
    private Scores() {}

    /** Playback success: 0 for a failure (a fatal error), 50 for an exit before start, else 100. */
    public static final String SUCCESS = "CASE WHEN fatal > 0 THEN 0 WHEN ended AND NOT first_frame THEN 50 ELSE 100 END";

    /** Startup time: 8 / (8 + TTFF in seconds) x 100, for views with a TTFF. */
    public static final String STARTUP = "800.0 / (8 + ttff_ms / 1000.0)";

    /**
     * Smoothness, for views with a first frame: the mean of 100 / sqrt(1 + (rebuffers / 2)^2) and
     * 100 x e^(-10 x rebuffer fraction), the fraction being rebuffer time over playing plus rebuffer time.
     */
    public static final String SMOOTHNESS = "CASE WHEN first_frame THEN (100 / sqrt(1 + power(rebuffer_count / 2.0, 2))"
        + " + 100 * exp(-10 * coalesce(rebuffer_ms / nullif(playtime_ms + rebuffer_ms, 0), 0))) / 2 END";

    /**
     * Video quality, for views with a first frame and known sizes: 100 x e^(-0.33 x (0.15 x max upscaling + 0.85 x
     * mean upscaling)). Downscaling costs nothing: the viewer does not see it.
     */
    public static final String VIDEO_QUALITY = "CASE WHEN first_frame AND scale_ms > 0 THEN 100 * exp(-0.33"
        + " * (0.15 * max_upscale + 0.85 * upscale_ms / scale_ms)) END";

    /**
     * The weights of the viewer experience score, Viewpulse's choice: rebuffering costs watch time most, a poor
     * picture next, the startup wait, once per view, least.
     */
    public static final double STARTUP_WEIGHT = 0.25;
    public static final double SMOOTHNESS_WEIGHT = 0.45;
    public static final double VIDEO_QUALITY_WEIGHT = 0.30;

    /**
     * Viewer experience: a failed view 0, an exit before start 50 (its playback success score); any other view the
     * weighted mean of those of its startup, smoothness and video quality scores it has (100 when it has none).
     */
    public static final String EXPERIENCE = experience();

    private static String experience() {
      String[][] parts = {
        {STARTUP, Double.toString(STARTUP_WEIGHT)},
        {SMOOTHNESS, Double.toString(SMOOTHNESS_WEIGHT)},
        {VIDEO_QUALITY, Double.toString(VIDEO_QUALITY_WEIGHT)}};
      List<String> weighted = new ArrayList<>();
      List<String> weights = new ArrayList<>();
      for (String[] p : parts) {
        weighted.add("coalesce(" + p[1] + " * (" + p[0] + "), 0)");
        weights.add("CASE WHEN (" + p[0] + ") IS NULL THEN 0 ELSE " + p[1] + " END");
      }
      return "CASE WHEN fatal > 0 THEN 0 WHEN ended AND NOT first_frame THEN 50 ELSE coalesce(("
          + String.join(" + ", weighted) + ") / nullif(" + String.join(" + ", weights) + ", 0), 100) END";
    }
  }

  /** The facts the quality metrics need beyond Livepeer's. */
  public static final List<Fact> QUALITY_FACTS = List.of(
      new Fact("failed", Agg.COUNT_IF, "fatal > 0"),
      new Fact("start_failed", Agg.COUNT_IF, "fatal = 1"),
      new Fact("non_fatal_views", Agg.COUNT_IF, "non_fatal_errors > 0"),
      new Fact("non_fatal_errors", Agg.SUM, "non_fatal_errors"),
      new Fact("rebuffer_count", Agg.SUM, "rebuffer_count"),
      new Fact("seek_count", Agg.SUM, "seek_count"),
      new Fact("seek_ms", Agg.SUM, "seek_ms"),
      new Fact("bitrate_ms", Agg.SUM, "bitrate_ms"),
      new Fact("bitrate_bits", Agg.SUM, "bitrate_bits"),
      new Fact("scale_ms", Agg.SUM, "scale_ms"),
      new Fact("upscale_ms", Agg.SUM_REAL, "upscale_ms"),
      new Fact("downscale_ms", Agg.SUM_REAL, "downscale_ms"),
      new Fact("dropped_frames", Agg.SUM, "dropped_frames"),
      new Fact("total_frames", Agg.SUM, "total_frames"),
      new Fact("switches_up", Agg.SUM, "switches_up"),
      new Fact("switches_down", Agg.SUM, "switches_down"),
      new Fact("success_score", Agg.SUM_REAL, Scores.SUCCESS),
      new Fact("startup_score", Agg.SUM_REAL, Scores.STARTUP),
      new Fact("smooth_n", Agg.COUNT_IF, "first_frame"),
      new Fact("smooth_score", Agg.SUM_REAL, Scores.SMOOTHNESS),
      new Fact("quality_n", Agg.COUNT_IF, "first_frame AND scale_ms > 0"),
      new Fact("quality_score", Agg.SUM_REAL, Scores.VIDEO_QUALITY),
      new Fact("experience_score", Agg.SUM_REAL, Scores.EXPERIENCE));

  /** Every fact a query of this detail needs, in the order of the rollups' columns. */
  public static List<Fact> facts(ViewsQuery.Detail detail) {
    return switch (detail) {
      case ENGAGEMENT -> ENGAGEMENT_FACTS;
      case FULL -> LIVEPEER_FACTS;
      case QUALITY -> {
        List<Fact> all = new ArrayList<>(LIVEPEER_FACTS);
        all.addAll(QUALITY_FACTS);
        yield List.copyOf(all);
      }
    };
  }

  /** The columns of a view that the facts of a query of this detail read (beside its dimensions and start). */
  public static String columnsRead(ViewsQuery.Detail detail) {
    return switch (detail) {
      case ENGAGEMENT -> "playtime_ms";
      case FULL -> "playtime_ms, ttff_ms, rebuffer_ms, errors, first_frame, ended, fatal, viewer_id";
      case QUALITY -> "playtime_ms, ttff_ms, rebuffer_ms, errors, first_frame, ended, fatal, viewer_id,"
          + " non_fatal_errors, rebuffer_count, seek_count, seek_ms, bitrate_ms, bitrate_bits, scale_ms, upscale_ms,"
          + " downscale_ms, dropped_frames, total_frames, switches_up, switches_down, max_upscale";
    };
  }

  /** Every fact, in the order of the rollups' columns. */
  public static final List<Fact> ALL_FACTS = facts(ViewsQuery.Detail.QUALITY);

  /**
   * Livepeer's metrics over the facts, by result column: TTFF mean, rebuffer ratio (rebuffer time over playing plus
   * rebuffer time), error rate (views with at least one error, fatal or not), exits before start.
   */
  public static final Map<String, String> LIVEPEER = Map.of(
      "ttff_ms", "ttff_sum / nullif(ttff_n, 0)",
      "rebuffer_ratio", "rebuffer_ms / nullif(playtime_ms + rebuffer_ms, 0)",
      "error_rate", "errored / nullif(views, 0)",
      "exits_before_start", "exits / nullif(views, 0)");

  /**
   * The quality metrics over the facts; undefined (null) where a denominator is 0. Watch time, the base of the rebuffer
   * frequency, is playing plus rebuffer time, as the rebuffer ratio's. The average bitrate and the scalings are
   * weighted by playing time, over the time whose bitrate (sizes) the player reported. A score is the mean of its
   * views' ({@link Scores}) over the views that have one.
   */
  public static final Map<QualityMetric, String> QUALITY = new EnumMap<>(Map.ofEntries(
      Map.entry(QualityMetric.PLAYBACK_FAILURE_RATE, "failed / nullif(views, 0)"),
      Map.entry(QualityMetric.VIDEO_STARTUP_FAILURE_RATE, "start_failed / nullif(views, 0)"),
      Map.entry(QualityMetric.NON_FATAL_ERROR_RATE, "non_fatal_views / nullif(views, 0)"),
      Map.entry(QualityMetric.NON_FATAL_ERROR_COUNT, "non_fatal_errors"),
      Map.entry(QualityMetric.REBUFFER_COUNT, "rebuffer_count"),
      Map.entry(QualityMetric.REBUFFER_FREQUENCY,
          "rebuffer_count / nullif((playtime_ms + rebuffer_ms) / 60000.0, 0)"),
      Map.entry(QualityMetric.REBUFFER_DURATION_MS, "rebuffer_ms / nullif(views, 0)"),
      Map.entry(QualityMetric.SEEK_LATENCY_MS, "seek_ms / nullif(seek_count, 0)"),
      Map.entry(QualityMetric.AVERAGE_BITRATE_BPS, "bitrate_bits * 1000.0 / nullif(bitrate_ms, 0)"),
      Map.entry(QualityMetric.RENDITION_SWITCH_UP_COUNT, "switches_up"),
      Map.entry(QualityMetric.RENDITION_SWITCH_DOWN_COUNT, "switches_down"),
      Map.entry(QualityMetric.DROPPED_FRAME_COUNT, "dropped_frames"),
      Map.entry(QualityMetric.DROPPED_FRAME_RATE, "dropped_frames / nullif(total_frames, 0)"),
      Map.entry(QualityMetric.UPSCALE_PERCENTAGE, "upscale_ms / nullif(scale_ms, 0)"),
      Map.entry(QualityMetric.DOWNSCALE_PERCENTAGE, "downscale_ms / nullif(scale_ms, 0)"),
      Map.entry(QualityMetric.PLAYBACK_SUCCESS_SCORE, "success_score / nullif(views, 0)"),
      Map.entry(QualityMetric.STARTUP_TIME_SCORE, "startup_score / nullif(ttff_n, 0)"),
      Map.entry(QualityMetric.SMOOTHNESS_SCORE, "smooth_score / nullif(smooth_n, 0)"),
      Map.entry(QualityMetric.VIDEO_QUALITY_SCORE, "quality_score / nullif(quality_n, 0)"),
      Map.entry(QualityMetric.VIEWER_EXPERIENCE_SCORE, "experience_score / nullif(views, 0)")));

  /**
   * One view's quality figures (the views explorer's rows, the export's columns), as SQL over its columns: each the
   * metric of the same name ({@link #QUALITY}) over the view alone, so that a view's figure and a group's agree; null
   * where the metric's denominator is 0. The outcome sorts a view as the metrics count it: a fatal error before the
   * first frame (or with none) a startup failure, any other fatal error a failure after start, an end without a
   * first frame and without a fatal error an exit before start ({@link #LIVEPEER_FACTS}), else played.
   */
  public static final class PerView {
    private PerView() {}

    public static final String OUTCOME = "CASE WHEN fatal = 1 THEN 'failedToStart' WHEN fatal > 0 THEN"
        + " 'failedAfterStart' WHEN ended AND NOT first_frame THEN 'exitedBeforeStart' ELSE 'played' END";
    public static final String SEEK_LATENCY_MS = QUALITY.get(QualityMetric.SEEK_LATENCY_MS);
    public static final String AVERAGE_BITRATE_BPS = QUALITY.get(QualityMetric.AVERAGE_BITRATE_BPS);
    public static final String UPSCALE_PERCENTAGE = QUALITY.get(QualityMetric.UPSCALE_PERCENTAGE);
    public static final String DOWNSCALE_PERCENTAGE = QUALITY.get(QualityMetric.DOWNSCALE_PERCENTAGE);
    /** The largest upscaling, as a fraction, where sizes are known (as the video quality score takes it). */
    public static final String MAX_UPSCALE_PERCENTAGE = "CASE WHEN scale_ms > 0 THEN max_upscale END";
    public static final String DROPPED_FRAME_RATE = QUALITY.get(QualityMetric.DROPPED_FRAME_RATE);
  }

  /**
   * Every metric of a query with Livepeer's metrics (and with {@code quality} Viewpulse's) over its groups' facts and
   * estimates, in the order of the result's columns: view_count, playtime_mins, ttff_ms, ttff_p50_ms, ttff_p95_ms,
   * rebuffer_ratio, error_rate, exits_before_start, unique_viewers [, one per {@link QualityMetric}]. {@code p50} and
   * {@code p95} are the expressions of the TTFF percentiles, {@code viewers} the groups' estimate of their distinct
   * viewers, which can exceed the distinct count and so the views: a group never shows more viewers than views.
   */
  public static String selectOverFacts(boolean quality, String p50, String p95, String viewers) {
    return "views AS view_count, playtime_ms / 60000.0 AS playtime_mins, " + LIVEPEER.get("ttff_ms") + " AS ttff_ms, "
        + p50 + " AS ttff_p50_ms, " + p95 + " AS ttff_p95_ms, " + LIVEPEER.get("rebuffer_ratio")
        + " AS rebuffer_ratio, " + LIVEPEER.get("error_rate") + " AS error_rate, " + LIVEPEER.get("exits_before_start")
        + " AS exits_before_start, least(" + viewers + ", views) AS unique_viewers" + (quality ? ", " + qualitySelect() : "");
  }

  /**
   * The select list of the quality metrics over a group's facts: {@code <expr> AS <column>} in the order of
   * {@link QualityMetric}. A division of whole numbers is a real on both engines; a count is a fact as it is.
   */
  public static String qualitySelect() {
    List<String> out = new ArrayList<>();
    for (QualityMetric m : QualityMetric.values()) {
      out.add(QUALITY.get(m) + " AS " + m.column());
    }
    return String.join(", ", out);
  }

  /**
   * The realtime answer's metrics with {@code metrics=quality} over a group of open sessions' facts, in the order of
   * the result's columns: view_count, error_rate (0 for no views, as without quality), ttff_p50_ms, ttff_p95_ms,
   * rebuffer_ratio, then one per {@link QualityMetric}. {@code p50} and {@code p95} are the TTFF percentiles'
   * expressions.
   */
  private static String realtimeSelectOverFacts(String p50, String p95) {
    return "views AS view_count, coalesce(" + LIVEPEER.get("error_rate") + ", 0) AS error_rate, " + p50
        + " AS ttff_p50_ms, " + p95 + " AS ttff_p95_ms, " + LIVEPEER.get("rebuffer_ratio") + " AS rebuffer_ratio, "
        + qualitySelect();
  }

  /**
   * The realtime answer over {@code groups}, a select of the open sessions grouped by the columns {@code cols} (each
   * group's facts and its TTFF percentiles' state as {@code ttff_q} with {@code quality}, else its view_count and
   * error_rate): with {@code quality} the metrics over each group's facts ({@code realtimeSelectOverFacts}); the
   * busiest groups first, then by their values, unknown last.
   */
  public static String realtimeAnswer(CharSequence groups, List<String> cols, boolean quality) {
    StringBuilder sql = new StringBuilder();
    if (quality) {
      // the groups' facts, then the metrics over them
      sql.append("SELECT ").append(cols.isEmpty() ? "" : String.join(", ", cols) + ", ")
          .append(realtimeSelectOverFacts("ttff_q[1]", "ttff_q[2]")).append(" FROM (").append(groups).append(')');
    } else {
      sql.append(groups);
    }
    if (!cols.isEmpty()) {
      sql.append(" ORDER BY view_count DESC");
      for (String c : cols) {
        sql.append(", ").append(c).append(" NULLS LAST");
      }
    }
    return sql.toString();
  }
}
