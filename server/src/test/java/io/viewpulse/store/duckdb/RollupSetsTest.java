package io.viewpulse.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Dimensions;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which rollup sets are kept, on a real DuckDB file: a set rolls only while its rows stand for enough views each,
 * stops where it is when its values multiply, resumes from where it stopped, and queries give the scan's answer
 * whatever each set holds.
 */
class RollupSetsTest {
  private static final Instant DAY0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final String[] COUNTRIES = {"US", "DE", "GB", "JP", null};

  @TempDir
  Path dir;
  private Database db;
  private DuckSessionStore store;
  private Rollups rollups;
  private DuckViewReader queries;
  private RollupParts parts;
  private final Random random = new Random(7);
  private long offset;

  private void open(java.time.Duration window) {
    open(RollupStep.CHUNK, RollupStep.MAX_GROUPS, 100, window);
  }

  /** A store whose statements aggregate at most {@code chunk} views and aim at {@code maxGroups} groups. */
  private void open(long chunk, long maxGroups, int minViewsPerRow, java.time.Duration window) {
    parts = RollupParts.open(dir, chunk, maxGroups, minViewsPerRow, window);
    db = parts.db();
    store = parts.store();
    rollups = parts.rollups();
    queries = parts.queries();
  }

  @AfterEach
  void close() {
    parts.close();
  }

