package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.Http;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Viewpulse server in a child JVM on a data directory, so tests can do what happens to real processes: kill -9,
 * a file-size limit standing in for a full disk, a small heap. Its output goes to {@code server.out} in the data
 * directory.
 */
final class ServerProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Path data;
  private final List<String> jvmArgs;
  private final List<String> serveArgs;
  private Process process;
  private int runs;
  /** Names this process's output files apart from another's on the same data directory. */
  private String tag = "";
  private Map<String, String> env = Map.of();

  ServerProcess(Path data, List<String> jvmArgs, String... serveArgs) {
    this.data = data;
    this.jvmArgs = List.copyOf(jvmArgs);
    this.serveArgs = List.of(serveArgs);
  }

  /** The same server, writing its output under another name (for two processes on one data directory). */
  ServerProcess tagged(String t) {
    this.tag = t;
    return this;
  }

  /** The same server, with these environment variables (beside the test JVM's). */
  ServerProcess withEnv(Map<String, String> variables) {
    this.env = Map.copyOf(variables);
    return this;
  }

  /** Runs a command-line command on the data directory (only while the server is down); returns its output. */
  String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = Stream.concat(Stream.of(args), Stream.of("--data", data.toString())).toArray(String[]::new);
    assertThat(Main.run(new PrintWriter(out), new PrintWriter(err), all)).as(err.toString()).isZero();
    return out.toString();
  }

  /** Creates an account and returns a secret key for it. */
  String account(String name) throws IOException {
    String account = Http.JSON.readTree(cli("account", "create", "--name", name)).get("id").asText();
    return Http.JSON.readTree(cli("key", "create", "--account", account)).get("token").asText();
  }

  /** Starts the server and waits (at most 60 s) until it listens. */
  void start() throws Exception {
    launch();
    Path out = data.resolve("server-" + tag + (runs - 1) + ".out");
    if (!awaitListening()) {
      throw new IllegalStateException("server died: " + Files.readString(out));
    }
  }

  /**
   * Waits (at most 180 s: a loaded machine builds the user-agent parser slowly) until the server listens (true) or its process ends (false).
   *
   * @throws IllegalStateException when it does neither in time
   */
  boolean awaitListening() throws Exception {
    Path out = data.resolve("server-" + tag + (runs - 1) + ".out");
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      if (ServerFile.livePort(data).isPresent() && process.isAlive()) {
        return true;
      }
      if (!process.isAlive()) {
        return false;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("server did not start in 180 s: " + Files.readString(out));
  }

  /** The exit code of a server process that ended. */
  int exitCode() throws InterruptedException {
    return process.waitFor();
  }

  /** Starts the server process without waiting for it. */
  void launch() throws Exception {
    Files.deleteIfExists(data.resolve("server.json"));
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.viewpulse.app.Main", "serve",
        "--data", data.toString(), "--port", "0", "--host", "127.0.0.1"));
    cmd.addAll(serveArgs);
    Path out = data.resolve("server-" + tag + runs++ + ".out");
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    b.environment().putAll(env);
    process = b.start();
  }

  String base() {
    return "http://127.0.0.1:" + ServerFile.livePort(data).orElseThrow();
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill9() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: the orderly shutdown an operator's stop does. */
  void stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.toHandle().destroyForcibly();
      throw new IllegalStateException("server did not stop in 60 s");
    }
  }

  /** Everything the server processes printed so far. */
  String output() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < runs; i++) {
      b.append(Files.readString(data.resolve("server-" + tag + i + ".out")));
    }
    return b.toString();
  }

  /**
   * Limits the size of any file the server writes from now on ({@code prlimit}, util-linux): the write that would
   * cross it fails with EFBIG, as a write to a full disk fails with ENOSPC. Null lifts the limit.
   */
  void limitFileSize(Long bytes) throws Exception {
    Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid()),
        "--fsize=" + (bytes == null ? "unlimited" : bytes.toString()) + ":").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("prlimit: " + out).isZero();
  }

  HttpResponse<String> get(String pathAndQuery, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A Prometheus sample from /metrics (the first series of that name), or NaN when absent. */
  double metric(String name) throws Exception {
    for (String line : get("/metrics", null).body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  /** Views by viewer id, as the API answers them: viewer id → {views, playing ms}. */
  Map<String, long[]> viewsByViewer(String key) throws Exception {
    HttpResponse<String> r = get("/api/data/views/query?breakdownBy[]=viewerId", key);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Map<String, long[]> out = new HashMap<>();
    for (JsonNode row : Http.JSON.readTree(r.body())) {
      out.put(row.get("viewerId").asText(), new long[] {row.get("viewCount").asLong(),
          Math.round(row.get("playtimeMins").asDouble() * 60_000)});
    }
    return out;
  }

  /** The load generator's --acked log: session id → playing time of its acknowledged beacons, summed. */
  static Map<String, Long> ackedPlaytime(Path ackLog) throws IOException {
    Map<String, Long> out = new HashMap<>();
    for (String line : Files.readAllLines(ackLog)) {
      String[] f = line.split("\t");
      out.merge(f[0], Long.parseLong(f[1]), Long::sum);
    }
    return out;
  }

  @Override
  public void close() {
    if (process != null) {
      process.toHandle().destroyForcibly();
    }
  }
}
