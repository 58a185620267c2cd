package io.viewpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Which players' socket reports count: those of Livepeer players that send nothing else. */
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
    session.merge(io.viewpulse.testing.Http.JSON.createObjectNode().put("player", "hls-@livepeer/core@2.1.9"));
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
      session.merge(n);
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
}
