package io.viewpulse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka (KRaft, broker and controller in one process) for tests, run as a child JVM from the
 * Maven jars of {@code org.apache.kafka:kafka_2.13} (test scope): nothing to install.
 *
 * <p>It listens on two loopback ports chosen once (client and controller) and keeps its data in a temporary
 * directory, so {@link #stop()} or {@link #kill()} followed by {@link #start()} brings back the same broker with the
 * same data at the same address: a test can take Kafka away and give it back. {@link #start()} returns once the port
 * is open and a metadata request succeeds, or fails within {@link #START_TIMEOUT} with the broker's log. The child
 * exits when this JVM does (it watches its parent: see {@link Child}), and {@link #close()} stops it and deletes its data.
 * Start one per test class: a start costs a JVM (a few seconds of CPU).
 */
public final class KafkaBroker implements AutoCloseable {
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private final Path log;
  private Process process;

  /** Formats a new data directory and starts the broker on it. */
  public KafkaBroker() {
    try {
      dir = Files.createTempDirectory("viewpulse-kafka");
      log = dir.resolve("broker.log");
      port = freePort();
      controllerPort = freePort();
      Files.writeString(dir.resolve("server.properties"), properties());
      Files.writeString(dir.resolve("logging.properties"), String.join("\n",
          "handlers=java.util.logging.ConsoleHandler",
          ".level=WARNING",
          "java.util.logging.ConsoleHandler.level=ALL",
          "java.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n", ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "kafka-broker-stop"));
    try {
      format();
      start();
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** {@code 127.0.0.1:PORT}, the same across restarts. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** The broker's output so far (warnings and errors), for a failing test's message. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The broker's process, for benchmarks that count its CPU time. */
  public synchronized ProcessHandle process() {
    return process.toHandle();
  }

  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  /** Starts the broker on its data directory and ports; returns when it answers a metadata request. */
  public synchronized void start() {
    if (running()) {
      return;
    }
    process = launch("kafka.Kafka", dir.resolve("server.properties").toString());
    awaitReady();
  }

  /** Stops the broker as an operator would (SIGTERM: a controlled shutdown); returns when the process has exited. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeStdin(process);
    process = null;
  }

  /** Kills the broker (SIGKILL: no shutdown of any kind); returns when the process is gone. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeStdin(process);
    process = null;
  }

  /** Kills the broker and deletes its data. */
  @Override
  public synchronized void close() {
    kill();
    deleteTree(dir);
  }

  private String properties() {
    String listeners = "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort;
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
        "listeners=" + listeners,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "auto.create.topics.enable=false",
        // one replica of everything: there is one broker
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "share.coordinator.state.topic.num.partitions=1",
        // a consumer group forms at once rather than waiting for more members
        "group.initial.rebalance.delay.ms=0",
        // light: few threads, small buffers
        "num.network.threads=1",
        "num.io.threads=2",
        "num.replica.fetchers=1",
        "background.threads=2",
        "num.recovery.threads.per.data.dir=1",
        "log.segment.bytes=16777216",
        "socket.send.buffer.bytes=131072",
        "socket.receive.buffer.bytes=131072",
        // a controlled shutdown of the one node has nobody to hand leadership to
        "controlled.shutdown.enable=true",
        // a restarted broker is back in the cluster (unfenced) soon
        "broker.heartbeat.interval.ms=500",
        "broker.session.timeout.ms=3000",
        "");
  }

  private void format() {
    String clusterId = Uuid.randomUuid().toString();
    Process p = launch("kafka.tools.StorageTool", "format", "--standalone", "--ignore-formatted", "-t", clusterId,
        "-c", dir.resolve("server.properties").toString());
    try {
      if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kafka-storage format did not finish in " + START_TIMEOUT + "; log:\n" + log());
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("kafka-storage format failed (" + p.exitValue() + "); log:\n" + log());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      closeStdin(p);
    }
  }

  /** A child JVM running {@code mainClass} through {@link Child}, its output appended to the broker log. */
  private Process launch(String mainClass, String... args) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(),
        "-Xmx256m", "-Xms32m", "-Xss512k",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
        "-XX:+IgnoreUnrecognizedVMOptions",
        "-Djava.awt.headless=true",
        "-Djava.util.logging.config.file=" + dir.resolve("logging.properties"),
        Child.class.getName(), dir.toString(), mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // the classpath through the environment: a command line of hundreds of jars is long
    Map<String, String> env = pb.environment();
    env.put("CLASSPATH", System.getProperty("java.class.path"));
    env.remove("JAVA_TOOL_OPTIONS");
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a JVM for " + mainClass, e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "the port never opened";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the Kafka broker exited (" + process.exitValue() + "); log:\n" + log());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        break;
      } catch (IOException e) {
        sleep(50);
      }
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
        AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50))) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the Kafka broker exited (" + process.exitValue() + "); log:\n" + log());
        }
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          last = e.toString();
          sleep(50);
        }
      }
    }
    throw new IllegalStateException("the Kafka broker did not answer in " + START_TIMEOUT + " (" + last + "); log:\n"
        + log());
  }

  private static void closeStdin(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException ignored) {
      // a temporary directory; a file that goes meanwhile is fine
    }
  }

  /**
   * The child's entry point: {@code Child DATA_DIR MAIN_CLASS ARGS...} runs {@code MAIN_CLASS} and, when the test JVM
   * exits (or is killed), deletes the data directory and halts at once.
   */
  public static final class Child {
    private Child() {}

    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      // not stdin's end: a JVM that exits closes its own stdin first, and the watcher would take the data along
      ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
        deleteTree(dir);
        Runtime.getRuntime().halt(3);
      }));
      String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
      Class.forName(args[1]).getMethod("main", String[].class).invoke(null, (Object) rest);
    }
  }
}
