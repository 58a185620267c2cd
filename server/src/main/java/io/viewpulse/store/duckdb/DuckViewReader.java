package io.viewpulse.store.duckdb;

import io.viewpulse.model.StoreException;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.QualityMetric;
import io.viewpulse.query.RealtimeQuery;
import io.viewpulse.query.RealtimeRow;
import io.viewpulse.query.UsageQuery;
import io.viewpulse.query.UsageRow;
import io.viewpulse.query.ViewReader;
import io.viewpulse.query.ViewsQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;

/**
 * Runs viewership queries on DuckDB, on a small pool of connections. Reads see every committed flush, so freshness is
 * bounded by the flush interval, with no cache in between.
 */
final class DuckViewReader implements ViewReader, AutoCloseable {
  /** Rows per batch handed on: DuckDB's vector size, so a batch is one fetch from the result. */
  private static final int BATCH = 2048;

  private final ConnectionPool pool;

  DuckViewReader(Database db, int connections) {
    pool = new ConnectionPool(db, connections);
  }

  /** The query, answered from the rollups where it can be ({@link RollupSql}), by a scan otherwise. */
  @Override
  public void views(ViewsQuery q, Consumer<List<MetricRow>> batches) {
    views(q, RollupSql.views(q).orElseGet(() -> ViewsSql.views(q)), batches);
  }

  /** The query answered by a scan of every view, never from rollups: what the rollups are checked against. */
  List<MetricRow> viewsByScan(ViewsQuery q) {
    List<MetricRow> rows = new ArrayList<>();
    views(q, ViewsSql.views(q), rows::addAll);
    return rows;
  }

  private void views(ViewsQuery q, SqlQuery sql, Consumer<List<MetricRow>> batches) {
    boolean full = q.detail().full();
    boolean quality = q.detail() == ViewsQuery.Detail.QUALITY;
    run(sql, batches, rs -> {
      int col = 1;
      Long ts = null;
      if (q.timeStep() != null) {
        ts = rs.getLong(col++);
      }
      Map<Dimension, String> dims = new EnumMap<>(Dimension.class);
      for (Dimension d : q.breakdown()) {
        dims.put(d, rs.getString(col++));
      }
      long views = rs.getLong(col++);
      double playtime = rs.getDouble(col++);
      if (!full) {
        return new MetricRow(ts, dims, views, playtime, null, null, null, null, null, null, null);
      }
      Double ttff = nullableDouble(rs, col++);
      Double p50 = nullableDouble(rs, col++);
      Double p95 = nullableDouble(rs, col++);
      Double rebuffer = nullableDouble(rs, col++);
      Double errorRate = nullableDouble(rs, col++);
      Double ebs = nullableDouble(rs, col++);
      long unique = rs.getLong(col++);
      if (views == 0) {
        errorRate = null;
        ebs = null;
      }
      double[] metrics = null;
      if (quality) {
        metrics = new double[QualityMetric.values().length];
        for (int i = 0; i < metrics.length; i++) {
          Double v = nullableDouble(rs, col++);
          metrics[i] = v == null ? Double.NaN : v;
        }
      }
      return new MetricRow(ts, dims, views, playtime, ttff, p50, p95, rebuffer, errorRate, ebs, unique, metrics);
    });
  }

  @Override
  public List<RealtimeRow> realtime(RealtimeQuery q) {
    return run(ViewsSql.realtime(q), rs -> {
      int col = 1;
      Map<Dimension, String> dims = new EnumMap<>(Dimension.class);
      for (Dimension d : q.breakdown()) {
        dims.put(d, rs.getString(col++));
      }
      long views = rs.getLong(col++);
      double errorRate = rs.getDouble(col++);
      if (!q.quality()) {
        return new RealtimeRow(dims, views, errorRate);
      }
      Double p50 = nullableDouble(rs, col++);
      Double p95 = nullableDouble(rs, col++);
      Double rebuffer = nullableDouble(rs, col++);
      double[] metrics = new double[QualityMetric.values().length];
      for (int i = 0; i < metrics.length; i++) {
        Double v = nullableDouble(rs, col++);
        metrics[i] = v == null ? Double.NaN : v;
      }
      return new RealtimeRow(dims, views, errorRate, new RealtimeRow.RealtimeQuality(p50, p95, rebuffer, metrics));
    });
  }

  @Override
  public List<UsageRow> usage(UsageQuery q) {
    return run(ViewsSql.usage(q), rs -> {
      int col = 1;
      Long ts = q.timeStep() == null ? null : rs.getLong(col++);
      String creator = q.byCreator() ? rs.getString(col++) : null;
      return new UsageRow(ts, creator, rs.getDouble(col));
    });
  }

  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> List<T> run(SqlQuery q, RowMapper<T> mapper) {
    List<T> out = new ArrayList<>();
    run(q, out::addAll, mapper);
    return out;
  }

  private <T> void run(SqlQuery q, Consumer<List<T>> batches, RowMapper<T> mapper) {
    DuckDBConnection c = pool.take();
    try (PreparedStatement p = c.prepareStatement(q.sql())) {
      for (int i = 0; i < q.params().size(); i++) {
        p.setObject(i + 1, q.params().get(i));
      }
      p.setMaxRows(MAX_ROWS + 1);
      try (ResultSet rs = p.executeQuery()) {
        List<T> batch = new ArrayList<>(BATCH);
        int rows = 0;
        while (rs.next()) {
          if (rows++ == MAX_ROWS) {
            throw ViewReader.tooManyRows();
          }
          batch.add(mapper.map(rs));
          if (batch.size() == BATCH) {
            batches.accept(batch);
            batch = new ArrayList<>(BATCH);
          }
        }
        if (!batch.isEmpty()) {
          batches.accept(batch);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("query failed: " + e.getMessage(), e);
    } finally {
      pool.give(c);
    }
  }

  private static Double nullableDouble(ResultSet rs, int col) throws SQLException {
    double v = rs.getDouble(col);
    return rs.wasNull() || Double.isNaN(v) ? null : v;
  }

  @Override
  public void close() {
    pool.close();
  }
}
