package io.viewpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

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
}
