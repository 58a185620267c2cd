package io.viewpulse.store.clickhouse;

import com.clickhouse.client.api.data_formats.ClickHouseBinaryFormatReader;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.QualityMetric;
import io.viewpulse.query.RealtimeQuery;
import io.viewpulse.query.RealtimeRow;
import io.viewpulse.query.UsageQuery;
import io.viewpulse.query.UsageRow;
import io.viewpulse.query.ViewReader;
import io.viewpulse.query.ViewsQuery;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Viewership queries on ClickHouse ({@link ChViewsSql}): rows handed on in batches as they are read. */
final class ChViewReader implements ViewReader {
  private static final int BATCH = 2048;

  private final ChClient ch;
  private final ChViewsSql sql;

  ChViewReader(ChClient ch, ChViewsSql sql) {
    this.ch = ch;
    this.sql = sql;
  }

  @Override
  public void views(ViewsQuery q, Consumer<List<MetricRow>> batches) {
    views(q, sql.views(q), batches);
  }

  /** The query answered by reading every view, never from rollups: what the rollups are checked against. */
  List<MetricRow> viewsByScan(ViewsQuery q) {
    List<MetricRow> rows = new ArrayList<>();
    views(q, sql.viewsByScan(q), rows::addAll);
    return rows;
  }

  private void views(ViewsQuery q, ChViewsSql.Sql s, Consumer<List<MetricRow>> batches) {
    boolean full = q.detail().full();
    List<MetricRow> batch = new ArrayList<>(BATCH);
    int[] count = {0};
    ch.query(s.sql() + " LIMIT " + (MAX_ROWS + 1), s.params(), ChViewsSql.SETTINGS, r -> row(q, full, r), row -> {
      if (count[0]++ == MAX_ROWS) {
        throw ViewReader.tooManyRows();
      }
      batch.add(row);
      if (batch.size() == BATCH) {
        batches.accept(new ArrayList<>(batch));
        batch.clear();
      }
    });
    if (!batch.isEmpty()) {
      batches.accept(batch);
    }
  }

  private static MetricRow row(ViewsQuery q, boolean full, ClickHouseBinaryFormatReader r) {
    Long ts = q.timeStep() == null ? null : r.getLong("bucket_ms");
    Map<Dimension, String> dims = new EnumMap<>(Dimension.class);
    for (Dimension d : q.breakdown()) {
      String col = ChViewsSql.COLUMNS.get(d);
      dims.put(d, r.hasValue(col) ? r.getString(col) : null);
    }
    long views = r.getLong("view_count");
    double playtime = r.getDouble("playtime_mins");
    if (!full) {
      return new MetricRow(ts, dims, views, playtime, null, null, null, null, null, null, null);
    }
    Double errorRate = views == 0 ? null : number(r, "error_rate");
    Double exits = views == 0 ? null : number(r, "exits_before_start");
    double[] quality = null;
    if (q.detail() == ViewsQuery.Detail.QUALITY) {
      quality = new double[QualityMetric.values().length];
      for (QualityMetric m : QualityMetric.values()) {
        Double v = number(r, m.column());
        quality[m.ordinal()] = v == null ? Double.NaN : v;
      }
    }
    return new MetricRow(ts, dims, views, playtime, number(r, "ttff_ms"), number(r, "ttff_p50_ms"),
        number(r, "ttff_p95_ms"), number(r, "rebuffer_ratio"), errorRate, exits,
        r.hasValue("unique_viewers") ? r.getLong("unique_viewers") : 0L, quality);
  }

  /** A nullable number, null also when NaN (an average of nothing). */
  private static Double number(ClickHouseBinaryFormatReader r, String col) {
    if (!r.hasValue(col)) {
      return null;
    }
    double v = r.getDouble(col);
    return Double.isNaN(v) ? null : v;
  }

  @Override
  public List<RealtimeRow> realtime(RealtimeQuery q) {
    ChViewsSql.Sql s = sql.realtime(q);
    List<RealtimeRow> out = new ArrayList<>();
    // the facts are named as the columns they sum: an expression over them must read the column
    ch.query(s.sql(), s.params(), ChViewsSql.SETTINGS, r -> {
      Map<Dimension, String> dims = new EnumMap<>(Dimension.class);
      for (Dimension d : q.breakdown()) {
        String col = ChViewsSql.COLUMNS.get(d);
        dims.put(d, r.hasValue(col) ? r.getString(col) : null);
      }
      if (!q.quality()) {
        return new RealtimeRow(dims, r.getLong("view_count"), r.getDouble("error_rate"));
      }
      double[] metrics = new double[QualityMetric.values().length];
      for (QualityMetric m : QualityMetric.values()) {
        Double v = number(r, m.column());
        metrics[m.ordinal()] = v == null ? Double.NaN : v;
      }
      return new RealtimeRow(dims, r.getLong("view_count"), r.getDouble("error_rate"), new RealtimeRow.RealtimeQuality(
          number(r, "ttff_p50_ms"), number(r, "ttff_p95_ms"), number(r, "rebuffer_ratio"), metrics));
    }, out::add);
    return out;
  }

  @Override
  public List<UsageRow> usage(UsageQuery q) {
    ChViewsSql.Sql s = sql.usage(q);
    return ch.queryList(s.sql(), s.params(), r -> new UsageRow(q.timeStep() == null ? null : r.getLong("bucket_ms"),
        q.byCreator() && r.hasValue("creator_id") ? r.getString("creator_id") : null, r.getDouble("delivery_mins")));
  }
}
