package io.viewpulse.store.duckdb;

import io.viewpulse.model.CustomDimension;
import io.viewpulse.query.ViewField;
import io.viewpulse.query.ViewPosition;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.store.ViewMetrics;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Pure builders of the SQL that reads finished views one by one ({@link DuckViewRows}): the views explorer's pages, the
 * export's ranges and its Parquet file. They read {@code views} only (finished views; open sessions are in
 * {@code live_views} until their view ends). A view's id here is its {@code rowid}: {@code views} is only
 * appended to but for erasures, which leave the other rows their ids (the rollups' marks rely on the same); a view id
 * of an erased view may be taken again by a later one ({@link DuckErasures}). User values only travel as
 * parameters; identifiers come from the allowlists.
 */
final class ViewRowsSql {
  /** Each field's expression over {@code views}, in {@link ViewField} order. */
  static final Map<ViewField, String> FIELDS = new EnumMap<>(Map.ofEntries(
      Map.entry(ViewField.VIEW_ID, "rowid"),
      Map.entry(ViewField.PLAYBACK_ID, "playback_id"),
      Map.entry(ViewField.CREATOR_ID, "creator_id"),
      Map.entry(ViewField.D_STORAGE_URL, "d_storage_url"),
      Map.entry(ViewField.VIEWER_ID, "viewer_id"),
      Map.entry(ViewField.STARTED_AT, "epoch_ms(started_at)"),
      Map.entry(ViewField.DEVICE_TYPE, "device_type"),
      Map.entry(ViewField.DEVICE, "device"),
      Map.entry(ViewField.CPU, "cpu"),
      Map.entry(ViewField.OS, "os"),
      Map.entry(ViewField.BROWSER, "browser"),
      Map.entry(ViewField.BROWSER_ENGINE, "browser_engine"),
      Map.entry(ViewField.CONTINENT, "continent"),
      Map.entry(ViewField.COUNTRY, "country"),
      Map.entry(ViewField.SUBDIVISION, "subdivision"),
      Map.entry(ViewField.TIMEZONE, "timezone"),
      Map.entry(ViewField.GEOHASH, "geohash"),
      Map.entry(ViewField.DOMAIN, "domain"),
      Map.entry(ViewField.LIVE, "live"),
      Map.entry(ViewField.PLAYTIME_MS, "playtime_ms"),
      Map.entry(ViewField.TTFF_MS, "ttff_ms"),
      Map.entry(ViewField.REBUFFER_MS, "rebuffer_ms"),
      Map.entry(ViewField.ERRORS, "errors"),
      Map.entry(ViewField.FIRST_FRAME, "first_frame"),
      Map.entry(ViewField.ENDED, "ended"),
      Map.entry(ViewField.ASN, "asn"),
      Map.entry(ViewField.ISP, "isp"),
      Map.entry(ViewField.CDN, "cdn"),
      Map.entry(ViewField.OUTCOME, ViewMetrics.PerView.OUTCOME),
      Map.entry(ViewField.NON_FATAL_ERRORS, "non_fatal_errors"),
      Map.entry(ViewField.REBUFFER_COUNT, "rebuffer_count"),
      Map.entry(ViewField.SEEK_COUNT, "seek_count"),
      Map.entry(ViewField.SEEK_LATENCY_MS, real(ViewMetrics.PerView.SEEK_LATENCY_MS)),
      Map.entry(ViewField.AVERAGE_BITRATE_BPS, real(ViewMetrics.PerView.AVERAGE_BITRATE_BPS)),
      Map.entry(ViewField.UPSCALE_PERCENTAGE, real(ViewMetrics.PerView.UPSCALE_PERCENTAGE)),
      Map.entry(ViewField.DOWNSCALE_PERCENTAGE, real(ViewMetrics.PerView.DOWNSCALE_PERCENTAGE)),
      Map.entry(ViewField.MAX_UPSCALE_PERCENTAGE, real(ViewMetrics.PerView.MAX_UPSCALE_PERCENTAGE)),
      Map.entry(ViewField.DROPPED_FRAMES, "dropped_frames"),
      Map.entry(ViewField.TOTAL_FRAMES, "total_frames"),
      Map.entry(ViewField.DROPPED_FRAME_RATE, real(ViewMetrics.PerView.DROPPED_FRAME_RATE)),
      Map.entry(ViewField.SWITCHES_UP, "switches_up"),
      Map.entry(ViewField.SWITCHES_DOWN, "switches_down")));

  private static String real(String expr) {
    return "CAST(" + expr + " AS DOUBLE)";
  }

  /** The custom dimensions' slots ({@code custom_1} first), in the order of the result's columns after the fields. */
  static final List<String> CUSTOM = java.util.stream.IntStream.rangeClosed(1, CustomDimension.MAX)
      .mapToObj(i -> "custom_" + i).toList();

  /** The fields, in {@link ViewField} order, then the custom dimensions by slot, as the result's columns. */
  private static final String SELECT = ViewField.ALL.stream().map(FIELDS::get).collect(Collectors.joining(", "))
      + ", " + String.join(", ", CUSTOM);

  private ViewRowsSql() {}

  /** Columns: the fields in {@link ViewField} order, then the custom slots. Newest first, before {@code before} (exclusive). */
  static SqlQuery newest(ViewsQuery scope, ViewPosition before, int limit) {
    List<Object> params = new ArrayList<>();
    List<String> where = scope(scope, params);
    if (before != null) {
      position(before, "<", where, params);
    }
    params.add(limit);
    return new SqlQuery("SELECT " + SELECT + " FROM views WHERE " + String.join(" AND ", where)
        + " ORDER BY started_at DESC, rowid DESC LIMIT ?", params);
  }

  /**
   * Columns: the fields in {@link ViewField} order, then the custom slots. An account's views (every account's when {@code accountId} is
   * null) from rowid {@code fromRow} on, in the order they were stored (the webhooks' and the topic's batches).
   */
  static SqlQuery stored(String accountId, long fromRow, int limit) {
    if (accountId == null) {
      return new SqlQuery("SELECT " + SELECT + " FROM views WHERE rowid >= ? ORDER BY rowid LIMIT ?",
          List.of(fromRow, limit));
    }
    return new SqlQuery("SELECT " + SELECT + " FROM views WHERE account_id = ? AND rowid >= ? ORDER BY rowid LIMIT ?",
        List.of(accountId, fromRow, limit));
  }

  /** Columns: the fields in {@link ViewField} order, then the custom slots. Oldest first, after {@code after} (exclusive). */
  static SqlQuery oldest(ViewsQuery scope, ViewPosition after) {
    List<Object> params = new ArrayList<>();
    List<String> where = scope(scope, params);
    if (after != null) {
      position(after, ">", where, params);
    }
    return new SqlQuery("SELECT " + SELECT + " FROM views WHERE " + String.join(" AND ", where)
        + " ORDER BY started_at, rowid", params);
  }

  /** Columns: the fields in {@link ViewField} order, the custom slots, then the timeline. The view of an account with this id. */
  static SqlQuery one(String accountId, long viewId) {
    return new SqlQuery("SELECT " + SELECT + ", timeline FROM views WHERE account_id = ? AND rowid = ?",
        List.of(accountId, viewId));
  }

  /** Column: what each view of the scope that has it watched. */
  static SqlQuery watched(ViewsQuery scope) {
    List<Object> params = new ArrayList<>();
    List<String> where = scope(scope, params);
    return new SqlQuery("SELECT watched FROM views WHERE " + String.join(" AND ", where) + " AND watched IS NOT NULL",
        params);
  }

  /** Empties the timelines of the views that started before a time (Unix micros). */
  static SqlQuery dropTimelines(long beforeMicros) {
    return new SqlQuery("UPDATE views SET timeline = NULL WHERE started_at < " + DuckDirectory.TS
        + " AND timeline IS NOT NULL", List.of(beforeMicros));
  }

  /**
   * A COPY of the views after {@code after} into a Parquet file at {@code path} (not a parameter in DuckDB: quoted
   * here, and chosen by the store, never by a user), one column per field under its API name, the start as a UTC
   * timestamp, then a column per custom slot that {@code customColumns} names (by slot, index 0 being slot 1; null
   * leaves the slot out), in the table's order. Written straight to the path, never to a temporary file beside it.
   */
  static SqlQuery parquet(ViewsQuery scope, ViewPosition after, List<String> customColumns, String path) {
    List<Object> params = new ArrayList<>();
    List<String> where = scope(scope, params);
    if (after != null) {
      position(after, ">", where, params);
    }
    List<String> cols = new ArrayList<>();
    for (ViewField f : ViewField.ALL) {
      String expr = f == ViewField.STARTED_AT ? "to_timestamp(epoch(started_at))" : FIELDS.get(f);
      cols.add(expr + " AS \"" + f.apiName() + "\"");
    }
    for (int i = 0; i < customColumns.size(); i++) {
      if (customColumns.get(i) != null) {
        cols.add(CUSTOM.get(i) + " AS \"" + customColumns.get(i).replace("\"", "\"\"") + "\"");
      }
    }
    return new SqlQuery("COPY (SELECT " + String.join(", ", cols) + " FROM views WHERE " + String.join(" AND ", where)
        + ") TO '" + path.replace("'", "''") + "' (FORMAT parquet, COMPRESSION zstd, USE_TMP_FILE false)", params);
  }

  /** The scope's conditions: account, media, filters, time range. Never empty (the account at least, or TRUE). */
  private static List<String> scope(ViewsQuery q, List<Object> params) {
    List<String> where = new ArrayList<>();
    ViewsSql.scope(q, where, params);
    if (where.isEmpty()) {
      where.add("TRUE");
    }
    return where;
  }

  /**
   * Views before ({@code <}) or after ({@code >}) a position: the bound on the start alone comes first, so that the
   * scan skips row groups outside it by their zone maps.
   */
  private static void position(ViewPosition p, String op, List<String> where, List<Object> params) {
    long micros = Math.multiplyExact(p.startSeconds(), 1_000_000L);
    where.add("started_at " + op + "= " + DuckDirectory.TS);
    params.add(micros);
    where.add("(started_at " + op + " " + DuckDirectory.TS + " OR rowid " + op + " ?)");
    params.add(micros);
    params.add(p.viewId());
  }
}
