package io.viewpulse.sessions;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.viewpulse.live.MinuteRow;
import io.viewpulse.model.LogCodec;
import io.viewpulse.model.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.BiPredicate;

/**
 * What one node owning every partition of a log would decide: the partitions' records merged into one sequence,
 * each partition in its own order, the partition whose next record was received first going next (so that the time of
 * the merged log reaches each moment exactly when every partition's own time has). The oracle of the cluster tests.
 */
public final class OneNode {
  private OneNode() {}

  /** What one node decides of the records of every partition. */
  public record Decided(List<MinuteRow> minutes, long logTime) {}

  /** @param partitions each partition's records, in offset order */
  public static Decided decide(List<List<byte[]>> partitions, BiPredicate<String, String> isStream) {
    OpenSessions s = new OpenSessions(0, SessionRules.defaults(), isStream, new SimpleMeterRegistry().counter("d"),
        new SimpleMeterRegistry().counter("l"));
    record Head(int partition, int index, long receivedAt) {}
    PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.receivedAt() != b.receivedAt()
        ? Long.compare(a.receivedAt(), b.receivedAt()) : Integer.compare(a.partition(), b.partition()));
    for (int p = 0; p < partitions.size(); p++) {
      if (!partitions.get(p).isEmpty()) {
        heads.add(new Head(p, 0, receivedAt(partitions.get(p).get(0))));
      }
    }
    List<MinuteRow> minutes = new ArrayList<>();
    long offset = 0;
    while (!heads.isEmpty()) {
      Head h = heads.poll();
      List<byte[]> records = partitions.get(h.partition());
      s.apply(offset++, records.get(h.index()));
      if (h.index() + 1 < records.size()) {
        heads.add(new Head(h.partition(), h.index() + 1, receivedAt(records.get(h.index() + 1))));
      }
    }
    s.expire();
    minutes.addAll(s.drain().minutes());
    return new Decided(minutes, s.logTime());
  }

  private static long receivedAt(byte[] payload) {
    LogEntry e = LogCodec.decode(payload);
    return e.receivedAtMs();
  }

  /** The stats of one stream's minutes, by minute start. */
  public static Map<Long, io.viewpulse.live.MinuteStats> of(List<MinuteRow> minutes, String streamId) {
    Map<Long, io.viewpulse.live.MinuteStats> out = new java.util.TreeMap<>();
    for (MinuteRow m : minutes) {
      if (m.streamId().equals(streamId)) {
        out.merge(m.minuteStart(), m.stats(), io.viewpulse.live.MinuteStats::merge);
      }
    }
    return out;
  }
}
