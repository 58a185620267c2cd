package io.viewpulse.testing;

import com.clickhouse.client.api.Client;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real ClickHouse engine (chDB's libchdb.so) behind ClickHouse's HTTP interface, for tests that talk to it with the
 * official Java client exactly as production does. Start it once per test class; {@link #close()} stops it and
 * deletes its data.
 *
 * <p>The engine runs in a child process, tools/chdb/chdb_http.c, built with gcc into target/chdb on first use: chDB
 * installs its own SIGSEGV and SIGBUS handlers, which would turn this JVM's implicit null checks into crashes, so it
 * never loads here. libchdb.so is found in $VIEWPULSE_CHDB_DIR, else in
 * ${XDG_CACHE_HOME:-$HOME/.cache}/viewpulse/chdb/{@value #VERSION}; tools/chdb/install.sh puts it there. When it is
 * missing the fixture fails and says so: a ClickHouse test never passes by not running.
 *
 * <p>The child listens on a loopback port the kernel picks, with a fresh data directory and a random password; it
 * exits when this JVM does (its stdin closes), so a killed test run leaves no engine behind.
 */
public final class Chdb implements AutoCloseable {
  /** The chDB release tools/chdb/install.sh installs. */
  public static final String VERSION = "26.7.3-stable.1";
  public static final String USER = "viewpulse";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  public final String url;
  public final String password;
  /** A client built as production builds one (see {@link #clientBuilder}), on the default database. */
  public final Client client;
  private final Process process;
  private final Path dataDir;
  private final Path log;

  public Chdb() {
    Path lib = libraryDir();
    Path binary = frontEnd(lib);
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    password = HexFormat.of().formatHex(secret);
    try {
      dataDir = Files.createTempDirectory("viewpulse-chdb");
      log = binary.resolveSibling("chdb_http-" + dataDir.getFileName() + ".log");
      ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--path", dataDir.resolve("data").toString(),
          "--user", USER, "--port", "0", "--exit-on-stdin-eof")
          .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put("CHDB_HTTP_PASSWORD", password);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      int port = awaitPort();
      url = "http://127.0.0.1:" + port + "/";
      awaitPing();
    } catch (RuntimeException | Error e) {
      stop();
      throw e;
    }
    client = clientBuilder(url, USER, password).build();
  }

  /** The front end's process (the engine runs in it), for benchmarks that count its CPU time. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  /**
   * The client configuration production uses, and the one this front end needs: plain (uncompressed) requests and
   * responses, HTTP basic authentication. A real ClickHouse server accepts the same configuration.
   */
  public static Client.Builder clientBuilder(String url, String user, String password) {
    return new Client.Builder()
        .addEndpoint(url)
        .setUsername(user)
        .setPassword(password)
        .compressServerResponse(false)
        .compressClientRequest(false)
        .useHttpCompression(false);
  }

  /** The process's request log (stderr), for a failing test's message. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Whether the child process is still running. */
  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      stop();
    }
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(dataDir);
  }

  /** Reads "listening on 127.0.0.1:PORT" from the child's stdout. */
  private int awaitPort() {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    String first;
    try {
      first = line.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("chdb_http did not start in " + START_TIMEOUT + "; its log:\n" + log());
    } catch (ExecutionException e) {
      throw new IllegalStateException("chdb_http's output could not be read; its log:\n" + log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    String prefix = "listening on 127.0.0.1:";
    if (first == null || !first.startsWith(prefix)) {
      throw new IllegalStateException("chdb_http did not start (it said " + first + "); its log:\n" + log());
    }
    return Integer.parseInt(first.substring(prefix.length()).trim());
  }

  private void awaitPing() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "";
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "ping"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().equals("Ok.\n")) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("chdb_http did not answer /ping (" + last + "); its log:\n" + log());
  }

  /** The directory holding an installed, verified libchdb.so; fails with what to run when there is none. */
  static Path libraryDir() {
    String env = System.getenv("VIEWPULSE_CHDB_DIR");
    Path dir;
    if (env != null && !env.isEmpty()) {
      dir = Path.of(env);
    } else {
      String xdg = System.getenv("XDG_CACHE_HOME");
      Path cache = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
      dir = cache.resolve("viewpulse").resolve("chdb").resolve(VERSION);
    }
    if (!Files.isRegularFile(dir.resolve("libchdb.so")) || !Files.isRegularFile(dir.resolve(".verified"))) {
      throw new IllegalStateException("chDB's libchdb.so is not installed in " + dir
          + ": run tools/chdb/install.sh (it downloads chDB " + VERSION + " from npm, about 178 MB, and checks it)");
    }
    return dir.toAbsolutePath();
  }

  /** Builds tools/chdb/chdb_http.c against {@code lib} into target/chdb unless an up-to-date build is there. */
  static synchronized Path frontEnd(Path lib) {
    Path source = repositoryRoot().resolve("tools/chdb/chdb_http.c");
    Path out = Path.of("target", "chdb").toAbsolutePath();
    Path binary = out.resolve("chdb_http");
    Path stamp = out.resolve("chdb_http.built-against");
    try {
      Files.createDirectories(out);
      boolean fresh = Files.isExecutable(binary) && Files.isRegularFile(stamp)
          && Files.readString(stamp).equals(lib.toString())
          && Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) >= 0;
      if (fresh) {
        return binary;
      }
      Path tmp = out.resolve("chdb_http.tmp");
      List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-std=gnu11", "-Wall", "-Wextra", "-pthread",
          "-o", tmp.toString(), source.toString(), "-L" + lib, "-lchdb", "-Wl,-rpath," + lib));
      Process gcc;
      try {
        gcc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new IllegalStateException("gcc is needed to build tools/chdb/chdb_http.c (apt-get install gcc)", e);
      }
      String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
        throw new IllegalStateException("gcc failed on " + source + ":\n" + output);
      }
      Files.move(tmp, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(stamp, lib.toString());
      return binary;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("tools/chdb/chdb_http.c"))) {
        return p;
      }
    }
    throw new IllegalStateException("tools/chdb/chdb_http.c not found above " + Path.of("").toAbsolutePath());
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
