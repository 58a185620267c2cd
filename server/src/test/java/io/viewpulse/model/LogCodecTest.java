package io.viewpulse.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The event log's binary form: what is written reads back the same, and a log written before is still read. */
class LogCodecTest {
  private static Beacon beacon(List<PlayerEvent> events) {
    return new Beacon("acc", "m", "pb", null, null, "sess", "viewer", false, "example.com", null,
        new Dimensions("desktop", null, null, "Linux", "Chrome", "Blink", "Europe", "DE", "BY", "Europe/Berlin", "u28"),
        "BY", true, 1234, events);
  }

  @Test
  void aBeaconWithEveryQualityFieldReadsBackTheSame() {
    Beacon b = beacon(List.of(
        new PlayerEvent("s1", EventType.SEEK, 1000, null, null, null, 350L),
        new PlayerEvent("h1", EventType.HEARTBEAT, 2000, new Heartbeat(1, 2, 3, 4, 5, 6, 7, 8, 9, 200L, null, 60_000L),
            null, null),
        new PlayerEvent("h2", EventType.HEARTBEAT, 2500, new Heartbeat(0, 0, 0, 0, 0, 0, 0, 500, 0, null, null, null),
            null, null, null, new VideoSample(1920, 1080, 1280, null, 4_500_000L, 3, 150, 1, 2)),
        new PlayerEvent("e1", EventType.ERROR, 3000, null, "fallback", "webrtc")));
    assertThat(LogCodec.decode(LogCodec.encode(b))).isEqualTo(b);
  }

  /** A beacon as version 1 of the log wrote it: kind 3, and no quality fields after an event. */
  @Test
  void aBeaconTheVersionBeforeWroteIsReadWithoutItsQualityFields() {
    Binary.Writer o = new Binary.Writer(256);
    o.putByte(3);
    for (String s : new String[] {"acc", "m", "pb", null, null, "sess", "viewer", "example.com", null, "BY",
        "desktop", null, null, "Linux", "Chrome", "Blink", "Europe", "DE", "BY", "Europe/Berlin", "u28"}) {
      o.putString(s);
    }
    o.putBoolean(false);
    o.putBoolean(true);
    o.putLong(1234);
    o.putInt(2);
    o.putString("s1").putByte(EventType.SEEK.ordinal()).putLong(1000).putBoolean(false).putString(null)
        .putString(null);
    o.putString("h1").putByte(EventType.HEARTBEAT.ordinal()).putLong(2000).putBoolean(true);
    o.putInt(1).putInt(2).putInt(3).putInt(4).putLong(5).putLong(6).putLong(7).putLong(8).putLong(9).putLong(200)
        .putLong(Long.MIN_VALUE).putLong(60_000);
    o.putString(null).putString(null);
    assertThat(LogCodec.decode(o.toBytes())).isEqualTo(beacon(List.of(
        new PlayerEvent("s1", EventType.SEEK, 1000, null, null, null),
        new PlayerEvent("h1", EventType.HEARTBEAT, 2000, new Heartbeat(1, 2, 3, 4, 5, 6, 7, 8, 9, 200L, null, 60_000L),
            null, null))));
  }

  @Test
  void aBeaconWithCustomAndNetworkDimensionsReadsBackTheSame() {
    java.util.List<String> custom = new java.util.ArrayList<>(java.util.Collections.nCopies(CustomDimension.MAX, null));
    custom.set(0, "B");
    custom.set(9, "hls.js");
    Beacon plain = beacon(List.of(new PlayerEvent("p", EventType.PLAY, 1000, null, null, null)));
    Dimensions d = plain.dims().withCustom(custom).withTail(new String[] {"B", null, null, null, null, null, null, null,
        null, "hls.js", "3320", "Deutsche Telekom AG", "akamai"});
    Beacon b = new Beacon("acc", "m", "pb", null, null, "sess", "viewer", false, "example.com", null, d, "BY", true,
        1234, plain.events());
    Beacon back = (Beacon) LogCodec.decode(LogCodec.encode(b));
    assertThat(back).isEqualTo(b);
    assertThat(List.of(back.dims().custom(1), back.dims().custom(10), back.dims().asn(), back.dims().isp(),
        back.dims().cdn())).isEqualTo(List.of("B", "hls.js", "3320", "Deutsche Telekom AG", "akamai"));
  }

  /** Version 3 of the log (kind 7): the same as version 4 without the custom and network dimensions at the end. */
  @Test
  void aBeaconOfVersionThreeIsReadWithoutCustomDimensions() {
    Beacon b = beacon(List.of(new PlayerEvent("p", EventType.PLAY, 1000, null, null, null)));
    byte[] v4 = LogCodec.encode(b);
    assertThat(v4[0]).isEqualTo((byte) 8);
    byte[] v3 = java.util.Arrays.copyOf(v4, v4.length - (CustomDimension.MAX + 3) * 4);
    v3[0] = 7;
    assertThat(LogCodec.decode(v3)).isEqualTo(b);
  }
}
