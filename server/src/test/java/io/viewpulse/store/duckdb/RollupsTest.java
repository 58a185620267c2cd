package io.viewpulse.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.model.Dimensions;
import io.viewpulse.model.SessionSnapshot;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.Filter;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.testing.QualityChecks;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollups against a scan of the same views, on a real DuckDB file: every query the rollups answer must give the
 * scan's answer, whatever has been rolled up, including views that finish long after they started and open sessions.
 */
class RollupsTest {
  private static final Instant DAY0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final String[] COUNTRIES = {"US", "DE", "GB", "JP", null};
  private static final String[] DEVICES = {"iPhone", "Pixel 8", "Desktop", null};
  private static final String[] OSES = {"iOS", "Android", "Windows", "Linux"};
  private static final String[] ENGINES = {"Blink", "WebKit", "Gecko", null};

  @TempDir
  Path dir;
  private Database db;
  private DuckSessionStore store;
  private Rollups rollups;
  private DuckViewReader queries;
  private final Random random = new Random(42);
  private long offset;

  private RollupParts parts;

  @BeforeEach
  void open() {
    // every set rolls, however few views
    parts = RollupParts.open(dir, RollupStep.CHUNK, RollupStep.MAX_GROUPS, 1, RollupPolicy.WINDOW);
    db = parts.db();
    store = parts.store();
    rollups = parts.rollups();
    queries = parts.queries();
  }

  @AfterEach
  void close() {
    if (rollups != parts.rollups()) {
      rollups.close(); // one a test started in place of the first
    }
    parts.close();
  }

  private ViewRecord randomView(String account, long startMs) {
    String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
    Dimensions d = new Dimensions(random.nextBoolean() ? "mobile" : "desktop", DEVICES[random.nextInt(DEVICES.length)],
        null, OSES[random.nextInt(OSES.length)], random.nextBoolean() ? "Chrome" : "Safari",
        ENGINES[random.nextInt(ENGINES.length)],
        country == null ? null : "EU", country, country == null ? null : country + "-1", null, null);
    boolean frame = random.nextInt(10) > 0;
    return new ViewRecord(0L, account, "pb" + random.nextInt(20), null, null, "v" + random.nextInt(400), startMs, null, d,
        "example.com", false, random.nextInt(600_000), frame ? 50 + random.nextInt(5000) : null,
        random.nextInt(5) == 0 ? random.nextInt(20_000) : 0, random.nextInt(25) == 0 ? 1 : 0, frame, true,
        io.viewpulse.testing.QualityChecks.randomQuality(random, frame));
  }

