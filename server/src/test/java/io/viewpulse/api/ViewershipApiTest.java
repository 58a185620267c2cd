package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.auth.KeyService;
import io.viewpulse.model.Media;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scripted sessions through the real server, and the exact answers of the viewership API.
 *
 * <pre>
 * session     playback  viewer                         what happens                               view facts
 * s-normal    pbA       192.0.2.10 US Chrome/Linux    plays 13.8 s, 300 ms waiting at start       ttff 200, rebuffer 100+1000
 *                                                     (ttff 200), a 1 s stall later, ends
 * s-error     pbA       198.51.100.20 DE Safari/iOS   play, fatal error, page closed              error, no frame
 * s-ebs       pbA       203.0.113.30 GB Firefox/Win   play, waits, page closed before a frame     exit before start
 * s-mount     pbA       192.0.2.11                    mounts, never plays                         not a view
 * s-resent    pbB       2001:db8::1 JP uid viewer-42  plays 5 s; the batch is re-sent merged      playtime 10 s, ttff 100
 *                                                     (cumulative 10 s), then re-sent again
 * s-other     pbX       (second account)              plays 60 s                                  not visible to account 1
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ParameterizedClass
@EnumSource(TestStores.Engine.class)
class ViewershipApiTest {
  @Parameter
  TestStores.Engine engine;
  private TestServer s;
  private Media assetA;
  private Media assetB;
  private KeyService.IssuedKey other;

  @BeforeParameterizedClassInvocation
  void script() {
    s = new TestServer(engine);
    assetA = s.asset("pbA");
    assetB = s.asset("pbB");
    other = s.otherAccount("other");
    s.vp.catalog().create(other.key().accountId(),
        new io.viewpulse.catalog.Catalog.NewMedia(Media.Kind.ASSET, "x", "pbX", null, null, null));

    at(T0.plusSeconds(5));
    ok(s.beacon(Beacons.session("s-normal", "pbA").play(T0)
        .heartbeat("n1", T0.plusSeconds(5), 4800, 0, 300, 0, 200L).json(), "192.0.2.10"));
    at(T0.plusSeconds(10));
    ok(s.beacon(Beacons.session("s-normal", "pbA").heartbeat("n2", T0.plusSeconds(10), 5000, 0, 0, 0, null).json(),
        "192.0.2.10"));
    at(T0.plusSeconds(15));
    ok(s.beacon(Beacons.session("s-normal", "pbA").heartbeat("n3", T0.plusSeconds(15), 4000, 1000, 0, 0, null)
        .ended(T0.plusSeconds(15)).json(), "192.0.2.10"));

    Instant e0 = T0.plusSeconds(60);
    at(e0.plusSeconds(5));
    ok(s.beacon(Beacons.session("s-error", "pbA").userAgent(Beacons.SAFARI_IPHONE).play(e0)
        .error(e0.plusSeconds(2), "unknown", "").heartbeat("e1", e0.plusSeconds(5), 0, 0, 0, 1, null).json(),
        "198.51.100.20"));
    at(e0.plusSeconds(6));
    ok(s.lastBeacon(Beacons.session("s-error", "pbA").userAgent(Beacons.SAFARI_IPHONE)
        .heartbeat("e2", e0.plusSeconds(6), 0, 0, 0, 0, null).json(), "198.51.100.20"));

    Instant b0 = T0.plusSeconds(120);
    at(b0.plusSeconds(3));
    ok(s.beacon(Beacons.session("s-ebs", "pbA").userAgent(Beacons.FIREFOX_WINDOWS).play(b0)
        .heartbeat("b1", b0.plusSeconds(3), 0, 0, 3000, 0, null).json(), "203.0.113.30"));
    at(b0.plusSeconds(4));
    ok(s.lastBeacon(Beacons.session("s-ebs", "pbA").userAgent(Beacons.FIREFOX_WINDOWS)
        .heartbeat("b2", b0.plusSeconds(4), 0, 0, 500, 0, null).json(), "203.0.113.30"));

    ok(s.beacon(Beacons.session("s-mount", "pbA").canPlay(b0).heartbeat("m1", b0.plusSeconds(4), 0, 0, 0, 0, null)
        .json(), "192.0.2.11"));

    Instant r0 = T0.plusSeconds(3600);
    at(r0.plusSeconds(5));
    Beacons first = Beacons.session("s-resent", "pbB").uid("viewer-42").play(r0)
        .heartbeat("r1", r0.plusSeconds(5), 5000, 0, 0, 0, 100L);
    ok(s.beacon(first.json(), "2001:db8::1"));
    at(r0.plusSeconds(10));
    // the client saw a failure, so it re-sends the play event and folds the next heartbeat into r1
    first.last().put("timestamp", r0.plusSeconds(10).toEpochMilli()).put("time_playing_ms", 10_000)
        .put("oldest_buffer_timestamp", r0.plusSeconds(5).toEpochMilli());
    ok(s.beacon(first.json(), "2001:db8::1"));
    ok(s.beacon(first.json(), "2001:db8::1"));

    at(r0.plusSeconds(10));
    ok(s.beacon(Beacons.session("s-other", "pbX").play(r0).heartbeat("o1", r0.plusSeconds(10), 60_000, 0, 0, 0, 50L)
        .json(), "192.0.2.99"));
    s.flush();
  }

