package io.viewpulse.store;

import io.viewpulse.model.Dimensions;
import io.viewpulse.model.Timeline;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.sessions.SessionStore;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Measures what a typical view's timeline costs on each store (docs/BENCHMARKS.md, "Bytes per timeline"): scripted
 * views committed through the sessionizer's store with their timelines, against the same views without. A
 * measurement, not a test: it runs only when asked ({@code -Dviewpulse.measure=timelines}) and prints its figures.
 */
@EnabledIfSystemProperty(named = "viewpulse.measure", matches = "timelines")
class TimelineBytesMeasurement {
  private static final int VIEWS = Integer.getInteger("viewpulse.measure.views", 100_000);
  private static final int BATCH = 10_000;

  /**
   * A typical view: play, first frame, a stall in three views of ten (two in one of ten), a rendition switch in
   * half, a seek in one of five, a pause in three of ten, a fatal error in one of fifty, and its end.
   */
  static byte[] typical(Random r, long t) {
    Timeline.Recorder tl = new Timeline.Recorder();
    tl.play(t);
    long at = t + 300 + r.nextInt(1700);
    tl.firstFrame(at);
    int stalls = r.nextInt(10) < 7 ? 0 : r.nextInt(10) < 7 ? 1 : 2;
    for (int i = 0; i < stalls; i++) {
      at += 5_000 + r.nextInt(60_000);
      tl.stall(at, 200 + r.nextInt(3_000), 1);
    }
    if (r.nextBoolean()) {
      at += 2_000 + r.nextInt(20_000);
      tl.rendition(at, new Timeline.Rendition(1_500_000, 854, 480), new Timeline.Rendition(4_500_000, 1920, 1080));
    }
    if (r.nextInt(5) == 0) {
      at += 10_000 + r.nextInt(60_000);
      tl.seek(at, 100 + r.nextInt(900));
    }
    if (r.nextInt(10) < 3) {
      at += 10_000 + r.nextInt(60_000);
      tl.pause(at);
    }
    if (r.nextInt(50) == 0) {
      at += 1_000 + r.nextInt(10_000);
      tl.error(at, true, "network", "MEDIA_ERR_NETWORK: segment 404");
    }
    at += 30_000 + r.nextInt(600_000);
    int end = r.nextInt(10);
    return tl.toBytes(end < 6 ? null : end < 9 ? "page" : "timeout", at);
  }

  @ParameterizedTest
  @EnumSource(TestStores.Engine.class)
  void bytesPerTimeline(TestStores.Engine engine) throws Exception {
    long[] with = load(engine, true);
    long[] without = load(engine, false);
    System.out.printf("%s, %,d views: timelines %,d bytes raw (%.1f a view); store %,d bytes with, %,d without"
        + " (%.1f a view); timeline column %,d bytes (%.1f a view)%n", engine, VIEWS, with[0], (double) with[0] / VIEWS,
        with[1], without[1], (double) (with[1] - without[1]) / VIEWS, with[2], (double) with[2] / VIEWS);
  }

  /** Raw timeline bytes, the store's size (DuckDB: its file; ClickHouse: -1), the timeline column's (or -1). */
  private static long[] load(TestStores.Engine engine, boolean timelines) throws Exception {
    Path dir = TestServer.newTempDir();
    StoreConfig config = TestStores.fresh(engine, dir);
    Random r = new Random(42);
    long raw = 0;
    long column;
    long t0 = TestServer.T0.toEpochMilli();
    Dimensions dims = new Dimensions("desktop", "Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", "Berlin",
        null, null);
    try (Store store = Stores.open(config)) {
      store.sessions().recover(0);
      for (int b = 0; b < VIEWS / BATCH; b++) {
        List<ViewRecord> views = new ArrayList<>();
        Map<Long, byte[]> tls = new HashMap<>();
        for (int i = 0; i < BATCH; i++) {
          int n = b * BATCH + i;
          long start = t0 + n * 2_000L;
          ViewRecord v = new ViewRecord(1_000_000L + n, "acc", "pb" + (n % 50), null, null, "viewer-" + (n % 20_000),
              start, start + 60_000, dims, "example.com", false, 60_000, 500, 0, 0, true, true);
          views.add(v);
          byte[] tl = typical(r, start);
          raw += tl.length;
          if (timelines) {
            tls.put(v.viewId(), tl);
          }
        }
        store.sessions().commit(new SessionStore.Commit(0, b, List.of(), List.of(), views, List.of(), List.of(),
            Long.MIN_VALUE, tls));
      }
      column = TestStores.probe(engine, store).timelineBytes();
    }
    long size = engine == TestStores.Engine.DUCKDB ? Files.size(dir.resolve("viewpulse.duckdb")) : -1;
    TestServer.deleteTree(dir);
    return new long[] {raw, size, column};
  }
}
