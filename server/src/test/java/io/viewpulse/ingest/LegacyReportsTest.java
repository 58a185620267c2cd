package io.viewpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Which players' socket reports count (those of Livepeer players that send nothing else), and what the reports keep:
 * nothing for a playback id nobody owns, bounded fields, a cache bounded by weight.
 */
class LegacyReportsTest {
  @Test
  void playersBeforeCore32ReportOnlyBySocketAndCount() {
    // the player field as Livepeer's players write it: source type, then the version string of the package
    assertThat(LegacyReports.reportsOnlyBySocket("hls-@livepeer/core@2.1.9")).isTrue();
    assertThat(LegacyReports.reportsOnlyBySocket("video-@livepeer/core@3.1.20")).isTrue();
    assertThat(LegacyReports.reportsOnlyBySocket("hls-@livepeer/react@3.1.9")).isTrue();
    assertThat(LegacyReports.reportsOnlyBySocket("webrtc-@livepeer/react@4.1.11")).isTrue();
    assertThat(LegacyReports.reportsOnlyBySocket("hls-@livepeer/react-native@2.0.13")).isTrue();
  }

  @Test
  void playersFromCore32OnAlsoSendBeaconsAndTheirSocketDoesNotCount() {
    assertThat(LegacyReports.reportsOnlyBySocket("hls-@livepeer/core@3.2.7")).isFalse();
    assertThat(LegacyReports.reportsOnlyBySocket("hls-@livepeer/core@3.3.1")).isFalse();
    assertThat(LegacyReports.reportsOnlyBySocket("hls-@livepeer/react@4.2.7")).isFalse();
    assertThat(LegacyReports.reportsOnlyBySocket("hls-@livepeer/react@5.0.0")).isFalse();
  }

  @Test
  void anUnknownPlayerDoesNotCount() {
    assertThat(LegacyReports.reportsOnlyBySocket(null)).isFalse();
    assertThat(LegacyReports.reportsOnlyBySocket("hls-unknown")).isFalse();
    assertThat(LegacyReports.reportsOnlyBySocket("hls-@someone/player@1.0.0")).isFalse();
    assertThat(LegacyReports.reportsOnlyBySocket("hls-@livepeer/core@99999999999.1.0")).isFalse();
  }

  private static final String[] FIELDS = {"pageUrl", "sourceUrl", "sourceType", "player", "userAgent", "uid",
      "lastError", "duration", "offset", "ttff", "firstPlayback", "timeUnpaused", "timeStalled", "timeWaiting",
      "nStalled", "nWaiting", "nError", "playbackScore", "autoplay"};

  /** Whatever a player's socket sends, what comes out is either nothing or a beacon the POST parser accepts. */
  @Property(tries = 2_000)
  void everyMessageSequenceMakesOnlyValidBeacons(
      @ForAll @Size(max = 12) List<@Size(max = 6) List<@IntRange(max = 999) Integer>> messages,
      @ForAll boolean closes) {
    LegacyReports.Session session = new LegacyReports.Session("pb1", "sess1");
    session.merge(io.viewpulse.testing.Http.JSON.createObjectNode().put("player", "hls-@livepeer/core@2.1.9"), null);
    long now = 1_000_000;
    int beacons = 0;
    for (List<Integer> message : messages) {
      com.fasterxml.jackson.databind.node.ObjectNode n = io.viewpulse.testing.Http.JSON.createObjectNode();
      for (int code : message) {
        String field = FIELDS[code % FIELDS.length];
        switch (code / FIELDS.length % 6) {
          case 0 -> n.put(field, code * 137L);
          case 1 -> n.put(field, -code);
          case 2 -> n.put(field, "x\u0000\"" + code);
          case 3 -> n.put(field, code * 1e300);
          case 4 -> n.putNull(field);
          default -> n.put(field, "https://example.com/p?" + code);
        }
      }
      session.merge(n, null);
      now += 1_000L * (1 + message.size());
      LegacyReports.Session.Beacon b = session.beaconIfDue(now, "n", false);
      if (b != null) {
        BeaconParser.Parsed parsed = BeaconParser.parse(b.body());
        assertThat(parsed.unknownTypes()).isZero();
        assertThat(parsed.beacon().events()).isNotEmpty();
        beacons++;
      }
    }
    LegacyReports.Session.Beacon last = closes ? session.beaconIfDue(now + 1, "n", true) : null;
    if (last != null) {
      assertThat(BeaconParser.parse(last.body()).beacon().playbackId()).isEqualTo("pb1");
    }
    assertThat(beacons).isLessThanOrEqualTo(messages.size());
  }

  /** How an open ends: "opened", or the kind of its refusal. */
  private static String outcome(Runnable r) {
    try {
      r.run();
      return "opened";
    } catch (Rejection e) {
      return e.kind().name();
    }
  }

