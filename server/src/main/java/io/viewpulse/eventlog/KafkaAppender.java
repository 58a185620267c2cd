package io.viewpulse.eventlog;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producing half of the Kafka event log: appends, each completed with its offset once every in-sync replica has
 * it, or failed with {@link LogUnavailableException}.
 *
 * <p>Invariants: an append never blocks its caller (an event loop): the producer waits for nothing
 * ({@code max.block.ms=0}); an append it refuses for want of the topic's metadata waits in an ordered backlog for up
 * to half the delivery timeout, and every later append queues behind it, so a session's records keep their order.
 * Appends in flight are capped by count and bytes below the producer's buffer; beyond the cap an append fails at once
 * as overload. Nothing completes that Kafka did not acknowledge.
 */
final class KafkaAppender {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAppender.class);
  /** Payloads are beacons of at most 64 KiB plus enrichment; anything near this is a bug, not data. */
  static final int MAX_PAYLOAD = 1 << 20;

  private final EventLogConfig.Kafka config;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Timer ackLatency;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  /** Appends the producer refused for want of the topic's metadata, in append order; guarded by sendLock. */
  private final ArrayDeque<Attempt> backlog = new ArrayDeque<>();
  private final Object sendLock = new Object();
  /** Sends the backlog again (see {@link #drainBacklog}). */
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kafka-event-log-retry");
    t.setDaemon(true);
    return t;
  });
  /** When Kafka last acknowledged a record, and last refused or timed one out (System.nanoTime; 0 never). */
  private volatile long lastAck;
  private volatile long lastFailure;
  private volatile boolean closed;

  /** One append on its way to Kafka. */
  private record Attempt(ProducerRecord<byte[], byte[]> record, CompletableFuture<Long> done, long started,
      int size) {}

  KafkaAppender(EventLogConfig.Kafka config, KafkaProducer<byte[], byte[]> producer, MeterRegistry metrics) {
    this.config = config;
    this.producer = producer;
    this.ackLatency = Timer.builder("viewpulse_kafka_produce_latency").publishPercentiles(0.5, 0.99)
        .description("time from an append to Kafka's acknowledgement (acks=all)").register(metrics);
  }

  CompletableFuture<Long> send(ProducerRecord<byte[], byte[]> record) {
    int size = record.value().length;
    if (size > MAX_PAYLOAD) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("record of " + size + " bytes exceeds " + MAX_PAYLOAD));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new LogUnavailableException("the event log is closed", true, null));
    }
    if (pending.incrementAndGet() > config.maxPending()
        | pendingBytes.addAndGet(size) > config.maxPendingBytes()) {
      done(size);
      return CompletableFuture.failedFuture(new LogUnavailableException("too many beacons wait for Kafka's"
          + " acknowledgement", true, null));
    }
    Attempt a = new Attempt(record, new CompletableFuture<>(), System.nanoTime(), size);
    synchronized (sendLock) {
      if (backlog.isEmpty() && trySend(a)) {
        return a.done();
      }
      backlog.add(a);
      if (backlog.size() == 1) {
        scheduleDrain();
      }
    }
    return a.done();
  }

  /**
   * Whether the last record Kafka answered for was acknowledged (or none failed yet). A full producer buffer is load,
   * not a failure.
   */
  boolean healthy() {
    return !closed && (lastFailure == 0 || lastAck > lastFailure);
  }

  int pending() {
    return pending.get();
  }

  long acknowledged() {
    return acknowledged.get();
  }

  /**
   * Hands a record to the producer; false when the producer refused it at once for want of the topic's metadata
   * (Kafka away, or back and without a leader yet): it never reached the producer's buffer, and waits in the backlog.
   * Otherwise its future completes when Kafka acknowledges it or the producer gives up on it.
   */
  private boolean trySend(Attempt a) {
    Thread caller = Thread.currentThread();
    boolean[] noMetadata = {false};
    try {
      producer.send(a.record(), (metadata, e) -> {
        if (e == null) {
          lastAck = System.nanoTime();
          done(a.size());
          ackLatency.record(System.nanoTime() - a.started(), TimeUnit.NANOSECONDS);
          acknowledged.incrementAndGet();
          a.done().complete(metadata.offset());
        } else if (Thread.currentThread() == caller && e instanceof org.apache.kafka.common.errors.TimeoutException
            && !(e instanceof BufferExhaustedException)) {
          // called back within send(), with max.block.ms 0: the metadata is missing
          noMetadata[0] = true;
        } else {
          if (!(e instanceof BufferExhaustedException)) {
            lastFailure = System.nanoTime();
          }
          done(a.size());
          a.done().completeExceptionally(unavailable(e));
        }
      });
    } catch (RuntimeException e) {
      done(a.size());
      a.done().completeExceptionally(unavailable(e));
    }
    return !noMetadata[0];
  }

  private void scheduleDrain() {
    try {
      retries.schedule(this::drainBacklog, 100, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // close() fails what is left
    }
  }

  /**
   * Sends the backlog in append order (so a session's records keep their order) once the metadata is back; a record
   * that waited half the delivery timeout fails.
   */
  private void drainBacklog() {
    synchronized (sendLock) {
      while (!backlog.isEmpty()) {
        Attempt a = backlog.peek();
        if (closed || System.nanoTime() - a.started() >= config.deliveryTimeout().toNanos() / 2) {
          backlog.poll();
          lastFailure = System.nanoTime();
          done(a.size());
          a.done().completeExceptionally(new LogUnavailableException("Kafka has not said where topic "
              + config.topic() + " is for " + config.deliveryTimeout().toMillis() / 2
              + " ms (unreachable, or no leader)", false, null));
          continue;
        }
        if (!trySend(a)) {
          break;
        }
        backlog.poll();
      }
      if (!backlog.isEmpty()) {
        scheduleDrain();
      }
    }
  }

  private void done(int size) {
    pending.decrementAndGet();
    pendingBytes.addAndGet(-size);
  }

  private LogUnavailableException unavailable(Throwable e) {
    if (e instanceof BufferExhaustedException) {
      return new LogUnavailableException("the Kafka producer's buffer is full", true, e);
    }
    if (e instanceof NotEnoughReplicasException || e instanceof NotEnoughReplicasAfterAppendException) {
      return new LogUnavailableException("Kafka has too few replicas in sync to keep a beacon", false, e);
    }
    if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new LogUnavailableException("Kafka did not acknowledge within " + config.deliveryTimeout().toMillis()
          + " ms (unreachable, slow or short of in-sync replicas)", false, e);
    }
    return new LogUnavailableException("Kafka refused a beacon: " + e, false, e);
  }

  /** Takes no more appends, fails what waits for metadata, and waits for those in flight (bounded). */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    retries.shutdown();
    drainBacklog();
    try {
      producer.flush();
    } catch (RuntimeException e) {
      LOG.warn("flushing the Kafka producer: {}", e.toString());
    }
    producer.close(Duration.ofSeconds(5));
  }
}
