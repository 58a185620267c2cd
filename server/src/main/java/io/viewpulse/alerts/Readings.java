package io.viewpulse.alerts;

import io.viewpulse.query.MetricRow;
import io.viewpulse.query.RealtimeQuery;
import io.viewpulse.query.RealtimeRow;
import io.viewpulse.query.ViewReader;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.viewership.Viewership;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value each rule's condition is decided on at one evaluation, with as few store queries as the rules allow:
 * rules of one account with the same filters and window share one views query (with the quality facts if one of
 * them needs them), rules on the sessions playing now share one realtime query, and an anomaly rule's baseline
 * (one views query per previous week) is read once per clock hour for the rules sharing its filters.
 */
final class Readings {
  static final Duration WEEK = Duration.ofDays(7);

  /**
   * What a rule is decided on: its value and the views it stands on, and the bound it is compared with (null when
   * there is no baseline yet).
   */
  record Reading(Double value, long views, Double bound) {
    boolean holds(Rule r) {
      return value != null && bound != null && views >= r.minViews() && r.comparison().holds(value, bound);
    }
  }

  private final ViewReader views;
  /** Baseline rows by (account, filters, detail) of the hour {@link #baselineHour}, week 1 first. */
  private final Map<String, List<MetricRow>> baselines = new HashMap<>();
  private Instant baselineHour;

  Readings(ViewReader views) {
    this.views = views;
  }

  /**
   * The readings of {@code rules} at {@code now} by rule id. A rule whose query failed has none (the failure is
   * handed to {@code failed} and its rules are left as they were).
   */
  Map<String, Reading> read(List<Rule> rules, Instant now, java.util.function.Consumer<RuntimeException> failed) {
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    if (!hour.equals(baselineHour)) {
      baselines.clear();
      baselineHour = hour;
    }
    Map<String, List<Rule>> groups = new LinkedHashMap<>();
    for (Rule r : rules) {
      groups.computeIfAbsent(groupKey(r), k -> new ArrayList<>()).add(r);
    }
    Map<String, Reading> out = new HashMap<>();
    for (List<Rule> group : groups.values()) {
      try {
        readGroup(group, now, out);
      } catch (RuntimeException e) {
        failed.accept(e);
      }
    }
    return out;
  }

  private static String groupKey(Rule r) {
    String filters = r.filters().stream().map(Object::toString).sorted().toList().toString();
    return r.accountId() + "\u0000" + filters + "\u0000" + (r.alertMetric().realtime() ? "now" : r.windowMinutes());
  }

  private void readGroup(List<Rule> group, Instant now, Map<String, Reading> out) {
    Rule first = group.get(0);
    if (first.alertMetric().realtime()) {
      long n = 0;
      for (RealtimeRow row : views.realtime(new RealtimeQuery(first.accountId(), null, null,
          now.minus(Viewership.NOW_WINDOW), List.of(), first.filters()))) {
        n += row.viewCount();
      }
      for (Rule r : group) {
        out.put(r.id(), new Reading((double) n, n, r.threshold()));
      }
      return;
    }
    ViewsQuery.Detail detail = group.stream().anyMatch(r -> r.alertMetric().quality()) ? ViewsQuery.Detail.QUALITY
        : ViewsQuery.Detail.FULL;
    MetricRow row = one(first, now.minus(Duration.ofMinutes(first.windowMinutes())), now, detail);
    for (Rule r : group) {
      Double bound = r.threshold() != null ? r.threshold() : anomalyBound(r, now, detail);
      out.put(r.id(), new Reading(row == null ? null : r.alertMetric().read().apply(row),
          row == null ? 0 : row.viewCount(), bound));
    }
  }

  /** The views of {@code r}'s scope started in {@code [from, to)}, as one row (null when there were none). */
  private MetricRow one(Rule r, Instant from, Instant to, ViewsQuery.Detail detail) {
    List<MetricRow> rows = views.views(new ViewsQuery(r.accountId(), null, null, null, from, to, null, List.of(),
        r.filters(), detail));
    return rows.isEmpty() || rows.get(0).viewCount() == 0 ? null : rows.get(0);
  }

  /** The anomaly bound of {@code r} at {@code now}, from the same hour of the previous weeks; null without one. */
  private Double anomalyBound(Rule r, Instant now, ViewsQuery.Detail detail) {
    List<MetricRow> weeks = baseline(r, detail);
    List<Double> values = new ArrayList<>();
    double scale = r.alertMetric().count() ? r.windowMinutes() / 60.0 : 1;
    for (MetricRow w : weeks) {
      Double v = w == null || w.viewCount() < r.minViews() ? null : r.alertMetric().read().apply(w);
      if (v != null) {
        values.add(v * scale);
      }
    }
    return Baseline.bound(r, values);
  }

  private List<MetricRow> baseline(Rule r, ViewsQuery.Detail detail) {
    String key = r.accountId() + "\u0000" + r.filters().stream().map(Object::toString).sorted().toList() + detail
        + "\u0000" + r.anomaly().weeks();
    List<MetricRow> rows = baselines.get(key);
    if (rows == null) {
      rows = new ArrayList<>();
      for (int k = 1; k <= r.anomaly().weeks(); k++) {
        Instant from = baselineHour.minus(WEEK.multipliedBy(k));
        rows.add(one(r, from, from.plus(Duration.ofHours(1)), detail));
      }
      baselines.put(key, rows);
    }
    return rows;
  }
}
