package io.viewpulse.client;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The Java client against a real server: every method, and every way a call can fail. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class ViewpulseClientTest {
  @Parameter
  TestStores.Engine engine;

  private TestServer s;
  private Viewpulse client;
  private Media asset;
  private Media stream;

  @BeforeParameterizedClassInvocation
  void start() {
    s = new TestServer(engine);
    client = Viewpulse.builder().baseUrl("http://127.0.0.1:" + s.vp.port()).apiKey(s.secretKey).build();
    asset = client.createAsset(NewMedia.named("Launch video").withPlaybackId("launch1").withCreatorId("alice"));
    stream = client.createStream(NewMedia.named("Keynote").withId("keynote").withPlaybackId("key1")
        .withType("event"));
    s.clock.set(T0.plusSeconds(5));
    s.beacon(Beacons.session("c1", "launch1").play(T0).heartbeat("h1", T0.plusSeconds(5), 30_000, 0, 0, 0, 200L)
        .json(), "192.0.2.1");
    s.beacon(Beacons.session("c2", "launch1").userAgent(Beacons.SAFARI_IPHONE).play(T0)
        .heartbeat("h2", T0.plusSeconds(5), 90_000, 0, 0, 0, 400L).json(), "198.51.100.1");
    for (long r = 5; r <= 120; r += 5) {
      s.clock.set(T0.plusSeconds(r));
      s.beacon(Beacons.session("live1", "key1").live(true).heartbeat("l" + r, T0.plusSeconds(r), 5000, 0, 0, 0, null)
          .json(), "192.0.2.2");
    }
    s.clock.set(T0.plusSeconds(140));
    s.flush();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  @Test
  void createdAssetsAndStreamsComeBackTyped() {
    assertThat(asset.playbackId()).isEqualTo("launch1");
    assertThat(asset.creatorId()).isEqualTo("alice");
    assertThat(asset.createdAt()).isEqualTo(T0);
    assertThat(stream.type()).isEqualTo("event");
    assertThat(client.getAsset(asset.id())).isEqualTo(asset);
    assertThat(client.getStream("keynote")).isEqualTo(stream);
    assertThat(client.listAssets("launch")).containsExactly(asset);
    assertThat(client.listStreams(null)).containsExactly(stream);
  }

  @Test
  void totalViews() {
    TotalViews t = client.getTotalViews("launch1");
    assertThat(t).isEqualTo(new TotalViews("launch1", null, 2, 2.0));
  }

  @Test
  void viewsWithBreakdownAndTimeStep() {
    List<ViewershipMetric> rows = client.getViews(ViewsQuery.builder().playbackId("launch1").timeStep(TimeStep.DAY)
        .breakdownBy(Dimension.COUNTRY, Dimension.BROWSER).build());
    assertThat(rows).extracting(r -> r.dimension(Dimension.COUNTRY) + "/" + r.dimension(Dimension.BROWSER) + "="
        + r.viewCount()).containsExactlyInAnyOrder("US/Chrome=1", "DE/Safari=1");
    ViewershipMetric de = rows.stream().filter(r -> "DE".equals(r.dimension(Dimension.COUNTRY))).findFirst()
        .orElseThrow();
    assertThat(de.timestamp()).isEqualTo(T0.minusSeconds(10 * 3600).toEpochMilli());
    assertThat(de.playtimeMins()).isEqualTo(1.5);
    assertThat(de.ttffMs()).isEqualTo(400.0);
    assertThat(de.ttffP95Ms()).isEqualTo(400.0);
    assertThat(de.errorRate()).isZero();
    assertThat(de.uniqueViewers()).isEqualTo(1L);
    assertThat(de.dimensions()).containsOnlyKeys(Dimension.COUNTRY, Dimension.BROWSER);
  }

  @Test
  void filtersTakeSeveralValuesAndNegations() {
    assertThat(client.getViews(ViewsQuery.builder().playbackId("launch1").filter(Dimension.COUNTRY, "US", "DE")
        .build())).extracting(ViewershipMetric::viewCount).containsExactly(2L);
    assertThat(client.getViews(ViewsQuery.builder().playbackId("launch1").exclude(Dimension.BROWSER, "Safari")
        .breakdownBy(Dimension.COUNTRY).build()))
        .extracting(r -> r.dimension(Dimension.COUNTRY) + "=" + r.viewCount()).containsExactly("US=1");
    assertThat(client.getViews(ViewsQuery.builder().filters(List.of(io.viewpulse.client.Filter.parse("country:DE"),
        io.viewpulse.client.Filter.parse("!browser:Safari"))).build())).extracting(ViewershipMetric::viewCount)
        .as("the only view from DE is Safari's").containsExactly(0L);
    assertThat(client.getRealtimeViews(null, null, List.of(io.viewpulse.client.Filter.not(Dimension.PLAYBACK_ID,
        "key1")))).extracting(RealtimeMetric::viewCount).containsExactly(0L);
  }

  @Test
  void viewsByCreatorCarryEngagementOnly() {
    List<ViewershipMetric> rows = client.getViewsByCreator(ViewsQuery.builder().assetId(asset.id())
        .breakdownBy(Dimension.DEVICE_TYPE).build());
    assertThat(rows).extracting(r -> r.dimension(Dimension.DEVICE_TYPE) + "=" + r.viewCount())
        .containsExactly("desktop=1", "mobile=1");
    assertThat(rows.get(0).ttffMs()).isNull();
  }

  @Test
  void realtimeViews() {
    List<RealtimeMetric> now = client.getRealtimeViews(null, null, Dimension.PLAYBACK_ID);
    assertThat(now).containsExactly(new RealtimeMetric(java.util.Map.of(Dimension.PLAYBACK_ID, "key1"), 1, 0.0));
  }

  @Test
  void usage() {
    List<UsageMetric> all = client.getUsage(UsageQuery.all());
    assertThat(all).hasSize(1);
    assertThat(all.get(0).userId()).isEqualTo(s.accountId);
    assertThat(all.get(0).deliveryUsageMins()).isCloseTo(4.0, within(1e-9));
    List<UsageMetric> byCreator = client.getUsage(UsageQuery.all().perCreator());
    assertThat(byCreator).extracting(UsageMetric::creatorId).containsExactly("alice", null);
  }

  @Test
  void streamStatsWithAKeyAndSigned() {
    List<StreamStats> stats = client.getStreamStats("keynote", "nope");
    assertThat(stats).hasSize(2);
    StreamStats.Stats k = stats.get(0).stats();
    assertThat(stats.get(0).ts()).isEqualTo(T0.plusSeconds(120));
    assertThat(k.type()).isEqualTo("event");
    assertThat(k.concurrent().sessions()).isEqualTo(1);
    assertThat(k.concurrent().totalTime()).isEqualTo(60.0);
    assertThat(k.locations()).containsExactly(new StreamStats.Breakdown("us:ca", 1, 0, 0));
    assertThat(stats.get(1).stats()).isNull();

    Viewpulse signed = Viewpulse.builder().baseUrl("http://127.0.0.1:" + s.vp.port())
        .signLiveStatsWith(s.accountId, s.secretKey)
        .clock(Clock.fixed(s.clock.instant(), ZoneOffset.UTC)).build();
    assertThat(signed.getStreamStats("keynote").get(0).stats()).isEqualTo(k);
    assertThat(signed.getStreamStats("keynote").get(0).stats()).as("signed anew every time").isEqualTo(k);
    assertThat(signed.getStreamStatsSeries("keynote", T0, T0.plusSeconds(600)))
        .extracting(StreamStats::ts).containsExactly(T0.plusSeconds(60), T0.plusSeconds(120));
  }

  @Test
  void asyncVariantsComplete() throws Exception {
    assertThat(client.getTotalViewsAsync("launch1").get().viewCount()).isEqualTo(2);
    assertThat(client.getViewsAsync(ViewsQuery.builder().build()).get().get(0).viewCount()).isEqualTo(3);
  }

  @Test
  void alertRulesAreMadeReadReplacedAndDeleted() {
    AlertRule made = client.createAlertRule(AlertRule.threshold("client errors", "errorRate", ">", 0.1)
        .withFilters(List.of("country:DE")).withMinViews(50).withWebhookUrl("https://hooks.example.com/a"));
    assertThat(made).isEqualTo(new AlertRule(made.id(), "client errors", "errorRate", List.of("country:DE"), ">", 0.1,
        null, 50L, 5, 2, 2, "https://hooks.example.com/…", made.createdAt()));
    AlertRule anomaly = client.replaceAlertRule(made.id(), AlertRule.anomaly("client ttff", "ttffP95Ms", ">=",
        new AlertRule.Anomaly(3, 2.5, null)).withWindowMinutes(15).withHysteresis(3, 4));
    assertThat(anomaly).isEqualTo(new AlertRule(made.id(), "client ttff", "ttffP95Ms", List.of(), ">=", null,
        new AlertRule.Anomaly(3, 2.5, null), 100L, 15, 3, 4, null, made.createdAt()));
    assertThat(client.getAlertRule(made.id())).isEqualTo(anomaly);
    assertThat(client.listAlertRules()).contains(anomaly);
    assertThat(client.getAlertSigningSecret()).hasSize(64);
    assertThat(client.listIncidents(true, 10)).allSatisfy(i -> assertThat(i.open()).isTrue());
    assertThatThrownBy(() -> client.createAlertRule(AlertRule.threshold("x", "errorRate", "!=", 1)))
        .isInstanceOfSatisfying(ViewpulseException.class, e -> assertThat(e.messages())
            .containsExactly("field 'comparison': required: one of >, >=, <, <="));
    client.deleteAlertRule(made.id());
    assertThatThrownBy(() -> client.getAlertRule(made.id())).isInstanceOfSatisfying(ViewpulseException.class,
        e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void savedViewsAreSavedListedReadAndDeleted() {
    SavedView saved = client.createSavedView("Errors by browser", "#/breakdown/browser/errorRate?range=7d");
    assertThat(saved).isEqualTo(new SavedView(saved.id(), "Errors by browser", "#/breakdown/browser/errorRate?range=7d",
        java.time.Instant.ofEpochMilli(s.clock.millis()), s.secretKey.split("_")[1]));
    assertThat(client.listSavedViews()).containsExactly(saved);
    assertThat(client.getSavedView(saved.id())).isEqualTo(saved);
    assertThatThrownBy(() -> client.createSavedView(" ", "#/")).isInstanceOfSatisfying(ViewpulseException.class,
        e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.messages()).containsExactly("name is required and may not be blank");
        });
    client.deleteSavedView(saved.id());
    assertThat(client.listSavedViews()).isEmpty();
    assertThatThrownBy(() -> client.getSavedView(saved.id())).isInstanceOfSatisfying(ViewpulseException.class,
        e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.messages()).containsExactly("saved view not found");
        });
  }

  @Test
  void errorsCarryTheStatusAndTheServersMessages() {
    assertThatThrownBy(() -> client.getViewsByCreator(ViewsQuery.builder().build()))
        .isInstanceOfSatisfying(ViewpulseException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.messages()).containsExactly("must provide exactly 1 of assetId or streamId for creator query");
        });
    Viewpulse wrong = Viewpulse.builder().baseUrl("http://127.0.0.1:" + s.vp.port()).apiKey("vp_x_y").build();
    assertThatThrownBy(() -> wrong.getTotalViews("launch1")).isInstanceOfSatisfying(ViewpulseException.class,
        e -> assertThat(e.status()).isEqualTo(401));
    Viewpulse cors = Viewpulse.builder().baseUrl("http://127.0.0.1:" + s.vp.port()).apiKey(s.corsKey).build();
    assertThat(cors.getTotalViews("launch1").viewCount()).isEqualTo(2);
    assertThatThrownBy(() -> cors.getViews(ViewsQuery.builder().build()))
        .isInstanceOfSatisfying(ViewpulseException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThatThrownBy(() -> client.getAsset("missing")).isInstanceOfSatisfying(ViewpulseException.class,
        e -> assertThat(e.messages()).containsExactly("asset not found"));
    assertThatThrownBy(() -> client.createAsset(NewMedia.named("again").withPlaybackId("launch1")))
        .isInstanceOfSatisfying(ViewpulseException.class, e -> assertThat(e.status()).isEqualTo(409));
    Viewpulse nowhere = Viewpulse.builder().baseUrl("http://127.0.0.1:9").apiKey("k")
        .retries(1, Duration.ofMillis(10)).build();
    assertThatThrownBy(() -> nowhere.getTotalViews("x")).isInstanceOfSatisfying(ViewpulseException.class,
        e -> assertThat(e.status()).isZero());
  }

  @Test
  void readsAreRetriedOn503HonouringRetryAfter() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer flaky = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    flaky.createContext("/", ex -> {
      boolean fail = calls.incrementAndGet() < 3;
      byte[] body = (fail ? "{\"errors\":[\"overloaded\"]}" : "{\"playbackId\":\"p\",\"viewCount\":7,"
          + "\"playtimeMins\":1.0}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      if (fail) {
        ex.getResponseHeaders().add("Retry-After", "0");
      }
      ex.sendResponseHeaders(fail ? 503 : 200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    flaky.start();
    try {
      Viewpulse c = Viewpulse.builder().baseUrl("http://127.0.0.1:" + flaky.getAddress().getPort()).apiKey("k")
          .retries(2, Duration.ofMillis(10)).build();
      assertThat(c.getTotalViews("p").viewCount()).isEqualTo(7);
      assertThat(calls.get()).isEqualTo(3);
      calls.set(0);
      Viewpulse once = Viewpulse.builder().baseUrl("http://127.0.0.1:" + flaky.getAddress().getPort()).apiKey("k")
          .retries(0, Duration.ofMillis(10)).build();
      assertThatThrownBy(() -> once.getTotalViews("p")).isInstanceOfSatisfying(ViewpulseException.class, e -> {
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.messages()).containsExactly("overloaded");
      });
    } finally {
      flaky.stop(0);
    }
  }

  @Test
  void deletingRemovesTheAsset() {
    Media m = client.createAsset(NewMedia.named("temp"));
    client.deleteAsset(m.id());
    assertThatThrownBy(() -> client.getAsset(m.id())).isInstanceOf(ViewpulseException.class);
  }
}
