package io.viewpulse.store.clickhouse;

import com.clickhouse.client.api.data_formats.ClickHouseBinaryFormatReader;
import com.clickhouse.data.ClickHouseFormat;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.StoreException;
import io.viewpulse.query.ViewField;
import io.viewpulse.query.ViewPosition;
import io.viewpulse.query.ViewRow;
import io.viewpulse.query.ViewRowReader;
import io.viewpulse.query.ViewsQuery;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finished views one by one on ClickHouse ({@link ChViewRowsSql}). Parquet is written by the server
 * ({@code FORMAT Parquet}) and streamed through as it arrives: a client that reads slowly holds the connection, and
 * the server waits on it.
 */
final class ChViewRows implements ViewRowReader {
  /** Row groups of this many views: the server writes nothing of a group before it is complete. */
  private static final Map<String, String> PARQUET = Map.of("output_format_parquet_row_group_size", "122880",
      "output_format_parquet_compression_method", "zstd");

  private final ChClient ch;
  private final ChViewRowsSql sql;
  private final ChSchema schema;

  ChViewRows(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
    this.sql = new ChViewRowsSql(schema);
  }

  @Override
  public List<ViewRow> newest(ViewsQuery scope, ViewPosition before, int limit) {
    ChViewsSql.Sql s = sql.newest(scope, before, limit);
    return ch.queryList(s.sql(), s.params(), ChViewRows::row);
  }

  @Override
  public void oldest(ViewsQuery scope, ViewPosition after, Consumer<ViewRow> sink) {
    ChViewsSql.Sql s = sql.oldest(scope, after);
    ch.query(s.sql(), s.params(), ChViewRows::row, sink);
  }

  @Override
  public void parquet(ViewsQuery scope, ViewPosition after, List<String> customColumns, OutputStream out)
      throws IOException {
    ChViewsSql.Sql s = sql.parquet(scope, after, customColumns);
    ch.stream(s.sql(), s.params(), ClickHouseFormat.Parquet, PARQUET, in -> copy(in, out));
  }

  @Override
  public java.util.Optional<io.viewpulse.query.ViewDetail> view(String accountId, long viewId) {
    ChViewsSql.Sql s = sql.one(accountId, viewId);
    int timeline = ViewField.ALL.size() + io.viewpulse.model.CustomDimension.MAX + 1;
    return ch.queryList(s.sql(), s.params(), r -> new io.viewpulse.query.ViewDetail(row(r), ChClient.bytes(r,
        timeline))).stream().findFirst();
  }

  @Override
  public void watched(ViewsQuery scope, Consumer<byte[]> sink) {
    ChViewsSql.Sql s = sql.watched(scope);
    ch.query(s.sql(), s.params(), r -> ChClient.bytes(r, 1), sink);
  }

  /**
   * Empties the timelines of each month of views (a partition) that ended before {@code before}: whole partitions,
   * so a month's timelines stay until its last day is past the retention (readers leave out the older ones).
   */
  @Override
  public void dropTimelines(java.time.Instant before) {
    java.time.YearMonth last = java.time.YearMonth.from(before.atZone(java.time.ZoneOffset.UTC)).minusMonths(1);
    for (String id : ch.queryList(schema.viewPartitions(), Map.of(), r -> r.getString(1))) {
      if (id.matches("\\d{6}") && !java.time.YearMonth.of(Integer.parseInt(id.substring(0, 4)),
          Integer.parseInt(id.substring(4))).isAfter(last)) {
        ch.execute(schema.clearTimelines(id));
      }
    }
  }

  /** Copies the server's bytes: a failure to read is the store's, a failure to write the destination's. */
  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[64 * 1024];
    while (true) {
      int n;
      try {
        n = in.read(buf);
      } catch (IOException e) {
        throw new StoreException("reading Parquet from ClickHouse failed: " + e.getMessage(), e);
      }
      if (n < 0) {
        return;
      }
      out.write(buf, 0, n);
    }
  }

  static ViewRow row(ClickHouseBinaryFormatReader r) {
    List<String> custom = new java.util.ArrayList<>(io.viewpulse.model.CustomDimension.MAX);
    for (int slot = 1; slot <= io.viewpulse.model.CustomDimension.MAX; slot++) {
      String col = ChViewRowsSql.customColumn(slot);
      custom.add(r.hasValue(col) ? r.getString(col) : null);
    }
    return new ViewRow(r.getLong(name(ViewField.VIEW_ID)), text(r, ViewField.PLAYBACK_ID),
        text(r, ViewField.CREATOR_ID), text(r, ViewField.D_STORAGE_URL), text(r, ViewField.VIEWER_ID),
        r.getLong(name(ViewField.STARTED_AT)),
        new Dimensions(text(r, ViewField.DEVICE_TYPE), text(r, ViewField.DEVICE), text(r, ViewField.CPU),
            text(r, ViewField.OS), text(r, ViewField.BROWSER), text(r, ViewField.BROWSER_ENGINE),
            text(r, ViewField.CONTINENT), text(r, ViewField.COUNTRY), text(r, ViewField.SUBDIVISION),
            text(r, ViewField.TIMEZONE), text(r, ViewField.GEOHASH), custom, text(r, ViewField.ASN),
            text(r, ViewField.ISP), text(r, ViewField.CDN)),
        text(r, ViewField.DOMAIN), r.getBoolean(name(ViewField.LIVE)), r.getLong(name(ViewField.PLAYTIME_MS)),
        r.hasValue(name(ViewField.TTFF_MS)) ? r.getInteger(name(ViewField.TTFF_MS)) : null,
        r.getLong(name(ViewField.REBUFFER_MS)), r.getInteger(name(ViewField.ERRORS)),
        r.getBoolean(name(ViewField.FIRST_FRAME)), r.getBoolean(name(ViewField.ENDED)),
        new ViewRow.Quality(text(r, ViewField.OUTCOME), r.getInteger(name(ViewField.NON_FATAL_ERRORS)),
            r.getInteger(name(ViewField.REBUFFER_COUNT)), r.getInteger(name(ViewField.SEEK_COUNT)),
            real(r, ViewField.SEEK_LATENCY_MS), real(r, ViewField.AVERAGE_BITRATE_BPS),
            real(r, ViewField.UPSCALE_PERCENTAGE), real(r, ViewField.DOWNSCALE_PERCENTAGE),
            real(r, ViewField.MAX_UPSCALE_PERCENTAGE), r.getInteger(name(ViewField.DROPPED_FRAMES)),
            r.getInteger(name(ViewField.TOTAL_FRAMES)), real(r, ViewField.DROPPED_FRAME_RATE),
            r.getInteger(name(ViewField.SWITCHES_UP)), r.getInteger(name(ViewField.SWITCHES_DOWN))));
  }

  private static Double real(ClickHouseBinaryFormatReader r, ViewField f) {
    return r.hasValue(f.apiName()) ? r.getDouble(f.apiName()) : null;
  }

  private static String name(ViewField f) {
    return f.apiName();
  }

  private static String text(ClickHouseBinaryFormatReader r, ViewField f) {
    return r.hasValue(f.apiName()) ? r.getString(f.apiName()) : null;
  }
}
