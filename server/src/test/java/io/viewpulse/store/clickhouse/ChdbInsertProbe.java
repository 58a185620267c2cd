package io.viewpulse.store.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.client.api.query.GenericRecord;
import com.clickhouse.data.ClickHouseFormat;
import io.viewpulse.testing.Chdb;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A rough measurement, not a test: start the chDB front end, insert view-like rows of 25 columns in RowBinary
 * through the official client, and time a GROUP BY over them. Prints its figures; docs/BENCHMARKS.md keeps them.
 *
 * <pre>
 * mvn -q -B -ntp -pl server -am -DskipTests test-compile
 * mvn -q -B -ntp -pl server dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * (cd server &amp;&amp; java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
 *   io.viewpulse.store.clickhouse.ChdbInsertProbe [rows] [rows per insert])
 * </pre>
 */
final class ChdbInsertProbe {
  private static final String[] COUNTRIES = {"US", "DE", "GB", "JP", "BR", "IN", "FR", "CA"};
  private static final String[] DEVICES = {"desktop", "mobile", "tablet", "tv"};
  private static final String[] OSES = {"Windows", "macOS", "iOS", "Android", "Linux", "tvOS"};
  private static final String[] BROWSERS = {"Chrome", "Safari", "Firefox", "Edge", "Samsung Internet"};

  private ChdbInsertProbe() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    long t0 = System.nanoTime();
    try (Chdb chdb = new Chdb()) {
      System.out.printf("front end started and answered /ping in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      Client client = chdb.client;
      client.execute("CREATE DATABASE probe").get().close();
      try (Client c = Chdb.clientBuilder(chdb.url, Chdb.USER, chdb.password).setDefaultDatabase("probe").build()) {
        c.execute("CREATE TABLE views (ts DateTime64(3, 'UTC'), account LowCardinality(String), video String, "
            + "session String, viewer String, country LowCardinality(String), region String, city String, "
            + "device LowCardinality(String), os LowCardinality(String), browser LowCardinality(String), "
            + "cdn LowCardinality(String), asn UInt32, duration_ms UInt64, watched_ms UInt64, startup_ms UInt32, "
            + "rebuffers UInt16, rebuffer_ms UInt32, bitrate_avg UInt32, bitrate_max UInt32, dropped_frames UInt32, "
            + "errors UInt16, exited_before_start Bool, live Bool, stream_format LowCardinality(String)) "
            + "ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (account, video, ts)").get().close();
        TableSchema schema = c.getTableSchema("views");
        // a warm-up round (the client's writer runs interpreted at first), then the measured one
        c.execute("CREATE TABLE warmup AS views").get().close();
        insert(c, c.getTableSchema("warmup"), "warmup", Math.min(rows, 300_000), batch);
        c.execute("DROP TABLE warmup").get().close();
        long serializeNanos = serializeOnly(schema, rows);
        System.out.printf("the client's RowBinary writer alone (to a null stream): %,.0f rows/s%n",
            rows / (serializeNanos / 1e9));
        long insertNanos = insert(c, schema, "views", rows, batch);
        System.out.printf("inserted %,d rows of 25 columns in %d-row inserts in %.2f s: %,.0f rows/s%n", rows,
            batch, insertNanos / 1e9, rows / (insertNanos / 1e9));
        String sql = "SELECT video, toStartOfHour(ts) AS hour, count() AS views, uniq(viewer) AS viewers, "
            + "quantileTDigest(0.95)(startup_ms) AS p95, sum(watched_ms) AS watched FROM views "
            + "GROUP BY video, hour";
        for (int i = 0; i < 3; i++) {
          long start = System.nanoTime();
          List<GenericRecord> groups = c.queryAll(sql);
          System.out.printf("GROUP BY video, hour (count, uniq, quantileTDigest, sum): %,d groups in %d ms%n",
              groups.size(), (System.nanoTime() - start) / 1_000_000);
        }
        long start = System.nanoTime();
        GenericRecord total = c.queryAll("SELECT count() AS n, uniq(viewer) AS v FROM views").get(0);
        System.out.printf("count() = %,d, uniq(viewer) = %,d in %d ms%n", total.getLong("n"), total.getLong("v"),
            (System.nanoTime() - start) / 1_000_000);
        GenericRecord disk = c.queryAll("SELECT sum(bytes_on_disk) AS b, count() AS parts FROM system.parts "
            + "WHERE database = 'probe' AND active").get(0);
        System.out.printf("on disk: %,d bytes in %d parts (%.1f bytes/row)%n", disk.getLong("b"),
            disk.getLong("parts"), disk.getLong("b") / (double) rows);
      }
    }
  }

