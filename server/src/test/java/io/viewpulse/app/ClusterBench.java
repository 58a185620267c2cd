package io.viewpulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.loadgen.LoadGenerator;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.testing.Chdb;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.KafkaBroker;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.TestStores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The cluster's benchmarks (docs/BENCHMARKS.md, "Cluster"), on one machine with the parts the cluster tests use: a
 * Kafka broker (a child JVM), the ClickHouse engine (chDB behind its HTTP front end) and Viewpulse nodes as child
 * processes; the load generator runs in this JVM. Not a test: run it with the test classpath.
 *
 * <pre>
 * cpu RATE WARMUP SECONDS PAIRS   server CPU per beacon, Kafka event log against the file log, at a fixed rate
 * fresh WARMUP SECONDS RATE       freshness with two nodes: beacons to one, the probe asking the other
 * scale WARMUP SECONDS            beacons/s at full speed: one node against two (a load generator each)
 * </pre>
 */
final class ClusterBench {
  private static final int PARTITIONS = 12;
  private static final byte[] MASTER_KEY = new byte[32];
  private static int databases;

  static {
    for (int i = 0; i < MASTER_KEY.length; i++) {
      MASTER_KEY[i] = (byte) (0x5a ^ i * 7);
    }
  }

  private final KafkaBroker broker = new KafkaBroker();
  private final Chdb chdb = TestStores.chdb();
  private final List<ServerProcess> nodes = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    ClusterBench b = new ClusterBench();
    try {
      switch (args[0]) {
        case "cpu" -> b.cpu(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
            Integer.parseInt(args[4]));
        case "fresh" -> b.fresh(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        case "scale" -> b.scale(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        default -> throw new IllegalArgumentException("cpu, fresh or scale, not " + args[0]);
      }
    } finally {
      b.close();
    }
    System.exit(0);
  }

  private void close() {
    nodes.forEach(ServerProcess::close);
    broker.close();
    dirs.forEach(TestServer::deleteTree);
  }

  /** A fresh database of the shared engine, with an account; returns its secret key. */
  private record Cluster(String store, String key, String topic) {}

  private Cluster cluster() throws Exception {
    String db = "bench_" + ProcessHandle.current().pid() + "_" + databases++;
    StoreConfig.ClickHouse c = TestStores.clickHouse(null, db).clickHouse();
    String store = "clickhouse://" + c.user() + ":" + c.password() + "@" + c.endpoint().replaceFirst("^http://", "")
        + "/" + c.database();
    Path admin = dir();
    JsonNode account = cli(admin, store, "account", "create", "--name", "bench");
    String key = cli(admin, store, "key", "create", "--account", account.get("id").asText()).get("token").asText();
    return new Cluster(store, key, "bench-" + db);
  }

  private Path dir() throws Exception {
    Path d = TestServer.newTempDir();
    Files.write(d.resolve("master.key"), MASTER_KEY);
    dirs.add(d);
    return d;
  }

  private static JsonNode cli(Path dir, String store, String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = Stream.concat(Stream.of(args), Stream.of("--data", dir.toString(), "--store", store))
        .toArray(String[]::new);
    if (Main.run(new PrintWriter(out), new PrintWriter(err), all) != 0) {
      throw new IllegalStateException(err.toString());
    }
    return Http.JSON.readTree(out.toString());
  }

  private ServerProcess node(Cluster c, boolean kafka) throws Exception {
    List<String> args = new ArrayList<>(List.of("--store", c.store(), "--max-open-sessions", "2000000"));
    if (kafka) {
      args.addAll(List.of("--event-log", "kafka://" + broker.bootstrap(), "--kafka-topic", c.topic(),
          "--kafka-partitions", Integer.toString(PARTITIONS), "--kafka-replication-factor", "1", "--kafka-group",
          c.topic()));
    }
    ServerProcess p = new ServerProcess(dir(), List.of("-Xmx2g"), args.toArray(String[]::new));
    nodes.add(p);
    p.start();
    return p;
  }

  private static LoadGenerator load(ServerProcess node, String key, int seed) {
    return LoadGenerator.options().url(node.base()).key(key).viewers(2048).connections(128).playbackIds(100)
        .seed(seed);
  }

  private static long cpuNanos(ProcessHandle p) {
    return p.info().totalCpuDuration().orElseThrow().toNanos();
  }

  /** What one run at a fixed rate cost the server (and, on Kafka, the broker), per accepted beacon. */
  private record Cost(double beaconsPerSecond, double serverUsPerBeacon, double brokerUsPerBeacon,
      double chdbUsPerBeacon, double ackP99Ms) {}

  private Cost cost(boolean kafka, int rate, int warmup, int seconds, int seed) throws Exception {
    Cluster c = cluster();
    ServerProcess n = node(c, kafka);
    ProcessHandle server = ProcessHandle.of(n.pid()).orElseThrow();
    CompletableFuture<LoadGenerator.Report> run = CompletableFuture.supplyAsync(() -> {
      try {
        return load(n, c.key(), seed).rate(rate).duration(seconds, warmup).run(null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(Duration.ofSeconds(warmup).toMillis() + 2_000);
    double beacons0 = n.metric("viewpulse_beacons_accepted_total");
    long server0 = cpuNanos(server);
    long broker0 = cpuNanos(broker.process());
    long chdb0 = cpuNanos(chdb.process());
    long t0 = System.nanoTime();
    Thread.sleep(Duration.ofSeconds(seconds - 4).toMillis());
    double beacons = n.metric("viewpulse_beacons_accepted_total") - beacons0;
    long serverCpu = cpuNanos(server) - server0;
    long brokerCpu = cpuNanos(broker.process()) - broker0;
    long chdbCpu = cpuNanos(chdb.process()) - chdb0;
    double elapsed = (System.nanoTime() - t0) / 1e9;
    LoadGenerator.Report r = run.get();
    n.stop();
    nodes.remove(n);
    return new Cost(beacons / elapsed, serverCpu / 1e3 / beacons, kafka ? brokerCpu / 1e3 / beacons : 0,
        chdbCpu / 1e3 / beacons, r.ackP99Ms());
  }

  private void cpu(int rate, int warmup, int seconds, int pairs) throws Exception {
    for (int pair = 1; pair <= pairs; pair++) {
      Cost file = cost(false, rate, warmup, seconds, pair);
      Cost kafka = cost(true, rate, warmup, seconds, pair);
      System.out.printf(Locale.ROOT, "pair %d at %d beacons/s: file log %.0f beacons/s, server %.1f µs/beacon, ack p99"
          + " %.1f ms (chDB %.1f µs); Kafka log %.0f beacons/s, server %.1f µs/beacon, ack p99 %.1f ms (broker %.1f"
          + " µs, chDB %.1f µs); server CPU ratio Kafka / file %.2f%n", pair, rate, file.beaconsPerSecond(),
          file.serverUsPerBeacon(), file.ackP99Ms(), file.chdbUsPerBeacon(), kafka.beaconsPerSecond(),
          kafka.serverUsPerBeacon(), kafka.ackP99Ms(), kafka.brokerUsPerBeacon(), kafka.chdbUsPerBeacon(),
          kafka.serverUsPerBeacon() / file.serverUsPerBeacon());
    }
  }

  private void fresh(int warmup, int seconds, int rate) throws Exception {
    Cluster c = cluster();
    ServerProcess a = node(c, true);
    ServerProcess b = node(c, true);
    LoadGenerator.Report r = load(a, c.key(), 1).rate(rate).duration(seconds, warmup).freshness(b.base()).run(null);
    System.out.printf(Locale.ROOT, "two nodes on Kafka, %d beacons/s to A (%.0f achieved, ack p99 %.1f ms), the probe"
        + " asking B: %d probes, /query/total p50 %.0f ms p99 %.0f ms; /now p50 %.0f ms p99 %.0f ms; statuses %s%n",
        rate, r.beaconsPerSecond(), r.ackP99Ms(), r.freshSamples(), r.freshQueryP50Ms(), r.freshQueryP99Ms(),
        r.freshNowP50Ms(), r.freshNowP99Ms(), r.statuses());
  }

  private void scale(int warmup, int seconds) throws Exception {
    Cluster one = cluster();
    ServerProcess single = node(one, true);
    LoadGenerator.Report alone = load(single, one.key(), 1).duration(seconds, warmup).run(null);
    single.stop();
    nodes.remove(single);
    Cluster two = cluster();
    ServerProcess a = node(two, true);
    ServerProcess b = node(two, true);
    CompletableFuture<LoadGenerator.Report> onA = CompletableFuture.supplyAsync(() -> run(load(a, two.key(), 2)
        .connections(64).viewers(1024).duration(seconds, warmup)));
    CompletableFuture<LoadGenerator.Report> onB = CompletableFuture.supplyAsync(() -> run(load(b, two.key(), 3)
        .connections(64).viewers(1024).duration(seconds, warmup)));
    LoadGenerator.Report ra = onA.get();
    LoadGenerator.Report rb = onB.get();
    double both = ra.beaconsPerSecond() + rb.beaconsPerSecond();
    System.out.printf(Locale.ROOT, "full speed on Kafka: one node %.0f beacons/s (ack p99 %.1f ms); two nodes %.0f +"
        + " %.0f = %.0f beacons/s (ack p99 %.1f / %.1f ms); two / one %.2f%n", alone.beaconsPerSecond(),
        alone.ackP99Ms(), ra.beaconsPerSecond(), rb.beaconsPerSecond(), both, ra.ackP99Ms(), rb.ackP99Ms(),
        both / alone.beaconsPerSecond());
  }

  private static LoadGenerator.Report run(LoadGenerator g) {
    try {
      return g.run(null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