  /** {@code n} finished views of account {@code acc}, started anywhere in the four days. */
  private void commitViews(String account, int n) {
    List<ViewRecord> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(randomView(account, DAY0.toEpochMilli() + (long) (random.nextDouble() * 4 * 86_400_000L)));
      if (batch.size() == 250) {
        store.commit(io.viewpulse.sessions.SessionStore.Commit.of(0, offset++, List.of(), List.of(), batch, List.of(), List.of()));
        batch.clear();
      }
    }
    store.commit(io.viewpulse.sessions.SessionStore.Commit.of(0, offset++, List.of(), List.of(), batch, List.of(), List.of()));
  }

  private void commitOpenSessions(int n) {
    List<SessionSnapshot> open = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      open.add(new SessionSnapshot("open-" + i, i % 5 != 0, DAY0.toEpochMilli(), new byte[] {1},
          randomView("acc", DAY0.toEpochMilli() + 3 * 86_400_000L + random.nextInt(86_400_000))));
    }
    store.commit(io.viewpulse.sessions.SessionStore.Commit.of(0, offset++, open, List.of(), List.of(), List.of(), List.of()));
  }

  private List<ViewsQuery> queries() {
    List<ViewsQuery> out = new ArrayList<>();
    Instant[][] ranges = {
      {null, null},
      {DAY0.plusSeconds(10 * 3600 + 1800), DAY0.plusSeconds(3 * 86_400 + 5 * 3600 + 900)},
      {DAY0.plusSeconds(86_400), DAY0.plusSeconds(2 * 86_400)},
      {DAY0.plusSeconds(3 * 86_400 - 7200), DAY0.plusSeconds(5 * 86_400)},
    };
    for (Instant[] r : ranges) {
      for (TimeStep step : Arrays.asList(null, TimeStep.HOUR, TimeStep.DAY, TimeStep.WEEK, TimeStep.MONTH)) {
        out.add(new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(), List.of(),
            ViewsQuery.Detail.FULL));
        out.add(new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.COUNTRY), List.of(),
            ViewsQuery.Detail.FULL));
        out.add(new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.DEVICE),
            List.of(Filter.parse("!device:iPhone")), ViewsQuery.Detail.FULL));
        out.add(new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(),
            List.of(Filter.parse("os:iOS")), ViewsQuery.Detail.ENGAGEMENT));
        // one video, as a playback id and as a filter; every video; the browser engine
        out.add(new ViewsQuery("acc", "pb3", null, null, r[0], r[1], step, List.of(), List.of(),
            ViewsQuery.Detail.FULL));
        out.add(new ViewsQuery("acc", "pb3", null, null, r[0], r[1], step, List.of(),
            List.of(Filter.parse("!playbackId:pb4")), ViewsQuery.Detail.ENGAGEMENT));
        out.add(new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.PLAYBACK_ID),
            List.of(Filter.parse("!playbackId:pb3")), ViewsQuery.Detail.FULL));
        out.add(new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.BROWSER_ENGINE),
            List.of(), ViewsQuery.Detail.FULL));
        out.add(new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(),
            List.of(Filter.parse("!browserEngine:Blink")), ViewsQuery.Detail.FULL));
        out.add(new ViewsQuery("acc", null, null, null, r[0], r[1], step, List.of(Dimension.COUNTRY), List.of(),
            ViewsQuery.Detail.QUALITY));
        out.add(new ViewsQuery("acc", "pb3", null, null, r[0], r[1], step, List.of(), List.of(),
            ViewsQuery.Detail.QUALITY));
      }
    }
    return out;
  }

  private void assertRollupsAnswerAsTheScan() {
    assertAnswersAsTheScan(queries, queries());
  }

  /** Every query is one the rollups answer, and their answer is the scan's. */
  static void assertAnswersAsTheScan(DuckViewReader queries, List<ViewsQuery> all) {
    for (ViewsQuery q : all) {
      assertThat(RollupSql.views(q)).as("answered from rollups: %s", q).isPresent();
      List<MetricRow> rolled = queries.views(q);
      List<MetricRow> scanned = queries.viewsByScan(q);
      QualityChecks.assertSameAnswer(q, rolled, scanned);
    }
  }

  @Test
  void rolledUpScannedAndOpenViewsTogetherAnswerAsAScan() {
    commitViews("acc", 3000);
    commitViews("other", 300);
    assertThat(rollups.rolling()).as("no set rolls before the views are measured").isEmpty();
    assertThat(rollups.pending()).isZero();
    assertRollupsAnswerAsTheScan();
    assertThat(rollups.catchUp()).isEqualTo(3300);
    assertThat(rollups.pending()).isZero();
    assertRollupsAnswerAsTheScan();

    // views finishing now for hours long rolled up, and open sessions: scanned until the next roll-up
    commitViews("acc", 700);
    commitOpenSessions(50);
    assertThat(rollups.pending()).isEqualTo(700);
    assertRollupsAnswerAsTheScan();

    assertThat(rollups.catchUp()).isEqualTo(700);
    assertRollupsAnswerAsTheScan();
    assertThat(queries.views(new ViewsQuery("acc", null, null, null, null, null, null, List.of(), List.of(),
        ViewsQuery.Detail.ENGAGEMENT)).get(0).viewCount()).isEqualTo(3000 + 700 + 40);
  }

  @Test
  void everyHourHasOneRowPerValueAndTheRollupsHoldEveryView() throws Exception {
    commitViews("acc", 1000);
    rollups.catchUp();
    commitViews("acc", 1000);
    rollups.catchUp();
    try (var c = db.connect(); Statement s = c.createStatement()) {
      for (String table : List.of("rollup_hour", "rollup_day")) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM (SELECT account_id, t, dims, country, device, os,"
            + " browser, device_type, continent, subdivision, browser_engine, playback_id, count(*) AS n FROM " + table
            + " GROUP BY ALL) WHERE n > 1")) {
          rs.next();
          assertThat(rs.getLong(1)).as("duplicate keys in %s", table).isZero();
        }
        try (ResultSet rs = s.executeQuery("SELECT dims, sum(views) FROM " + table + " GROUP BY dims")) {
          int sets = 0;
          while (rs.next()) {
            assertThat(rs.getLong(2)).as("views in set '%s' of %s", rs.getString(1), table).isEqualTo(2000);
            sets++;
          }
          assertThat(sets).isEqualTo(RollupSql.ROLLED.size() + 1);
        }
      }
    }
  }

  @Test
  void aChangedDefinitionRebuildsTheRollupsFromTheViews() throws Exception {
    commitViews("acc", 500);
    rollups.catchUp();
    try (var c = db.connect(); Statement s = c.createStatement()) {
      s.execute("UPDATE rollup_mark SET version = version - 1");
    }
    close();
    open();
    assertThat(rollups.rolling()).as("rebuilt: measured again before rolling").isEmpty();
    assertThat(rollups.catchUp()).isEqualTo(500);
    assertRollupsAnswerAsTheScan();
  }

  @Test
  void closingDuringACatchUpLeavesTheRollupsConsistentAndTheNextStartFinishesIt() throws Exception {
    commitViews("acc", 60_000);
    rollups.close();
    rollups = new Rollups(db, 5_000, 1, RollupPolicy.WINDOW); // many small steps, so the close lands in the middle of the catch-up
    Thread t = new Thread(() -> rollups.catchUp());
    t.start();
    Thread.sleep(50);
    rollups.close();
    t.join();
    rollups = new Rollups(db, RollupStep.CHUNK, 1, RollupPolicy.WINDOW);
    long left = rollups.pending();
    assertThat(left).isBetween(0L, 60_000L);
    assertThat(rollups.catchUp()).isEqualTo(left);
    assertRollupsAnswerAsTheScan();
  }
}
