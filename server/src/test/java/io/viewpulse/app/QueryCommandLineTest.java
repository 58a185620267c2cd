package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.app.ServerCli.Out;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The query commands against a real server, in each output format. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryCommandLineTest {
  private TestServer s;
  private ServerCli cli;

  @BeforeAll
  void start() {
    s = new TestServer();
    cli = new ServerCli(s);
    s.asset("launch1");
    s.vp.catalog().create(s.accountId, new io.viewpulse.catalog.Catalog.NewMedia(
        io.viewpulse.model.Media.Kind.STREAM, "chan", "Channel", "chanpb", null, null, "channel"));
    s.clock.set(T0.plusSeconds(5));
    s.beacon(Beacons.session("a", "launch1").play(T0).heartbeat("h1", T0.plusSeconds(5), 30_000, 0, 0, 0, 200L)
        .json(), "192.0.2.1");
    s.beacon(Beacons.session("b", "launch1").userAgent(Beacons.SAFARI_IPHONE).play(T0)
        .heartbeat("h2", T0.plusSeconds(5), 90_000, 0, 0, 0, 400L).json(), "198.51.100.1");
    for (long r = 5; r <= 120; r += 5) {
      s.clock.set(T0.plusSeconds(r));
      s.beacon(Beacons.session("c", "chanpb").heartbeat("l" + r, T0.plusSeconds(r), 5000, 0, 0, 0, null).json(),
          "192.0.2.2");
    }
    s.clock.set(T0.plusSeconds(140));
    s.flush();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  @Test
  void customDimensionsAreDeclaredListedAndQueriedByName() {
    Out declared = cli.run("custom-dimensions", "declare", "experiment", "--format", "csv");
    assertThat(declared.code()).as(declared.err()).isZero();
    assertThat(declared.out()).isEqualTo("dimension\ncustom.experiment\n");
    assertThat(cli.run("custom-dimensions", "--format", "csv").out()).isEqualTo("dimension\ncustom.experiment\n");
    Out again = cli.run("custom-dimensions", "declare", "experiment");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("viewpulse: custom dimension experiment is declared already (HTTP 409)\n");
    Out views = cli.run("views", "--playback-id", "launch1", "--by", "custom.experiment", "--format", "csv");
    assertThat(views.code()).as(views.err()).isZero();
    assertThat(views.out().lines().map(l -> l.split(",")[0] + "," + l.split(",")[1]).toList())
        .as("no view sent one: one group, without a value").containsExactly("custom.experiment,views", ",2");
    Out undeclared = cli.run("views", "--by", "custom.arm");
    assertThat(undeclared.code()).isEqualTo(1);
    assertThat(undeclared.err()).isEqualTo("viewpulse: custom dimension arm is not declared (this account declared"
        + " experiment) (HTTP 400)\n");
  }

  @Test
  void viewsPrintAsATable() {
    Out o = cli.run("views", "--playback-id", "launch1", "--by", "country,browser");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).isEqualTo("""
        country  browser  views  watchMins  uniqueViewers  ttffMs   ttffP50Ms  ttffP95Ms  rebufferRatio  errorRate  exitsBeforeStart
        DE       Safari       1      1.500              1  400.000    400.000    400.000          0.000      0.000             0.000
        US       Chrome       1      0.500              1  200.000    200.000    200.000          0.000      0.000             0.000
        """);
  }

  @Test
  void viewsAndNowTakeFiltersWithSeveralValuesAndNegations() {
    Out o = cli.run("views", "--by", "country", "--filter", "country:US", "--filter", "country:DE", "--filter",
        "!browser:Safari", "--format", "csv");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out().lines().map(l -> l.split(",")[0] + "," + l.split(",")[1]).toList())
        .as("a and the channel's view from the US; b, from DE, is Safari's").containsExactly("country,views", "US,2");
    assertThat(cli.run("now", "--filter", "!playbackId:chanpb", "--format", "csv").out())
        .isEqualTo("views,errorRate\n0,0.0\n");
    assertThat(cli.run("now", "--filter", "playbackId:chanpb", "--filter", "playbackId:other", "--format", "csv").out())
        .isEqualTo("views,errorRate\n1,0.0\n");
    Out bad = cli.run("views", "--filter", "colour:red");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("unknown filter dimension 'colour'");
  }

  @Test
  void viewsPrintAsCsvAndJson() throws Exception {
    Out csv = cli.run("views", "--playback-id", "launch1", "--time-step", "day", "--format", "csv");
    assertThat(csv.out()).isEqualTo("""
        time,views,watchMins,uniqueViewers,ttffMs,ttffP50Ms,ttffP95Ms,rebufferRatio,errorRate,exitsBeforeStart
        2026-03-02T00:00:00Z,2,2.0,2,300.0,300.0,400.0,0.0,0.0,0.0
        """);
    Out json = cli.run("views", "--playback-id", "launch1", "--by", "deviceType", "--format", "json");
    var rows = Http.JSON.readTree(json.out());
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("deviceType").asText()).isIn("desktop", "mobile");
    assertThat(rows.get(0).get("views").asLong()).isEqualTo(1);
  }

  @Test
  void totalsRealtimeUsageAndStreamStats() {
    assertThat(cli.run("total", "launch1").out()).isEqualTo("""
        id       views  watchMins
        launch1      2      2.000
        """);
    assertThat(cli.run("now", "--by", "playbackId", "--format", "csv").out()).isEqualTo("""
        playbackId,views,errorRate
        chanpb,1,0.0
        """);
    assertThat(cli.run("usage", "--format", "csv").out()).isEqualTo("""
        time,creatorId,deliveryMins
        ,,4.0
        """);
    assertThat(cli.run("stream-stats", "chan", "nope", "--format", "csv").out()).isEqualTo("""
        stream,type,ts,concurrent,new,totalTimeSecs,authFailures,adSlateSecs,mcsSecs,topLocation,topPlatform
        chan,channel,2026-03-02T10:02:00Z,1,0,60.0,0,0.0,0.0,us:ca,linux
        nope,,,,,,,,,,
        """);
  }

  @Test
  void aRefusalExitsWith1AndTheServersMessage() {
    Out o = cli.run("views", "--creator-api");
    assertThat(o.code()).isEqualTo(1);
    assertThat(o.err().strip())
        .isEqualTo("viewpulse: must provide exactly 1 of assetId or streamId for creator query (HTTP 400)");
  }
}
