package io.viewpulse.store.clickhouse;

import io.viewpulse.query.ViewField;
import io.viewpulse.query.ViewPosition;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.store.ViewMetrics;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Pure builders of the SQL that reads finished views one by one on ClickHouse ({@link ChViewRows}): the finished
 * views of {@code views}, and those still in the outbox of {@code session_state} (committed, not moved into
 * {@code views} yet) that {@code views} does not hold, each once, as {@link ChViewsSql#openAndOutbox} reads them, but
 * without the open sessions. A view's id is its own {@code view_id}. User values only travel as parameters;
 * identifiers come from the allowlists.
 */
final class ChViewRowsSql {
  /** Each field's expression, typed as both stores write it to Parquet, in {@link ViewField} order. */
  static final Map<ViewField, String> FIELDS = new EnumMap<>(Map.ofEntries(
      Map.entry(ViewField.VIEW_ID, "view_id"),
      Map.entry(ViewField.PLAYBACK_ID, "playback_id"),
      Map.entry(ViewField.CREATOR_ID, "creator_id"),
      Map.entry(ViewField.D_STORAGE_URL, "d_storage_url"),
      Map.entry(ViewField.VIEWER_ID, "viewer_id"),
      Map.entry(ViewField.STARTED_AT, "started_at"),
      Map.entry(ViewField.DEVICE_TYPE, "CAST(device_type, 'Nullable(String)')"),
      Map.entry(ViewField.DEVICE, "CAST(device, 'Nullable(String)')"),
      Map.entry(ViewField.CPU, "CAST(cpu, 'Nullable(String)')"),
      Map.entry(ViewField.OS, "CAST(os, 'Nullable(String)')"),
      Map.entry(ViewField.BROWSER, "CAST(browser, 'Nullable(String)')"),
      Map.entry(ViewField.BROWSER_ENGINE, "CAST(browser_engine, 'Nullable(String)')"),
      Map.entry(ViewField.CONTINENT, "CAST(continent, 'Nullable(String)')"),
      Map.entry(ViewField.COUNTRY, "CAST(country, 'Nullable(String)')"),
      Map.entry(ViewField.SUBDIVISION, "CAST(subdivision, 'Nullable(String)')"),
      Map.entry(ViewField.TIMEZONE, "CAST(timezone, 'Nullable(String)')"),
      Map.entry(ViewField.GEOHASH, "CAST(geohash, 'Nullable(String)')"),
      Map.entry(ViewField.DOMAIN, "CAST(domain, 'Nullable(String)')"),
      Map.entry(ViewField.LIVE, "live"),
      Map.entry(ViewField.PLAYTIME_MS, "toInt64(playtime_ms)"),
      Map.entry(ViewField.TTFF_MS, "CAST(ttff_ms, 'Nullable(Int32)')"),
      Map.entry(ViewField.REBUFFER_MS, "toInt64(rebuffer_ms)"),
      Map.entry(ViewField.ERRORS, "toInt32(errors)"),
      Map.entry(ViewField.FIRST_FRAME, "first_frame"),
      Map.entry(ViewField.ENDED, "ended"),
      Map.entry(ViewField.ASN, "CAST(asn, 'Nullable(String)')"),
      Map.entry(ViewField.ISP, "CAST(isp, 'Nullable(String)')"),
      Map.entry(ViewField.CDN, "CAST(cdn, 'Nullable(String)')"),
      Map.entry(ViewField.OUTCOME, ViewMetrics.PerView.OUTCOME),
      Map.entry(ViewField.NON_FATAL_ERRORS, "toInt32(non_fatal_errors)"),
      Map.entry(ViewField.REBUFFER_COUNT, "toInt32(rebuffer_count)"),
      Map.entry(ViewField.SEEK_COUNT, "toInt32(seek_count)"),
      Map.entry(ViewField.SEEK_LATENCY_MS, real(ViewMetrics.PerView.SEEK_LATENCY_MS)),
      Map.entry(ViewField.AVERAGE_BITRATE_BPS, real(ViewMetrics.PerView.AVERAGE_BITRATE_BPS)),
      Map.entry(ViewField.UPSCALE_PERCENTAGE, real(ViewMetrics.PerView.UPSCALE_PERCENTAGE)),
      Map.entry(ViewField.DOWNSCALE_PERCENTAGE, real(ViewMetrics.PerView.DOWNSCALE_PERCENTAGE)),
      Map.entry(ViewField.MAX_UPSCALE_PERCENTAGE, real(ViewMetrics.PerView.MAX_UPSCALE_PERCENTAGE)),
      Map.entry(ViewField.DROPPED_FRAMES, "toInt32(dropped_frames)"),
      Map.entry(ViewField.TOTAL_FRAMES, "toInt32(total_frames)"),
      Map.entry(ViewField.DROPPED_FRAME_RATE, real(ViewMetrics.PerView.DROPPED_FRAME_RATE)),
      Map.entry(ViewField.SWITCHES_UP, "toInt32(switches_up)"),
      Map.entry(ViewField.SWITCHES_DOWN, "toInt32(switches_down)")));

  private static String real(String expr) {
    return "CAST(" + expr + ", 'Nullable(Float64)')";
  }

  /** The custom dimensions' slots as stored ({@code custom_1} first). */
  private static final List<String> CUSTOM = java.util.stream.IntStream
      .rangeClosed(1, io.viewpulse.model.CustomDimension.MAX).mapToObj(i -> "custom_" + i).toList();

  /** The columns the branches of the union give, as stored. */
  private static final String STORED = "view_id, playback_id, creator_id, d_storage_url, viewer_id, started_at,"
      + " device_type, device, cpu, os, browser, browser_engine, continent, country, subdivision, timezone, geohash,"
      + " domain, live, playtime_ms, ttff_ms, rebuffer_ms, errors, first_frame, ended, asn, isp, cdn, fatal,"
      + " non_fatal_errors, rebuffer_count, seek_count, seek_ms, bitrate_ms, bitrate_bits, scale_ms, upscale_ms,"
      + " downscale_ms, dropped_frames, total_frames, switches_up, switches_down, max_upscale, "
      + String.join(", ", CUSTOM);

  private final ChSchema schema;

  ChViewRowsSql(ChSchema schema) {
    this.schema = schema;
  }

  /**
   * Columns: one per field under its {@link ViewField} name, the start in Unix ms. Newest first, before
   * {@code before}. The order and limit are in each branch too, so that the views of one video are read backwards
   * along the table's sort key, not sorted.
   */
  ChViewsSql.Sql newest(ViewsQuery scope, ViewPosition before, int limit) {
    ChViewsSql.Params p = new ChViewsSql.Params();
    String where = where(scope, before, "<", p);
    String order = " ORDER BY started_at DESC, view_id DESC LIMIT " + limit;
    return new ChViewsSql.Sql("SELECT " + select(false) + " FROM ((SELECT " + STORED + " FROM " + schema.t("views")
        + " WHERE " + where + order + ") UNION ALL (" + outbox(where) + "))" + order, p.values);
  }

  /** Columns as {@link #newest}. Oldest first, after {@code after}. */
  ChViewsSql.Sql oldest(ViewsQuery scope, ViewPosition after) {
    ChViewsSql.Params p = new ChViewsSql.Params();
    return new ChViewsSql.Sql("SELECT " + select(false) + " FROM (" + union(where(scope, after, ">", p))
        + ") ORDER BY started_at, view_id", p.values);
  }

  /**
   * The views after {@code after} with one column per field under its API name (the start a UTC timestamp in
   * milliseconds), then one per custom slot that {@code customColumns} names (by slot, index 0 being slot 1; null
   * leaves the slot out), in the order ClickHouse reads them; to be answered in Parquet.
   */
  ChViewsSql.Sql parquet(ViewsQuery scope, ViewPosition after, List<String> customColumns) {
    ChViewsSql.Params p = new ChViewsSql.Params();
    StringBuilder custom = new StringBuilder();
    for (int i = 0; i < customColumns.size(); i++) {
      if (customColumns.get(i) != null) {
        custom.append(", CAST(").append(CUSTOM.get(i)).append(", 'Nullable(String)') AS `")
            .append(customColumns.get(i).replace("\\", "\\\\").replace("`", "\\`")).append('`');
      }
    }
    return new ChViewsSql.Sql("SELECT " + select(true) + custom + " FROM (" + union(where(scope, after, ">", p))
        + ")", p.values);
  }

  /**
   * Columns as {@link #newest}, then {@code timeline}: the view of an account with this id, from {@code views} or the
   * outbox.
   */
  ChViewsSql.Sql one(String accountId, long viewId) {
    ChViewsSql.Params p = new ChViewsSql.Params();
    String where = "account_id = " + p.add("String", accountId) + " AND view_id = " + p.add("Int64", viewId);
    String state = schema.t("session_state");
    return new ChViewsSql.Sql("SELECT " + select(false) + ", base64Encode(timeline) FROM (SELECT " + STORED
        + ", timeline FROM "
        + schema.t("views") + " WHERE " + where + " UNION ALL SELECT " + STORED + ", timeline FROM " + state
        + " FINAL WHERE kind = 'v' AND is_deleted = 0 AND " + where + ") LIMIT 1", p.values);
  }

  /**
   * Column: what each view of the scope that has it watched (base64), from {@code views} and the outbox, each view
   * once.
   */
  ChViewsSql.Sql watched(ViewsQuery scope) {
    ChViewsSql.Params p = new ChViewsSql.Params();
    String where = where(scope, null, ">", p) + " AND watched != ''";
    String state = schema.t("session_state");
    return new ChViewsSql.Sql("SELECT base64Encode(watched) FROM " + schema.t("views") + " WHERE " + where
        + " UNION ALL SELECT base64Encode(watched) FROM " + state + " FINAL WHERE kind = 'v' AND is_deleted = 0 AND "
        + where + " AND view_id NOT IN (SELECT view_id FROM " + schema.t("views") + " WHERE stored_at >= (SELECT"
        + " minOrNull(stored_at) FROM " + state + " WHERE kind = 'v'))", p.values);
  }

  /**
   * The fields as {@link ChViewRows} reads them, over a table with the views' columns; unless for Parquet, then the
   * custom slots, named {@link #customColumn}.
   */
  String select(boolean parquet) {
    List<String> cols = new ArrayList<>();
    for (ViewField f : ViewField.ALL) {
      String expr = FIELDS.get(f);
      if (f == ViewField.STARTED_AT) {
        expr = parquet ? "toDateTime64(started_at, 3, 'UTC')" : "toInt64(toUnixTimestamp(started_at)) * 1000";
      }
      cols.add(expr + " AS " + f.apiName());
    }
    if (!parquet) {
      for (int slot = 1; slot <= CUSTOM.size(); slot++) {
        cols.add("CAST(" + CUSTOM.get(slot - 1) + ", 'Nullable(String)') AS " + customColumn(slot));
      }
    }
    return String.join(", ", cols);
  }

  /** The result's column of a custom slot (1 to {@link io.viewpulse.model.CustomDimension#MAX}) in {@link #select}. */
  static String customColumn(int slot) {
    return "customSlot" + slot;
  }

  private String union(String where) {
    return "SELECT " + STORED + " FROM " + schema.t("views") + " WHERE " + where + " UNION ALL " + outbox(where);
  }

  /** The outbox rows not in {@code views} yet (see {@link ChViewsSql#openAndOutbox}). */
  private String outbox(String where) {
    String state = schema.t("session_state");
    return "SELECT " + STORED + " FROM " + state + " FINAL WHERE kind = 'v' AND is_deleted = 0 AND " + where
        + " AND view_id NOT IN (SELECT view_id FROM " + schema.t("views") + " WHERE stored_at >= (SELECT"
        + " minOrNull(stored_at) FROM " + state + " WHERE kind = 'v'))";
  }

  /**
   * The scope's conditions and the bound of a position ({@code <}: before it, {@code >}: after it). The bound on the
   * start alone comes first, for the primary key and the partitions.
   */
  private static String where(ViewsQuery q, ViewPosition pos, String op, ChViewsSql.Params p) {
    List<String> where = ChViewsSql.scope(q, p);
    if (q.from() != null) {
      where.add("started_at >= fromUnixTimestamp64Milli(" + p.add("Int64", q.from().toEpochMilli()) + ", 'UTC')");
    }
    if (q.to() != null) {
      where.add("started_at < fromUnixTimestamp64Milli(" + p.add("Int64", q.to().toEpochMilli()) + ", 'UTC')");
    }
    if (pos != null) {
      String start = "toDateTime(" + p.add("Int64", pos.startSeconds()) + ", 'UTC')";
      where.add("started_at " + op + "= " + start);
      where.add("(started_at " + op + " " + start + " OR view_id " + op + " " + p.add("Int64", pos.viewId()) + ")");
    }
    return where.isEmpty() ? "true" : String.join(" AND ", where);
  }
}
