package io.viewpulse.store.duckdb;

import io.viewpulse.model.CustomDimension;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.StoreException;
import io.viewpulse.query.ViewField;
import io.viewpulse.query.ViewPosition;
import io.viewpulse.query.ViewRow;
import io.viewpulse.query.ViewRowReader;
import io.viewpulse.query.ViewsQuery;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;

/**
 * Finished views one by one on DuckDB ({@link ViewRowsSql}), on connections of their own: an export reads for as long
 * as its client takes, and must not hold a connection the viewership queries wait for. Parquet is written by DuckDB
 * itself ({@code COPY ... (FORMAT parquet)}) into a named pipe that this class reads and hands on, so that the file
 * never lands on disk and DuckDB writes no faster than the client reads ({@link ParquetPipe}).
 */
final class DuckViewRows implements ViewRowReader, AutoCloseable {
  private final ConnectionPool pool;

  DuckViewRows(Database db, int connections) {
    // rows come as the scan finds them instead of the whole answer first: an export of any size holds a batch
    pool = new ConnectionPool(db, connections, "SET jdbc_stream_results = true");
  }

  @Override
  public List<ViewRow> newest(ViewsQuery scope, ViewPosition before, int limit) {
    List<ViewRow> rows = new ArrayList<>(Math.min(limit, 1024));
    read(ViewRowsSql.newest(scope, before, limit), rows::add);
    return rows;
  }

  @Override
  public void oldest(ViewsQuery scope, ViewPosition after, Consumer<ViewRow> sink) {
    read(ViewRowsSql.oldest(scope, after), sink);
  }

  @Override
  public void parquet(ViewsQuery scope, ViewPosition after, List<String> customColumns, OutputStream out)
      throws IOException {
    DuckDBConnection c = pool.take();
    try {
      java.util.concurrent.atomic.AtomicReference<PreparedStatement> running =
          new java.util.concurrent.atomic.AtomicReference<>();
      ParquetPipe.pipe(new ParquetPipe.Writer() {
        @Override
        public void write(java.nio.file.Path pipe) throws SQLException {
          try (PreparedStatement p = prepare(c, ViewRowsSql.parquet(scope, after, customColumns, pipe.toString()))) {
            running.set(p);
            p.execute();
          } finally {
            running.set(null);
          }
        }

        @Override
        public void cancel() throws SQLException {
          PreparedStatement p = running.get();
          if (p != null) {
            p.cancel();
          }
        }
      }, out);
    } finally {
      pool.give(c);
    }
  }

  @Override
  public java.util.Optional<io.viewpulse.query.ViewDetail> view(String accountId, long viewId) {
    io.viewpulse.query.ViewDetail[] found = new io.viewpulse.query.ViewDetail[1];
    withConnection(c -> {
      try (PreparedStatement p = prepare(c, ViewRowsSql.one(accountId, viewId)); ResultSet rs = p.executeQuery()) {
        if (rs.next()) {
          found[0] = new io.viewpulse.query.ViewDetail(row(rs), rs.getBytes(ViewField.ALL.size() + CustomDimension.MAX + 1));
        }
      }
    });
    return java.util.Optional.ofNullable(found[0]);
  }

  @Override
  public void watched(ViewsQuery scope, Consumer<byte[]> sink) {
    withConnection(c -> {
      try (PreparedStatement p = prepare(c, ViewRowsSql.watched(scope)); ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          sink.accept(rs.getBytes(1));
        }
      }
    });
  }

  @Override
  public void dropTimelines(java.time.Instant before) {
    withConnection(c -> {
      try (PreparedStatement p = prepare(c, ViewRowsSql.dropTimelines(
          Math.multiplyExact(before.getEpochSecond(), 1_000_000L)))) {
        p.executeUpdate();
      }
    });
  }

  private interface Work {
    void run(DuckDBConnection c) throws SQLException;
  }

  private void read(SqlQuery q, Consumer<ViewRow> sink) {
    withConnection(c -> {
      try (PreparedStatement p = prepare(c, q); ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          sink.accept(row(rs));
        }
      }
    });
  }

  private void withConnection(Work work) {
    DuckDBConnection c = pool.take();
    try {
      work.run(c);
    } catch (SQLException e) {
      throw new StoreException("reading views failed: " + e.getMessage(), e);
    } finally {
      pool.give(c);
    }
  }

  private static PreparedStatement prepare(DuckDBConnection c, SqlQuery q) throws SQLException {
    PreparedStatement p = c.prepareStatement(q.sql());
    for (int i = 0; i < q.params().size(); i++) {
      p.setObject(i + 1, q.params().get(i));
    }
    return p;
  }

  /** A row of the fields in {@link io.viewpulse.query.ViewField} order, then the custom slots. */
  static ViewRow row(ResultSet rs) throws SQLException {
    int ttff = rs.getInt(21);
    Integer ttffMs = rs.wasNull() ? null : ttff;
    List<String> custom = new ArrayList<>(CustomDimension.MAX);
    for (int i = 0; i < CustomDimension.MAX; i++) {
      custom.add(rs.getString(ViewField.ALL.size() + 1 + i));
    }
    return new ViewRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getLong(6), new Dimensions(rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
            rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15),
            rs.getString(16), rs.getString(17), custom, rs.getString(26), rs.getString(27), rs.getString(28)),
        rs.getString(18), rs.getBoolean(19), rs.getLong(20), ttffMs,
        rs.getLong(22), rs.getInt(23), rs.getBoolean(24), rs.getBoolean(25),
        new ViewRow.Quality(rs.getString(29), rs.getInt(30), rs.getInt(31), rs.getInt(32), real(rs, 33),
            real(rs, 34), real(rs, 35), real(rs, 36), real(rs, 37), rs.getInt(38), rs.getInt(39), real(rs, 40),
            rs.getInt(41), rs.getInt(42)));
  }

  private static Double real(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  @Override
  public void close() {
    pool.close();
  }
}
