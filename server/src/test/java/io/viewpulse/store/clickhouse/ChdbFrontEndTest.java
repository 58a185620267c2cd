package io.viewpulse.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.data_formats.ClickHouseBinaryFormatReader;
import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.client.api.query.GenericRecord;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.client.api.query.Records;
import com.clickhouse.data.ClickHouseFormat;
import io.viewpulse.testing.Chdb;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The official ClickHouse client (client-v2, as production builds it) against the real engine (chDB) behind
 * tools/chdb/chdb_http.c: what the ClickHouse store will rely on, end to end over HTTP. Each test works in a
 * database of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChdbFrontEndTest {
  private Chdb chdb;
  private Client client;
  private final List<Client> opened = new ArrayList<>();

  @BeforeAll
  void start() {
    chdb = new Chdb();
    client = chdb.client;
  }

  @AfterAll
  void stop() {
    opened.forEach(Client::close);
    chdb.close();
  }

  /** A fresh database and a client whose default database it is. */
  private Client database(String name) throws Exception {
    client.execute("CREATE DATABASE " + name).get(30, TimeUnit.SECONDS).close();
    Client c = Chdb.clientBuilder(chdb.url, Chdb.USER, chdb.password).setDefaultDatabase(name).build();
    opened.add(c);
    return c;
  }

  private static void run(Client c, String sql) throws Exception {
    c.execute(sql).get(30, TimeUnit.SECONDS).close();
  }

  @Test
  void theEngineAnswersPingAndTellsItsVersionAndTimeZone() {
    assertThat(client.ping()).isTrue();
    client.loadServerInfo();
    assertThat(client.getServerVersion()).isEqualTo("26.7.2.1");
    assertThat(client.queryAll("SELECT timezone() AS tz").get(0).getString("tz")).isEqualTo("UTC");
  }

  /** A row as the client's object insert sees it: a getter per column. */
  public static final class ViewRow {
    private Instant ts;
    private String video;
    private String country;
    private long bytes;
    private double ratio;
    private List<String> tags;
    private Map<String, Integer> attrs;

    public ViewRow() {}

    ViewRow(Instant ts, String video, String country, long bytes, double ratio, List<String> tags,
        Map<String, Integer> attrs) {
      this.ts = ts;
      this.video = video;
      this.country = country;
      this.bytes = bytes;
      this.ratio = ratio;
      this.tags = tags;
      this.attrs = attrs;
    }

    public Instant getTs() {
      return ts;
    }

    public void setTs(Instant ts) {
      this.ts = ts;
    }

    public String getVideo() {
      return video;
    }

    public void setVideo(String video) {
      this.video = video;
    }

    public String getCountry() {
      return country;
    }

    public void setCountry(String country) {
      this.country = country;
    }

    public long getBytes() {
      return bytes;
    }

    public void setBytes(long bytes) {
      this.bytes = bytes;
    }

    public double getRatio() {
      return ratio;
    }

    public void setRatio(double ratio) {
      this.ratio = ratio;
    }

    public List<String> getTags() {
      return tags;
    }

    public void setTags(List<String> tags) {
      this.tags = tags;
    }

    public Map<String, Integer> getAttrs() {
      return attrs;
    }

    public void setAttrs(Map<String, Integer> attrs) {
      this.attrs = attrs;
    }
  }

  @Test
  void objectsInsertedInRowBinaryComeBackWithTheirTypes() throws Exception {
    Client c = database("objects");
    run(c, "CREATE TABLE views (ts DateTime64(3, 'UTC'), video String, country Nullable(String), bytes UInt64, "
        + "ratio Float64, tags Array(String), attrs Map(String, UInt32)) ENGINE = MergeTree ORDER BY (video, ts)");
    c.register(ViewRow.class, c.getTableSchema("views"));
    Instant t0 = Instant.parse("2026-03-02T10:00:00.123Z");
    // a newline and a 0x0A byte in the data: chDB's plain query call would end the data there
    List<ViewRow> rows = List.of(
        new ViewRow(t0, "v1", "DE", 10, 0.25, List.of("live", "4k"), Map.of("bitrate", 4500)),
        new ViewRow(t0.plusMillis(1), "line one\nline two", null, 0, -1.5, List.of(), Map.of()),
        new ViewRow(t0.plusSeconds(3600), "vidéo ✓", "JP", 1L << 40, 1e-9, List.of("a\tb"),
            Map.of("x", 1, "y", 2)));
    try (InsertResponse r = c.insert("views", rows).get(30, TimeUnit.SECONDS)) {
      assertThat(r.getWrittenRows()).isEqualTo(3);
    }

    List<GenericRecord> back = c.queryAll("SELECT * FROM views ORDER BY ts");
    assertThat(back).hasSize(3);
    GenericRecord first = back.get(0);
    assertThat(first.getInstant("ts")).isEqualTo(t0);
    assertThat(first.getString("video")).isEqualTo("v1");
    assertThat(first.getString("country")).isEqualTo("DE");
    assertThat(first.getBigInteger("bytes")).isEqualTo(BigInteger.TEN);
    assertThat(first.getDouble("ratio")).isEqualTo(0.25);
    assertThat(first.getList("tags")).containsExactly("live", "4k");
    assertThat((Map<?, ?>) first.getObject("attrs")).isEqualTo(Map.of("bitrate", 4500L));
    GenericRecord second = back.get(1);
    assertThat(second.getInstant("ts")).isEqualTo(t0.plusMillis(1));
    assertThat(second.getString("video")).isEqualTo("line one\nline two");
    assertThat(second.hasValue("country")).isFalse();
    assertThat(second.getDouble("ratio")).isEqualTo(-1.5);
    assertThat(second.getList("tags")).isEmpty();
    GenericRecord third = back.get(2);
    assertThat(third.getString("video")).isEqualTo("vidéo ✓");
    assertThat(third.getLong("bytes")).isEqualTo(1L << 40);
    assertThat(third.getDouble("ratio")).isEqualTo(1e-9);
    assertThat(third.getList("tags")).containsExactly("a\tb");
    assertThat((Map<?, ?>) third.getObject("attrs")).isEqualTo(Map.of("x", 1L, "y", 2L));
  }

  @Test
  void rowsStreamedInRowBinaryAndTabSeparatedAreReadBackThroughTheReader() throws Exception {
    Client c = database("streams");
    run(c, "CREATE TABLE plays (video String, ms UInt32, ok Bool) ENGINE = MergeTree ORDER BY video");
    TableSchema schema = c.getTableSchema("plays");
    try (InsertResponse r = c.insert("plays", out -> {
      RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, schema, ClickHouseFormat.RowBinary);
      for (int i = 0; i < 1000; i++) {
        w.setString("video", "v" + (i % 3));
        w.setLong("ms", i);
        w.setBoolean("ok", i % 10 != 0);
        w.commitRow();
      }
    }, ClickHouseFormat.RowBinary, new InsertSettings()).get(30, TimeUnit.SECONDS)) {
      assertThat(r.getWrittenRows()).isEqualTo(1000);
    }
    byte[] tsv = "v9\t5\ttrue\nv9\t7\tfalse\n".getBytes(StandardCharsets.UTF_8);
    c.insert("plays", new ByteArrayInputStream(tsv), ClickHouseFormat.TabSeparated).get(30, TimeUnit.SECONDS).close();

    Map<String, long[]> byVideo = new LinkedHashMap<>();
    try (QueryResponse response = c.query("SELECT video, count() AS n, sum(ms) AS total, countIf(ok) AS good "
        + "FROM plays GROUP BY video ORDER BY video").get(30, TimeUnit.SECONDS)) {
      assertThat(response.getFormat()).isEqualTo(ClickHouseFormat.RowBinaryWithNamesAndTypes);
      assertThat(response.getResultRows()).isEqualTo(4);
      ClickHouseBinaryFormatReader reader = c.newBinaryFormatReader(response);
      while (reader.hasNext()) {
        reader.next();
        byVideo.put(reader.getString("video"),
            new long[] {reader.getLong("n"), reader.getLong("total"), reader.getLong("good")});
      }
    }
    // v0 holds i = 0, 3, ..., 999 (334 rows), v1 i = 1, 4, ..., 997 (333), v2 i = 2, ..., 998 (333)
    assertThat(byVideo).containsOnlyKeys("v0", "v1", "v2", "v9");
    assertThat(byVideo.get("v0")).containsExactly(334, 166833, 300);
    assertThat(byVideo.get("v1")).containsExactly(333, 166167, 300);
    assertThat(byVideo.get("v2")).containsExactly(333, 166500, 300);
    assertThat(byVideo.get("v9")).containsExactly(2, 12, 1);
  }

  @Test
  void aQueryWithItsOwnFormatClauseIsAnsweredInThatFormat() throws Exception {
    try (QueryResponse response = client.query("SELECT 1 AS x, 'a' AS y FORMAT JSONEachRow")
        .get(30, TimeUnit.SECONDS)) {
      assertThat(response.getFormat()).isEqualTo(ClickHouseFormat.JSONEachRow);
      assertThat(new String(response.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("{\"x\":1,\"y\":\"a\"}\n");
    }
  }

  @Test
  void parametersAreBoundByTheEngine() throws Exception {
    Client c = database("params");
    run(c, "CREATE TABLE t (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
    run(c, "INSERT INTO t SELECT number, concat('n', toString(number)) FROM numbers(100)");
    run(c, "INSERT INTO t VALUES (1000, 'it''s'), (1001, 'back\\\\slash')");

    List<GenericRecord> atLeast = c.queryAll("SELECT count() AS n, sum(id) AS s FROM t WHERE id >= {x:UInt64}",
        Map.of("x", 90));
    assertThat(atLeast.get(0).getLong("n")).isEqualTo(12);
    assertThat(atLeast.get(0).getLong("s")).isEqualTo(945 + 2001);
    assertThat(c.queryAll("SELECT id FROM t WHERE name = {name:String}", Map.of("name", "it's")))
        .extracting(r -> r.getLong("id")).containsExactly(1000L);
    assertThat(c.queryAll("SELECT id FROM t WHERE name = {name:String}", Map.of("name", "back\\slash")))
        .extracting(r -> r.getLong("id")).containsExactly(1001L);
    Records records = c.queryRecords("SELECT name FROM t WHERE id IN {ids:Array(UInt64)} ORDER BY id",
        Map.of("ids", List.of(3, 5, 1000))).get(30, TimeUnit.SECONDS);
    List<String> names = new ArrayList<>();
    records.forEach(r -> names.add(r.getString("name")));
    records.close();
    assertThat(names).containsExactly("n3", "n5", "it's");
  }

  @Test
  void aMaterializedViewFeedsAnAggregatingMergeTreeReadBackWithMerge() throws Exception {
    Client c = database("rollups");
    run(c, "CREATE TABLE plays (ts DateTime('UTC'), video String, viewer String, startup_ms UInt32) "
        + "ENGINE = MergeTree ORDER BY (video, ts)");
    run(c, "CREATE TABLE hourly (hour DateTime('UTC'), video String, views AggregateFunction(count), "
        + "viewers AggregateFunction(uniqCombined64, String), "
        + "startup AggregateFunction(quantileTDigest(0.95), UInt32)) "
        + "ENGINE = AggregatingMergeTree ORDER BY (video, hour)");
    run(c, "CREATE MATERIALIZED VIEW hourly_mv TO hourly AS SELECT toStartOfHour(ts) AS hour, video, "
        + "countState() AS views, uniqCombined64State(viewer) AS viewers, "
        + "quantileTDigestState(0.95)(startup_ms) AS startup FROM plays GROUP BY hour, video");
    // two inserts: two parts in the rollup, whose states -Merge combines
    insertTsv(c, "plays", "2026-03-02 10:05:00\ta\tu1\t250\n2026-03-02 10:10:00\ta\tu2\t250\n"
        + "2026-03-02 11:00:00\ta\tu1\t250\n2026-03-02 10:30:00\tb\tu1\t1000\n");
    insertTsv(c, "plays", "2026-03-02 10:45:00\ta\tu1\t250\n2026-03-02 10:50:00\ta\tu3\t250\n"
        + "2026-03-02 10:59:59\tb\tu2\t1000\n");

    List<GenericRecord> rows = c.queryAll("SELECT video, hour, countMerge(views) AS views, "
        + "uniqCombined64Merge(viewers) AS viewers, quantileTDigestMerge(0.95)(startup) AS p95 "
        + "FROM hourly GROUP BY video, hour ORDER BY video, hour");
    assertThat(rows).extracting(r -> r.getString("video"), r -> r.getInstant("hour"), r -> r.getLong("views"),
        r -> r.getLong("viewers"), r -> r.getDouble("p95")).containsExactly(
            tuple("a", Instant.parse("2026-03-02T10:00:00Z"), 4L, 3L, 250.0),
            tuple("a", Instant.parse("2026-03-02T11:00:00Z"), 1L, 1L, 250.0),
            tuple("b", Instant.parse("2026-03-02T10:00:00Z"), 2L, 2L, 1000.0));
  }

  private static void insertTsv(Client c, String table, String tsv) throws Exception {
    c.insert(table, new ByteArrayInputStream(tsv.getBytes(StandardCharsets.UTF_8)), ClickHouseFormat.TabSeparated)
        .get(30, TimeUnit.SECONDS).close();
  }

  private static void insertTsv(Client c, String table, String tsv, String token) throws Exception {
    c.insert(table, new ByteArrayInputStream(tsv.getBytes(StandardCharsets.UTF_8)), ClickHouseFormat.TabSeparated,
        new InsertSettings().setDeduplicationToken(token)).get(30, TimeUnit.SECONDS).close();
  }

  private static long count(Client c, String sql) {
    return c.queryAll(sql).get(0).getLong(1);
  }

  @Test
  void aRepeatedInsertWithTheSameDeduplicationTokenAddsNothingAnywhere() throws Exception {
    Client c = database("dedup");
    run(c, "CREATE TABLE events (id UInt64, video String) ENGINE = MergeTree ORDER BY id "
        + "SETTINGS non_replicated_deduplication_window = 1000");
    // the view's target needs a window of its own: a deduplicated block still runs the view (see the next test)
    run(c, "CREATE TABLE per_video (video String, n AggregateFunction(count)) ENGINE = AggregatingMergeTree "
        + "ORDER BY video SETTINGS non_replicated_deduplication_window = 1000");
    run(c, "CREATE MATERIALIZED VIEW per_video_mv TO per_video AS SELECT video, countState() AS n FROM events "
        + "GROUP BY video");
    String batch = "1\ta\n2\ta\n3\tb\n";

    insertTsv(c, "events", batch, "batch-1");
    insertTsv(c, "events", batch, "batch-1");
    assertThat(count(c, "SELECT count() FROM events")).isEqualTo(3);
    assertThat(count(c, "SELECT countMerge(n) FROM per_video")).isEqualTo(3);

    insertTsv(c, "events", batch, "batch-2");
    assertThat(count(c, "SELECT count() FROM events")).isEqualTo(6);
    assertThat(count(c, "SELECT countMerge(n) FROM per_video")).isEqualTo(6);
  }

  @Test
  void aDeduplicatedInsertStillFeedsAViewWhoseTargetHasNoWindowOfItsOwn() throws Exception {
    // the engine's behaviour that the rollup design has to account for (ClickHouse 26.7)
    Client c = database("dedup_trap");
    run(c, "CREATE TABLE events (id UInt64, video String) ENGINE = MergeTree ORDER BY id "
        + "SETTINGS non_replicated_deduplication_window = 1000");
    run(c, "CREATE TABLE per_video (video String, n AggregateFunction(count)) ENGINE = AggregatingMergeTree "
        + "ORDER BY video");
    run(c, "CREATE MATERIALIZED VIEW per_video_mv TO per_video AS SELECT video, countState() AS n FROM events "
        + "GROUP BY video");
    String batch = "1\ta\n2\ta\n3\tb\n";

    insertTsv(c, "events", batch, "batch-1");
    insertTsv(c, "events", batch, "batch-1");
    assertThat(count(c, "SELECT count() FROM events")).isEqualTo(3);
    assertThat(count(c, "SELECT countMerge(n) FROM per_video")).isEqualTo(6);
  }

  @Test
  void replacingMergeTreeWithADeletedFlagIsReadWithFinal() throws Exception {
    Client c = database("replacing");
    run(c, "CREATE TABLE sessions (id String, version UInt64, watched_ms UInt64, is_deleted UInt8) "
        + "ENGINE = ReplacingMergeTree(version, is_deleted) ORDER BY id");
    insertTsv(c, "sessions", "s1\t1\t1000\t0\ns2\t1\t500\t0\ns3\t1\t700\t0\n");
    insertTsv(c, "sessions", "s1\t3\t9000\t0\n");
    insertTsv(c, "sessions", "s1\t2\t5000\t0\ns2\t2\t0\t1\n");

    assertThat(c.queryAll("SELECT id, version, watched_ms FROM sessions FINAL ORDER BY id"))
        .extracting(r -> r.getString("id"), r -> r.getLong("version"), r -> r.getLong("watched_ms"))
        .containsExactly(tuple("s1", 3L, 9000L), tuple("s3", 1L, 700L));
  }

  @Test
  void aSqlErrorArrivesAsTheClientsServerExceptionWithItsCode() {
    assertThatThrownBy(() -> client.query("SELECT * FROM no_such_table").get())
        .isInstanceOfSatisfying(ServerException.class, e -> {
          assertThat(e.getCode()).isEqualTo(60);
          assertThat(e.getTransportProtocolCode()).isEqualTo(404);
          assertThat(e.getMessage()).startsWith("Code: 60. DB::Exception: Unknown table expression identifier "
              + "'no_such_table'").contains("(UNKNOWN_TABLE)");
        });
    assertThatThrownBy(() -> client.query("SELEC 1").get())
        .isInstanceOfSatisfying(ServerException.class, e -> {
          assertThat(e.getCode()).isEqualTo(62);
          assertThat(e.getTransportProtocolCode()).isEqualTo(400);
          assertThat(e.getMessage()).contains("Syntax error").contains("(SYNTAX_ERROR)");
        });
    assertThatThrownBy(() -> client.query("SELECT 1", new QuerySettings().serverSetting("no_such_setting", "1"))
        .get()).isInstanceOfSatisfying(ServerException.class, e -> {
          assertThat(e.getCode()).isEqualTo(115);
          assertThat(e.getMessage()).contains("Unknown setting 'no_such_setting'");
        });
    assertThatThrownBy(() -> client.query("SELECT 1; SELECT 2").get())
        .isInstanceOfSatisfying(ServerException.class, e -> {
          assertThat(e.getCode()).isEqualTo(62);
          assertThat(e.getMessage()).contains("Multi-statements are not allowed");
        });
  }

  @Test
  void aBadRowFailsTheWholeInsertWithTheParseError() throws Exception {
    Client c = database("badrows");
    run(c, "CREATE TABLE t (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
    assertThatThrownBy(() -> insertTsv(c, "t", "1\ta\nnot-a-number\tb\n"))
        .isInstanceOfSatisfying(ServerException.class, e -> {
          assertThat(e.getCode()).isEqualTo(27);
          assertThat(e.getMessage()).contains("(CANNOT_PARSE_INPUT_ASSERTION_FAILED)");
        });
    assertThat(count(c, "SELECT count() FROM t")).isZero();
    insertTsv(c, "t", "2\tb\n");
    assertThat(count(c, "SELECT sum(id) FROM t")).isEqualTo(2);
  }

  @Test
  void aSettingGivenForOneQueryDoesNotApplyToTheNext() throws Exception {
    String sql = "SELECT getSetting('log_comment') AS c, getSetting('max_result_rows') AS m";
    QuerySettings one = new QuerySettings().serverSetting("log_comment", "just this one")
        .serverSetting("max_result_rows", "7");
    GenericRecord with = client.queryAll(sql, one).get(0);
    assertThat(with.getString("c")).isEqualTo("just this one");
    assertThat(with.getLong("m")).isEqualTo(7);
    run(client, "SET log_comment = 'set by a statement'");

    GenericRecord next = client.queryAll(sql).get(0);
    assertThat(next.getString("c")).isEmpty();
    assertThat(next.getLong("m")).isZero();
  }

  @Test
  void aSessionTimeZoneAppliesToItsQueryAndIsTheAnswersTimeZone() throws Exception {
    String sql = "SELECT toDateTime('2026-03-02 10:00:00') AS t, timezone() AS tz";
    try (QueryResponse r = client.query(sql, new QuerySettings().setSessionTimezone("Asia/Tokyo"))
        .get(30, TimeUnit.SECONDS)) {
      assertThat(r.getTimeZone().getID()).isEqualTo("Asia/Tokyo");
      ClickHouseBinaryFormatReader reader = client.newBinaryFormatReader(r);
      reader.next();
      assertThat(reader.getString("tz")).isEqualTo("Asia/Tokyo");
      assertThat(reader.getInstant("t")).isEqualTo(Instant.parse("2026-03-02T01:00:00Z"));
    }
    GenericRecord next = client.queryAll(sql).get(0);
    assertThat(next.getString("tz")).isEqualTo("UTC");
    assertThat(next.getInstant("t")).isEqualTo(Instant.parse("2026-03-02T10:00:00Z"));
  }

  @Test
  void twoThreadsQueryingAtOnceEachGetTheirOwnAnswers() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (long base : new long[] {1000, 5000}) {
        Callable<List<Long>> task = () -> {
          go.await();
          List<Long> sums = new ArrayList<>();
          for (long n = base; n < base + 20; n++) {
            sums.add(client.queryAll("SELECT sum(number) AS s FROM numbers({n:UInt64})", Map.of("n", n)).get(0)
                .getLong("s"));
          }
          return sums;
        };
        futures.add(pool.submit(task));
      }
      go.countDown();
      for (int i = 0; i < 2; i++) {
        long base = i == 0 ? 1000 : 5000;
        List<Long> expected = new ArrayList<>();
        for (long n = base; n < base + 20; n++) {
          expected.add(n * (n - 1) / 2);
        }
        assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aClientLeftOnItsCompressionDefaultsIsToldWhatToChange() {
    try (Client defaults = new Client.Builder().addEndpoint(chdb.url).setUsername(Chdb.USER)
        .setPassword(chdb.password).build()) {
      assertThatThrownBy(() -> defaults.query("SELECT 1").get())
          .isInstanceOfSatisfying(ServerException.class, e -> {
            assertThat(e.getCode()).isEqualTo(48);
            assertThat(e.getMessage()).contains("compress=1").contains("compressServerResponse(false)");
          });
    }
  }

  @Test
  void aWrongPasswordIsRefused() {
    try (Client wrong = Chdb.clientBuilder(chdb.url, Chdb.USER, "not-the-password").build()) {
      assertThatThrownBy(() -> wrong.query("SELECT 1").get())
          .isInstanceOfSatisfying(ServerException.class, e -> {
            assertThat(e.getCode()).isEqualTo(516);
            assertThat(e.getTransportProtocolCode()).isEqualTo(403);
            assertThat(e.getMessage()).doesNotContain("not-the-password");
          });
    }
    assertThat(chdb.log()).doesNotContain(chdb.password).doesNotContain("not-the-password");
  }

  @Test
  void aNullPointerExceptionIsStillAnOrdinaryExceptionInThisJvm() {
    // the engine has started and served queries; its signal handlers live in the child process, not here
    assertThat(client.queryAll("SELECT 42 AS x").get(0).getLong("x")).isEqualTo(42);
    assertThat(chdb.alive()).isTrue();
    long total = 0;
    for (int i = 0; i < 200_000; i++) { // hot enough for the JIT's implicit null check (a SIGSEGV when it fires)
      total += length("abc");
    }
    assertThat(total).isEqualTo(600_000);
    String nothing = null;
    assertThatThrownBy(() -> length(nothing)).isInstanceOf(NullPointerException.class);
  }

  private static int length(String s) {
    return s.length();
  }
}
