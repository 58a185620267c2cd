package io.viewpulse.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.Filter;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.ViewsQuery;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers handed on in batches as they are read, on a real DuckDB file holding one more view (of a viewer of its own
 * each) than an answer may have rows.
 */
class DuckViewReaderTest {
  private static final String ACCOUNT = "acc";
  private static final int VIEWS = io.viewpulse.query.ViewReader.MAX_ROWS + 1;

  @TempDir
  static Path dir;
  private static Database db;
  private static DuckViewReader queries;

  @BeforeAll
  static void open() {
    db = Database.open(dir);
    Dimensions d = new Dimensions("desktop", null, null, "Linux", "Chrome", null, "EU", "DE", null, null, null);
    long t0 = T0.toEpochMilli();
    try (DuckSessionStore store = new DuckSessionStore(db)) {
      List<ViewRecord> batch = new ArrayList<>();
      for (int i = 0; i < VIEWS; i++) {
        batch.add(new ViewRecord(0L, ACCOUNT, "pb", null, null, viewer(i), t0 + i * 1000L, null, d, "example.com", false,
            60_000, 300, 0, 0, true, true));
        if (batch.size() == 10_000 || i == VIEWS - 1) {
          store.commit(io.viewpulse.sessions.SessionStore.Commit.of(0, i, List.of(), List.of(), batch, List.of(), List.of()));
          batch.clear();
        }
      }
    }
    queries = new DuckViewReader(db, 1);
  }

  @AfterAll
  static void close() {
    queries.close();
    db.close();
  }

  private static String viewer(int i) {
    return String.format("v%06d", i);
  }

  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  private static ViewsQuery byViewer(List<Filter> filters) {
    return new ViewsQuery(ACCOUNT, null, null, null, null, null, null, List.of(Dimension.VIEWER_ID), filters,
        ViewsQuery.Detail.ENGAGEMENT);
  }

  @Test
  void rowsComeInOrderInBatchesOfOneVectorEach() {
    // the first 5,000 views, a second apart: every group one view, so ordered by viewer id
    ViewsQuery first5000 = new ViewsQuery(ACCOUNT, null, null, null, T0, T0.plusSeconds(5_000), null,
        List.of(Dimension.VIEWER_ID), List.of(), ViewsQuery.Detail.ENGAGEMENT);
    List<List<MetricRow>> batches = new ArrayList<>();
    queries.views(first5000, batches::add);
    assertThat(batches).extracting(List::size).containsExactly(2048, 2048, 904);
    List<String> viewers = batches.stream().flatMap(List::stream)
        .map(r -> r.dimensions().get(Dimension.VIEWER_ID)).toList();
    assertThat(viewers).hasSize(5_000).startsWith("v000000", "v000001").endsWith("v004999").isSorted();
  }

  @Test
  void anAnswerOfExactlyTheLimitIsAnsweredWhole() {
    List<MetricRow> rows = queries.views(byViewer(List.of(new Filter(Dimension.VIEWER_ID, viewer(0), true))));
    assertThat(rows).hasSize(io.viewpulse.query.ViewReader.MAX_ROWS);
    assertThat(rows.get(0).dimensions()).containsEntry(Dimension.VIEWER_ID, "v000001");
  }

  @Test
  void anAnswerPastTheLimitIsRefusedBeforeItsLastPartialBatch() {
    List<MetricRow> handed = new ArrayList<>();
    assertThatThrownBy(() -> queries.views(byViewer(List.of()), handed::addAll))
        .isInstanceOf(io.viewpulse.model.DomainException.class)
        .hasMessageContaining("less than 200000 datapoints");
    // 97 whole batches of 2,048: the caller holds them back until the query returns, so none reach a client
    assertThat(handed).hasSize(97 * 2048);
    assertThatThrownBy(() -> queries.views(byViewer(List.of()))).isInstanceOf(io.viewpulse.model.DomainException.class);
  }
}
