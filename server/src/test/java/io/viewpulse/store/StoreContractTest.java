package io.viewpulse.store;

import static io.viewpulse.testing.QualityChecks.assertSameAnswer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewpulse.live.MinutePart;
import io.viewpulse.live.MinuteRow;
import io.viewpulse.live.MinuteStats;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.SessionSnapshot;
import io.viewpulse.model.StoreException;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.Filter;
import io.viewpulse.query.MetricRow;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.testing.QualityChecks;
import io.viewpulse.query.RealtimeQuery;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.sessions.SessionStore;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract of {@link SessionStore} and {@link io.viewpulse.query.ViewReader}, on every store: what a commit
 * leaves for recovery, that queries count a view once whatever step of a commit fails and however the writer goes on
 * (a retry in the same process, or a crash and a new process on the same store), and that answers from pre-aggregates
 * are the scan's. Writes are made to fail on the real engine ({@link StoreProbe}).
 */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class StoreContractTest {
  private static final Instant T0 = TestServer.T0;

  @Parameter
  TestStores.Engine engine;

  private Path dir;
  private StoreConfig config;
  private Store store;
  private StoreProbe probe;

  @BeforeEach
  void open() {
    dir = TestServer.newTempDir();
    config = TestStores.fresh(engine, dir);
    reopen();
  }

  /** A new process on the same store: a new store object, recovering from what is stored. */
  private void reopen() {
    if (store != null) {
      store.close();
    }
    store = Stores.open(config);
    probe = TestStores.probe(engine, store);
  }

  @AfterEach
  void close() {
    store.close();
    TestServer.deleteTree(dir);
  }

  private static ViewRecord view(long id, String session, long startMs, boolean ended) {
    return new ViewRecord(id, "acc", "pb", null, null, "viewer-" + session, startMs, null,
        new Dimensions("desktop", "Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", "Berlin", null, null),
        "example.com", false, 60_000, 300, 0, 0, true, ended);
  }

  private static SessionSnapshot open(String session, long startMs) {
    return new SessionSnapshot("acc|pb|" + session, true, startMs + 5_000, ("state of " + session).getBytes(),
        view(session.hashCode(), session, startMs, false));
  }

  private long views() {
    return store.views().views(new ViewsQuery("acc", null, null, null, null, null, null, List.of(), List.of(),
        ViewsQuery.Detail.FULL)).get(0).viewCount();
  }

  private long watching() {
    return store.views().realtime(new RealtimeQuery("acc", null, null, T0, List.of())).get(0).viewCount();
  }

  /** Two open sessions, A and B: committed at offset 10. */
  private void twoOpenSessions(SessionStore s) {
    s.recover(0);
    s.commit(SessionStore.Commit.of(0, 10, List.of(open("a", T0.toEpochMilli()), open("b", T0.toEpochMilli())),
        List.of(), List.of(), List.of(), List.of()));
  }

  /** A ends (its view finished), B goes on: the commit at offset 20. */
  private static SessionStore.Commit aEnds() {
    return SessionStore.Commit.of(0, 20, List.of(open("b", T0.toEpochMilli())), List.of("acc|pb|a"),
        List.of(view("a".hashCode(), "a", T0.toEpochMilli(), true)), List.of(), List.of());
  }

  private void assertTheEndState() {
    assertThat(views()).as("A and B, each once").isEqualTo(2);
    assertThat(watching()).as("only B is open").isEqualTo(1);
    assertThat(store.viewRows().newest(everything(), null, 10)).as("views one by one: A once, B not finished")
        .extracting(io.viewpulse.query.ViewRow::viewerId).containsExactly("viewer-a");
    long[] finished = probe.finishedViewsAndDuplicates();
    assertThat(finished[0]).as("A's view is stored once").isEqualTo(1);
    assertThat(finished[1]).isZero();
    SessionStore.Recovery r = store.sessions().recover(0);
    assertThat(r.checkpoint()).isEqualTo(20);
    assertThat(r.openSessions()).extracting(String::new).containsExactly("state of b");
  }

  private static ViewsQuery everything() {
    return new ViewsQuery("acc", null, null, null, null, null, null, List.of(), List.of(), ViewsQuery.Detail.FULL);
  }

  private static String brief(io.viewpulse.query.ViewRow r) {
    return r.viewerId() + "@" + (r.startedAtMs() - T0.toEpochMilli()) / 1000;
  }

  /**
   * Views one by one: finished views only (committed ones, still in ClickHouse's outbox or moved, and loaded ones),
   * each once, newest first by start then id; a position splits them into before and after, the same after a restart.
   */
  @Test
  void viewsOneByOneAreTheFinishedViewsEachOnceInTheirOrderAcrossARestart() {
    twoOpenSessions(store.sessions());
    assertThat(store.viewRows().newest(everything(), null, 10)).as("open sessions are not listed").isEmpty();
    store.sessions().commit(aEnds());
    store.load(List.of(view(900, "c", T0.toEpochMilli() + 10_400, true), view(901, "d", T0.toEpochMilli() + 10_900,
        true), view(902, "e", T0.toEpochMilli() - 60_000, true)));
    for (int round = 0; round < 2; round++) {
      List<io.viewpulse.query.ViewRow> all = store.viewRows().newest(everything(), null, 10);
      assertThat(all).extracting(StoreContractTest::brief).as("round " + round).containsExactly("viewer-d@10",
          "viewer-c@10", "viewer-a@0", "viewer-e@-60");
      assertThat(all.get(0).position()).isGreaterThan(all.get(1).position());
      assertThat(all.get(0)).extracting(r -> r.dims().country(), io.viewpulse.query.ViewRow::playtimeMs,
          io.viewpulse.query.ViewRow::ttffMs, io.viewpulse.query.ViewRow::ended).containsExactly("DE", 60_000L, 300,
          true);
      assertThat(store.viewRows().newest(everything(), all.get(1).position(), 10)).extracting(StoreContractTest::brief)
          .containsExactly("viewer-a@0", "viewer-e@-60");
      assertThat(store.viewRows().newest(everything(), all.get(0).position(), 1)).extracting(StoreContractTest::brief)
          .containsExactly("viewer-c@10");
      List<String> after = new java.util.ArrayList<>();
      store.viewRows().oldest(everything(), all.get(2).position(), r -> after.add(brief(r)));
      assertThat(after).containsExactly("viewer-c@10", "viewer-d@10");
      List<String> range = new java.util.ArrayList<>();
      store.viewRows().oldest(new ViewsQuery("acc", null, null, null, T0, T0.plusSeconds(10), null, List.of(),
          List.of(), ViewsQuery.Detail.FULL), null, r -> range.add(brief(r)));
      assertThat(range).containsExactly("viewer-a@0");
      reopen();
    }
  }

  @Test
  void aCommitIsWhatRecoveryReturnsAndQueriesCountEachViewOnce() {
    twoOpenSessions(store.sessions());
    assertThat(views()).isEqualTo(2);
    assertThat(watching()).isEqualTo(2);
    store.sessions().commit(aEnds());
    assertTheEndState();
    reopen();
    assertTheEndState();
  }

  /**
   * A writer owning several partitions commits them together: each partition's recovery is its own commit, each view
   * is counted once; a batch that could not be written took no effect, and its retry takes effect once.
   */
  @Test
  void commitsOfSeveralPartitionsWrittenTogetherAreEachTheirPartitionsState() {
    SessionStore s = store.sessions();
    long t = T0.toEpochMilli();
    for (int partition = 0; partition < 3; partition++) {
      s.recover(partition);
    }
    s.commitAll(List.of(
        SessionStore.Commit.of(0, 10, List.of(open("a", t)), List.of(), List.of(), List.of(), List.of()),
        SessionStore.Commit.of(1, 7, List.of(open("b", t), open("c", t)), List.of(), List.of(), List.of(), List.of()),
        SessionStore.Commit.of(2, 3, List.of(open("d", t)), List.of(), List.of(), List.of(), List.of())));
    List<SessionStore.Commit> second = List.of(
        SessionStore.Commit.of(1, 12, List.of(), List.of("acc|pb|b"), List.of(view("b".hashCode(), "b", t, true)),
            List.of(), List.of()),
        SessionStore.Commit.of(2, 9, List.of(), List.of("acc|pb|d"), List.of(view("d".hashCode(), "d", t, true)),
            List.of(), List.of()));
    probe.breakAt(StoreProbe.Step.COMMIT);
    assertThatThrownBy(() -> s.commitAll(second)).isInstanceOf(StoreException.class);
    probe.repair();
    assertThat(store.viewRows().newest(everything(), null, 10)).as("the failed batch took no effect").isEmpty();
    assertThat(watching()).as("a, b, c and d are open").isEqualTo(4);
    s.commitAll(second);
    for (int round = 0; round < 2; round++) {
      assertThat(views()).as("a, b, c and d once each (round %d)", round).isEqualTo(4);
      assertThat(watching()).as("a and c are open").isEqualTo(2);
      assertThat(store.viewRows().newest(everything(), null, 10)).extracting(io.viewpulse.query.ViewRow::viewerId)
          .containsExactlyInAnyOrder("viewer-b", "viewer-d");
      assertThat(probe.finishedViewsAndDuplicates()).containsExactly(2, 0);
      reopen();
      long[] checkpoints = new long[3];
      List<String> open = new ArrayList<>();
      for (int partition = 0; partition < 3; partition++) {
        SessionStore.Recovery r = store.sessions().recover(partition);
        checkpoints[partition] = r.checkpoint();
        for (byte[] b : r.openSessions()) {
          open.add(partition + ":" + new String(b));
        }
      }
      assertThat(checkpoints).containsExactly(10, 12, 9);
      assertThat(open).containsExactlyInAnyOrder("0:state of a", "1:state of c");
    }
  }

  @Test
  void realtimeTakesFiltersWithAlternativesAndNegations() {
    twoOpenSessions(store.sessions());
    assertThat(watching(List.of(Filter.parse("country:US"), Filter.parse("country:DE")))).isEqualTo(2);
    assertThat(watching(List.of(Filter.parse("country:US"), Filter.parse("device:Desktop")))).isZero();
    assertThat(watching(List.of(Filter.parse("!country:US"), Filter.parse("!browser:Safari")))).isEqualTo(2);
    assertThat(watching(List.of(Filter.parse("!browser:Chrome")))).isZero();
  }

  /** A view with custom dimensions (slot 1 and 3) and network dimensions. */
  private static ViewRecord custom(long id, String session, String arm, String player, String asn, String isp,
      String cdn, boolean ended) {
    List<String> slots = new ArrayList<>(java.util.Collections.nCopies(io.viewpulse.model.CustomDimension.MAX, null));
    slots.set(0, arm);
    slots.set(2, player);
    Dimensions d = view(id, session, 0, ended).dims().withTail(new String[] {arm, null, player, null, null, null, null,
        null, null, null, asn, isp, cdn});
    return new ViewRecord(id, "acc", "pb", null, null, "viewer-" + session, T0.toEpochMilli() + id * 1000, null, d,
        "example.com", false, 60_000 * id, 300, 0, 0, true, ended);
  }

  private Map<String, Long> viewsBy(Dimension d, List<Filter> filters) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (MetricRow r : store.views().views(new ViewsQuery("acc", null, null, null, null, null, null, List.of(d),
        filters, ViewsQuery.Detail.FULL))) {
      out.put(String.valueOf(r.dimensions().get(d)), r.viewCount());
    }
    return out;
  }

  @Test
  void customAndNetworkDimensionsBreakDownAndFilterViewsAndOpenSessions() {
    store.sessions().recover(0);
    ViewRecord open = custom(4, "d", "A", null, null, null, "akamai", false);
    store.sessions().commit(SessionStore.Commit.of(0, 10,
        List.of(new SessionSnapshot("acc|pb|d", true, T0.toEpochMilli() + 5_000, "state".getBytes(), open)),
        List.of(), List.of(custom(1, "a", "A", "hls.js", "3320", "Deutsche Telekom AG", "akamai", true),
            custom(2, "b", "B", "shaka", "15169", "Google LLC", "fastly", true),
            custom(3, "c", "B", null, null, null, null, true)), List.of(), List.of()));
    Dimension arm = Dimension.custom(1);
    List<String> declared = new ArrayList<>(java.util.Collections.nCopies(io.viewpulse.model.CustomDimension.MAX,
        null));
    declared.set(0, "experiment");
    declared.set(2, "player");
    assertThat(viewsBy(arm, List.of())).isEqualTo(Map.of("A", 2L, "B", 2L));
    assertThat(viewsBy(Dimension.custom(3), List.of())).isEqualTo(Map.of("hls.js", 1L, "shaka", 1L, "null", 2L));
    assertThat(viewsBy(arm, List.of(Filter.parse("cdn:akamai")))).isEqualTo(Map.of("A", 2L));
    assertThat(viewsBy(Dimension.CDN, List.of(Filter.parse("custom.experiment:B", declared))))
        .isEqualTo(Map.of("fastly", 1L, "null", 1L));
    assertThat(viewsBy(Dimension.ASN, List.of(Filter.parse("!custom.player:hls.js", declared))))
        .isEqualTo(Map.of("15169", 1L, "null", 2L));
    assertThat(viewsBy(Dimension.ISP, List.of(Filter.parse("asn:3320")))).isEqualTo(Map.of("Deutsche Telekom AG", 1L));
    // the playtime of a group: views 1 and 4 of arm A, 1 and 4 minutes
    assertThat(store.views().views(new ViewsQuery("acc", null, null, null, null, null, null, List.of(arm),
        List.of(Filter.parse("custom.experiment:A", declared)), ViewsQuery.Detail.FULL)).get(0).playtimeMins())
        .isEqualTo(5.0);
    Map<String, Long> now = new java.util.TreeMap<>();
    for (var r : store.views().realtime(new RealtimeQuery("acc", null, null, T0, List.of(arm, Dimension.CDN)))) {
      now.put(r.dimensions().get(arm) + "/" + r.dimensions().get(Dimension.CDN), r.viewCount());
    }
    assertThat(now).isEqualTo(Map.of("A/akamai", 1L));
    reopen();
    assertThat(viewsBy(arm, List.of(Filter.parse("!cdn:fastly")))).isEqualTo(Map.of("A", 2L, "B", 1L));
  }

  /**
   * Views one by one carry their custom dimensions by slot and their network dimensions: in the list (newest and
   * oldest), opened by id, and in Parquet, whose custom columns are the ones asked for (slots without a column left
   * out), before and after a restart.
   */
  @Test
  void viewsOneByOneCarryTheirCustomAndNetworkDimensions() throws Exception {
    store.sessions().recover(0);
    store.sessions().commit(SessionStore.Commit.of(0, 10, List.of(), List.of(), List.of(
        custom(1, "a", "A", "hls.js", "3320", "Deutsche Telekom AG", "akamai", true),
        custom(2, "b", "B", null, null, null, "fastly", true),
        custom(3, "c", null, null, null, null, null, true)), List.of(), List.of()));
    for (int pass = 0; pass < 2; pass++) {
      List<io.viewpulse.query.ViewRow> rows = store.viewRows().newest(everything(), null, 10);
      assertThat(rows).extracting(StoreContractTest::dims).as("newest first").containsExactly(
          "viewer-c null,null,null null/null/null",
          "viewer-b B,null,null null/null/fastly",
          "viewer-a A,null,hls.js 3320/Deutsche Telekom AG/akamai");
      List<String> oldest = new ArrayList<>();
      store.viewRows().oldest(everything(), null, r -> oldest.add(dims(r)));
      assertThat(oldest).containsExactly(dims(rows.get(2)), dims(rows.get(1)), dims(rows.get(0)));
      io.viewpulse.query.ViewDetail one = store.viewRows().view("acc", rows.get(2).viewId()).orElseThrow();
      assertThat(dims(one.row())).isEqualTo("viewer-a A,null,hls.js 3320/Deutsche Telekom AG/akamai");
      assertThat(one.row().dims().custom(1)).isEqualTo("A");
      assertThat(one.row().dims().custom(10)).isNull();

      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      List<String> columns = new ArrayList<>(java.util.Collections.nCopies(io.viewpulse.model.CustomDimension.MAX,
          null));
      columns.set(0, "custom.experiment");
      columns.set(2, "custom.player");
      store.viewRows().parquet(everything(), null, columns, out);
      List<String> names = parquet(out.toByteArray(), "SELECT column_name FROM (DESCRIBE SELECT * FROM"
          + " read_parquet(?))");
      assertThat(names.subList(names.size() - 6, names.size())).as("the custom columns named as asked, after the"
          + " fields").containsExactly("totalFrames", "droppedFrameRate", "switchesUp", "switchesDown", "custom.experiment",
          "custom.player");
      assertThat(names).hasSize(io.viewpulse.query.ViewField.ALL.size() + 2);
      assertThat(parquet(out.toByteArray(), "SELECT viewerId || ' ' || coalesce(\"custom.experiment\", '-') || ','"
          + " || coalesce(\"custom.player\", '-') || ' ' || coalesce(asn, '-') || '/' || coalesce(cdn, '-')"
          + " FROM read_parquet(?) ORDER BY viewerId")).containsExactly("viewer-a A,hls.js 3320/akamai",
          "viewer-b B,- -/fastly", "viewer-c -,- -/-");
      reopen();
    }
  }

  /**
   * Views one by one carry their playback quality: its facts and the figures derived from them per view (the metrics
   * of {@link ViewMetrics} over one view), null where undefined; its outcome as the failure and exit metrics count it.
   * In the list, opened by id, and in Parquet (typed), before and after a restart.
   */
  @Test
  void viewsOneByOneCarryTheirQuality() throws Exception {
    io.viewpulse.model.ViewQuality stalled = new io.viewpulse.model.ViewQuality(io.viewpulse.model.ViewQuality
        .NO_FAILURE, 3, 2, 2, 900, 50_000, 50L * 2_400_000, 40_000, 10_000, 4_000, 30, 1_200, 1, 2, 0.5);
    store.sessions().recover(0);
    store.sessions().commit(SessionStore.Commit.of(0, 10, List.of(), List.of(), List.of(
        quality(1, "played", true, true, 0, stalled),
        quality(2, "failedAfter", true, true, 1, new io.viewpulse.model.ViewQuality(
            io.viewpulse.model.ViewQuality.FAILED_AFTER_START, 0, 0, 0, 0)),
        quality(3, "failedStart", false, true, 1, new io.viewpulse.model.ViewQuality(
            io.viewpulse.model.ViewQuality.FAILED_TO_START, 1, 0, 0, 0)),
        quality(4, "exited", false, true, 0, io.viewpulse.model.ViewQuality.NONE),
        quality(5, "open", false, false, 0, io.viewpulse.model.ViewQuality.NONE)), List.of(), List.of()));
    for (int pass = 0; pass < 2; pass++) {
      List<io.viewpulse.query.ViewRow> rows = store.viewRows().newest(everything(), null, 10);
      assertThat(rows).extracting(io.viewpulse.query.ViewRow::viewerId).containsExactly("viewer-open",
          "viewer-exited", "viewer-failedStart", "viewer-failedAfter", "viewer-played");
      assertThat(rows.get(4).quality()).isEqualTo(new io.viewpulse.query.ViewRow.Quality("played", 3, 2, 2, 450.0,
          2_400_000.0, 0.25, 0.1, 0.5, 30, 1_200, 0.025, 1, 2));
      assertThat(rows.get(3).quality()).isEqualTo(new io.viewpulse.query.ViewRow.Quality("failedAfterStart", 0, 0,
          0, null, null, null, null, null, 0, 0, null, 0, 0));
      assertThat(rows.get(2).quality()).isEqualTo(new io.viewpulse.query.ViewRow.Quality("failedToStart", 1, 0, 0,
          null, null, null, null, null, 0, 0, null, 0, 0));
      assertThat(rows).extracting(r -> r.quality().outcome()).as("an end without a first frame nor a fatal error"
          + " is an exit before start; a view that did not end is not").containsExactly("played",
          "exitedBeforeStart", "failedToStart", "failedAfterStart", "played");
      assertThat(store.viewRows().view("acc", rows.get(4).viewId()).orElseThrow().row().quality())
          .isEqualTo(rows.get(4).quality());

      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      store.viewRows().parquet(everything(), null, List.of(), out);
      assertThat(parquet(out.toByteArray(), "SELECT column_name || ' ' || column_type FROM (DESCRIBE SELECT"
          + " outcome, nonFatalErrors, rebufferCount, seekCount, seekLatencyMs, averageBitrateBps, upscalePercentage,"
          + " downscalePercentage, maxUpscalePercentage, droppedFrames, totalFrames, droppedFrameRate, switchesUp,"
          + " switchesDown FROM read_parquet(?))")).containsExactly("outcome VARCHAR", "nonFatalErrors INTEGER",
          "rebufferCount INTEGER", "seekCount INTEGER", "seekLatencyMs DOUBLE", "averageBitrateBps DOUBLE",
          "upscalePercentage DOUBLE", "downscalePercentage DOUBLE", "maxUpscalePercentage DOUBLE",
          "droppedFrames INTEGER", "totalFrames INTEGER", "droppedFrameRate DOUBLE", "switchesUp INTEGER",
          "switchesDown INTEGER");
      assertThat(parquet(out.toByteArray(), "SELECT concat_ws(' ', viewerId, outcome, nonFatalErrors, rebufferCount,"
          + " seekCount, coalesce(seekLatencyMs::VARCHAR, '-'), coalesce(averageBitrateBps::VARCHAR, '-'),"
          + " coalesce(upscalePercentage::VARCHAR, '-'), coalesce(downscalePercentage::VARCHAR, '-'),"
          + " coalesce(maxUpscalePercentage::VARCHAR, '-'), droppedFrames, totalFrames,"
          + " coalesce(droppedFrameRate::VARCHAR, '-'), switchesUp, switchesDown) FROM read_parquet(?)"
          + " ORDER BY viewerId")).containsExactly(
          "viewer-exited exitedBeforeStart 0 0 0 - - - - - 0 0 - 0 0",
          "viewer-failedAfter failedAfterStart 0 0 0 - - - - - 0 0 - 0 0",
          "viewer-failedStart failedToStart 1 0 0 - - - - - 0 0 - 0 0",
          "viewer-open played 0 0 0 - - - - - 0 0 - 0 0",
          "viewer-played played 3 2 2 450.0 2400000.0 0.25 0.1 0.5 30 1200 0.025 1 2");
      reopen();
    }
  }

  private static ViewRecord quality(long id, String session, boolean firstFrame, boolean ended, int errors,
      io.viewpulse.model.ViewQuality q) {
    ViewRecord v = view(id, session, T0.toEpochMilli() + id * 1000, ended);
    return new ViewRecord(v.viewId(), v.accountId(), v.playbackId(), null, null, v.viewerId(), v.startedAtMs(), null,
        v.dims(), v.domain(), false, firstFrame ? 60_000 : 0, firstFrame ? 300 : null, 0, errors, firstFrame, ended,
        q);
  }

  private static String dims(io.viewpulse.query.ViewRow r) {
    Dimensions d = r.dims();
    return r.viewerId() + " " + d.custom(1) + "," + d.custom(2) + "," + d.custom(3) + " " + d.asn() + "/" + d.isp()
        + "/" + d.cdn();
  }

  /** The first column of each row of a query over a Parquet file ({@code ?} its path), read by DuckDB. */
  private List<String> parquet(byte[] file, String sql) throws Exception {
    Path f = dir.resolve("views-" + System.nanoTime() + ".parquet");
    java.nio.file.Files.write(f, file);
    List<String> out = new ArrayList<>();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, f.toString());
      try (java.sql.ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    } finally {
      java.nio.file.Files.deleteIfExists(f);
    }
    return out;
  }

  private long watching(List<Filter> filters) {
    return store.views().realtime(new RealtimeQuery("acc", null, null, T0, List.of(), filters)).get(0).viewCount();
  }

  @Test
  void aFailedStepIsRetriedUnchangedAndTakesEffectOnce() {
    for (StoreProbe.Step step : probe.steps()) {
      if (step == StoreProbe.Step.DELETE_MOVED) {
        continue;
      }
      close();
      open();
      twoOpenSessions(store.sessions());
      SessionStore.Commit c = aEnds();
      probe.breakAt(step);
      boolean threw = false;
      try {
        store.sessions().commit(c);
      } catch (StoreException e) {
        threw = true;
      }
      assertThat(threw).as("a commit that could not take effect throws (%s)", step)
          .isEqualTo(step == StoreProbe.Step.COMMIT);
      probe.repair();
      assertThat(views()).as("A and B, each once, after a failure at %s", step).isEqualTo(2);
      store.sessions().commit(c);
      assertTheEndState();
    }
  }

  @Test
  void aCrashAtAnyStepLeavesEachViewCountedOnceAndRecoveryFinishesTheJob() {
    for (StoreProbe.Step step : probe.steps()) {
      close();
      open();
      twoOpenSessions(store.sessions());
      if (step == StoreProbe.Step.DELETE_MOVED) {
        store.sessions().commit(aEnds());
        probe.undo(step);
      } else {
        probe.breakAt(step);
        try {
          store.sessions().commit(aEnds());
        } catch (StoreException expected) {
          // the process dies here
        }
        probe.repair();
      }
      assertThat(views()).as("A and B, each once, after a crash at %s", step).isEqualTo(2);
      reopen();
      SessionStore.Recovery r = store.sessions().recover(0);
      if (step == StoreProbe.Step.COMMIT) {
        // the commit did not take effect: the writer replays the log from 10 and decides the same again
        assertThat(r.checkpoint()).isEqualTo(10);
        assertThat(views()).isEqualTo(2);
        store.sessions().commit(aEnds());
      } else {
        assertThat(r.checkpoint()).isEqualTo(20);
      }
      assertTheEndState();
    }
  }

  @Test
  void liveMinutesComeBackAsCommittedAndPartitionsMergeIntoOneMinute() {
    long m0 = T0.toEpochMilli();
    MinuteStats one = new MinuteStats(1, new MinuteStats.Group(1, 60_000, Map.of("7", new MinuteStats.Slate(5_000, 1)),
        Map.of()), MinuteStats.Group.EMPTY, Map.of("cdn.example.com", new MinuteStats.Share(1, 0, 1)),
        Map.of("de:by", new MinuteStats.Share(1, 0, 1)), Map.of("ios", new MinuteStats.Share(1, 0, 1)));
    MinuteStats two = new MinuteStats(0, new MinuteStats.Group(2, 90_000, Map.of(), Map.of()),
        new MinuteStats.Group(1, 20_000, Map.of(), Map.of()), Map.of("cdn.example.com", new MinuteStats.Share(2, 0, 0)),
        Map.of("us:ca", new MinuteStats.Share(2, 0, 0)), Map.of("linux", new MinuteStats.Share(2, 0, 0)));
    SessionStore s = store.sessions();
    s.recover(0);
    s.recover(1);
    byte[] part = {1, 2, 3};
    s.commit(SessionStore.Commit.of(0, 5, List.of(), List.of(), List.of(),
        List.of(new MinuteRow("acc", "chan", m0, one)), List.of(new MinutePart("acc", "chan", m0 + 60_000, part))));
    s.commit(SessionStore.Commit.of(1, 7, List.of(), List.of(), List.of(),
        List.of(new MinuteRow("acc", "chan", m0, two)), List.of()));
    reopen();
    SessionStore.Recovery r0 = store.sessions().recover(0);
    assertThat(r0.checkpoint()).isEqualTo(5);
    assertThat(r0.openMinuteParts()).hasSize(1);
    assertThat(r0.openMinuteParts().get(0).state()).containsExactly(1, 2, 3);
    assertThat(r0.newestClosedMinutes()).isEqualTo(Map.of("acc|chan", m0));
    assertThat(store.sessions().recover(1).openMinuteParts()).isEmpty();
    MinuteStats merged = one.merge(two);
    assertThat(store.liveMinutes().series("acc", "chan", m0, m0 + 120_000)).extracting(MinuteRow::stats)
        .containsExactly(merged);
    assertThat(store.liveMinutes().latest("acc", List.of("chan", "other"), m0).get("chan").stats()).isEqualTo(merged);
    assertThat(merged.concurrent()).isEqualTo(new MinuteStats.Group(3, 150_000,
        Map.of("7", new MinuteStats.Slate(5_000, 1)), Map.of()));
    // the minute closes: its part goes
    store.sessions().commit(SessionStore.Commit.of(0, 9, List.of(), List.of(), List.of(),
        List.of(new MinuteRow("acc", "chan", m0 + 60_000, MinuteStats.EMPTY)), List.of()));
    reopen();
    assertThat(store.sessions().recover(0).openMinuteParts()).isEmpty();
    assertThat(store.liveMinutes().latest("other-account", List.of("chan"), m0)).isEmpty();
  }

  /**
   * Retention: an account's views that started before a cutoff go, with the pre-aggregates of the hours and days
   * before it, so that answers from pre-aggregates are still the scan's; another account keeps its views; the periods
   * are kept across a restart.
   */
  @Test
  void viewsBeforeACutoffGoWithTheirPreAggregatesAndOtherAccountsKeepTheirs() {
    io.viewpulse.retention.RetentionStore retention = store.retention();
    assertThat(retention.policies()).isEmpty();
    retention.setPolicy("acc", new io.viewpulse.retention.RetentionStore.Policy(2, null));
    retention.setPolicy("other", new io.viewpulse.retention.RetentionStore.Policy(30, 5));
    retention.setPolicy("third", new io.viewpulse.retention.RetentionStore.Policy(null, 5));
    retention.setPolicy("other", io.viewpulse.retention.RetentionStore.Policy.DEFAULT);
    assertThat(retention.policies()).isEqualTo(Map.of("acc", new io.viewpulse.retention.RetentionStore.Policy(2,
        null), "third", new io.viewpulse.retention.RetentionStore.Policy(null, 5)));
    Instant midnight = T0.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    List<ViewRecord> batch = new ArrayList<>();
    String[] countries = {"US", "DE", "GB"};
    for (int day = 0; day < 4; day++) {
      for (int i = 0; i < 96; i++) {
        long start = midnight.toEpochMilli() + day * 86_400_000L + i * 900_000L;
        for (String account : List.of("acc", "other")) {
          batch.add(new ViewRecord(batch.size() + 1, account, "pb", null, null, "v" + i, start, null,
              new Dimensions("desktop", null, null, "Linux", "Chrome", "Blink", "EU", countries[i % 3], null, null,
                  null), "example.com", false, 60_000, 500, 0, 0, true, true));
        }
      }
    }
    store.load(batch);
    store.catchUp();
    Instant cutoff = midnight.plus(2, java.time.temporal.ChronoUnit.DAYS);
    assertThat(retention.deleteViewsBefore("acc", cutoff)).as("acc's first two days").isEqualTo(2 * 96);
    assertThat(views()).isEqualTo(2 * 96);
    for (TimeStep step : Arrays.asList(null, TimeStep.HOUR, TimeStep.DAY)) {
      for (ViewsQuery q : List.of(
          new ViewsQuery("acc", null, null, null, null, null, step, List.of(), List.of(), ViewsQuery.Detail.FULL),
          new ViewsQuery("acc", null, null, null, midnight, midnight.plus(4, java.time.temporal.ChronoUnit.DAYS), step,
              List.of(Dimension.COUNTRY), List.of(), ViewsQuery.Detail.FULL))) {
        assertThat(probe.fromRollups(q)).as("answered from pre-aggregates: %s", q).isTrue();
        List<MetricRow> rows = store.views().views(q);
        assertSameAnswer(q, rows, probe.byScan(q));
        assertThat(rows.stream().mapToLong(MetricRow::viewCount).sum()).as("%s", q).isEqualTo(2 * 96);
      }
    }
    ViewsQuery byDay = new ViewsQuery("acc", null, null, null, null, null, TimeStep.DAY, List.of(), List.of(),
        ViewsQuery.Detail.ENGAGEMENT);
    assertThat(store.views().views(byDay)).extracting(MetricRow::viewCount).containsExactly(96L, 96L);
    assertThat(store.views().views(new ViewsQuery("other", null, null, null, null, null, null, List.of(), List.of(),
        ViewsQuery.Detail.FULL)).get(0).viewCount()).as("the other account keeps all").isEqualTo(4 * 96);
    List<Long> starts = new ArrayList<>();
    store.viewRows().oldest(everything(), null, r -> starts.add(r.startedAtMs()));
    assertThat(starts).hasSize(2 * 96).first().isEqualTo(cutoff.toEpochMilli());
    assertThat(retention.deleteViewsBefore("acc", cutoff)).as("nothing left to delete").isZero();
    reopen();
    assertThat(store.retention().policies()).containsOnlyKeys("acc", "third");
    assertThat(views()).isEqualTo(2 * 96);
  }

  /** Views of three days, random in every dimension; some open; queried every way the rollups answer. */
  @Test
  void answersFromPreAggregatesAreTheScansAnswers() {
    Random random = new Random(7);
    String[] countries = {"US", "DE", "GB", null};
    String[] engines = {"Blink", "WebKit", null};
    List<ViewRecord> batch = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String country = countries[random.nextInt(countries.length)];
      boolean frame = random.nextInt(10) > 0;
      batch.add(new ViewRecord(i + 1, "acc", "pb" + random.nextInt(5), null, null, "v" + random.nextInt(300),
          T0.toEpochMilli() + (long) (random.nextDouble() * 3 * 86_400_000L), null,
          new Dimensions(random.nextBoolean() ? "mobile" : "desktop", random.nextBoolean() ? "iPhone" : null, null,
              "iOS", random.nextBoolean() ? "Chrome" : "Safari", engines[random.nextInt(engines.length)], "EU",
              country, null, null, null),
          "example.com", false, random.nextInt(600_000), frame ? 50 + random.nextInt(5000) : null,
          random.nextInt(5) == 0 ? random.nextInt(20_000) : 0, random.nextInt(25) == 0 ? 1 : 0, frame, true,
          QualityChecks.randomQuality(random, frame)));
    }
    store.sessions().recover(0);
    store.sessions().commit(SessionStore.Commit.of(0, 1, List.of(), List.of(), batch.subList(0, 2000), List.of(),
        List.of()));
    store.load(batch.subList(2000, 3000));
    store.sessions().commit(SessionStore.Commit.of(0, 2, List.of(open("o1", T0.toEpochMilli() + 86_400_000L),
        open("o2", T0.toEpochMilli() + 100_000L)), List.of(), List.of(), List.of(), List.of()));
    store.catchUp();
    Instant[][] ranges = {{null, null}, {T0.plusSeconds(5400), T0.plusSeconds(2 * 86_400 + 1800)},
        {T0.plusSeconds(86_400), T0.plusSeconds(2 * 86_400)}};
    int checked = 0;
    for (Instant[] r : ranges) {
      for (TimeStep step : Arrays.asList(null, TimeStep.HOUR, TimeStep.DAY, TimeStep.WEEK)) {
        for (ViewsQuery q : List.of(
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(), List.of(), ViewsQuery.Detail.FULL),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.COUNTRY), List.of(),
                ViewsQuery.Detail.FULL),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.DEVICE),
                List.of(Filter.parse("!device:iPhone")), ViewsQuery.Detail.FULL),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(), List.of(Filter.parse("browser:Safari")),
                ViewsQuery.Detail.ENGAGEMENT),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.BROWSER_ENGINE), List.of(),
                ViewsQuery.Detail.FULL),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(),
                List.of(Filter.parse("!browserEngine:Blink")), ViewsQuery.Detail.FULL),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.COUNTRY), List.of(),
                ViewsQuery.Detail.QUALITY),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(), List.of(),
                ViewsQuery.Detail.QUALITY),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.COUNTRY),
                List.of(Filter.parse("country:US"), Filter.parse("country:DE")), ViewsQuery.Detail.FULL))) {
          assertThat(probe.fromRollups(q)).as("answered from pre-aggregates: %s", q).isTrue();
          assertSameAnswer(q, store.views().views(q), probe.byScan(q));
          checked++;
        }
        // one video, by its playback id and as a filter, and every video: a video's hours may have no
        // pre-aggregates of their own (too few views a row), so by whole days only
        if (step == TimeStep.HOUR || r == ranges[2]) {
          continue;
        }
        for (ViewsQuery q : List.of(
            new ViewsQuery("acc", "pb2", null, null, r[0], r[1], step, List.of(), List.of(), ViewsQuery.Detail.FULL),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(),
                List.of(Filter.parse("playbackId:pb2")), ViewsQuery.Detail.ENGAGEMENT),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.PLAYBACK_ID),
                List.of(Filter.parse("!playbackId:pb4")), ViewsQuery.Detail.FULL),
            new ViewsQuery("acc", "pb2", null, null, r[0], r[1], step, List.of(), List.of(),
                ViewsQuery.Detail.QUALITY),
            new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.PLAYBACK_ID),
                List.of(Filter.parse("playbackId:pb1"), Filter.parse("playbackId:pb3"),
                    Filter.parse("!playbackId:pb3")), ViewsQuery.Detail.FULL))) {
          assertThat(probe.fromRollups(q)).as("answered from pre-aggregates: %s", q).isTrue();
          assertSameAnswer(q, store.views().views(q), probe.byScan(q));
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(3 * 4 * 9 + 2 * 3 * 5);
    assertThat(views()).isEqualTo(3002);
    // several values of one dimension are alternatives, each negation drops its value, dimensions must all hold
    long expected = batch.stream().filter(v -> ("US".equals(v.dims().country()) || "DE".equals(v.dims().country()))
        && !"Chrome".equals(v.dims().browser())).count();
    ViewsQuery mixed = new ViewsQuery("acc", null, null, null, null, null, null, List.of(),
        List.of(Filter.parse("country:US"), Filter.parse("!browser:Chrome"), Filter.parse("country:DE")),
        ViewsQuery.Detail.FULL);
    assertThat(probe.fromRollups(mixed)).isFalse();
    assertThat(store.views().views(mixed).get(0).viewCount()).isEqualTo(expected).isGreaterThan(300);
  }

  @Test
  void aStoreThatCannotBeReachedSaysSoAsAStoreFailure() {
    probe.breakAt(StoreProbe.Step.COMMIT);
    try {
      assertThatThrownBy(() -> store.sessions().commit(aEnds())).isInstanceOf(StoreException.class);
    } finally {
      probe.repair();
    }
  }

  private static ViewRecord viewOf(long id, String account, String viewer, long startMs) {
    ViewRecord v = view(id, "x", startMs, true);
    return new ViewRecord(id, account, v.playbackId(), null, null, viewer, startMs, null, v.dims(), v.domain(), false,
        v.playtimeMs(), v.ttffMs(), v.rebufferMs(), v.errors(), v.firstFrame(), true);
  }

  private List<String> viewersOf(String account) {
    ViewsQuery q = new ViewsQuery(account, null, null, null, null, null, null, List.of(), List.of(),
        ViewsQuery.Detail.FULL);
    List<String> newest = store.viewRows().newest(q, null, 100).stream().map(io.viewpulse.query.ViewRow::viewerId)
        .toList();
    List<String> oldest = new ArrayList<>();
    store.viewRows().oldest(new ViewsQuery(account, null, null, null, T0.minusSeconds(3600), T0.plusSeconds(3600),
        null, List.of(), List.of(), ViewsQuery.Detail.FULL), null, r -> oldest.add(r.viewerId()));
    List<String> reversed = new ArrayList<>(newest);
    java.util.Collections.reverse(reversed);
    assertThat(oldest).as("the export reads what the list shows, oldest first").containsExactlyElementsOf(reversed);
    return newest;
  }

  /** A timeline as the sessionizer stores it: play, a stall, an error, the end. */
  private static byte[] timeline(long t) {
    io.viewpulse.model.Timeline.Recorder r = new io.viewpulse.model.Timeline.Recorder();
    r.play(t);
    r.stall(t + 8_000, 800, 1);
    r.error(t + 9_000, true, "network", "boom \u00e9\u0000\u00ff");
    return r.toBytes("timeout", t + 20_000);
  }

  /** A history loaded with some views' timelines keeps each with its view, and none for the others. */
  @Test
  void aLoadedHistoryKeepsTheTimelinesItWasGiven() {
    long t = T0.toEpochMilli();
    byte[] tl = timeline(t);
    store.load(List.of(view(901, "with", t, true), view(902, "without", t + 1_000, true)), Map.of(901L, tl));
    List<io.viewpulse.query.ViewRow> rows = store.viewRows().newest(everything(), null, 10);
    assertThat(rows).extracting(io.viewpulse.query.ViewRow::viewerId).containsExactly("viewer-without", "viewer-with");
    assertThat(store.viewRows().view("acc", rows.get(1).viewId()).orElseThrow().timeline()).isEqualTo(tl);
    assertThat(io.viewpulse.model.Timeline.decode(store.viewRows().view("acc", rows.get(0).viewId()).orElseThrow()
        .timeline())).isEqualTo(io.viewpulse.model.Timeline.EMPTY);
  }

  /**
   * A finished view's timeline is stored with it and read back by the view's id (as the list gives it) in its own
   * account only, across a restart; dropped by start time while the view stays; erased with its viewer.
   */
  @Test
  void aViewsTimelineIsStoredWithItDroppedByTimeAndErasedWithItsViewer() {
    twoOpenSessions(store.sessions());
    long t = T0.toEpochMilli();
    ViewRecord a = view("a".hashCode(), "a", t, true);
    byte[] tl = timeline(t);
    store.sessions().commit(new SessionStore.Commit(0, 20, List.of(open("b", t)),
        List.of(new SessionStore.Closed("acc|pb|a", 0)), List.of(a), List.of(), List.of(), Long.MIN_VALUE,
        Map.of(a.viewId(), tl)));
    store.load(List.of(view(900, "c", t + 1_000, true)));
    io.viewpulse.query.ViewRow row = store.viewRows().newest(everything(), null, 10).get(1);
    assertThat(row.viewerId()).isEqualTo("viewer-a");
    for (int round = 0; round < 2; round++) {
      io.viewpulse.query.ViewDetail d = store.viewRows().view("acc", row.viewId()).orElseThrow();
      assertThat(d.row()).isEqualTo(row);
      assertThat(d.timeline()).as("round " + round).isEqualTo(tl);
      assertThat(io.viewpulse.model.Timeline.decode(d.timeline()).events()).extracting(e -> e.kind().apiName() + "@"
          + (e.atMs() - t)).containsExactly("play@0", "stall@8000", "error@9000", "end@20000");
      io.viewpulse.query.ViewRow loaded = store.viewRows().newest(everything(), null, 1).get(0);
      assertThat(io.viewpulse.model.Timeline.decode(store.viewRows().view("acc", loaded.viewId()).orElseThrow()
          .timeline())).as("a view stored without a timeline has none").isEqualTo(io.viewpulse.model.Timeline.EMPTY);
      assertThat(store.viewRows().view("other", row.viewId())).as("another account's").isEmpty();
      assertThat(store.viewRows().view("acc", 12345)).isEmpty();
      reopen();
    }
    store.viewRows().dropTimelines(T0);
    assertThat(store.viewRows().view("acc", row.viewId()).orElseThrow().timeline()).as("started at T0: kept")
        .isEqualTo(tl);
    // past the month of T0 (ClickHouse drops whole months)
    store.viewRows().dropTimelines(T0.plus(java.time.Duration.ofDays(62)));
    io.viewpulse.query.ViewDetail dropped = store.viewRows().view("acc", row.viewId()).orElseThrow();
    assertThat(io.viewpulse.model.Timeline.decode(dropped.timeline())).isEqualTo(io.viewpulse.model.Timeline.EMPTY);
    assertThat(dropped.row()).as("the view stays").isEqualTo(row);

    store.sessions().recover(0);
    store.sessions().commit(new SessionStore.Commit(0, 30, List.of(), List.of(new SessionStore.Closed("acc|pb|b", 0)),
        List.of(view("b".hashCode(), "b", t, true)), List.of(), List.of(), Long.MIN_VALUE,
        Map.of((long) "b".hashCode(), tl)));
    io.viewpulse.query.ViewRow b = store.viewRows().newest(everything(), null, 10).stream()
        .filter(r -> r.viewerId().equals("viewer-b")).findFirst().orElseThrow();
    assertThat(store.viewRows().view("acc", b.viewId()).orElseThrow().timeline()).isEqualTo(tl);
    assertThat(store.erasures().erase("acc", "viewer-b", new io.viewpulse.privacy.ErasureStore.ErasureRecord("k", T0,
        0))).isEqualTo(new io.viewpulse.privacy.ErasureStore.Outcome(1, 0));
    assertThat(store.viewRows().view("acc", b.viewId())).as("erased with its viewer").isEmpty();
    assertThat(probe.timelinesOf("viewer-b")).as("no timeline of B's anywhere").isZero();
  }

  /** Counters per percent: {@code count} over {@code [from, to)} for each run given as from, to, count. */
  private static byte[] watched(int... runs) {
    byte[] c = new byte[io.viewpulse.query.AudienceRetention.BUCKETS];
    for (int i = 0; i < runs.length; i += 3) {
      for (int b = runs[i]; b < runs[i + 1]; b++) {
        c[b] = (byte) runs[i + 2];
      }
    }
    return c;
  }

  /**
   * What finished views watched is stored with them and summed per percent for one video, in its scope only (time
   * range, filters), from the sessionizer's commits and across a restart; views without it are not counted.
   */
  @Test
  void theAudienceRetentionOfAVideoSumsWhatItsViewsWatched() {
    long t = T0.toEpochMilli();
    ViewRecord a = view(1, "a", t, true);
    ViewRecord b = view(2, "b", t + 1_000, true);
    ViewRecord c = view(3, "c", t + 2_000, true);
    ViewRecord late = view(4, "d", t + 3_600_000, true);
    ViewRecord none = view(5, "e", t + 3_000, true);
    // a watched the first half; b all of it, the first tenth three times (two replays); c a quarter; late all of it
    store.sessions().commit(new SessionStore.Commit(0, 10, List.of(), List.of(), List.of(a, b, none), List.of(),
        List.of(), Long.MIN_VALUE, Map.of(), Map.of(1L, watched(0, 50, 1), 2L, watched(0, 10, 3, 10, 100, 1))));
    store.sessions().commit(new SessionStore.Commit(0, 20, List.of(), List.of(), List.of(c, late), List.of(),
        List.of(), Long.MIN_VALUE, Map.of(), Map.of(3L, watched(25, 50, (byte) 255), 4L, watched(0, 100, 1))));
    ViewsQuery hour = new ViewsQuery("acc", "pb", null, null, T0, T0.plusSeconds(3_600), null, List.of(), List.of(),
        ViewsQuery.Detail.FULL);
    for (int round = 0; round < 2; round++) {
      io.viewpulse.query.AudienceRetention r = io.viewpulse.query.AudienceRetention.of(store.viewRows(), hour);
      assertThat(r.views()).as("round " + round).isEqualTo(3);
      long[] viewers = new long[100];
      long[] watches = new long[100];
      for (int i = 0; i < 100; i++) {
        viewers[i] = i < 25 ? 2 : i < 50 ? 3 : 1;
        watches[i] = i < 10 ? 4 : i < 25 ? 2 : i < 50 ? 257 : 1;
      }
      assertThat(r.viewers()).isEqualTo(viewers);
      assertThat(r.watches()).isEqualTo(watches);
      assertThat(r.share(30)).isEqualTo(1.0);
      assertThat(r.share(60)).isEqualTo(1.0 / 3);
      reopen();
    }
    ViewsQuery all = new ViewsQuery("acc", "pb", null, null, null, null, null, List.of(), List.of(),
        ViewsQuery.Detail.FULL);
    assertThat(io.viewpulse.query.AudienceRetention.of(store.viewRows(), all).views()).isEqualTo(4);
    ViewsQuery notGermany = new ViewsQuery("acc", "pb", null, null, null, null, null, List.of(),
        List.of(io.viewpulse.query.Filter.parse("!country:DE")), ViewsQuery.Detail.FULL);
    io.viewpulse.query.AudienceRetention filtered = io.viewpulse.query.AudienceRetention.of(store.viewRows(),
        notGermany);
    assertThat(filtered.views()).isZero();
    assertThat(filtered.share(0)).isZero();
    ViewsQuery otherVideo = new ViewsQuery("acc", "other", null, null, null, null, null, List.of(), List.of(),
        ViewsQuery.Detail.FULL);
    assertThat(io.viewpulse.query.AudienceRetention.of(store.viewRows(), otherVideo).views()).isZero();
  }

  /** A viewer id a statement must escape. */
  private static final String X = "viewer-x 'quoted' \\ \t\r\n";

  /**
   * Erasing a viewer deletes its finished views wherever they are (committed by the sessionizer, in ClickHouse's
   * outbox or moved, loaded), only its own in its own account, records the count without the id, refuses while the
   * viewer has a session open, and stays done across a restart and the next commits.
   */
  @Test
  void anErasedViewerIsFoundNowhereAndTheErasureIsRecordedWithItsCount() {
    twoOpenSessions(store.sessions());
    store.sessions().commit(aEnds());
    long t = T0.toEpochMilli();
    store.load(List.of(viewOf(900, "acc", X, t + 1_000), viewOf(901, "acc", "viewer-c", t + 2_000),
        viewOf(902, "acc", X, t + 3_000), viewOf(903, "other", X, t + 4_000)));
    assertThat(viewersOf("acc")).containsExactly(X, "viewer-c", X, "viewer-a");

    Instant at = Instant.parse("2026-01-02T03:04:05.678Z");
    assertThat(store.erasures().erase("acc", "viewer-b", new io.viewpulse.privacy.ErasureStore.ErasureRecord("k0",
        at, 0))).as("B is watching: refused").isEqualTo(new io.viewpulse.privacy.ErasureStore.Outcome(0, 1));
    assertThat(store.erasures().erasures("acc", 10)).as("a refusal is not recorded").isEmpty();
    assertThat(store.erasures().erase("acc", "viewer-a", new io.viewpulse.privacy.ErasureStore.ErasureRecord("k1",
        at, 0))).isEqualTo(new io.viewpulse.privacy.ErasureStore.Outcome(1, 0));
    assertThat(store.erasures().erase("acc", X, new io.viewpulse.privacy.ErasureStore.ErasureRecord("k2",
        at.plusSeconds(1), 0))).isEqualTo(new io.viewpulse.privacy.ErasureStore.Outcome(2, 0));
    assertThat(store.erasures().erase("acc", "nobody", new io.viewpulse.privacy.ErasureStore.ErasureRecord("k3",
        at.plusSeconds(2), 0))).isEqualTo(new io.viewpulse.privacy.ErasureStore.Outcome(0, 0));

    for (int round = 0; round < 2; round++) {
      assertThat(viewersOf("acc")).as("round " + round).containsExactly("viewer-c");
      assertThat(viewersOf("other")).as("another account's viewer of the same id stays").containsExactly(X);
      assertThat(store.erasures().erasures("acc", 10)).as("newest first, nothing of the viewer").containsExactly(
          new io.viewpulse.privacy.ErasureStore.ErasureRecord("k3", at.plusSeconds(2), 0),
          new io.viewpulse.privacy.ErasureStore.ErasureRecord("k2", at.plusSeconds(1), 2),
          new io.viewpulse.privacy.ErasureStore.ErasureRecord("k1", at, 1));
      assertThat(store.erasures().erasures("other", 10)).isEmpty();
      reopen();
    }
    // the next commits (B's view ends) move what waits to be stored: A's erased view does not come back
    store.sessions().recover(0);
    store.sessions().commit(SessionStore.Commit.of(0, 30, List.of(), List.of("acc|pb|b"),
        List.of(view("b".hashCode(), "b", T0.toEpochMilli(), true)), List.of(), List.of()));
    assertThat(viewersOf("acc")).containsExactly("viewer-c", "viewer-b");
  }

  /**
   * Alert rules and incidents: a rule is kept whole (every field of its JSON form) and replaced by id, deleted once,
   * scoped to its account; an incident is replaced by its resolution; open-only lists and limits; across a restart.
   */
  @Test
  void alertRulesAndIncidentsAreKeptAndReplacedByIdPerAccount() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    Instant at = Instant.parse("2026-01-02T03:04:05.678Z");
    io.viewpulse.alerts.Rule r1 = io.viewpulse.alerts.RuleJson.read(json.readTree("{\"name\": \"errors 'up'\","
        + " \"metric\": \"errorRate\", \"filters\": [\"country:US\", \"!browser:Chrome\"], \"comparison\": \">\","
        + " \"threshold\": 0.05, \"minViews\": 30, \"windowMinutes\": 15, \"openAfter\": 3,"
        + " \"webhookUrl\": \"https://hooks.example.com/x?y=1\"}"), "r1", "acc", at);
    io.viewpulse.alerts.Rule r2 = io.viewpulse.alerts.RuleJson.read(json.readTree("{\"name\": \"ttff\","
        + " \"metric\": \"ttffP95Ms\", \"comparison\": \">=\", \"anomaly\": {\"weeks\": 3, \"stddevs\": 2.5}}"),
        "r2", "acc", at.plusSeconds(1));
    io.viewpulse.alerts.Rule other = io.viewpulse.alerts.RuleJson.read(json.readTree("{\"name\": \"now\","
        + " \"metric\": \"viewsNow\", \"comparison\": \"<\", \"threshold\": 3}"), "r1", "other", at);
    var alerts = store.alerts();
    alerts.putRule(r1);
    alerts.putRule(r2);
    alerts.putRule(other);
    assertThat(alerts.rules("acc")).containsExactly(r1, r2);
    assertThat(alerts.rules(null)).containsExactlyInAnyOrder(r1, r2, other);
    io.viewpulse.alerts.Rule r1b = io.viewpulse.alerts.RuleJson.read(json.readTree("{\"name\": \"errors\","
        + " \"metric\": \"videoStartupFailureRate\", \"comparison\": \">\", \"anomaly\": {\"factor\": 2}}"),
        "r1", "acc", at);
    alerts.putRule(r1b);
    var open = new io.viewpulse.alerts.Incident("i1", "acc", "r1", "errors", "errorRate", at.plusSeconds(60), null,
        0.125, 0.05);
    var older = new io.viewpulse.alerts.Incident("i0", "acc", "r2", "ttff", "ttffP95Ms", at, at.plusSeconds(30),
        2500, 1800.5);
    alerts.putIncident(open);
    alerts.putIncident(older);
    alerts.putIncident(new io.viewpulse.alerts.Incident("i1", "other", "r1", "now", "viewsNow", at, null, 1, 3));
    for (int round = 0; round < 2; round++) {
      assertThat(alerts.rules("acc")).as("round " + round).containsExactly(r1b, r2);
      assertThat(alerts.rules("other")).containsExactly(other);
      assertThat(alerts.incidents("acc", false, 10)).containsExactly(open, older);
      assertThat(alerts.incidents("acc", true, 10)).containsExactly(open);
      assertThat(alerts.incidents("acc", false, 1)).containsExactly(open);
      assertThat(alerts.incidents(null, true, 10)).hasSize(2);
      reopen();
      alerts = store.alerts();
    }
    alerts.putIncident(new io.viewpulse.alerts.Incident("i1", "acc", "r1", "errors", "errorRate", at.plusSeconds(60),
        at.plusSeconds(240), 0.125, 0.05));
    assertThat(alerts.incidents("acc", true, 10)).isEmpty();
    assertThat(alerts.incidents("acc", false, 10).get(0).resolvedAt()).isEqualTo(at.plusSeconds(240));
    assertThat(alerts.deleteRule("acc", "r1")).isTrue();
    assertThat(alerts.deleteRule("acc", "r1")).as("once").isFalse();
    assertThat(alerts.rules("acc")).containsExactly(r2);
    assertThat(alerts.rules("other")).as("another account's rule of the same id stays").containsExactly(other);
  }

  /**
   * The outbox of alert notifications: a notification is kept whole (its rule and incident as they were), once per id
   * (a second put of the same id changes nothing, also once delivered), pending oldest first until an attempt marks
   * it done, those due only when asked, an incident's in order; a failed attempt's count and next time are kept;
   * across a restart; done ones deleted on request, pending ones kept.
   */
  @Test
  void alertNotificationsWaitInTheOutboxOncePerIdUntilDone() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    Instant at = Instant.parse("2026-01-02T03:04:00Z");
    io.viewpulse.alerts.Rule rule = io.viewpulse.alerts.RuleJson.read(json.readTree("{\"name\": \"errors 'up'\","
        + " \"metric\": \"errorRate\", \"filters\": [\"country:US\"], \"comparison\": \">\", \"threshold\": 0.05,"
        + " \"webhookUrl\": \"https://hooks.example.com/x?y=1\"}"), "r1", "acc", at.minusSeconds(3600));
    var opened = new io.viewpulse.alerts.Incident("i1", "acc", "r1", "errors 'up'", "errorRate", at, null, 0.125,
        0.05);
    var resolved = new io.viewpulse.alerts.Incident("i1", "acc", "r1", "errors 'up'", "errorRate", at,
        at.plusSeconds(300), 0.125, 0.05);
    io.viewpulse.alerts.Rule now = io.viewpulse.alerts.RuleJson.read(json.readTree("{\"name\": \"now\","
        + " \"metric\": \"viewsNow\", \"comparison\": \"<\", \"threshold\": 3, \"webhookUrl\":"
        + " \"https://hooks.example.com/now\"}"), "r9", "other", at);
    var other = new io.viewpulse.alerts.Incident("i2", "other", "r9", "now", "viewsNow", at.plusSeconds(60), null,
        1, 3);
    var first = new io.viewpulse.alerts.Notification("i1:opened", rule, opened, at.plusMillis(1), 0,
        at.plusMillis(1));
    var second = new io.viewpulse.alerts.Notification("i1:resolved", rule, resolved, at.plusSeconds(300), 0,
        at.plusSeconds(300));
    var third = new io.viewpulse.alerts.Notification("i2:opened", now, other, at.plusSeconds(60), 0,
        at.plusSeconds(60));
    var alerts = store.alerts();
    alerts.putNotification(second);
    alerts.putNotification(first);
    alerts.putNotification(third);
    alerts.putNotification(new io.viewpulse.alerts.Notification("i1:opened", rule, opened, at.plusSeconds(9), 0,
        at.plusSeconds(9)));
    Instant far = at.plus(java.time.Duration.ofDays(1));
    assertThat(alerts.pendingNotifications(far, 10)).containsExactly(first, third, second);
    assertThat(alerts.pendingNotifications(far, 2)).containsExactly(first, third);
    assertThat(alerts.pendingNotifications(far, 1, 10)).as("the first of each account's lane")
        .containsExactly(first, third);
    assertThat(alerts.pendingNotifications(at.plusSeconds(60), 10)).as("due by then").containsExactly(first, third);
    var retry = new io.viewpulse.alerts.Notification("i1:opened", rule, opened, at.plusMillis(1), 1,
        at.plusSeconds(400));
    alerts.notificationAttempted(retry, false);
    reopen();
    alerts = store.alerts();
    assertThat(alerts.pendingNotifications(far, 10)).containsExactly(retry, third, second);
    assertThat(alerts.pendingNotifications(at.plusSeconds(300), 10))
        .as("the resolution is due but waits for its opening").containsExactly(third);
    assertThat(alerts.pendingNotifications(at.plusSeconds(400), 10)).containsExactly(retry, third, second);
    alerts.notificationAttempted(new io.viewpulse.alerts.Notification("i1:opened", rule, opened, at.plusMillis(1), 2,
        at.plusSeconds(400)), true);
    alerts.putNotification(first);
    assertThat(alerts.pendingNotifications(far, 10)).as("done stays done").containsExactly(third, second);
    assertThat(alerts.pendingNotifications(far, 1, 10)).as("acc's next, once its first is done")
        .containsExactly(third, second);
    assertThat(alerts.pendingNotifications(at.plusSeconds(300), 10)).containsExactly(third, second);
    reopen();
    alerts = store.alerts();
    assertThat(alerts.pendingNotifications(far, 10)).containsExactly(third, second);
    alerts.dropDoneNotifications(far);
    assertThat(alerts.pendingNotifications(far, 10)).as("pending ones stay").containsExactly(third, second);
    alerts.putNotification(first);
    assertThat(alerts.pendingNotifications(far, 10)).as("a dropped id is forgotten")
        .containsExactly(first, third, second);
  }

  private static SessionStore.Commit finishes(int partition, long offset, ViewRecord... views) {
    return SessionStore.Commit.of(partition, offset, List.of(), List.of(), List.of(views), List.of(), List.of());
  }

  private List<String> pending(String endpoint, int limit) {
    return store.webhooks().pending(endpoint, limit).views().stream().map(io.viewpulse.query.ViewRow::viewerId)
        .toList();
  }

  /**
   * The webhooks' positions: an endpoint gets the views stored after its creation, in the order they were stored
   * (not by start), of its account only, from every log partition; a delivered batch moves the position, durably; a
   * stale move is ignored; an erased viewer's pending views go with its views; a deleted endpoint has nothing.
   */
  @Test
  void aWebhookGetsEveryViewStoredAfterItsCreationInOrderUntilDelivered() {
    var hooks = store.webhooks();
    store.sessions().recover(0);
    store.sessions().recover(1);
    long t = T0.toEpochMilli();
    store.sessions().commit(finishes(0, 10, view(1, "before", t, true)));
    hooks.create(new io.viewpulse.webhooks.WebhookStore.Endpoint("e1", "acc", "https://a.example/h", T0));
    hooks.create(new io.viewpulse.webhooks.WebhookStore.Endpoint("e2", "other", "https://b.example/h", T0));
    assertThat(pending("e1", 10)).as("what was stored before it").isEmpty();
    // stored in this order; started in another
    store.sessions().commit(finishes(0, 20, view(2, "late-start", t + 50_000, true)));
    store.sessions().commit(finishes(1, 5, view(3, "early-start", t - 50_000, true)));
    store.sessions().commit(finishes(0, 30, view(4, "c", t + 1_000, true),
        viewOf(5, "other", "viewer-o", t + 2_000)));
    assertThat(pending("e1", 10)).containsExactlyInAnyOrder("viewer-late-start", "viewer-early-start", "viewer-c");
    assertThat(pending("e2", 10)).containsExactly("viewer-o");

    var first = hooks.pending("e1", 1);
    assertThat(first.views()).hasSize(1);
    hooks.delivered("e1", first.from(), first.to());
    List<String> rest = pending("e1", 10);
    assertThat(rest).hasSize(2).doesNotContain(first.views().get(0).viewerId());
    hooks.delivered("e1", first.from(), first.from());
    assertThat(pending("e1", 10)).as("a move from where it is not is ignored").isEqualTo(rest);
    reopen();
    assertThat(pending("e1", 10)).as("after a restart").isEqualTo(rest);
    hooks = store.webhooks();

    assertThat(store.erasures().erase("acc", "viewer-c", new io.viewpulse.privacy.ErasureStore.ErasureRecord("k",
        T0, 0)).views()).isEqualTo(1);
    assertThat(pending("e1", 10)).as("an erased viewer is not posted").isEqualTo(rest.stream()
        .filter(v -> !v.equals("viewer-c")).toList());
    var all = hooks.pending("e1", 10);
    hooks.delivered("e1", all.from(), all.to());
    assertThat(pending("e1", 10)).isEmpty();
    store.sessions().recover(0);
    store.sessions().commit(finishes(0, 40, view(6, "d", t + 3_000, true)));
    assertThat(pending("e1", 10)).as("a view stored after an erasure of the last ones").containsExactly("viewer-d");

    assertThat(hooks.endpoints("acc")).extracting(io.viewpulse.webhooks.WebhookStore.Endpoint::id)
        .containsExactly("e1");
    assertThat(hooks.endpoints(null)).extracting(io.viewpulse.webhooks.WebhookStore.Endpoint::id)
        .containsExactlyInAnyOrder("e1", "e2");
    assertThat(hooks.endpoints("acc").get(0)).isEqualTo(new io.viewpulse.webhooks.WebhookStore.Endpoint("e1", "acc",
        "https://a.example/h", T0));
    assertThat(hooks.delete("other", "e1")).as("not another account's").isFalse();
    assertThat(hooks.delete("acc", "e1")).isTrue();
    assertThat(hooks.endpoints("acc")).isEmpty();
    assertThat(pending("e1", 10)).isEmpty();
  }

  /**
   * Saved views: listed oldest first with what was saved (name, state as written, time to the millisecond, key), one
   * by one only in their account, a deleted one gone everywhere and not deleted twice, the same after a restart.
   */
  @Test
  void savedViewsAreTheAccountsOwnAndADeletedOneIsGone() {
    io.viewpulse.savedviews.SavedViewStore saved = store.savedViews();
    Instant at = Instant.parse("2026-01-02T03:04:05.678Z");
    var first = new io.viewpulse.savedviews.SavedView("acc", "v1", "Errors by browser",
        "#/breakdown?dim=browser&metric=errorRate&filter=country%3ADE", at, "k1");
    var second = new io.viewpulse.savedviews.SavedView("acc", "v2", "Überblick \u2014 \"quoted\" 'name'",
        "#/overview?range=7d", at.plusMillis(1), "k2");
    var others = new io.viewpulse.savedviews.SavedView("other", "v3", "Theirs", "#/videos", at, "k9");
    saved.insertSavedView(second);
    saved.insertSavedView(first);
    saved.insertSavedView(others);
    for (int round = 0; round < 2; round++) {
      assertThat(store.savedViews().savedViews("acc")).as("round " + round).containsExactly(first, second);
      assertThat(store.savedViews().savedView("acc", "v2")).contains(second);
      assertThat(store.savedViews().savedView("acc", "v3")).as("another account's").isEmpty();
      assertThat(store.savedViews().savedView("other", "v3")).contains(others);
      reopen();
    }
    saved = store.savedViews();
    assertThat(saved.deleteSavedView("acc", "v3", at)).as("not this account's").isFalse();
    assertThat(saved.deleteSavedView("acc", "v1", at)).isTrue();
    assertThat(saved.deleteSavedView("acc", "v1", at)).as("deleted already").isFalse();
    assertThat(saved.savedView("acc", "v1")).isEmpty();
    reopen();
    assertThat(store.savedViews().savedViews("acc")).containsExactly(second);
    assertThat(store.savedViews().savedViews("other")).containsExactly(others);
    assertThat(store.savedViews().savedViews("nobody")).isEmpty();
  }

  private List<String> feed(String id, int limit) {
    return store.webhooks().feedPending(id, limit).views().stream().map(io.viewpulse.query.ViewRow::viewerId)
        .toList();
  }

  /**
   * A feed (the Kafka topic of finished views): every account's views stored after its first read, until delivered,
   * durably; an erased viewer's go with its views; no account lists it and no endpoint reads it.
   */
  @Test
  void aFeedGetsEveryAccountsViewsStoredAfterItsFirstReadUntilDelivered() {
    var hooks = store.webhooks();
    store.sessions().recover(0);
    store.sessions().recover(1);
    long t = T0.toEpochMilli();
    store.sessions().commit(finishes(0, 10, view(1, "before", t, true)));
    assertThat(feed("topic:v", 10)).as("what was stored before its first read").isEmpty();
    store.sessions().commit(finishes(0, 20, view(2, "a", t + 50_000, true)));
    store.sessions().commit(finishes(1, 5, viewOf(3, "other", "viewer-o", t - 50_000)));
    store.sessions().commit(finishes(0, 30, view(4, "c", t + 1_000, true)));
    assertThat(feed("topic:v", 10)).containsExactlyInAnyOrder("viewer-a", "viewer-o", "viewer-c");

    var first = hooks.feedPending("topic:v", 1);
    assertThat(first.views()).hasSize(1);
    hooks.delivered("topic:v", first.from(), first.to());
    List<String> rest = feed("topic:v", 10);
    assertThat(rest).hasSize(2).doesNotContain(first.views().get(0).viewerId());
    reopen();
    assertThat(feed("topic:v", 10)).as("after a restart").isEqualTo(rest);
    hooks = store.webhooks();
    String erased = rest.contains("viewer-c") ? "viewer-c" : "viewer-a";
    assertThat(store.erasures().erase("acc", erased, new io.viewpulse.privacy.ErasureStore.ErasureRecord("k", T0,
        0)).views()).isEqualTo(1);
    assertThat(feed("topic:v", 10)).as("an erased viewer is not published")
        .isEqualTo(rest.stream().filter(v -> !v.equals(erased)).toList());
    assertThat(hooks.endpoints(null)).as("not an endpoint").isEmpty();
    assertThat(hooks.pending("topic:v", 10).views()).as("not read as an endpoint").isEmpty();
    assertThat(feed("topic:v", 10)).hasSize(1);
  }
}