  @AfterParameterizedClassInvocation
  void stop() {
    s.close();
  }

  private void at(Instant t) {
    s.clock.set(t);
  }

  private static void ok(Http.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private List<JsonNode> rows(String query) {
    Http.Response r = s.query(query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().forEach(out::add);
    return out;
  }

  @Test
  void theWholeAccountHasFourViewsWithEveryMetricExact() {
    List<JsonNode> rows = rows("/api/data/views/query");
    assertThat(rows).hasSize(1);
    JsonNode r = rows.get(0);
    assertThat(r.get("viewCount").asLong()).isEqualTo(4);
    assertThat(r.get("playtimeMins").asDouble()).isCloseTo(23_800 / 60_000.0, within(1e-12));
    assertThat(r.get("ttffMs").asDouble()).isEqualTo(150.0);
    // t-digest percentiles of two first frames (100 and 200 ms): DuckDB's interpolates the median between them,
    // ClickHouse's answers with a centroid; both agree that the 95th is the larger, not an interpolation
    assertThat(r.get("ttffP50Ms").asDouble()).isEqualTo(engine == TestStores.Engine.DUCKDB ? 150.0 : 100.0);
    assertThat(r.get("ttffP95Ms").asDouble()).isEqualTo(200.0);
    assertThat(r.get("rebufferRatio").asText()).isEqualTo("0.04417671"); // 1,100 / 24,900, to seven digits
    assertThat(r.get("errorRate").asDouble()).isEqualTo(0.25);
    assertThat(r.get("exitsBeforeStart").asDouble()).isEqualTo(0.25);
    assertThat(r.get("uniqueViewers").asLong()).isEqualTo(4);
    assertThat(r.has("timestamp")).isFalse();
    assertThat(r.has("playbackId")).isFalse();
  }

  @Test
  void eachPlaybackIdHasItsOwnViews() {
    List<JsonNode> rows = rows("/api/data/views/query?breakdownBy[]=playbackId");
    assertThat(rows).extracting(n -> n.get("playbackId").asText(), n -> n.get("viewCount").asLong(),
        n -> n.get("playtimeMins").asDouble())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("pbA", 3L, 13_800 / 60_000.0),
            org.assertj.core.groups.Tuple.tuple("pbB", 1L, 10_000 / 60_000.0));
    JsonNode a = rows.get(0);
    // quality figures travel with a float's precision: seven significant digits
    assertThat(a.get("errorRate").asText()).isEqualTo("0.3333333");
    assertThat(a.get("exitsBeforeStart").asText()).isEqualTo("0.3333333");
    assertThat(a.get("ttffMs").asText()).isEqualTo("200.0");
    assertThat(a.get("rebufferRatio").asText()).isEqualTo("0.0738255"); // 1,100 / 14,900
  }

  @Test
  void aReSentHeartbeatReplacesItsEarlierVersionInsteadOfAddingToIt() {
    JsonNode b = rows("/api/data/views/query?playbackId=pbB").get(0);
    assertThat(b.get("viewCount").asLong()).isEqualTo(1);
    assertThat(b.get("playtimeMins").asDouble()).isCloseTo(10_000 / 60_000.0, within(1e-12));
    assertThat(b.get("ttffMs").asDouble()).isEqualTo(100.0);
    assertThat(b.get("rebufferRatio").asDouble()).isEqualTo(0.0);
  }

  @Test
  void userAgentDimensionsBreakDownViews() {
    assertThat(rows("/api/data/views/query?breakdownBy[]=browser&breakdownBy[]=os&breakdownBy[]=deviceType"
        + "&breakdownBy[]=browserEngine&breakdownBy[]=cpu&breakdownBy[]=device"))
        .extracting(n -> n.path("browser").asText(null) + "/" + n.path("os").asText(null) + "/"
            + n.path("deviceType").asText(null) + "/" + n.path("browserEngine").asText(null) + "/"
            + n.path("cpu").asText(null) + "/" + n.path("device").asText(null) + "=" + n.get("viewCount").asLong())
        .containsExactly(
            "Chrome/Linux/desktop/Blink/Intel x86_64/Linux Desktop=2",
            "Firefox/Windows NT/desktop/Gecko/Intel x86_64/Desktop=1",
            "Safari/iOS/mobile/AppleWebKit/null/Apple iPhone=1");
  }

  @Test
  void geoDimensionsComeFromTheViewersAddress() {
    assertThat(rows("/api/data/views/query?breakdownBy[]=continent&breakdownBy[]=country&breakdownBy[]=subdivision"
        + "&breakdownBy[]=timezone&breakdownBy[]=geohash"))
        .extracting(n -> n.path("continent").asText() + "/" + n.path("country").asText() + "/"
            + n.path("subdivision").asText() + "/" + n.path("timezone").asText() + "/" + n.path("geohash").asText()
            + "=" + n.get("viewCount").asLong())
        .containsExactly(
            "Asia/JP/Tokyo/Asia/Tokyo/xn7=1",
            "Europe/DE/Bavaria/Europe/Berlin/u28=1",
            "Europe/GB/England/Europe/London/gcp=1",
            "North America/US/California/America/Los_Angeles/9q9=1");
  }

  @Test
  void viewersAreTheUidOrAnOpaqueHash() {
    List<JsonNode> rows = rows("/api/data/views/query?breakdownBy[]=viewerId");
    assertThat(rows).hasSize(4);
    assertThat(rows).extracting(n -> n.get("viewerId").asText())
        .contains("viewer-42")
        .filteredOn(v -> !v.equals("viewer-42")).allMatch(v -> v.matches("h:[0-9a-f]{16}"));
  }

  @Test
  void filtersNarrowTheViewsByAnyDimension() {
    assertThat(rows("/api/data/views/query?filters[]=browser:Chrome").get(0).get("viewCount").asLong()).isEqualTo(2);
    assertThat(rows("/api/data/views/query?filters[]=!browser:Chrome&filters[]=!country:DE").get(0)
        .get("viewCount").asLong()).isEqualTo(1);
    Http.Response bad = s.query("/api/data/views/query?filters[]=colour:red");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("invalid filter dimension: colour");
    Http.Response syntax = s.query("/api/data/views/query?filters[]=Chrome");
    assertThat(syntax.status()).isEqualTo(400);
    assertThat(syntax.error()).isEqualTo("a filter is dimension:value or !dimension:value, got 'Chrome'");
    Http.Response longOne = s.query("/api/data/views/query?filters[]=browser:" + "x".repeat(600));
    assertThat(longOne.status()).isEqualTo(400);
    assertThat(longOne.error()).isEqualTo("a filter is longer than 512 characters");
  }

  @Test
  void severalValuesOfOneDimensionAreAlternativesAndOtherDimensionsMustHoldToo() {
    assertThat(count("/api/data/views/query?filters[]=browser:Firefox&filters[]=browser:Safari"))
        .as("Firefox or Safari").isEqualTo(2);
    assertThat(count("/api/data/views/query?filters[]=browser:Chrome&filters[]=browser:Safari"
        + "&filters[]=deviceType:mobile")).as("(Chrome or Safari) and mobile").isEqualTo(1);
    assertThat(count("/api/data/views/query?filters[]=browser:Chrome&filters[]=browser:Chrome")).isEqualTo(2);
    assertThat(count("/api/data/views/query?filters[]=playbackId:pbA&filters[]=playbackId:pbB")).isEqualTo(4);
    assertThat(count("/api/data/views/query?playbackId=pbA&filters[]=playbackId:pbB"))
        .as("the playback id and the filter must both hold").isZero();
    assertThat(count("/api/data/views/query?filters[]=!browser:Chrome&filters[]=!browser:Safari")).isEqualTo(1);
    assertThat(rows("/api/data/views/query?filters[]=browser:Firefox&filters[]=browser:Safari&breakdownBy[]=browser"))
        .extracting(n -> n.get("browser").asText() + "=" + n.get("viewCount").asLong())
        .containsExactlyInAnyOrder("Firefox=1", "Safari=1");
  }

  @Test
  void realtimeTakesFiltersOnItsOwnDimensions() {
    assertThat(rows("/api/data/views/now?filters[]=browser:Chrome&filters[]=browser:Safari"))
        .extracting(n -> n.get("viewCount").asLong()).containsExactly(1L);
    assertThat(rows("/api/data/views/now?filters[]=!browser:Chrome")).extracting(n -> n.get("viewCount").asLong())
        .containsExactly(0L);
    Http.Response bad = s.query("/api/data/views/now?filters[]=os:Linux");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo(
        "invalid filter dimension: os (the realtime API filters by playbackId, device, browser, country, asn, isp, cdn"
            + " or custom.<name>)");
  }

  private long count(String query) {
    List<JsonNode> r = rows(query);
    return r.isEmpty() ? 0 : r.get(0).get("viewCount").asLong();
  }

  @Test
  void hourlyBucketsStartOnTheHour() {
    assertThat(rows("/api/data/views/query?timeStep=hour"))
        .extracting(n -> n.get("timestamp").asLong(), n -> n.get("viewCount").asLong())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(T0.toEpochMilli(), 3L),
            org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(3600).toEpochMilli(), 1L));
  }

  @Test
  void dayWeekMonthAndYearBucketsAreUtc() {
    assertThat(bucket("day")).isEqualTo(Instant.parse("2026-03-02T00:00:00Z").toEpochMilli());
    assertThat(bucket("week")).isEqualTo(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());
    assertThat(bucket("month")).isEqualTo(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());
    assertThat(bucket("year")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
  }

  private long bucket(String step) {
    List<JsonNode> rows = rows("/api/data/views/query?timeStep=" + step);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("viewCount").asLong()).isEqualTo(4);
    return rows.get(0).get("timestamp").asLong();
  }

  @Test
  void fromIsInclusiveAndToExclusiveInEitherFormat() {
    String from = T0.plusSeconds(60).toString();
    long to = T0.plusSeconds(3600).toEpochMilli();
    assertThat(rows("/api/data/views/query?from=" + from + "&to=" + to).get(0).get("viewCount").asLong())
        .isEqualTo(2);
    assertThat(rows("/api/data/views/query?from=" + T0.plusSeconds(3600).toEpochMilli()).get(0)
        .get("viewCount").asLong()).isEqualTo(1);
  }

  @Test
  void anEmptyRangeStillAnswersOneRowOfZeros() {
    JsonNode r = rows("/api/data/views/query?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z").get(0);
    assertThat(r.get("viewCount").asLong()).isZero();
    assertThat(r.get("playtimeMins").asDouble()).isZero();
    assertThat(r.has("ttffMs")).as("undefined metrics are left out, never null").isFalse();
    assertThat(r.has("errorRate")).isFalse();
  }

  @Test
  void assetIdFiltersToTheAssetsPlaybackId() {
    JsonNode r = rows("/api/data/views/query?assetId=" + assetB.id() + "&breakdownBy[]=playbackId").get(0);
    assertThat(r.get("playbackId").asText()).isEqualTo("pbB");
    assertThat(r.get("viewCount").asLong()).isEqualTo(1);
  }

  @Test
  void theCreatorApiAnswersEngagementOnlyForOneAsset() {
    List<JsonNode> rows = rows("/api/data/views/query/creator?assetId=" + assetA.id() + "&breakdownBy[]=country");
    assertThat(rows).extracting(n -> n.get("country").asText() + "=" + n.get("viewCount").asLong())
        .containsExactly("DE=1", "GB=1", "US=1");
    JsonNode us = rows.get(2);
    assertThat(us.get("playtimeMins").asDouble()).isCloseTo(13_800 / 60_000.0, within(1e-12));
    assertThat(us.has("ttffMs")).isFalse();
    assertThat(us.has("errorRate")).isFalse();
  }

  @Test
  void theCreatorApiTakesSeveralValuesOfADimensionAndNegations() {
    assertThat(rows("/api/data/views/query/creator?assetId=" + assetA.id() + "&breakdownBy[]=country"
        + "&filters[]=country:DE&filters[]=country:US&filters[]=!browser:Safari"))
        .extracting(n -> n.get("country").asText() + "=" + n.get("viewCount").asLong()).containsExactly("US=1");
  }

  @Test
  void theCreatorApiNeedsExactlyOneOfAssetIdAndStreamId() {
    Http.Response none = s.query("/api/data/views/query/creator");
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.error()).isEqualTo("must provide exactly 1 of assetId or streamId for creator query");
    Http.Response both = s.query("/api/data/views/query/creator?assetId=" + assetA.id() + "&streamId=x");
    assertThat(both.status()).isEqualTo(400);
  }

  @Test
  void totalsCountAllTimeViewsOfAPlaybackId() {
    Http.Response r = s.query("/api/data/views/query/total/pbA");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("playbackId").asText()).isEqualTo("pbA");
    assertThat(r.json().get("viewCount").asLong()).isEqualTo(3);
    assertThat(r.json().get("playtimeMins").asDouble()).isCloseTo(13_800 / 60_000.0, within(1e-12));
  }

  @Test
  void accountsSeeOnlyTheirOwnViews() {
    Http.Response mine = s.http.getWithKey("/api/data/views/query?breakdownBy[]=playbackId", other.token());
    assertThat(mine.json()).hasSize(1);
    assertThat(mine.json().get(0).get("playbackId").asText()).isEqualTo("pbX");
    assertThat(mine.json().get(0).get("viewCount").asLong()).isEqualTo(1);
    assertThat(mine.json().get(0).get("playtimeMins").asDouble()).isEqualTo(1.0);
    assertThat(s.http.getWithKey("/api/data/views/query/creator?assetId=" + assetA.id(), other.token()).status())
        .isEqualTo(404);
    assertThat(rows("/api/data/views/query?playbackId=pbX").get(0).get("viewCount").asLong()).isZero();
  }

  @Test
  void realtimeCountsSessionsStillPlaying() {
    List<JsonNode> rows = rows("/api/data/views/now?breakdownBy[]=playbackId");
    assertThat(rows).extracting(n -> n.get("playbackId").asText() + "=" + n.get("viewCount").asLong() + "/"
        + n.get("errorRate").asDouble()).containsExactly("pbB=1/0.0");
    assertThat(rows("/api/data/views/now?assetId=" + assetB.id())).extracting(n -> n.get("viewCount").asLong())
        .as("an asset's id stands for its playback id, as in Livepeer's API").containsExactly(1L);
    assertThat(rows("/api/data/views/now?assetId=" + assetA.id())).extracting(n -> n.get("viewCount").asLong())
        .containsExactly(0L);
    Http.Response unknown = s.query("/api/data/views/now?streamId=nope");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("stream not found");
  }

  @Test
  void breakdownsCanBeGivenInEveryFormTheSdkOrAPersonWouldWrite() {
    String expected = rows("/api/data/views/query?breakdownBy[]=playbackId&breakdownBy[]=country").toString();
    assertThat(rows("/api/data/views/query?breakdownBy=playbackId&breakdownBy=country").toString()).isEqualTo(expected);
    assertThat(rows("/api/data/views/query?breakdownBy=playbackId,country").toString()).isEqualTo(expected);
    assertThat(rows("/api/data/views/query?breakdownBy[]=playbackId,%20country&breakdownBy[]=playbackId").toString())
        .as("spaces and repeats").isEqualTo(expected);
  }

  @Test
  void badParametersAreRefusedWithWhatIsWrong() {
    java.util.Map<String, String> refusals = new java.util.LinkedHashMap<>();
    refusals.put("/api/data/views/query?timeStep=fortnight",
        "invalid time step: fortnight (expected one of hour, day, week, month, year)");
    refusals.put("/api/data/views/query?breakdownBy[]=planet", "invalid breakdown field: planet (expected one of "
        + "playbackId, dStorageUrl, deviceType, device, cpu, os, browser, browserEngine, continent, country, "
        + "subdivision, timezone, geohash, viewerId, creatorId, asn, isp, cdn, or custom.<name> of a declared custom "
        + "dimension)");
    refusals.put("/api/data/views/query?from=yesterday", "bad time \"yesterday\" for from. must be in RFC3339 or Unix"
        + " Timestamp (millisecond) formats");
    refusals.put("/api/data/views/query?from=" + T0.toEpochMilli() + "&to=" + T0.toEpochMilli(),
        "from must be before to");
    refusals.put("/api/data/views/now?from=" + T0.toEpochMilli(),
        "time range params (from, to, timeStep) are not supported for Realtime Viewership API");
    refusals.put("/api/data/views/now?breakdownBy[]=os",
        "invalid breakdown field: os (expected one of playbackId, device, browser, country, asn, isp, cdn, or"
            + " custom.<name> of a declared custom dimension)");
    refusals.put("/api/data/usage/query?timeStep=week", "invalid time step: week (expected one of hour, day)");
    refusals.forEach((path, error) -> {
      Http.Response r = s.query(path);
      assertThat(r.status()).as(path).isEqualTo(400);
      assertThat(r.error()).as(path).isEqualTo(error);
    });
  }

  @Test
  void usageIsDeliveredMinutes() {
    Http.Response r = s.query("/api/data/usage/query");
    assertThat(r.json().get("UserID").asText()).isEqualTo(s.accountId);
    assertThat(r.json().get("DeliveryUsageMins").asDouble()).isCloseTo(23_800 / 60_000.0, within(1e-12));
    Http.Response hourly = s.query("/api/data/usage/query?timeStep=hour");
    assertThat(hourly.json()).hasSize(2);
    assertThat(hourly.json().get(1).get("TimeInterval").asLong()).isEqualTo(T0.plusSeconds(3600).toEpochMilli());
    assertThat(hourly.json().get(1).get("DeliveryUsageMins").asDouble())
        .isCloseTo(10_000 / 60_000.0, within(1e-12));
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void finishedViewsKeepTheirValuesWhenTheyLeaveMemory() {
    // an hour later every session has ended or timed out and moved from the open set to the views table
    s.clock.set(T0.plusSeconds(3 * 3600));
    s.flush();
    JsonNode r = rows("/api/data/views/query").get(0);
    assertThat(r.get("viewCount").asLong()).isEqualTo(4);
    assertThat(r.get("playtimeMins").asDouble()).isCloseTo(23_800 / 60_000.0, within(1e-12));
    assertThat(r.get("errorRate").asDouble()).isEqualTo(0.25);
    assertThat(r.get("exitsBeforeStart").asDouble()).isEqualTo(0.25);
    assertThat(rows("/api/data/views/now")).extracting(n -> n.get("viewCount").asLong()).containsExactly(0L);

    // rolled up, they answer exactly as before
    List<String> asked = List.of("/api/data/views/query",
        "/api/data/views/query?timeStep=hour&breakdownBy[]=country",
        "/api/data/views/query?timeStep=day&breakdownBy[]=browser&from=" + T0.minusSeconds(1800).toEpochMilli()
            + "&to=" + T0.plusSeconds(7200).toEpochMilli(),
        "/api/data/views/query?filters[]=!country:US");
    List<String> scanned = asked.stream().map(q -> s.query(q).body()).toList();
    // DuckDB rolls up in the background (here, now); ClickHouse's rollups are filled with every insert
    assertThat(s.vp.rollUp()).isEqualTo(engine == TestStores.Engine.DUCKDB ? 5 : 0);
    assertThat(asked.stream().map(q -> s.query(q).body()).toList()).isEqualTo(scanned);
    if (engine == TestStores.Engine.DUCKDB) {
      assertThat(metric("viewpulse_rollup_sets_rolling")).as("every set rolls on a test server").isEqualTo(20);
      assertThat(metric("viewpulse_rollup_lag_views")).isZero();
    }
  }


  private double metric(String name) {
    return s.http.get("/metrics").body().lines().filter(l -> l.startsWith(name + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElseThrow();
  }
}