  @Test
  void aSocketForAPlaybackIdNobodyOwnsIsRefusedAndKeepsNothing() throws Exception {
    try (IngestParts p = new IngestParts(LegacyReports.DEFAULT_MAX_BYTES)) {
      LegacyReports legacy = p.ingest.legacy();
      String longId = "x".repeat(7_000);
      for (int i = 0; i < 1_000; i++) {
        String id = i % 2 == 0 ? longId + i : "unknown" + i;
        int token = i;
        assertThat(outcome(() -> legacy.open(id, "tok" + token, "192.0.2.1", Map.of()))).isEqualTo("NOT_FOUND");
      }
      assertThat(outcome(() -> legacy.open("bad id", "tok", "192.0.2.1", Map.of()))).isEqualTo("NOT_FOUND");
      assertThat(outcome(() -> legacy.open(null, "tok", "192.0.2.1", Map.of()))).isEqualTo("NOT_FOUND");
      legacy.cleanUp();
      assertThat(legacy.sessions()).isZero();
      assertThat(legacy.weight()).isZero();
    }
  }

  @Test
  void aSessionKeepsOnlyWhatItsBeaconsNeedEachFieldCapped() throws Exception {
    try (IngestParts p = new IngestParts(LegacyReports.DEFAULT_MAX_BYTES)) {
      String agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
      LegacyReports.Connection c = p.ingest.legacy().open("pb1", "tok1", "192.0.2.1", Map.of("user-agent", agent));
      c.message(io.viewpulse.testing.Http.JSON.createObjectNode()
          .put("pageUrl", "https://shop.example.com/watch?v=" + "q".repeat(6_000))
          .put("sourceUrl", "https://cdn.example.com/hls/pb1/" + "s".repeat(6_000) + "/index.m3u8")
          .put("sourceType", "t".repeat(100)).put("player", "hls-@livepeer/core@2.1.9").put("userAgent", agent)
          .put("uid", "u".repeat(256)).put("lastError", "e".repeat(1_000)).toString());
      LegacyReports.Session s = c.session();
      assertThat(s.domain).isEqualTo("shop.example.com");
      assertThat(s.sourceHost).isEqualTo("cdn.example.com");
      assertThat(s.legacyPlayer()).isTrue();
      assertThat(s.userAgent).as("the socket's own user agent is not kept twice").isNull();
      assertThat(s.uid).as("a long viewer id is kept as its hash").isEqualTo(
          "sha256:" + io.viewpulse.model.Sha256.hex("u".repeat(256)));
      assertThat(s.lastError).hasSize(LegacyReports.MAX_ERROR);
      // a user agent unlike the socket's is kept, up to the cap; a longer one is not
      c.message("{\"userAgent\": \"" + "a".repeat(LegacyReports.MAX_USER_AGENT) + "\"}");
      assertThat(s.userAgent).hasSize(LegacyReports.MAX_USER_AGENT);
      c.message("{\"userAgent\": \"" + "b".repeat(LegacyReports.MAX_USER_AGENT + 1) + "\"}");
      assertThat(s.userAgent).startsWith("a");
      // the cache holds the weight of what the session keeps now
      p.ingest.legacy().cleanUp();
      assertThat(p.ingest.legacy().weight()).isEqualTo(s.weight()).isEqualTo(LegacyReports.Session.FIXED_BYTES
          + (40 + 2 * "pb1|tok1".length()) + (40 + 2 * 4) + (40 + 2 * 16) + (40 + 2 * 15)
          + (40 + 2 * LegacyReports.MAX_USER_AGENT) + (40 + 2 * 71) + (40 + 2 * LegacyReports.MAX_ERROR));
    }
  }

  @Test
  void theCacheIsBoundedByWeightAndEvictsPastIt() throws Exception {
    String message = io.viewpulse.testing.Http.JSON.createObjectNode()
        .put("pageUrl", "https://shop.example.com/").put("uid", "u".repeat(256)).put("lastError", "e".repeat(128))
        .toString();
    int full;
    try (IngestParts probe = new IngestParts(LegacyReports.DEFAULT_MAX_BYTES)) {
      LegacyReports.Connection c = probe.ingest.legacy().open("pb1", "tok1000", "192.0.2.1", Map.of());
      c.message(message);
      full = c.session().weight();
    }
    try (IngestParts p = new IngestParts(10L * full + full / 2)) {
      LegacyReports legacy = p.ingest.legacy();
      for (int i = 1000; i < 1100; i++) {
        legacy.open("pb1", "tok" + i, "192.0.2.1", Map.of()).message(message);
      }
      legacy.cleanUp();
      assertThat(legacy.sessions()).isEqualTo(10);
      assertThat(legacy.weight()).isEqualTo(10L * full);
    }
  }

  @Test
  void aNewSessionIsRefusedAtCapacityAndAKnownOneStillReconnects() throws Exception {
    try (IngestParts p = new IngestParts(LegacyReports.DEFAULT_MAX_BYTES)) {
      LegacyReports legacy = p.ingest.legacy();
      legacy.open("pb1", "tok1", "192.0.2.1", Map.of());
      p.busy.set(Reason.OVERLOADED);
      assertThat(outcome(() -> legacy.open("pb1", "tok2", "192.0.2.1", Map.of()))).isEqualTo("UNAVAILABLE");
      assertThat(outcome(() -> legacy.open("pb1", "tok1", "192.0.2.1", Map.of()))).isEqualTo("opened");
      legacy.cleanUp();
      assertThat(legacy.sessions()).isEqualTo(1);
    }
  }
}
