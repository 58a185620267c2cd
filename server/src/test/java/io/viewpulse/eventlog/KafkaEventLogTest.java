package io.viewpulse.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.viewpulse.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntToLongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Kafka event log on a real broker (one per class, a child process): keys and partitions, checkpoints honoured,
 * partitions moving between two logs of one group (revoked here before assigned there), the topic created once and
 * checked, Kafka stopped and back, and {@code delivered()}. Each test has a topic and a group of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaEventLogTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private KafkaBroker broker;
  private Admin admin;

  @BeforeAll
  void startBroker() {
    broker = new KafkaBroker();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
  }

  @AfterAll
  void stopBroker() {
    admin.close();
    broker.close();
  }

  private EventLogConfig.Kafka config(String topic, int partitions) {
    return EventLogConfig.kafka(List.of(broker.bootstrap()), topic, partitions, 1, "group-" + topic).kafka()
        .withDeliveryTimeout(Duration.ofSeconds(4));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @Order(1)
  void recordsOfOneKeyArriveInOrderInOnePartition() throws Exception {
    Owner owner = new Owner("a", p -> -1);
    try (KafkaEventLog log = new KafkaEventLog(config("order", 4), new SimpleMeterRegistry())) {
      log.start(owner);
      assertThat(owner.owned()).containsExactly(0, 1, 2, 3);
      List<CompletableFuture<Long>> acks = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        for (String key : List.of("acct|pb1|s1", "acct|pb1|s2", "acct|pb2|s3")) {
          acks.add(log.append(key, bytes(key + "#" + i)));
        }
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      log.delivered().get(30, TimeUnit.SECONDS);

      for (String key : List.of("acct|pb1|s1", "acct|pb1|s2", "acct|pb2|s3")) {
        Set<Integer> partitions = new TreeSet<>();
        List<String> payloads = new ArrayList<>();
        for (Owner.Delivery d : owner.deliveries()) {
          if (d.payload().startsWith(key + "#")) {
            partitions.add(d.partition());
            payloads.add(d.payload());
          }
        }
        assertThat(partitions).as(key).hasSize(1);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          expected.add(key + "#" + i);
        }
        assertThat(payloads).as(key).isEqualTo(expected);
      }
      // each append's future named the offset the record was delivered with
      for (int i = 0; i < acks.size(); i++) {
        long offset = acks.get(i).join();
        String payload = List.of("acct|pb1|s1", "acct|pb1|s2", "acct|pb2|s3").get(i % 3) + "#" + i / 3;
        assertThat(owner.deliveries()).filteredOn(d -> d.payload().equals(payload))
            .extracting(Owner.Delivery::offset).containsExactly(offset);
      }
      assertThat(log.pending()).isZero();
      assertThat(log.syncs()).isEqualTo(120);
    }
  }

  @Test
  @Order(2)
  void theOwnersCheckpointIsWhereAPartitionResumesAfterARestart() throws Exception {
    EventLogConfig.Kafka c = config("resume", 2);
    List<Long> offsets = new ArrayList<>();
    Owner first = new Owner("first", p -> -1);
    try (KafkaEventLog log = new KafkaEventLog(c, new SimpleMeterRegistry())) {
      log.start(first);
      for (int i = 0; i < 10; i++) {
        offsets.add(log.append("one-session", bytes("r" + i)).get(30, TimeUnit.SECONDS));
      }
      log.delivered().get(30, TimeUnit.SECONDS);
    }
    int partition = first.deliveries().get(0).partition();
    assertThat(first.deliveries()).extracting(Owner.Delivery::payload)
        .containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
    assertThat(first.revoked()).containsExactlyInAnyOrder(0, 1);

    // the store holds the partition up to r4: the log delivers what comes after it, nothing before
    long checkpoint = offsets.get(4);
    Owner second = new Owner("second", p -> p == partition ? checkpoint : -1);
    try (KafkaEventLog log = new KafkaEventLog(c, new SimpleMeterRegistry())) {
      log.start(second);
      log.delivered().get(30, TimeUnit.SECONDS);
      assertThat(second.deliveries()).extracting(Owner.Delivery::payload)
          .containsExactly("r5", "r6", "r7", "r8", "r9");
      assertThat(second.deliveries()).extracting(Owner.Delivery::offset)
          .containsExactlyElementsOf(offsets.subList(5, 10));
    }
  }

  @Test
  @Order(3)
  void appendToLandsInItsPartition() throws Exception {
    Owner owner = new Owner("a", p -> -1);
    try (KafkaEventLog log = new KafkaEventLog(config("append-to", 4), new SimpleMeterRegistry())) {
      log.start(owner);
      long offset = log.appendTo(3, bytes("tick")).get(30, TimeUnit.SECONDS);
      long next = log.appendTo(3, bytes("tick2")).get(30, TimeUnit.SECONDS);
      log.delivered().get(30, TimeUnit.SECONDS);
      assertThat(owner.deliveries()).containsExactly(new Owner.Delivery(3, offset, "tick"),
          new Owner.Delivery(3, next, "tick2"));
      assertThat(next).isEqualTo(offset + 1);
      assertThatThrownBy(() -> log.appendTo(4, bytes("x")).join())
          .hasCauseInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @Order(4)
  void twoLogsOfOneGroupSplitThePartitionsAndAPartitionIsRevokedBeforeItIsAssignedElsewhere() throws Exception {
    EventLogConfig.Kafka c = config("split", 4);
    List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    Owner a = new Owner("A", p -> -1, events);
    Owner b = new Owner("B", p -> -1, events);
    KafkaEventLog logA = new KafkaEventLog(c, new SimpleMeterRegistry());
    KafkaEventLog logB = null;
    try {
      logA.start(a);
      assertThat(a.owned()).containsExactly(0, 1, 2, 3);
      logB = new KafkaEventLog(c, new SimpleMeterRegistry());
      logB.start(b);
      KafkaEventLog bLog = logB;
      await(() -> a.owned().size() + b.owned().size() == 4 && !b.owned().isEmpty(), "the partitions split");
      assertThat(b.owned()).isNotEmpty();
      assertThat(a.owned()).isNotEmpty();
      Set<Integer> all = new TreeSet<>(a.owned());
      all.addAll(b.owned());
      assertThat(all).containsExactly(0, 1, 2, 3);
      for (int p : b.owned()) {
        assertThat(events.indexOf("A revoked " + p)).as("partition %d left A before B got it", p)
            .isGreaterThanOrEqualTo(0).isLessThan(events.indexOf("B assigned " + p));
      }
      // records keep flowing to whichever owns their partition, each delivered once
      for (int i = 0; i < 20; i++) {
        logA.append("k" + i, bytes("v" + i)).get(30, TimeUnit.SECONDS);
      }
      logA.delivered().get(30, TimeUnit.SECONDS);
      bLog.delivered().get(30, TimeUnit.SECONDS);
      List<String> seen = new ArrayList<>();
      a.deliveries().forEach(d -> seen.add(d.payload()));
      b.deliveries().forEach(d -> seen.add(d.payload()));
      assertThat(seen).hasSize(20).doesNotHaveDuplicates();
      Set<Integer> bHad = Set.copyOf(b.owned());

      // B goes: its partitions are revoked there (it writes them) before A is assigned them again
      logB.close();
      logB = null;
      assertThat(b.revoked()).containsExactlyInAnyOrderElementsOf(bHad);
      await(() -> a.owned().size() == 4, "A takes the partitions back");
      for (int p : bHad) {
        assertThat(events.indexOf("B revoked " + p)).as("partition %d left B before A got it back", p)
            .isGreaterThanOrEqualTo(0).isLessThan(events.lastIndexOf("A assigned " + p));
      }
    } finally {
      if (logB != null) {
        logB.close();
      }
      logA.close();
    }
  }

  @Test
  @Order(5)
  void twoLogsStartingAtOnceOnAnEmptyKafkaCreateTheTopicOnce() throws Exception {
    EventLogConfig.Kafka c = config("together", 6);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<KafkaEventLog>> logs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        logs.add(pool.submit(() -> {
          go.await();
          return new KafkaEventLog(c, new SimpleMeterRegistry());
        }));
      }
      go.countDown();
      for (Future<KafkaEventLog> f : logs) {
        f.get(60, TimeUnit.SECONDS).close();
      }
    } finally {
      pool.shutdownNow();
    }
    var topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    assertThat(topics).filteredOn(t -> t.startsWith("together")).containsExactly("together");
    assertThat(admin.describeTopics(List.of("together")).allTopicNames().get(30, TimeUnit.SECONDS)
        .get("together").partitions()).hasSize(6);
  }

  @Test
  @Order(6)
  void aTopicWithAnotherPartitionCountIsRefusedWithBothCounts() throws Exception {
    admin.createTopics(List.of(new NewTopic("three", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
    assertThatThrownBy(() -> new KafkaEventLog(config("three", 12), new SimpleMeterRegistry()))
        .isInstanceOf(EventLogException.class)
        .hasMessage("Kafka topic three has 3 partitions but --kafka-partitions is 12: a topic's partition count is"
            + " fixed at creation (adding partitions would move sessions to other partitions mid-session); start"
            + " with --kafka-partitions 3 or use a new topic");
  }

  @Test
  @Order(7)
  void aKafkaThatCannotBeReachedAtStartIsNamed() {
    EventLogConfig.Kafka nowhere = EventLogConfig.kafka(List.of("127.0.0.1:1"), "x", 1, 1, "g").kafka()
        .withStartTimeout(Duration.ofSeconds(2));
    assertThatThrownBy(() -> new KafkaEventLog(nowhere, new SimpleMeterRegistry()))
        .isInstanceOf(EventLogException.class)
        .hasMessageStartingWith("cannot create topic x on Kafka at 127.0.0.1:1 within 2 s");
  }

  @Test
  @Order(8)
  void deliveredCompletesOnlyOnceTheRecordsAcknowledgedBeforeItReachedTheOwner() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    Owner owner = new Owner("a", p -> -1) {
      @Override
      public void accept(int partition, long offset, byte[] payload) {
        if (new String(payload, StandardCharsets.UTF_8).equals("second")) {
          try {
            hold.await(WAIT.toSeconds(), TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        super.accept(partition, offset, payload);
      }
    };
    try (KafkaEventLog log = new KafkaEventLog(config("delivered", 1), new SimpleMeterRegistry())) {
      log.start(owner);
      for (String s : List.of("first", "second", "third")) {
        log.append("k", bytes(s)).get(30, TimeUnit.SECONDS);
      }
      CompletableFuture<Void> delivered = log.delivered();
      await(() -> owner.deliveries().size() == 1, "the first record reaches the owner");
      assertThat(delivered).isNotDone();
      hold.countDown();
      delivered.get(30, TimeUnit.SECONDS);
      assertThat(owner.deliveries()).extracting(Owner.Delivery::payload).containsExactly("first", "second", "third");
    }
  }

  /** Last: it stops the broker. */
  @Test
  @Order(100)
  void withKafkaStoppedAppendsFailInBoundedTimeAndMemoryAndAfterItIsBackEverythingResumesByItself()
      throws Exception {
    EventLogConfig.Kafka c = config("outage", 2).withMaxPending(50, 1 << 20);
    Owner owner = new Owner("a", p -> -1);
    try (KafkaEventLog log = new KafkaEventLog(c, new SimpleMeterRegistry())) {
      log.start(owner);
      for (int i = 0; i < 5; i++) {
        log.append("s" + i, bytes("before" + i)).get(30, TimeUnit.SECONDS);
      }
      log.delivered().get(30, TimeUnit.SECONDS);

      broker.stop();
      List<CompletableFuture<Long>> down = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        down.add(log.append("s" + i, bytes("down" + i)));
      }
      // beyond the cap of 50 in flight, an append fails at once as overload
      assertThat(log.pending()).isLessThanOrEqualTo(50);
      long overloaded = down.stream().filter(f -> f.isCompletedExceptionally()
          && cause(f) instanceof LogUnavailableException lu && lu.isOverload()).count();
      assertThat(overloaded).isEqualTo(10);
      // the rest fail within the delivery timeout, none acknowledged, none as overload
      for (CompletableFuture<Long> f : down) {
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(LogUnavailableException.class);
      }
      long unavailable = down.stream().filter(f -> cause(f) instanceof LogUnavailableException lu
          && !lu.isOverload()).count();
      assertThat(unavailable).isEqualTo(50);
      assertThat(log.pending()).isZero();

      broker.start();
      List<Long> after = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        after.add(log.append("s" + i, bytes("after" + i)).get(30, TimeUnit.SECONDS));
      }
      await(() -> owner.deliveries().size() >= 10, "the consumer delivers again");
      log.delivered().get(30, TimeUnit.SECONDS);
      List<String> payloads = owner.deliveries().stream().map(Owner.Delivery::payload).sorted().toList();
      assertThat(payloads).containsExactly("after0", "after1", "after2", "after3", "after4",
          "before0", "before1", "before2", "before3", "before4");
    } finally {
      broker.start();
    }
  }

  private static Throwable cause(CompletableFuture<?> f) {
    try {
      f.getNow(null);
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + WAIT.toSeconds() + " s for: " + what);
      }
      Thread.sleep(20);
    }
  }

  /** An owner that records what it is told, in order. */
  static class Owner implements EventLog.Owner {
    record Delivery(int partition, long offset, String payload) {}

    private final String name;
    private final IntToLongFunction checkpoint;
    private final List<String> events;
    private final List<Delivery> deliveries = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final List<Integer> revoked = java.util.Collections.synchronizedList(new ArrayList<>());

    Owner(String name, IntToLongFunction checkpoint) {
      this(name, checkpoint, java.util.Collections.synchronizedList(new ArrayList<>()));
    }

    Owner(String name, IntToLongFunction checkpoint, List<String> events) {
      this.name = name;
      this.checkpoint = checkpoint;
      this.events = events;
    }

    @Override
    public long assigned(int partition) {
      assertThat(owned.add(partition)).as("%s assigned %d twice", name, partition).isTrue();
      events.add(name + " assigned " + partition);
      return checkpoint.applyAsLong(partition);
    }

    @Override
    public void accept(int partition, long offset, byte[] payload) {
      if (!owned.contains(partition)) {
        throw new AssertionError(name + " got a record of partition " + partition + " it does not own");
      }
      deliveries.add(new Delivery(partition, offset, new String(payload, StandardCharsets.UTF_8)));
    }

    @Override
    public void revoked(int partition) {
      owned.remove(partition);
      revoked.add(partition);
      events.add(name + " revoked " + partition);
    }

    Set<Integer> owned() {
      return new TreeSet<>(owned);
    }

    List<Delivery> deliveries() {
      synchronized (deliveries) {
        return List.copyOf(deliveries);
      }
    }

    List<Integer> revoked() {
      synchronized (revoked) {
        return List.copyOf(revoked);
      }
    }
  }
}
