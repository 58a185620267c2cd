package io.viewpulse.eventlog;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consuming half of the Kafka event log: this node's member of the consumer group, handing the partitions the
 * group assigns it to the owner and delivering their records.
 *
 * <p>Invariants: the owner is told of a partition ({@code assigned}) before any of its records, names the checkpoint
 * the consumer seeks just after, and is told it went ({@code revoked}) before another member can be assigned it
 * (the cooperative protocol revokes inside the revoking member's poll), except when this member missed the group's
 * deadline and its partitions were lost: then another node may own them already. Records reach the owner in offset
 * order per partition, on one thread; what the owner refused is delivered again. Released offsets are committed to
 * Kafka for lag monitoring only: the store's checkpoint is where a partition resumes.
 *
 * <p>Threads: {@link #start} polls on the caller's thread until the first assignment is handed over and replayed
 * (bounded); then the thread {@code kafka-event-log} polls. A poll that fails is retried with back-off.
 */
final class KafkaFollower {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaFollower.class);
  /** How long {@link #start} waits for the first assignment, and for replay progress. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long COMMIT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String topic;
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> consumer;
  /** Partitions handed to the owner and not revoked since; written by the polling thread only. */
  private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
  /** Partitions assigned by the group whose owner failed to take them (paused until it does). */
  private final Set<TopicPartition> untaken = new HashSet<>();
  /** Highest offset released per partition, to commit to Kafka. */
  private final Map<Integer, Long> released = new ConcurrentHashMap<>();
  private final Map<Integer, Long> committed = new HashMap<>();
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  private final CountDownLatch firstAssignment = new CountDownLatch(1);
  private volatile long lag;
  /** This node has had an assignment from the group (perhaps empty: more nodes than partitions). */
  private volatile boolean joined;
  private volatile boolean stopping;
  private long lastCommit = System.nanoTime();
  private EventLog.Owner owner;
  private Thread poller;
  /** Failures of the owner or of Kafka in a row, for back-off and to log once. */
  private int failures;

  /** What {@link #delivered()} waits for: each partition's end offset at the time of the call. */
  private record Waiter(Map<TopicPartition, Long> ends, CompletableFuture<Void> done) {}

  KafkaFollower(String topic, Admin admin, KafkaConsumer<byte[], byte[]> consumer, MeterRegistry metrics) {
    this.topic = topic;
    this.admin = admin;
    this.consumer = consumer;
    Gauge.builder("viewpulse_kafka_consumer_lag", this, f -> f.lag)
        .description("records in the partitions this node owns not yet handed to its sessionizer").register(metrics);
    Gauge.builder("viewpulse_kafka_partitions_assigned", owned, Set::size)
        .description("partitions of the Kafka topic this node's consumer owns").register(metrics);
  }

  void start(EventLog.Owner owner) {
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

  /** Whether the group has handed this member an assignment (perhaps empty). */
  boolean joined() {
    return joined;
  }

  void release(int partition, long offset) {
    released.merge(partition, offset, Math::max);
  }

  /** Whether the owner holds this partition now (assigned and not revoked since). */
  boolean owns(int partition) {
    return owned.contains(partition);
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
      // stop() wants the thread back
    } catch (RuntimeException e) {
      if (failures++ == 0) {
        LOG.error("the Kafka event log cannot deliver; retrying", e);
      }
      KafkaClients.sleep(Math.min(5_000, 100L << Math.min(failures, 6)));
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

  private Set<TopicPartition> partitionsOf(Collection<Integer> ps) {
    Set<TopicPartition> s = new HashSet<>();
    for (int p : ps) {
      s.add(new TopicPartition(topic, p));
    }
    return s;
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

  /**
   * Completes once every record acknowledged before this call, in the partitions this node owns, has been handed to
   * the owner: the consumer's position reached each owned partition's end offset as Kafka reports it now (a partition
   * revoked meanwhile no longer counts). Fails with {@link LogUnavailableException} when Kafka cannot say.
   */
  CompletableFuture<Void> delivered() {
    Set<TopicPartition> mine = partitionsOf(Set.copyOf(owned));
    if (mine.isEmpty() || stopping) {
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

  /** Revokes every owned partition (the owner writes each) and leaves the group; returns when done (bounded). */
  void stop() {
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
  }
}
