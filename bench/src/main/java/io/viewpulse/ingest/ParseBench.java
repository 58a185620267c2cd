package io.viewpulse.ingest;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Parsing a player's beacon body (a first batch: play, first frame, heartbeat) and a user agent (cached). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParseBench {
  static final byte[] BODY = ("{\"session_id\":\"Kq8s9d0f1g2h3j4k5l6m7n\",\"playback_id\":\"abc123\",\"protocol\":"
      + "\"application/vnd.apple.mpegurl\",\"domain\":\"www.example.com\",\"path\":\"/watch\",\"params\":\"\","
      + "\"hash\":\"\",\"source_url\":\"https://cdn.example.com/hls/abc123/index.m3u8?tkn=Kq8s9d0f1g2h3j4k5l6m7n\","
      + "\"player\":\"hls\",\"version\":\"@livepeer/core@3.3.1\",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) "
      + "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\",\"live\":false,\"events\":["
      + "{\"id\":\"a1\",\"type\":\"play\",\"timestamp\":1772445600000},"
      + "{\"id\":\"a2\",\"type\":\"first-frame\",\"timestamp\":1772445600200},"
      + "{\"id\":\"a3\",\"type\":\"heartbeat\",\"timestamp\":1772445605000,\"errors\":0,\"warnings\":0,"
      + "\"stalled_count\":0,\"waiting_count\":0,\"time_errored_ms\":0,\"time_warning_ms\":0,\"time_stalled_ms\":0,"
      + "\"time_playing_ms\":4800,\"time_waiting_ms\":0,\"autoplay_status\":\"none\",\"mount_to_play_ms\":80,"
      + "\"mount_to_first_frame_ms\":280,\"play_to_first_frame_ms\":200,\"video_height_px\":720}]}")
      .getBytes(StandardCharsets.UTF_8);

  @Benchmark
  public Object parseBeacon() {
    return BeaconParser.parse(BODY);
  }

  @Benchmark
  public Object parseUserAgentCached() {
    return UserAgents.parse("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        + "Chrome/124.0.0.0 Safari/537.36");
  }
}
