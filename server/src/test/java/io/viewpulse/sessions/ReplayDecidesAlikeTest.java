package io.viewpulse.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.viewpulse.live.MinuteRow;
import io.viewpulse.model.Beacon;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.EventType;
import io.viewpulse.model.Heartbeat;
import io.viewpulse.model.LogCodec;
import io.viewpulse.model.PlayerEvent;
import io.viewpulse.model.StreamEvent;
import io.viewpulse.model.Tick;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.MetricRow;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.store.Store;
import io.viewpulse.store.engines.Stores;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A partition replayed after a crash decides exactly as the first run did: sessions end and live minutes close by the
 * time of the log (its records and ticks), never by a clock read while applying. One log of three hours (views of an
 * asset and of a live channel, slate, pauses, quiet stretches with only ticks) goes through an uninterrupted writer,
 * and through writers that crash at many points (the state of the last commit restored from a real store, the rest
 * replayed, commits made at other moments); every run leaves the same views and the same minutes.
 */
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class ReplayDecidesAlikeTest {
  @Parameter
  TestStores.Engine engine;

  private static final long T0 = TestServer.T0.toEpochMilli();
  private static final Dimensions DIMS =
      new Dimensions("desktop", "Desktop", null, "Linux", "Chrome", "Blink", "EU", "DE", "Bavaria", null, null);

  /** The log: records in the order they were received, each with its receive time. */
  private static List<byte[]> log() {
    Random r = new Random(3);
    List<byte[]> out = new ArrayList<>();
    long t = T0;
    int hb = 0;
    for (int step = 0; step < 2_000; step++) {
      t += 1_000 + r.nextInt(4_000);
      if (step % 400 > 350) {
        // a quiet stretch: the owner's ticks only
        out.add(LogCodec.encode(new Tick(t)));
        continue;
      }
      int session = r.nextInt(12);
      boolean live = session < 4;
      String pb = live ? "chanpb" : "pb" + session % 3;
      List<PlayerEvent> events = new ArrayList<>();
      if (r.nextInt(10) == 0) {
        events.add(new PlayerEvent("p" + step, EventType.PLAY, t - 200, null, null, null));
      }
      long playing = r.nextInt(6) == 0 ? 0 : 5_000;
      events.add(new PlayerEvent("h" + hb++, EventType.HEARTBEAT, t, new Heartbeat(0, 0, 0, 0, 0, 0,
          r.nextInt(8) == 0 ? 700 : 0, playing, 0, step < 30 ? 300L : null, null, null), null, null));
      if (r.nextInt(40) == 0) {
        events.add(new PlayerEvent("e" + step, EventType.ENDED, t, null, null, null));
      }
      String id = "s" + session + "-" + step / 250;
      out.add(LogCodec.encode(new Beacon("acc", live ? "chan" : "asset" + session % 3, pb, null, null, id,
          "viewer-" + session + "-" + step / 250, live, "example.com", "cdn.example.com", DIMS, "BY", r.nextInt(50) == 0, t, events)));
      if (live && r.nextInt(15) == 0) {
        out.add(LogCodec.encode(new StreamEvent(StreamEvent.Type.SLATE, "acc", "chan", "chanpb", id,
            "ad_slate", "7", 3.5, t, t)));
      }
    }
    return out;
  }

  /**
   * Applies the log from where the store's last commit left the partition, committing after every {@code every}
   * records (and expiring before each commit), and stops after record {@code crashAfter} (exclusive of a last
   * commit: the crash) or at the end (with a last commit).
   */
  private void run(Store store, List<byte[]> log, int every, int crashAfter) {
    SessionRules rules = SessionRules.defaults();
    OpenSessions s = new OpenSessions(0, rules, (account, media) -> media.equals("chan"),
        new SimpleMeterRegistry().counter("d"), new SimpleMeterRegistry().counter("l"));
    s.restore(store.sessions().recover(0));
    int applied = 0;
    for (int offset = (int) s.applied() + 1; offset < log.size(); offset++) {
      s.apply(offset, log.get(offset));
      if (offset == crashAfter) {
        return;
      }
      if (++applied % every == 0) {
        s.expire();
        store.sessions().commit(s.drain());
      }
    }
    s.expire();
    store.sessions().commit(s.drain());
  }

  private static List<MetricRow> views(Store store) {
    return store.views().views(new ViewsQuery("acc", null, null, null, null, null, null,
        List.of(Dimension.VIEWER_ID, Dimension.PLAYBACK_ID), List.of(), ViewsQuery.Detail.FULL));
  }

  private static List<MinuteRow> minutes(Store store) {
    return store.liveMinutes().series("acc", "chan", T0, T0 + 4 * 3_600_000L);
  }

  @Test
  void aReplayAfterACrashAtAnyPointDecidesAsTheUninterruptedRun() {
    List<byte[]> log = log();
    Path a = TestServer.newTempDir();
    List<MetricRow> expectedViews;
    List<MinuteRow> expectedMinutes;
    try (Store once = Stores.open(TestStores.fresh(engine, a))) {
      once.sessions().recover(0);
      run(once, log, 50, -1);
      expectedViews = views(once);
      expectedMinutes = minutes(once);
    } finally {
      TestServer.deleteTree(a);
    }
    assertThat(expectedViews.stream().mapToLong(MetricRow::viewCount).sum()).as("views of many sessions")
        .isGreaterThan(30);
    assertThat(expectedMinutes).as("minutes of the channel").hasSizeGreaterThan(60);

    for (int crash : new int[] {17, 333, 801, 1_207, 1_666, 2_001}) {
      Path b = TestServer.newTempDir();
      try (Store store = Stores.open(TestStores.fresh(engine, b))) {
        store.sessions().recover(0);
        run(store, log, 37, crash);
        // the writer dies; the next one starts from what the store holds, and commits at other moments
        run(store, log, 91, -1);
        assertThat(views(store)).as("views after a crash after record %d", crash).isEqualTo(expectedViews);
        assertThat(minutes(store)).as("minutes after a crash after record %d", crash).isEqualTo(expectedMinutes);
      } finally {
        TestServer.deleteTree(b);
      }
    }
  }
}
