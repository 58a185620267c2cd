package io.viewpulse.eventlog;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The event log as a Kafka topic shared by the nodes of a cluster: each node produces the beacons it accepts, keyed by
 * session, and its sessionizer owns the partitions the consumer group assigns it.
 *
 * <ul>
 *   <li><b>Appends</b> ({@link KafkaAppender}): an idempotent producer with {@code acks=all}: an append's future
 *       completes with the record's offset only once every in-sync replica has it (with replication factor 3 and
 *       {@code min.insync.replicas} 2, at least two brokers), and fails with {@link LogUnavailableException} when
 *       Kafka does not acknowledge within the delivery timeout; never blocks its caller; bounded in flight. A failed
 *       append may still have reached Kafka (a timeout is ambiguous): the client retries and the sessionizer drops
 *       the events it already has.
 *   <li><b>The topic</b> ({@link KafkaClients}): created at start when missing; a topic whose partition count differs
 *       from the configured one is refused.
 *   <li><b>Ownership</b> ({@link KafkaFollower}): one consumer per node in a consumer group with the cooperative
 *       protocol: a partition that moves is revoked from its owner (which writes what it holds of it) before another
 *       member is assigned it; on assignment the owner names its checkpoint in the store and the consumer resumes
 *       just after it.
 * </ul>
 */
public final class KafkaEventLog implements EventLog {
  private final EventLogConfig.Kafka config;
  private final Admin admin;
  private final KafkaAppender appender;
  private final KafkaFollower follower;
  private volatile boolean closed;

  /**
   * Connects to Kafka, creates or checks the topic, and readies the producer; delivery starts with {@link #start}.
   *
   * @throws EventLogException when Kafka cannot be reached in time or the topic does not fit the configuration
   */
  public KafkaEventLog(EventLogConfig.Kafka config, MeterRegistry metrics) {
    this.config = config;
    Admin a = null;
    KafkaProducer<byte[], byte[]> p = null;
    KafkaConsumer<byte[], byte[]> c = null;
    try {
      a = Admin.create(KafkaClients.admin(config));
      KafkaClients.ensureTopic(a, config);
      p = new KafkaProducer<>(KafkaClients.producer(config), new ByteArraySerializer(), new ByteArraySerializer());
      KafkaClients.awaitMetadata(p, config);
      c = new KafkaConsumer<>(KafkaClients.consumer(config), new ByteArrayDeserializer(),
          new ByteArrayDeserializer());
    } catch (RuntimeException e) {
      if (c != null) {
        c.close(CloseOptions.timeout(Duration.ZERO));
      }
      if (p != null) {
        p.close(Duration.ZERO);
      }
      if (a != null) {
        a.close(Duration.ZERO);
      }
      throw e;
    }
    admin = a;
    appender = new KafkaAppender(config, p, metrics);
    follower = new KafkaFollower(config.topic(), a, c, metrics);
  }

  @Override
  public void start(Owner owner) {
    follower.start(owner);
  }

  @Override
  public CompletableFuture<Long> append(String key, byte[] payload) {
    return appender.send(new ProducerRecord<>(config.topic(), null, key.getBytes(StandardCharsets.UTF_8), payload));
  }

  @Override
  public CompletableFuture<Long> appendTo(int partition, byte[] payload) {
    if (partition < 0 || partition >= config.partitions()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("partition " + partition + " is not one of"
          + " the topic's " + config.partitions()));
    }
    return appender.send(new ProducerRecord<>(config.topic(), partition, null, payload));
  }

  /**
   * Ready once this node has joined the group (an assignment, empty or not, was handed over), and unless the
   * last record Kafka answered for was refused or timed out (the owner's ticks keep this fresh every second).
   */
  @Override
  public boolean ready() {
    return !closed && follower.joined() && appender.healthy();
  }

  @Override
  public CompletableFuture<Void> delivered() {
    return closed ? CompletableFuture.completedFuture(null) : follower.delivered();
  }

  @Override
  public void release(int partition, long offset) {
    follower.release(partition, offset);
  }

  /** Whether this node owns a partition of the log now (the group assigned it, and it was not revoked since). */
  public boolean owns(int partition) {
    return !closed && follower.owns(partition);
  }

  @Override
  public int partitions() {
    return config.partitions();
  }

  @Override
  public int pending() {
    return appender.pending();
  }

  /** Records Kafka acknowledged (its produce batches are not visible to the client one by one). */
  @Override
  public long syncs() {
    return appender.acknowledged();
  }

  /**
   * Stops taking appends, waits for those in flight (at most the delivery timeout), then revokes every owned
   * partition (the owner writes each) and leaves the group.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    appender.close();
    follower.stop();
    admin.close(Duration.ofSeconds(5));
  }
}
