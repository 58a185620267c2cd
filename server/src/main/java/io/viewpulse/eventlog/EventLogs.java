package io.viewpulse.eventlog;

import io.micrometer.core.instrument.MeterRegistry;

/** Opens the event log a configuration names: the one place that knows which kinds there are. */
public final class EventLogs {
  /** The file log's segment size, and what may wait for its disk before appends are refused. */
  private static final long SEGMENT_BYTES = 64L << 20;
  private static final int MAX_PENDING = 200_000;
  private static final long MAX_PENDING_BYTES = 256L << 20;

  private EventLogs() {}

  /** @throws EventLogException when a Kafka log cannot start (unreachable, a topic that does not fit) */
  public static EventLog open(EventLogConfig config, MeterRegistry metrics) {
    if (config.isKafka()) {
      return new KafkaEventLog(config.kafka(), metrics);
    }
    return new FileEventLog(config.dir(), SEGMENT_BYTES, MAX_PENDING, MAX_PENDING_BYTES);
  }
}
