package io.viewpulse.model;

import java.util.List;
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

/** Writing a beacon to the event log's binary form and reading it back. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBench {
  final Beacon beacon = new Beacon("3f2a9c1b7d4e6f80a1b2c3d4e5f60718", "8b5c8f3e-1d2a-4c5b-9e8f-7a6b5c4d3e2f", "abc123",
      "alice", null, "Kq8s9d0f1g2h3j4k5l6m7n", "h:0123456789abcdef", false, "www.example.com", "cdn.example.com",
      new Dimensions("desktop", "Linux Desktop", "Intel x86_64", "Linux", "Chrome", "Blink", "North America", "US",
          "California", "America/Los_Angeles", "9q9"), "CA", false, 1772445605000L,
      List.of(new PlayerEvent("a1", EventType.PLAY, 1772445600000L, null, null, null),
          new PlayerEvent("a3", EventType.HEARTBEAT, 1772445605000L,
              new Heartbeat(0, 0, 0, 0, 0, 0, 0, 4800, 0, 200L, 280L, null), null, null)));
  final byte[] bytes = LogCodec.encode(beacon);

  @Benchmark
  public byte[] encode() {
    return LogCodec.encode(beacon);
  }

  @Benchmark
  public Object decode() {
    return LogCodec.decode(bytes);
  }
}
