package io.viewpulse.eventlog;

import io.viewpulse.model.DomainException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which event log to open, and its settings: the file log in the data directory (one node), or a Kafka topic shared
 * by the nodes of a cluster.
 *
 * @param dir the file log's directory (used when {@code kafka} is null)
 * @param kafka the Kafka log's settings, or null for the file log
 */
public record EventLogConfig(Path dir, Kafka kafka) {
  public static final String DEFAULT_TOPIC = "viewpulse-beacons";
  public static final int DEFAULT_PARTITIONS = 12;
  public static final int DEFAULT_REPLICATION_FACTOR = 3;
  public static final String DEFAULT_GROUP = "viewpulse";

  /**
   * A Kafka topic as the event log.
   *
   * @param bootstrap {@code HOST:PORT} of one or more brokers
   * @param partitions the topic's partition count: fixed at creation, and checked at every start
   * @param replicationFactor replicas of each partition when the topic is created ({@code min.insync.replicas} 2
   *     when this is 3 or more)
   * @param group the consumer group of the nodes sharing the topic
   * @param deliveryTimeout how long an append may wait for Kafka's acknowledgement before it fails (503)
   * @param maxPending appends waiting for Kafka before further ones fail at once as overload
   * @param maxPendingBytes bytes of those appends before further ones fail at once as overload
   * @param startTimeout how long each step of the start (create and describe the topic) may wait for Kafka
   * @param finishedViewsTopic the topic every finished view is published to, or null for none (created when missing,
   *     with the partitions and replication factor of the event log's topic)
   */
  public record Kafka(List<String> bootstrap, String topic, int partitions, int replicationFactor, String group,
      Duration deliveryTimeout, int maxPending, long maxPendingBytes, Duration startTimeout,
      String finishedViewsTopic) {
    public Kafka {
      bootstrap = List.copyOf(bootstrap);
    }

    /** Publishes every finished view to topic {@code t} (null: to none). */
    public Kafka withFinishedViewsTopic(String t) {
      if (t != null && (!validTopic(t) || t.equals(topic))) {
        throw DomainException.invalid("--finished-views-topic must be 1 to 249 letters, digits, '.', '_' or '-',"
            + " and not the event log's topic, not '" + t + "'");
      }
      return new Kafka(bootstrap, topic, partitions, replicationFactor, group, deliveryTimeout, maxPending,
          maxPendingBytes, startTimeout, t);
    }

    /** {@code host:port,host:port}, as the Kafka clients take it. */
    public String bootstrapServers() {
      return String.join(",", bootstrap);
    }

    public Kafka withDeliveryTimeout(Duration d) {
      return new Kafka(bootstrap, topic, partitions, replicationFactor, group, d, maxPending, maxPendingBytes,
          startTimeout, finishedViewsTopic);
    }

    public Kafka withMaxPending(int records, long bytes) {
      return new Kafka(bootstrap, topic, partitions, replicationFactor, group, deliveryTimeout, records, bytes,
          startTimeout, finishedViewsTopic);
    }

    public Kafka withTopic(String t) {
      return new Kafka(bootstrap, t, partitions, replicationFactor, group, deliveryTimeout, maxPending,
          maxPendingBytes, startTimeout, finishedViewsTopic);
    }

    public Kafka withGroup(String g) {
      return new Kafka(bootstrap, topic, partitions, replicationFactor, g, deliveryTimeout, maxPending,
          maxPendingBytes, startTimeout, finishedViewsTopic);
    }

    public Kafka withStartTimeout(Duration d) {
      return new Kafka(bootstrap, topic, partitions, replicationFactor, group, deliveryTimeout, maxPending,
          maxPendingBytes, d, finishedViewsTopic);
    }
  }

  /** The file log in {@code dir}. */
  public static EventLogConfig file(Path dir) {
    return new EventLogConfig(dir, null);
  }

