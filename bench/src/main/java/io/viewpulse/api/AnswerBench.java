package io.viewpulse.api;

import io.viewpulse.query.Dimension;
import io.viewpulse.query.MetricRow;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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

/**
 * Encoding a views answer: 28,000 rows of hours by country with every metric, the size of 90 days by hour, into a
 * stream that discards the bytes (what the query benchmark's API time spends beyond the store's, without the socket).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AnswerBench {
  private static final String[] COUNTRIES = {"US", "DE", "GB", "FR", "JP", "IN", "BR", "CA", "AU", "NL"};
  final List<MetricRow> rows = new ArrayList<>();

  public AnswerBench() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 28_000; i++) {
      long views = 1 + r.nextInt(4_000);
      rows.add(new MetricRow(1_787_594_400_000L + (i / 13) * 3_600_000L,
          Map.of(Dimension.COUNTRY, COUNTRIES[i % COUNTRIES.length]), views, views * 7.1 + r.nextDouble(),
          400 + r.nextDouble() * 80, 380 + r.nextDouble() * 40, 900 + r.nextDouble() * 80, r.nextDouble() / 1000,
          r.nextDouble() / 40, r.nextDouble() / 30, views - r.nextInt((int) views)));
    }
  }

  @Benchmark
  public long encode() throws IOException {
    Counting out = new Counting();
    ViewsJson.write(rows, true, out);
    return out.bytes;
  }

  static final class Counting extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }
}
