package io.viewpulse.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.privacy.ErasureStore;
import io.viewpulse.query.ViewRow;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An erasure that deletes the newest views: a checkpoint then drops the emptied row groups, and the next views take
 * their rowids again. They are still counted (the rollups' marks were lowered) and listed, and the erased views stay
 * in the aggregates only.
 */
class ErasedTailTest {
  private static final long T0 = TestServer.T0.toEpochMilli();
  private Path dir;
  private DuckStore store;

  @BeforeEach
  void open() {
    dir = TestServer.newTempDir();
    store = DuckStore.open(dir, 1);
  }

  @AfterEach
  void close() {
    store.close();
    TestServer.deleteTree(dir);
  }

  private static ViewRecord view(long id, String viewer, long start) {
    return new ViewRecord(id, "acc", "pb", null, null, viewer, start, null,
        new Dimensions("desktop", "Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", "Berlin", null, null),
        "example.com", false, 60_000, 300, 0, 0, true, true);
  }

  private static ViewsQuery all() {
    return new ViewsQuery("acc", null, null, null, null, null, null, List.of(), List.of(), ViewsQuery.Detail.FULL);
  }

  private long count() {
    return store.views().views(all()).get(0).viewCount();
  }

  @Test
  void viewsAfterAnErasureOfTheNewestAreCountedAndListed() throws Exception {
    store.load(List.of(view(1, "bob", T0), view(2, "bob", T0 + 1000), view(3, "bob", T0 + 2000)));
    assertThat(store.catchUp()).isEqualTo(3);
    assertThat(store.erasures().erase("acc", "bob", new ErasureStore.ErasureRecord("k", Instant.EPOCH, 0)))
        .isEqualTo(new ErasureStore.Outcome(3, 0));
    try (Connection c = store.connectionForTests(); Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    }
    store.load(List.of(view(4, "carol", T0 + 3000), view(5, "carol", T0 + 4000)));
    assertThat(store.viewRows().newest(all(), null, 10)).extracting(ViewRow::viewerId)
        .containsExactly("carol", "carol");
    assertThat(count()).as("bob's three in the rollups only, carol's two scanned").isEqualTo(5);
    assertThat(store.catchUp()).isEqualTo(2);
    assertThat(count()).as("and rolled up").isEqualTo(5);
  }
}
