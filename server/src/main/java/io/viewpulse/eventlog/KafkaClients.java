package io.viewpulse.eventlog;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the Kafka event log's clients are configured, and the topic made or checked at start: records are placed by a
 * hash of their key modulo the partition count, so a topic with another count than the configured one is refused (a
 * session's later records would land in another partition than its earlier ones).
 */
final class KafkaClients {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);

  private KafkaClients() {}

  static Map<String, Object> admin(EventLogConfig.Kafka c) {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers(),
        AdminClientConfig.CLIENT_ID_CONFIG, "viewpulse-admin",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(5_000, c.startTimeout().toMillis()),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) c.startTimeout().toMillis(),
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 3_000L,
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 10_000L);
  }

  static Properties producer(EventLogConfig.Kafka c) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "viewpulse-producer");
    // the durability promise: every in-sync replica has it; retries never duplicate or reorder within a partition
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    // group commit: beacons arriving within a few ms share a produce request
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // bounded waits: an append fails (503) rather than waiting on a Kafka that does not answer
    long delivery = c.deliveryTimeout().toMillis();
    int request = (int) Math.max(1_000, Math.min(5_000, delivery / 2));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(delivery, request + 5L + 100));
    // send() is called on event loops: it never waits for metadata or buffer space (see KafkaAppender)
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0L);
    // the cap on appends in flight (maxPendingBytes) keeps the buffer from filling; this is the backstop
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, c.maxPendingBytes() * 2));
    p.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 3_000L);
    p.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 10_000L);
    return p;
  }

  static Properties consumer(EventLogConfig.Kafka c) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "viewpulse-consumer");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, c.group());
    p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    // where a partition resumes is the store's checkpoint (seek on assignment); Kafka's offsets are for monitoring
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // only used when the checkpoint is older than what retention kept: start from the oldest record there is
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a member hears of a rebalance at its next heartbeat: soon, so that partitions move in seconds
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    // a node that dies (kill -9, a lost machine) gives up its partitions within this: their sessions wait for it
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    p.put(ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 3_000L);
    p.put(ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 10_000L);
    return p;
  }

  /**
   * Creates the topic unless it exists (with {@code min.insync.replicas=2} for three or more replicas; another node
   * creating it at the same moment is fine), then checks its partition count.
   */
  static void ensureTopic(Admin a, EventLogConfig.Kafka config) {
    ensureTopic(a, config, true);
  }

  /** The same, with the partition count checked only when {@code exactPartitions}. */
  static void ensureTopic(Admin a, EventLogConfig.Kafka config, boolean exactPartitions) {
    String topic = config.topic();
    NewTopic t = new NewTopic(topic, config.partitions(), (short) config.replicationFactor());
    if (config.replicationFactor() >= 3) {
      t.configs(Map.of("min.insync.replicas", "2"));
    }
    try {
      a.createTopics(List.of(t)).all().get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("created Kafka topic {} with {} partitions, replication factor {}", topic, config.partitions(),
          config.replicationFactor());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InvalidReplicationFactorException) {
        throw new EventLogException("Kafka at " + config.bootstrapServers() + " cannot create topic " + topic
            + " with replication factor " + config.replicationFactor() + " (" + e.getCause().getMessage()
            + "): start more brokers or lower --kafka-replication-factor", e.getCause());
      }
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw unreachable(config, "create topic " + topic, e.getCause());
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw unreachable(config, "create topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(config, "create topic " + topic, e);
    }
    // just created (here or by another node): its metadata may take a moment to reach every broker
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    while (true) {
      try {
        TopicDescription d = a.describeTopics(List.of(topic)).allTopicNames()
            .get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS).get(topic);
        int have = d.partitions().size();
        if (exactPartitions && have != config.partitions()) {
          throw new EventLogException("Kafka topic " + topic + " has " + have + " partitions but --kafka-partitions"
              + " is " + config.partitions() + ": a topic's partition count is fixed at creation (adding partitions"
              + " would move sessions to other partitions mid-session); start with --kafka-partitions " + have
              + " or use a new topic", null);
        }
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw unreachable(config, "describe topic " + topic, e.getCause());
        }
        sleep(100);
      } catch (java.util.concurrent.TimeoutException e) {
        throw unreachable(config, "describe topic " + topic, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unreachable(config, "describe topic " + topic, e);
      }
    }
  }

  /** Waits (bounded) for the producer's metadata of the topic, so that the first appends do not wait for it. */
  static void awaitMetadata(KafkaProducer<byte[], byte[]> p, EventLogConfig.Kafka config) {
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    while (true) {
      try {
        if (p.partitionsFor(config.topic()).size() == config.partitions()) {
          return;
        }
      } catch (KafkaException e) {
        if (System.nanoTime() > deadline) {
          throw unreachable(config, "read the metadata of topic " + config.topic(), e);
        }
      }
      if (System.nanoTime() > deadline) {
        return;
      }
      sleep(50);
    }
  }

  private static EventLogException unreachable(EventLogConfig.Kafka config, String what, Throwable cause) {
    return new EventLogException("cannot " + what + " on Kafka at " + config.bootstrapServers() + " within "
        + config.startTimeout().toSeconds() + " s: " + (cause == null ? "no answer" : cause.getMessage()), cause);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
