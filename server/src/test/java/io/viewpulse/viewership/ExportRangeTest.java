package io.viewpulse.viewership;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.ViewDetail;
import io.viewpulse.query.ViewPosition;
import io.viewpulse.query.ViewRow;
import io.viewpulse.query.ViewRowReader;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.query.ViewsRequest;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An export's time range is the caller's: centuries around a few views must cost a few store reads, not one per
 * widest window (thousands of queries holding an export slot and a worker thread).
 */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class ExportRangeTest {
  @Parameter
  TestStores.Engine engine;
  private TestServer s;

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
  }

  /** The real store's reader, counting the reads. */
  private record Counting(ViewRowReader store, AtomicInteger reads) implements ViewRowReader {
    @Override
    public List<ViewRow> newest(ViewsQuery scope, ViewPosition before, int limit) {
      reads.incrementAndGet();
      return store.newest(scope, before, limit);
    }

    @Override
    public void oldest(ViewsQuery scope, ViewPosition after, Consumer<ViewRow> sink) {
      reads.incrementAndGet();
      store.oldest(scope, after, sink);
    }

    @Override
    public void parquet(ViewsQuery scope, ViewPosition after, List<String> custom, OutputStream out)
        throws IOException {
      store.parquet(scope, after, custom, out);
    }

    @Override
    public void watched(ViewsQuery scope, Consumer<byte[]> sink) {
      store.watched(scope, sink);
    }

    @Override
    public Optional<ViewDetail> view(String accountId, long viewId) {
      return store.view(accountId, viewId);
    }

    @Override
    public void dropTimelines(Instant before) {
      store.dropTimelines(before);
    }
  }

  @Test
  void aCenturiesLongRangeAroundFewViewsTakesFewReads() {
    s = new TestServer(engine);
    Dimensions dims = new Dimensions("desktop", "Linux Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", null,
        null, null);
    // three views: two the same day, one four years later
    long[] starts = {T0.toEpochMilli(), T0.toEpochMilli() + 3_600_000, T0.plusSeconds(4 * 365 * 86_400L).toEpochMilli()};
    List<ViewRecord> views = new ArrayList<>();
    for (int i = 0; i < starts.length; i++) {
      views.add(new ViewRecord(500L + i, s.accountId, "pb", null, null, "viewer-" + i, starts[i],
          starts[i] + 60_000, dims, "example.com", false, 1000, 200, 0, 0, true, true));
    }
    s.vp.store().load(views);
    AtomicInteger reads = new AtomicInteger();
    ViewExplorer explorer = new ViewExplorer(new Viewership(s.vp.catalog(), s.vp.store().views(), s.clock),
        new Counting(s.vp.store().viewRows(), reads), s.clock);
    List<Long> ids = new ArrayList<>();
    explorer.export(s.accountId, new ViewsRequest(null, null, null, null, Instant.parse("1900-01-01T00:00:00Z"),
        Instant.parse("2300-01-01T00:00:00Z"), null, List.of(), List.of()), null, row -> ids.add(row.startedAtMs()));

    assertThat(ids).containsExactly(starts[0], starts[1], starts[2]);
    // one per widest window would be some 3,500 reads
    assertThat(reads.get()).isLessThan(100);
  }
}
