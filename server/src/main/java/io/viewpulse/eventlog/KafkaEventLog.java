package io.viewpulse.eventlog;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log as a Kafka topic shared by the nodes of a cluster: each node produces the beacons it accepts, keyed by
 * session, and its sessionizer owns the partitions the consumer group assigns it.
 *
 * <p><b>Appends.</b> An idempotent producer with {@code acks=all}: an append's future completes with the record's
 * offset only once every in-sync replica has it (with replication factor 3 and {@code min.insync.replicas} 2, at
 * least two brokers), and fails with {@link LogUnavailableException} when Kafka does not acknowledge within the
 * delivery timeout (unreachable, slow, too few replicas in sync). An append never blocks its caller (an event loop):
 * the producer waits for nothing ({@code max.block.ms=0}); an append it refuses for want of the topic's metadata
 * (Kafka away, or back without a leader yet) waits in an ordered backlog and is sent again, for up to half the
 * delivery timeout, and every later append queues behind it so a session's records keep their order. Appends in
 * flight are capped by count and bytes below the producer's buffer: beyond the cap an append fails at once as
 * overload and memory stays bounded. Nothing completes that Kafka did not acknowledge. A failed append may still have
 * reached Kafka (a timeout is ambiguous): the client retries and the sessionizer drops the events it already has.
 *
 * <p><b>Topic.</b> Created at start when missing, with the configured partitions, replication factor and (for 3 or
 * more replicas) {@code min.insync.replicas=2}; two nodes creating it at once is fine. A topic whose partition count
 * differs from the configured one is refused: records are placed by a hash of their key modulo the count, so a
 * different count would put a session's later records in another partition than its earlier ones.
 *
 * <p><b>Ownership.</b> One consumer per node in a consumer group, with the cooperative-sticky assignor: a partition
 * that moves is first revoked from its owner (which writes what it holds of it before
 * {@link EventLog.Owner#revoked} returns, inside the revoking member's poll) and only assigned to another member in
 * the rebalance that follows the owner's rejoin, so the next owner never starts a partition before the last one wrote
 * it; partitions that stay put are not interrupted (the eager protocol would revoke and restore every partition of
 * every node at each rebalance). The one exception is a member the group gave up on (no heartbeat for the session
 * timeout, or a poll loop stuck past {@code max.poll.interval.ms}): its partitions are lost rather than revoked and
 * may already be someone else's when it learns of it; its owner is told ({@code revoked}) all the same. On assignment
 * the owner names its checkpoint and the consumer seeks just after it: the store's checkpoint, not the offsets
 * committed to Kafka, is where a partition resumes. Released offsets are committed to Kafka for lag monitoring only.
 *
 * <p><b>Threads.</b> {@link #start} polls on the calling thread until the first assignment has been handed to the
 * owner and replayed (bounded); then one thread, {@code kafka-event-log}, polls and delivers, in offset order per
 * partition, and runs the owner's callbacks. A poll that fails because Kafka is gone is retried with back-off; the
 * consumer and the producer reconnect by themselves.
 */
public final class KafkaEventLog implements EventLog {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventLog.class);
  /** How long {@link #start} waits for the first assignment, and for replay progress. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /** Payloads are beacons of at most 64 KiB plus enrichment; anything near this is a bug, not data. */
  static final int MAX_PAYLOAD = 1 << 20;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long COMMIT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final EventLogConfig.Kafka config;
  private final String topic;
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Timer ackLatency;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  /** Partitions handed to the owner and not revoked since; written by the polling thread only. */
  private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
  /** Partitions assigned by the group whose owner failed to take them (paused until it does). */
  private final Set<TopicPartition> untaken = new HashSet<>();
  /** Highest offset released per partition, to commit to Kafka. */
  private final Map<Integer, Long> released = new ConcurrentHashMap<>();
  private final Map<Integer, Long> committed = new HashMap<>();
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  /** Appends the producer refused for want of the topic's metadata, in append order; guarded by sendLock. */
  private final java.util.ArrayDeque<Attempt> backlog = new java.util.ArrayDeque<>();
  private final Object sendLock = new Object();
  /** Sends the backlog again (see {@link #drainBacklog}). */
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kafka-event-log-retry");
    t.setDaemon(true);
    return t;
  });
  private final CountDownLatch firstAssignment = new CountDownLatch(1);
  private volatile long lag;
  /** When Kafka last acknowledged a record, and last refused or timed one out (System.nanoTime; 0 never). */
  private volatile long lastAck;
  /** This node has had an assignment from the group (perhaps empty: more nodes than partitions). */
  private volatile boolean joined;
  private volatile long lastFailure;
  private volatile boolean closed;
  private volatile boolean stopping;
  private long lastCommit = System.nanoTime();
  private Owner owner;
  private Thread poller;
  /** Failures of the owner or of Kafka in a row, for back-off and to log once. */
  private int failures;

  /** One append on its way to Kafka. */
  private record Attempt(ProducerRecord<byte[], byte[]> record, CompletableFuture<Long> done, long started,
      int size) {}

  /** What {@link #delivered()} waits for: each partition's end offset at the time of the call. */
  private record Waiter(Map<TopicPartition, Long> ends, CompletableFuture<Void> done) {}

  /**
   * Connects to Kafka, creates or checks the topic, and readies the producer; delivery starts with {@link #start}.
   *
   * @throws EventLogException when Kafka cannot be reached in time or the topic does not fit the configuration
   */
  public KafkaEventLog(EventLogConfig.Kafka config, MeterRegistry metrics) {
    this.config = config;
    this.topic = config.topic();
    Admin a = null;
    KafkaProducer<byte[], byte[]> p = null;
    KafkaConsumer<byte[], byte[]> c = null;
    try {
      a = Admin.create(adminConfig(config));
      ensureTopic(a);
      p = new KafkaProducer<>(producerConfig(config), new ByteArraySerializer(), new ByteArraySerializer());
      awaitMetadata(p);
      c = new KafkaConsumer<>(consumerConfig(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
    producer = p;
    consumer = c;
    ackLatency = Timer.builder("viewpulse_kafka_produce_latency").publishPercentiles(0.5, 0.99)
        .description("time from an append to Kafka's acknowledgement (acks=all)").register(metrics);
    Gauge.builder("viewpulse_kafka_consumer_lag", this, l -> l.lag)
        .description("records in the partitions this node owns not yet handed to its sessionizer").register(metrics);
    Gauge.builder("viewpulse_kafka_partitions_assigned", owned, Set::size)
        .description("partitions of the Kafka topic this node's consumer owns").register(metrics);
  }

  static Map<String, Object> adminConfig(EventLogConfig.Kafka c) {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers(),
        AdminClientConfig.CLIENT_ID_CONFIG, "viewpulse-admin",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(5_000, c.startTimeout().toMillis()),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) c.startTimeout().toMillis(),
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 3_000L,
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 10_000L);
  }

  static Properties producerConfig(EventLogConfig.Kafka c) {
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
    // send() is called on event loops: it never waits for metadata or buffer space (see trySend)
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0L);
    // the cap on appends in flight (maxPendingBytes) keeps the buffer from filling; this is the backstop
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, c.maxPendingBytes() * 2));
    p.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 3_000L);
    p.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 10_000L);
    return p;
  }

  static Properties consumerConfig(EventLogConfig.Kafka c) {
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

  /** Creates the topic unless it exists, then checks its partition count. */
  private void ensureTopic(Admin a) {
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
        throw unreachable("create topic " + topic, e.getCause());
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw unreachable("create topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable("create topic " + topic, e);
    }
    // just created (here or by another node): its metadata may take a moment to reach every broker
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    while (true) {
      try {
        TopicDescription d = a.describeTopics(List.of(topic)).allTopicNames()
            .get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS).get(topic);
        int have = d.partitions().size();
        if (have != config.partitions()) {
          throw new EventLogException("Kafka topic " + topic + " has " + have + " partitions but --kafka-partitions"
              + " is " + config.partitions() + ": a topic's partition count is fixed at creation (adding partitions"
              + " would move sessions to other partitions mid-session); start with --kafka-partitions " + have
              + " or use a new topic", null);
        }
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw unreachable("describe topic " + topic, e.getCause());
        }
        sleep(100);
      } catch (java.util.concurrent.TimeoutException e) {
        throw unreachable("describe topic " + topic, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unreachable("describe topic " + topic, e);
      }
    }
  }

  /** The producer's metadata of the topic, so that the first appends do not wait for it. */
  private void awaitMetadata(KafkaProducer<byte[], byte[]> p) {
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    while (true) {
      try {
        if (p.partitionsFor(topic).size() == config.partitions()) {
          return;
        }
      } catch (KafkaException e) {
        if (System.nanoTime() > deadline) {
          throw unreachable("read the metadata of topic " + topic, e);
        }
      }
      if (System.nanoTime() > deadline) {
        return;
      }
      sleep(50);
    }
  }

  private EventLogException unreachable(String what, Throwable cause) {
    return new EventLogException("cannot " + what + " on Kafka at " + config.bootstrapServers() + " within "
        + config.startTimeout().toSeconds() + " s: " + (cause == null ? "no answer" : cause.getMessage()), cause);
  }

  @Override
  public void start(Owner owner) {
    this.owner = owner;
    consumer.subscribe(List.of(topic), new Listener());
    // the first assignment, and the replay of what it holds, on the caller's thread (as the file log does)
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (firstAssignment.getCount() > 0 && System.nanoTime() < deadline && !stopping) {
      step();
    }
    if (firstAssignment.getCount() > 0) {
      LOG.warn("no partition of Kafka topic {} was assigned to this node in {} s; going on, partitions will come as"
          + " the group assigns them", topic, START_TIMEOUT.toSeconds());
    } else {
      replay();
    }
    poller = new Thread(this::pollLoop, "kafka-event-log");
    poller.setDaemon(true);
    poller.start();
  }

  /** Delivers the owned partitions up to their end offsets of now, while that makes progress. */
  private void replay() {
    Map<TopicPartition, Long> ends;
    try {
      ends = consumer.endOffsets(partitionsOf(owned), START_TIMEOUT);
    } catch (KafkaException e) {
      LOG.warn("cannot read the end offsets of topic {} to replay it: {}", topic, e.toString());
      return;
    }
    long target = ends.values().stream().mapToLong(Long::longValue).sum();
    long lastProgress = System.nanoTime();
    long lastBehind = Long.MAX_VALUE;
    while (!stopping) {
      long behind = 0;
      for (var e : ends.entrySet()) {
        Long pos = position(e.getKey());
        if (owned.contains(e.getKey().partition())) {
          behind += Math.max(0, e.getValue() - (pos == null ? 0 : pos));
        }
      }
      if (behind == 0) {
        return;
      }
      if (behind < lastBehind) {
        lastBehind = behind;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > START_TIMEOUT.toNanos()) {
        LOG.warn("replaying topic {}: {} of {} records still to deliver after {} s without progress; going on in the"
            + " background", topic, behind, target, START_TIMEOUT.toSeconds());
        return;
      }
      step();
    }
  }

  private void pollLoop() {
    try {
      while (!stopping) {
        step();
      }
    } finally {
      leave();
    }
  }

  /** One poll: delivers what came, retries partitions the owner could not take, commits, answers waiters. */
  private void step() {
    try {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
      deliver(records);
      retryUntaken();
      updateLag();
      answerWaiters();
      commitReleased();
      if (failures > 0) {
        LOG.warn("the Kafka event log delivers again");
        failures = 0;
      }
    } catch (WakeupException e) {
      // close() wants the thread back
    } catch (RuntimeException e) {
      if (failures++ == 0) {
        LOG.error("the Kafka event log cannot deliver; retrying", e);
      }
      sleep(Math.min(5_000, 100L << Math.min(failures, 6)));
    }
  }

  private void deliver(ConsumerRecords<byte[], byte[]> records) {
    List<TopicPartition> parts = new ArrayList<>(records.partitions());
    for (int i = 0; i < parts.size(); i++) {
      TopicPartition tp = parts.get(i);
      int p = tp.partition();
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        if (!owned.contains(p)) {
          break;
        }
        try {
          owner.accept(p, r.offset(), r.value());
        } catch (RuntimeException e) {
          // what the owner did not take is delivered again: positions go back to the first record not taken
          consumer.seek(tp, r.offset());
          for (TopicPartition rest : parts.subList(i + 1, parts.size())) {
            consumer.seek(rest, records.records(rest).get(0).offset());
          }
          throw e;
        }
      }
    }
  }

  private void retryUntaken() {
    if (untaken.isEmpty()) {
      return;
    }
    for (TopicPartition tp : new ArrayList<>(untaken)) {
      if (take(tp)) {
        untaken.remove(tp);
        consumer.resume(List.of(tp));
      }
    }
  }

  /** Hands a partition to the owner and seeks after its checkpoint; false when the owner failed (it stays paused). */
  private boolean take(TopicPartition tp) {
    long checkpoint;
    try {
      checkpoint = owner.assigned(tp.partition());
    } catch (RuntimeException e) {
      LOG.error("the owner could not take partition {}; retrying", tp.partition(), e);
      return false;
    }
    if (checkpoint < 0) {
      consumer.seekToBeginning(List.of(tp));
    } else {
      consumer.seek(tp, checkpoint + 1);
    }
    owned.add(tp.partition());
    return true;
  }

  private Long position(TopicPartition tp) {
    try {
      return consumer.position(tp, Duration.ofMillis(100));
    } catch (KafkaException | IllegalStateException e) {
      return null;
    }
  }

  /**
   * Ready once this node has joined the group (an assignment, empty or not, was handed over), and unless the
   * last record Kafka answered for was refused or timed out (the owner's ticks keep this fresh every second). A full
   * producer buffer is load, not unreadiness.
   */
  @Override
  public boolean ready() {
    return !closed && joined && (lastFailure == 0 || lastAck > lastFailure);
  }

  private void updateLag() {
    long total = 0;
    for (int p : owned) {
      OptionalLong l = consumer.currentLag(new TopicPartition(topic, p));
      if (l.isPresent()) {
        total += l.getAsLong();
      }
    }
    lag = total;
  }

  private void answerWaiters() {
    for (Waiter w : waiters) {
      boolean reached = true;
      for (var e : w.ends().entrySet()) {
        if (!owned.contains(e.getKey().partition())) {
          continue;
        }
        Long pos = position(e.getKey());
        if (pos == null || pos < e.getValue()) {
          reached = false;
          break;
        }
      }
      if (reached) {
        waiters.remove(w);
        w.done().complete(null);
      }
    }
  }

  private void commitReleased() {
    if (System.nanoTime() - lastCommit < COMMIT_INTERVAL_NANOS) {
      return;
    }
    lastCommit = System.nanoTime();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (int p : owned) {
      Long r = released.get(p);
      if (r != null && !r.equals(committed.get(p))) {
        offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(r + 1));
        committed.put(p, r);
      }
    }
    if (!offsets.isEmpty()) {
      consumer.commitAsync(offsets, (o, e) -> {
        if (e != null) {
          LOG.debug("committing released offsets to Kafka (for lag monitoring only) failed: {}", e.toString());
        }
      });
    }
  }

  /** Revokes what is owned (the owner writes it) and leaves the group. */
  private void leave() {
    for (int p : new ArrayList<>(owned)) {
      owned.remove(p);
      revoke(p, false);
    }
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    } catch (RuntimeException e) {
      LOG.warn("closing the Kafka consumer: {}", e.toString());
    }
    for (Waiter w : waiters) {
      w.done().complete(null);
    }
  }

  private void revoke(int partition, boolean lost) {
    if (lost) {
      LOG.warn("partition {} of topic {} was lost (this node missed the group's deadline): another node may already"
          + " own it", partition, topic);
    }
    try {
      owner.revoked(partition);
    } catch (RuntimeException e) {
      LOG.error("the owner failed to write partition {} as it went", partition, e);
    }
  }

  private static Set<TopicPartition> partitionsOf(String topic, Collection<Integer> ps) {
    Set<TopicPartition> s = new HashSet<>();
    for (int p : ps) {
      s.add(new TopicPartition(topic, p));
    }
    return s;
  }

  private Set<TopicPartition> partitionsOf(Collection<Integer> ps) {
    return partitionsOf(topic, ps);
  }

  /** The group's decisions, run inside {@code poll} on the polling thread. */
  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      joined = true;
      for (TopicPartition tp : partitions) {
        if (!take(tp)) {
          untaken.add(tp);
          consumer.pause(List.of(tp));
        }
      }
      if (!partitions.isEmpty()) {
        LOG.info("this node owns partitions {} of topic {}", owned, topic);
        firstAssignment.countDown();
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      gone(partitions, false);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      gone(partitions, true);
    }

    private void gone(Collection<TopicPartition> partitions, boolean lost) {
      for (TopicPartition tp : partitions) {
        untaken.remove(tp);
        if (owned.remove(tp.partition())) {
          revoke(tp.partition(), lost);
        }
      }
    }
  }

  @Override
  public CompletableFuture<Long> append(String key, byte[] payload) {
    return send(new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), payload));
  }

  @Override
  public CompletableFuture<Long> appendTo(int partition, byte[] payload) {
    if (partition < 0 || partition >= config.partitions()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("partition " + partition + " is not one of"
          + " the topic's " + config.partitions()));
    }
    return send(new ProducerRecord<>(topic, partition, null, payload));
  }

  private CompletableFuture<Long> send(ProducerRecord<byte[], byte[]> record) {
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
    } catch (java.util.concurrent.RejectedExecutionException closing) {
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
          a.done().completeExceptionally(new LogUnavailableException("Kafka has not said where topic " + topic
              + " is for " + config.deliveryTimeout().toMillis() / 2 + " ms (unreachable, or no leader)", false,
              null));
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

  /**
   * Completes once every record acknowledged before this call, in the partitions this node owns, has been handed to
   * the owner: the consumer's position reached each owned partition's end offset as Kafka reports it now (a partition
   * revoked meanwhile no longer counts). Fails with {@link LogUnavailableException} when Kafka cannot say.
   */
  @Override
  public CompletableFuture<Void> delivered() {
    Set<TopicPartition> mine = partitionsOf(Set.copyOf(owned));
    if (mine.isEmpty() || closed) {
      return CompletableFuture.completedFuture(null);
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    mine.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    CompletableFuture<Void> done = new CompletableFuture<>();
    admin.listOffsets(latest).all().whenComplete((offsets, e) -> {
      if (e != null) {
        done.completeExceptionally(new LogUnavailableException("cannot read Kafka's end offsets: " + e, false, e));
        return;
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      offsets.forEach((tp, info) -> ends.put(tp, info.offset()));
      Waiter w = new Waiter(ends, done);
      waiters.add(w);
      if (stopping) {
        // the polling thread is gone or going: nothing more is delivered here
        waiters.remove(w);
        done.complete(null);
      }
    });
    return done;
  }

  @Override
  public void release(int partition, long offset) {
    released.merge(partition, offset, Math::max);
  }

  @Override
  public int partitions() {
    return config.partitions();
  }

  @Override
  public int pending() {
    return pending.get();
  }

  /** Records Kafka acknowledged (its produce batches are not visible to the client one by one). */
  @Override
  public long syncs() {
    return acknowledged.get();
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
    retries.shutdown();
    // what still waits for metadata fails now
    drainBacklog();
    try {
      producer.flush();
    } catch (RuntimeException e) {
      LOG.warn("flushing the Kafka producer: {}", e.toString());
    }
    producer.close(Duration.ofSeconds(5));
    stopping = true;
    if (poller != null) {
      consumer.wakeup();
      try {
        poller.join(TimeUnit.MINUTES.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      leave();
    }
    admin.close(Duration.ofSeconds(5));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
