package io.viewpulse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewpulse.app.ServerConfig;
import io.viewpulse.app.Viewpulse;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The views explorer and the export over a history made by {@code bulk}: median time of a page of 50 views (one video,
 * a rarely watched one, the whole account, the next page, a viewer's views), the first byte of an export, and an
 * export's throughput in views a second, through the API on loopback.
 */
@Command(name = "views", mixinStandardHelpOptions = true,
    description = "Views one by one: a page of the explorer, the first byte of an export, export throughput.")
final class ViewsBench implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--data", required = true, description = "A data directory bulk wrote")
  Path data;

  @Option(names = "--store", defaultValue = "duckdb",
      description = "The store bulk wrote: duckdb (the file in --data), or clickhouse://USER:PASSWORD@HOST:8123/DB")
  String store;

  @Option(names = "--runs", defaultValue = "21")
  int runs;

  @Option(names = "--warmup", defaultValue = "20")
  int warmup;

  @Option(names = "--export-days", defaultValue = "1", description = "Days of the export whose throughput is measured")
  int exportDays;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private String base;
  private String key;

  @Override
  public Integer call() throws Exception {
    io.viewpulse.store.StoreConfig config = io.viewpulse.store.StoreConfig.parse(store, data, null);
    try (Viewpulse vp = Viewpulse.start(ServerConfig.defaults(data).withStore(config).withHost("127.0.0.1")
        .withPort(0))) {
      base = "http://127.0.0.1:" + vp.port();
      key = Files.readString(data.resolve("bench-key")).strip();
      String engine = config.engine().name().toLowerCase(java.util.Locale.ROOT);
      JsonNode first = json("/api/data/views?limit=50&playbackId=pb-0");
      String next = first.get("next").asText();
      String viewer = first.get("views").get(0).get("viewerId").asText();
      String newest = first.get("views").get(0).get("startedAt").asText();
      System.out.println("store | case | median ms | min ms | max ms | runs");
      page(engine, "50 views of pb-0 (the most watched)", "/api/data/views?limit=50&playbackId=pb-0");
      page(engine, "50 views of pb-4000 (rarely watched)", "/api/data/views?limit=50&playbackId=pb-4000");
      page(engine, "50 views of the account", "/api/data/views?limit=50");
      page(engine, "the next 50 of pb-0 (cursor)", "/api/data/views?limit=50&playbackId=pb-0&cursor=" + next);
      // a view of the last day and one of the 30th day back: both within the timeline retention bulk fills
      String recent = first.get("views").get(0).get("viewId").asText();
      long monthAgo = Long.parseLong(newest) - 29 * 86_400_000L;
      JsonNode old = json("/api/data/views?limit=1&playbackId=pb-0&to=" + monthAgo).get("views");
      String older = old.get(0).get("viewId").asText();
      int events = json("/api/data/views/" + older).get("timeline").get("events").size();
      page(engine, "open a view of the last day, with its timeline", "/api/data/views/" + recent);
      page(engine, "open a view 29 days old, with its timeline (" + events + " events)", "/api/data/views/" + older);
      page(engine, "a viewer's views", "/api/data/viewers/" + URLEncoder.encode(viewer, StandardCharsets.UTF_8)
          + "/views?limit=50");
      Instant to = Instant.ofEpochMilli(Long.parseLong(newest)).plusSeconds(1);
      Instant from = to.minus(Duration.ofDays(exportDays));
      String range = "&from=" + from.toEpochMilli() + "&to=" + to.toEpochMilli();
      // the first byte of the export of a day, read whole: an export given up after its first byte would go on
      // until the server noticed, and slow the next one down
      for (String format : List.of("csv", "ndjson", "parquet")) {
        long[] t = new long[runs];
        byte[] buf = new byte[1 << 16];
        for (int i = -warmup; i < runs; i++) {
          long t0 = System.nanoTime();
          InputStream opened;
          while ((opened = stream("/api/data/views/export?format=" + format + range)) == null) {
            Thread.sleep(20);
            t0 = System.nanoTime();
          }
          try (InputStream in = opened) {
            if (in.read() < 0) {
              throw new IllegalStateException("an empty export");
            }
            if (i >= 0) {
              t[i] = System.nanoTime() - t0;
            }
            while (in.read(buf) >= 0) {
              // the rest, to the end
            }
          }
        }
        print(engine, "first byte of a " + exportDays + "-day " + format + " export", t);
      }
      for (String format : List.of("csv", "ndjson", "parquet")) {
        long t0 = System.nanoTime();
        long bytes = 0;
        long lines = 0;
        byte[] buf = new byte[1 << 16];
        InputStream whole;
        while ((whole = stream("/api/data/views/export?format=" + format + range)) == null) {
          Thread.sleep(20);
        }
        try (InputStream in = whole) {
          for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            bytes += n;
            for (int i = 0; i < n; i++) {
              if (buf[i] == '\n') {
                lines++;
              }
            }
          }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long views = format.equals("csv") ? lines - 1 : lines;
        System.out.printf("%s | export of %d day(s), %s | %.1f s | %s | %.1f MB/s%n", engine, exportDays, format, s,
            format.equals("parquet") ? String.format("%,d bytes", bytes)
                : String.format("%,d views, %,.0f views/s", views, views / s), bytes / 1e6 / s);
      }
    }
    return 0;
  }

  private void page(String engine, String name, String uri) throws Exception {
    long[] t = new long[runs];
    for (int i = -warmup; i < runs; i++) {
      long t0 = System.nanoTime();
      json(uri);
      if (i >= 0) {
        t[i] = System.nanoTime() - t0;
      }
    }
    print(engine, name, t);
  }

  private static void print(String engine, String name, long[] t) {
    long[] s = t.clone();
    Arrays.sort(s);
    System.out.printf("%s | %s | %.1f | %.1f | %.1f | %d%n", engine, name, s[s.length / 2] / 1e6, s[0] / 1e6,
        s[s.length - 1] / 1e6, s.length);
  }

  private JsonNode json(String uri) throws Exception {
    HttpResponse<String> r = http.send(request(uri), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(uri + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** The body of an export as it comes; null when the server is running as many exports as it runs at once. */
  private InputStream stream(String uri) throws Exception {
    HttpResponse<InputStream> r = http.send(request(uri), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() == 429) {
      r.body().close();
      return null;
    }
    if (r.statusCode() != 200) {
      try (InputStream in = r.body()) {
        throw new IllegalStateException(uri + ": " + r.statusCode() + " " + new String(in.readAllBytes(),
            StandardCharsets.UTF_8));
      }
    }
    return r.body();
  }

  private HttpRequest request(String uri) {
    return HttpRequest.newBuilder(URI.create(base + uri)).header("Authorization", "Bearer " + key)
        .header("Accept-Encoding", "identity").build();
  }
}