  private static long insert(Client c, TableSchema schema, String table, int rows, int batch) throws Exception {
    Random random = new Random(1);
    long nanos = 0;
    for (int done = 0; done < rows; done += batch) {
      int n = Math.min(batch, rows - done);
      int first = done;
      long start = System.nanoTime();
      try (InsertResponse r = c.insert(table, out -> {
        RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, schema, ClickHouseFormat.RowBinary);
        for (int i = first; i < first + n; i++) {
          row(w, random, i, rows);
        }
      }, ClickHouseFormat.RowBinary, new InsertSettings()).get(10, TimeUnit.MINUTES)) {
        if (r.getWrittenRows() != n) {
          throw new IllegalStateException("wrote " + r.getWrittenRows() + " of " + n);
        }
      }
      nanos += System.nanoTime() - start;
    }
    return nanos;
  }

  private static long serializeOnly(TableSchema schema, int rows) throws java.io.IOException {
    Random random = new Random(1);
    long start = System.nanoTime();
    RowBinaryFormatWriter w = new RowBinaryFormatWriter(java.io.OutputStream.nullOutputStream(), schema,
        ClickHouseFormat.RowBinary);
    for (int i = 0; i < rows; i++) {
      row(w, random, i, rows);
    }
    return System.nanoTime() - start;
  }

  private static final ZonedDateTime DAY = Instant.parse("2026-03-02T00:00:00Z").atZone(ZoneOffset.UTC);

  private static void row(RowBinaryFormatWriter w, Random random, int i, int rows) throws java.io.IOException {
    w.setDateTime("ts", DAY.plusNanos(i * 86_400_000_000L / rows * 1000));
    w.setString("account", "acct-" + (i % 4));
    w.setString("video", "video-" + random.nextInt(1000));
    w.setString("session", "s-" + i);
    w.setString("viewer", "viewer-" + random.nextInt(200_000));
    w.setString("country", COUNTRIES[random.nextInt(COUNTRIES.length)]);
    w.setString("region", "region-" + random.nextInt(50));
    w.setString("city", "city-" + random.nextInt(500));
    w.setString("device", DEVICES[random.nextInt(DEVICES.length)]);
    w.setString("os", OSES[random.nextInt(OSES.length)]);
    w.setString("browser", BROWSERS[random.nextInt(BROWSERS.length)]);
    w.setString("cdn", random.nextBoolean() ? "cloudfront" : "fastly");
    w.setLong("asn", 1000 + random.nextInt(5000));
    w.setLong("duration_ms", 60_000 + random.nextInt(3_600_000));
    w.setLong("watched_ms", random.nextInt(3_600_000));
    w.setLong("startup_ms", 200 + random.nextInt(3000));
    w.setInteger("rebuffers", random.nextInt(5));
    w.setLong("rebuffer_ms", random.nextInt(10_000));
    w.setLong("bitrate_avg", 500_000 + random.nextInt(5_000_000));
    w.setLong("bitrate_max", 6_000_000);
    w.setLong("dropped_frames", random.nextInt(100));
    w.setInteger("errors", random.nextInt(100) == 0 ? 1 : 0);
    w.setBoolean("exited_before_start", random.nextInt(50) == 0);
    w.setBoolean("live", random.nextInt(4) == 0);
    w.setString("stream_format", random.nextBoolean() ? "hls" : "dash");
    w.commitRow();
  }
}