  /**
   * {@code n} finished views started anywhere in day {@code day}: two device types, two browsers, five countries,
   * and the subdivision {@code subdivision.apply(i)} for the i-th view.
   */
  private void commitViews(int n, int day, IntFunction<String> subdivision) {
    List<ViewRecord> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
      Dimensions d = new Dimensions(random.nextBoolean() ? "mobile" : "desktop", "Phone " + random.nextInt(4), null,
          "OS " + random.nextInt(4), random.nextBoolean() ? "Chrome" : "Safari", null, "EU", country,
          subdivision.apply(i), null, null);
      long start = DAY0.toEpochMilli() + day * 86_400_000L + (long) (random.nextDouble() * 86_400_000L);
      boolean frame = random.nextInt(10) > 0;
      batch.add(new ViewRecord(0L, "acc", "pb" + random.nextInt(20), null, null, "v" + random.nextInt(400), start, null,
          d, "example.com", false, random.nextInt(600_000), frame ? 50 + random.nextInt(5000) : null, 0,
          random.nextInt(25) == 0 ? 1 : 0, frame, true));
      if (batch.size() == 500) {
        store.commit(io.viewpulse.sessions.SessionStore.Commit.of(0, offset++, List.of(), List.of(), batch, List.of(), List.of()));
        batch.clear();
      }
    }
    store.commit(io.viewpulse.sessions.SessionStore.Commit.of(0, offset++, List.of(), List.of(), batch, List.of(), List.of()));
  }

  private Set<String> rolling() {
    return rollups.rolling().stream().map(Object::toString).collect(Collectors.toCollection(TreeSet::new));
  }

  private Set<String> dimsIn(String table) throws Exception {
    Set<String> dims = new TreeSet<>();
    try (var c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT DISTINCT dims FROM " + table)) {
      while (rs.next()) {
        dims.add(rs.getString(1));
      }
    }
    return dims;
  }

  private long mark(String unit, String dims) throws Exception {
    try (var c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT rows FROM rollup_mark WHERE unit = '" + unit + "' AND dims = '" + dims
            + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<ViewsQuery> queriesBy(Dimension... dims) {
    List<ViewsQuery> out = new ArrayList<>();
    Instant[][] ranges = {{null, null}, {DAY0.plusSeconds(5 * 3600 + 600), DAY0.plusSeconds(2 * 86_400 + 7200)}};
    for (Instant[] r : ranges) {
      for (TimeStep step : Arrays.asList(null, TimeStep.HOUR, TimeStep.DAY)) {
        for (Dimension d : dims) {
          out.add(new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(d), List.of(),
              ViewsQuery.Detail.FULL));
        }
      }
    }
    return out;
  }

  @Test
  void setsWhoseRowsWouldStandForFewViewsAreNotRolledUpAndTheirQueriesScan() throws Exception {
    open(RollupPolicy.WINDOW);
    // 6,000 views in 24 hours: 250 an hour, 125 an hour per device type, 50 per country, one per subdivision
    commitViews(6000, 0, i -> "S-" + i);

    assertThat(rollups.catchUp()).isEqualTo(6000);

    // the browser engine is null throughout: one value
    assertThat(rolling()).containsExactly("account per day", "account per hour", "browser per day",
        "browser per hour", "browser_engine per day", "browser_engine per hour", "continent per day",
        "continent per hour", "country per day", "device per day", "device_type per day", "device_type per hour",
        "os per day", "playback_id per day");
    assertThat(dimsIn("rollup_hour")).containsExactly("", "browser", "browser_engine", "continent", "device_type");
    assertThat(dimsIn("rollup_day")).containsExactly("", "browser", "browser_engine", "continent", "country",
        "device", "device_type", "os", "playback_id");
    assertThat(mark("hour", "subdivision")).isZero();
    assertThat(rollups.pending()).isZero();
    RollupsTest.assertAnswersAsTheScan(queries, queriesBy(Dimension.SUBDIVISION, Dimension.COUNTRY,
        Dimension.DEVICE_TYPE));
  }

  @Test
  void aVideosDaysRollWhileItsHoursAreScannedAndAQueryForOneVideoGetsTheScansAnswer() throws Exception {
    open(RollupPolicy.WINDOW);
    // 6,000 views a day over three days, 20 videos: 300 views a video's day, 12.5 a video's hour
    for (int day = 0; day < 3; day++) {
      commitViews(6000, day, i -> "S");
    }
    assertThat(rollups.catchUp()).isEqualTo(18_000);
    assertThat(rolling()).contains("playback_id per day").doesNotContain("playback_id per hour");
    assertThat(mark("day", "playback_id")).isEqualTo(18_000);
    assertThat(mark("hour", "playback_id")).isZero();
    assertThat(dimsIn("rollup_hour")).doesNotContain("playback_id");

    List<ViewsQuery> video = new ArrayList<>();
    Instant[][] ranges = {{null, null}, {DAY0.plusSeconds(5 * 3600 + 600), DAY0.plusSeconds(2 * 86_400 + 7200)},
        {DAY0.plusSeconds(86_400), DAY0.plusSeconds(2 * 86_400)}};
    for (Instant[] r : ranges) {
      for (TimeStep step : Arrays.asList(null, TimeStep.HOUR, TimeStep.DAY)) {
        video.add(new ViewsQuery("acc", "pb3", null, null, r[0], r[1], step, List.of(), List.of(),
            ViewsQuery.Detail.FULL));
        video.add(new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.PLAYBACK_ID),
            List.of(), ViewsQuery.Detail.FULL));
      }
    }
    RollupsTest.assertAnswersAsTheScan(queries, video);
    // the day set holds a row per (day, video), every view once
    try (var c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(views) FROM rollup_day WHERE dims = 'playback_id'")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(60);
      assertThat(rs.getLong(2)).isEqualTo(18_000);
    }
  }

  @Test
  void aSetStopsWhereItIsWhenItsValuesMultiplyAndResumesThereWhenTheyConcentrateAgain() throws Exception {
    open(java.time.Duration.ofDays(1)); // measured on the newest view's day and the day before
    commitViews(6000, 0, i -> i % 2 == 0 ? "A" : "B");
    assertThat(rollups.catchUp()).isEqualTo(6000);
    assertThat(rolling()).contains("subdivision per day");
    assertThat(mark("day", "subdivision")).isEqualTo(6000);

    commitViews(6000, 1, i -> "S-" + i); // the two days measured: 12,000 views, 6,002 subdivision rows
    assertThat(rollups.catchUp()).as("the rolling sets furthest behind moved by").isEqualTo(6000);
    assertThat(rolling()).doesNotContain("subdivision per day").contains("country per day");
    assertThat(mark("day", "subdivision")).as("what it holds, it keeps").isEqualTo(6000);
    assertThat(mark("day", "country")).isEqualTo(12_000);
    RollupsTest.assertAnswersAsTheScan(queries, queriesBy(Dimension.SUBDIVISION));

    commitViews(6000, 4, i -> i % 2 == 0 ? "A" : "C"); // days 3 and 4 measured: 6,000 views, 2 rows
    rollups.catchUp();
    assertThat(rolling()).contains("subdivision per day");
    assertThat(mark("day", "subdivision")).as("caught up over the views it skipped").isEqualTo(18_000);
    assertThat(mark("day", "country")).isEqualTo(18_000);
    assertThat(rollups.pending()).isZero();
    RollupsTest.assertAnswersAsTheScan(queries, queriesBy(Dimension.SUBDIVISION));
  }

  @Test
  void aSparseHistoryIsAggregatedInStatementsOfAboutTheirGroupCapNotAChunkEach() throws Exception {
    // a statement may take 100,000 views but should hold 100 groups: a sparse history must be cut far finer
    open(100_000, 100, 1, RollupPolicy.WINDOW);
    // 2,000 views in time order, one every 30 s, each of 400 subdivisions in turn: one view per (hour, subdivision)
    List<ViewRecord> batch = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      Dimensions d = new Dimensions("mobile", "Phone", null, "OS", "Chrome", null, "EU", COUNTRIES[i % 4],
          "S-" + i % 400, null, null);
      batch.add(new ViewRecord(0L, "acc", "pb", null, null, "v" + i, DAY0.toEpochMilli() + i * 30_000L, null, d,
          "example.com", false, 60_000, 400, 0, 0, true, true));
    }
    store.commit(io.viewpulse.sessions.SessionStore.Commit.of(0, offset++, List.of(), List.of(), batch, List.of(), List.of()));

    assertThat(rollups.catchUp()).isEqualTo(2000);

    // the first round takes as many views as a statement may hold groups, 100 (fewer than a hundredth of a chunk),
    // hence 100 (hour, subdivision) groups; every round after is sized to the cap from that, and stays there
    assertThat(rollups.largestStatement()).isEqualTo(100);
    assertThat(mark("hour", "subdivision")).isEqualTo(2000);
    assertThat(mark("day", "subdivision")).isEqualTo(2000);
    RollupsTest.assertAnswersAsTheScan(queries, queriesBy(Dimension.SUBDIVISION, Dimension.COUNTRY));
  }
}
