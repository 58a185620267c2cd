package io.viewpulse.bench;

import io.viewpulse.store.StoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;

/**
 * What a store takes on disk, printed as docs/BENCHMARKS.md records it: the DuckDB file's size, or on ClickHouse the
 * bytes on disk of the active parts of each table of the store's database ({@code system.parts}).
 */
final class StoreBytes {
  private StoreBytes() {}

  /** Prints the store's size, and per view when {@code views} is positive. */
  static void print(StoreConfig config, long views) throws Exception {
    if (config.engine() == StoreConfig.Engine.DUCKDB) {
      long bytes = Files.size(config.dataDir().resolve("viewpulse.duckdb"));
      System.out.printf("store: %,d bytes%s%n", bytes, perView(bytes, views));
      return;
    }
    StoreConfig.ClickHouse ch = config.clickHouse();
    String sql = "SELECT table, count(), sum(rows), sum(bytes_on_disk), sum(data_uncompressed_bytes) FROM system.parts"
        + " WHERE database = '" + ch.database() + "' AND active GROUP BY table ORDER BY table FORMAT TSV";
    HttpRequest request = HttpRequest.newBuilder(URI.create(ch.endpoint() + "/"))
        .header("Authorization", "Basic " + Base64.getEncoder()
            .encodeToString((ch.user() + ":" + ch.password()).getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(sql)).build();
    HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("system.parts: " + r.body());
    }
    long total = 0;
    long viewsAndRollups = 0;
    System.out.println("table | active parts | rows | bytes on disk | uncompressed");
    for (String line : r.body().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      long bytes = Long.parseLong(f[3]);
      System.out.printf("%s | %s | %,d | %,d | %,d%n", f[0], f[1], Long.parseLong(f[2]), bytes, Long.parseLong(f[4]));
      total += bytes;
      if (f[0].equals("views") || f[0].startsWith("rollup_")) {
        viewsAndRollups += bytes;
      }
    }
    System.out.printf("store: views and rollups %,d bytes%s; the whole database %,d bytes%n", viewsAndRollups,
        perView(viewsAndRollups, views), total);
  }

  private static String perView(long bytes, long views) {
    return views > 0 ? String.format(" for %,d views = %.1f bytes per view", views, (double) bytes / views) : "";
  }
}
