package io.viewpulse.store.clickhouse;

import io.viewpulse.query.ViewRow;
import io.viewpulse.webhooks.WebhookStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The webhooks' endpoints and positions on ClickHouse. Endpoints are rows of {@code webhook_endpoints}, a
 * ReplacingMergeTree by id read with FINAL, a change (position, deletion) being a new version. A position is, per
 * event-log partition, the last view delivered in the order of (commit, view id): each partition has one writer,
 * whose commits are numbered upwards and move their views into {@code views} in that order (a move that failed is
 * redone with the next commit's, in one insert), so a view stored later in a partition comes later in that order. It
 * also holds the newest {@code stored_at} delivered, from which the read looks back {@link #LOOK_BACK} to prune
 * the table's parts by its index. Views loaded as a history ({@link ChStore#load}, partition -1) are not posted.
 * An erasure deletes the viewer's views, and so what was pending of them.
 */
final class ChWebhooks implements WebhookStore {
  private static final java.time.Duration LOOK_BACK = java.time.Duration.ofHours(1);
  private final ChClient ch;
  private final ChSchema schema;
  private final ChViewRowsSql rows;

  ChWebhooks(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
    this.rows = new ChViewRowsSql(schema);
  }

  /** Per partition the last (commit, view id) delivered, and the newest stored time delivered. */
  record Position(long storedAtMs, TreeMap<Integer, long[]> last) {
    static Position parse(String s) {
      String[] parts = s.split(";");
      TreeMap<Integer, long[]> last = new TreeMap<>();
      for (int i = 1; i < parts.length; i++) {
        String[] f = parts[i].split(":");
        last.put(Integer.parseInt(f[0]), new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
      return new Position(Long.parseLong(parts[0]), last);
    }

    String format() {
      StringBuilder b = new StringBuilder(Long.toString(storedAtMs));
      last.forEach((p, cv) -> b.append(';').append(p).append(':').append(cv[0]).append(':').append(cv[1]));
      return b.toString();
    }
  }

  private record Stored(int partition, long commit, long storedAtMs, ViewRow row) {}

  @Override
  public void create(Endpoint e) {
    write(e, end(e.accountId()), false, 1);
  }

  /** The position after the last view stored of an account (of every account when it is empty). */
  private String end(String accountId) {
    TreeMap<Integer, long[]> last = new TreeMap<>();
    long[] newest = {0};
    ch.query("SELECT log_partition, max(commit_offset), argMax(view_id, (commit_offset, view_id)),"
        + " toUnixTimestamp64Milli(max(stored_at)) FROM " + schema.t("views")
        + " WHERE (account_id = {a:String} OR {a:String} = '') AND log_partition >= 0 GROUP BY log_partition",
        Map.of("a", accountId), r -> new long[] {r.getInteger(1), r.getLong(2), r.getLong(3), r.getLong(4)}, t -> {
          last.put((int) t[0], new long[] {t[1], t[2]});
          newest[0] = Math.max(newest[0], t[3]);
        });
    return new Position(newest[0], last).format();
  }

  private void write(Endpoint e, String position, boolean deleted, long version) {
    Map<String, Object> p = new HashMap<>();
    p.put("i", e.id());
    p.put("a", e.accountId());
    p.put("u", e.url());
    p.put("c", e.createdAt().toEpochMilli());
    p.put("p", position);
    p.put("d", deleted ? 1 : 0);
    p.put("v", version);
    ch.execute("INSERT INTO " + schema.t("webhook_endpoints") + " (id, account_id, url, created_at, position,"
        + " deleted, version) VALUES ({i:String}, {a:String}, {u:String}, fromUnixTimestamp64Milli({c:Int64}, 'UTC'),"
        + " {p:String}, {d:UInt8}, {v:UInt64})", p);
  }

  private record Row(Endpoint endpoint, String position, long version) {}

  private List<Row> rows(String accountId, String id) {
    Map<String, Object> p = new HashMap<>();
    StringBuilder where = new StringBuilder("deleted = 0");
    if (accountId != null) {
      where.append(" AND account_id = {a:String}");
      p.put("a", accountId);
    } else if (id == null) {
      where.append(" AND account_id != ''");
    }
    if (id != null) {
      where.append(" AND id = {i:String}");
      p.put("i", id);
    }
    return ch.queryList("SELECT id, account_id, url, toUnixTimestamp64Milli(created_at), position, version FROM "
        + schema.t("webhook_endpoints") + " FINAL WHERE " + where + " ORDER BY created_at, id", p,
        r -> new Row(new Endpoint(r.getString(1), r.getString(2), r.getString(3), Instant.ofEpochMilli(r.getLong(4))),
            r.getString(5), r.getLong(6)));
  }

  @Override
  public List<Endpoint> endpoints(String accountId) {
    return rows(accountId, null).stream().map(Row::endpoint).toList();
  }

  @Override
  public boolean delete(String accountId, String endpointId) {
    List<Row> found = rows(accountId, endpointId);
    if (found.isEmpty()) {
      return false;
    }
    Row r = found.get(0);
    write(r.endpoint(), r.position(), true, r.version() + 1);
    return true;
  }

  @Override
  public Batch pending(String endpointId, int limit) {
    List<Row> found = rows(null, endpointId);
    if (found.isEmpty() || found.get(0).endpoint().accountId().isEmpty()) {
      return new Batch(List.of(), "", "");
    }
    return read(found.get(0), limit);
  }

  @Override
  public Batch feedPending(String feedId, int limit) {
    List<Row> found = rows(null, feedId);
    if (found.isEmpty()) {
      // a feed is a row with no account, made at its first read
      Endpoint feed = new Endpoint(feedId, "", "", Instant.EPOCH);
      write(feed, end(""), false, 1);
      found = rows(null, feedId);
    }
    if (found.isEmpty() || !found.get(0).endpoint().accountId().isEmpty()) {
      return new Batch(List.of(), "", "");
    }
    return read(found.get(0), limit);
  }

  /** The views after an endpoint's position: of its account, or of every account for a feed (no account). */
  private Batch read(Row endpoint, int limit) {
    String account = endpoint.endpoint().accountId();
    Position from = Position.parse(endpoint.position());
    ChViewsSql.Params p = new ChViewsSql.Params();
    List<String> after = new ArrayList<>();
    from.last().forEach((part, cv) -> after.add("(log_partition = " + p.add("Int32", part)
        + " AND (commit_offset, view_id) > (" + p.add("Int64", cv[0]) + ", " + p.add("Int64", cv[1]) + "))"));
    if (!from.last().isEmpty()) {
      after.add("log_partition NOT IN (" + String.join(", ", from.last().keySet().stream()
          .map(part -> p.add("Int32", part)).toList()) + ")");
    }
    String sql = "SELECT log_partition AS lp, commit_offset AS co, toUnixTimestamp64Milli(stored_at) AS sa, "
        + rows.select(false) + " FROM " + schema.t("views") + " WHERE "
        + (account.isEmpty() ? "" : "account_id = " + p.add("String", account) + " AND ") + "log_partition >= 0 AND stored_at >= "
        + "fromUnixTimestamp64Milli(" + p.add("Int64", from.storedAtMs() - LOOK_BACK.toMillis()) + ", 'UTC')"
        + (after.isEmpty() ? "" : " AND (" + String.join(" OR ", after) + ")")
        + " ORDER BY log_partition, commit_offset, view_id LIMIT " + limit;
    List<Stored> got = ch.queryList(sql, p.values, r -> new Stored(r.getInteger("lp"), r.getLong("co"),
        r.getLong("sa"), ChViewRows.row(r)));
    TreeMap<Integer, long[]> last = new TreeMap<>(from.last());
    long newest = from.storedAtMs();
    List<ViewRow> views = new ArrayList<>(got.size());
    for (Stored s : got) {
      last.put(s.partition(), new long[] {s.commit(), s.row().viewId()});
      newest = Math.max(newest, s.storedAtMs());
      views.add(s.row());
    }
    return new Batch(views, endpoint.position(), new Position(newest, last).format());
  }

  @Override
  public void delivered(String endpointId, String from, String to) {
    List<Row> found = rows(null, endpointId);
    if (found.isEmpty() || !found.get(0).position().equals(from)) {
      return;
    }
    Row r = found.get(0);
    write(r.endpoint(), to, false, r.version() + 1);
  }
}