  /**
   * A Kafka log with the default limits: 10 s to acknowledge, 100,000 appends or 64 MiB waiting, 15 s for each step of
   * the start.
   */
  public static EventLogConfig kafka(List<String> bootstrap, String topic, int partitions, int replicationFactor,
      String group) {
    return new EventLogConfig(null, new Kafka(bootstrap, topic, partitions, replicationFactor, group,
        Duration.ofSeconds(10), 100_000, 64L << 20, Duration.ofSeconds(15), null));
  }

  public boolean isKafka() {
    return kafka != null;
  }

  /** What the banner and the log say about it. */
  public String describe() {
    if (kafka == null) {
      return "files in " + dir.toAbsolutePath() + " (this node only)";
    }
    return "Kafka topic " + kafka.topic() + " (" + kafka.partitions() + " partitions, replication factor "
        + kafka.replicationFactor() + ") at " + kafka.bootstrapServers() + ", consumer group " + kafka.group()
        + (kafka.finishedViewsTopic() == null ? "" : "; finished views to topic " + kafka.finishedViewsTopic());
  }

  /**
   * The log a {@code --event-log} value names: {@code file} (or nothing: the file log in {@code <data>/log}), or
   * {@code kafka://HOST:PORT[,HOST:PORT...]} with the topic's name, partitions, replication factor and group.
   *
   * @throws DomainException {@code INVALID} naming what is wrong
   */
  public static EventLogConfig parse(String spec, Path dataDir, String topic, int partitions, int replicationFactor,
      String group) {
    if (spec == null || spec.isBlank() || spec.strip().equals("file")) {
      return file(dataDir.resolve("log"));
    }
    String s = spec.strip();
    if (!s.startsWith("kafka://")) {
      throw DomainException.invalid("--event-log must be file or kafka://HOST:9092[,HOST:9092...], not '" + s + "'");
    }
    List<String> brokers = new ArrayList<>();
    for (String b : s.substring("kafka://".length()).split(",", -1)) {
      brokers.add(broker(b.strip()));
    }
    if (!validTopic(topic)) {
      throw DomainException.invalid("--kafka-topic must be 1 to 249 letters, digits, '.', '_' or '-', not '" + topic
          + "'");
    }
    if (partitions < 1 || partitions > 10_000) {
      throw DomainException.invalid("--kafka-partitions must be between 1 and 10000, not " + partitions);
    }
    if (replicationFactor < 1 || replicationFactor > 32) {
      throw DomainException.invalid("--kafka-replication-factor must be between 1 and 32, not " + replicationFactor);
    }
    if (group == null || group.isBlank() || group.length() > 255) {
      throw DomainException.invalid("--kafka-group must be a name of 1 to 255 characters");
    }
    return kafka(brokers, topic, partitions, replicationFactor, group.strip());
  }

  private static boolean validTopic(String topic) {
    return topic != null && topic.matches("[A-Za-z0-9._-]{1,249}") && !topic.equals(".") && !topic.equals("..");
  }

  /** {@code HOST:PORT} checked: a host name or address (IPv6 in brackets) and a port. */
  private static String broker(String b) {
    String usage = "--event-log names brokers as kafka://HOST:9092[,HOST:9092...]";
    int colon = b.lastIndexOf(':');
    if (b.isEmpty() || colon <= 0 || colon == b.length() - 1) {
      throw DomainException.invalid(usage + "; '" + b + "' is not HOST:PORT");
    }
    String host = b.substring(0, colon);
    String port = b.substring(colon + 1);
    boolean hostOk = host.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})") || host.matches("\\[[0-9A-Fa-f:.]{2,45}]");
    if (!hostOk) {
      throw DomainException.invalid(usage + "; '" + host + "' is not a host name or address");
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 1 || p > 65_535) {
      throw DomainException.invalid(usage + "; '" + port + "' is not a port (1 to 65535)");
    }
    return host + ":" + p;
  }
}
