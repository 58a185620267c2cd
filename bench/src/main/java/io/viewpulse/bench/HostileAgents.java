package io.viewpulse.bench;

import io.viewpulse.app.ServerConfig;
import io.viewpulse.app.Viewpulse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Beacons whose user agents are all distinct and long (each one a miss of the user-agent cache, parsed by Yauaa)
 * against beacons that share one user agent, on a real server over HTTP; meanwhile a probe asks {@code /healthz}
 * every 10 ms, whose latency shows how long the event loops are kept from other work.
 */
@Command(name = "hostile-agents", mixinStandardHelpOptions = true,
    description = "Beacons with distinct long user agents vs one user agent: beacons/s and event-loop stalls.")
final class HostileAgents implements Callable<Integer> {
  @Option(names = "--beacons", defaultValue = "1000")
  int beacons;

  @Option(names = "--length", defaultValue = "1000", description = "Characters of each hostile user agent")
  int length;

  @Option(names = "--in-flight", defaultValue = "32")
  int inFlight;

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
      + "Gecko) Chrome/124.0.0.0 Safari/537.36";

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("viewpulse-hostile-agents");
    try (Viewpulse vp = Viewpulse.start(ServerConfig.defaults(dir).withHost("127.0.0.1").withPort(0))) {
      String account = vp.keys().accounts().get(0).id();
      vp.catalog().create(account, new io.viewpulse.catalog.Catalog.NewMedia(
          io.viewpulse.model.Media.Kind.ASSET, "hostile", "ua-1", null, null, null));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = "http://127.0.0.1:" + vp.port();
      Random random = new Random(42);
      // warm-up: the JIT compiler, the analyzer's first parses
      run(http, base, "warm", 2_000, i -> CHROME);
      String[] hostile = new String[beacons];
      for (int i = 0; i < beacons; i++) {
        hostile[i] = agent(random, length);
      }
      run(http, base, "hostile", beacons, i -> hostile[i]);
      run(http, base, "one-agent", beacons, i -> CHROME);
    }
    return 0;
  }

  /** A user-agent-looking string of {@code n} characters: product tokens and comments, all different. */
  static String agent(Random r, int n) {
    String[] os = {"Windows NT 10.0; Win64; x64", "Linux; Android 13; SM-S911B", "iPhone; CPU iPhone OS 17_4 like Mac OS X",
        "X11; Linux x86_64", "Macintosh; Intel Mac OS X 10_15_7"};
    StringBuilder b = new StringBuilder("Mozilla/5.0 (").append(os[r.nextInt(os.length)]).append(") ");
    while (b.length() < n) {
      StringBuilder word = new StringBuilder();
      for (int k = 2 + r.nextInt(8); k > 0; k--) {
        word.append((char) ('A' + r.nextInt(26) + (r.nextBoolean() ? 32 : 0)));
      }
      switch (r.nextInt(4)) {
        case 0 -> b.append(word).append('/').append(r.nextInt(200)).append('.').append(r.nextInt(10)).append(' ');
        case 1 -> b.append('(').append(word).append("; ").append(r.nextInt(99)).append(") ");
        case 2 -> b.append("AppleWebKit/").append(500 + r.nextInt(99)).append('.').append(r.nextInt(99)).append(' ');
        default -> b.append(word).append(' ');
      }
    }
    return b.substring(0, n);
  }

  private void run(HttpClient http, String base, String name, int n, java.util.function.IntFunction<String> agents)
      throws Exception {
    URI uri = URI.create(base + "/analytics/log");
    List<Long> probe = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean done = new AtomicBoolean();
    Thread prober = new Thread(() -> {
      HttpClient one = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI health = URI.create(base + "/healthz");
      while (!done.get()) {
        long t = System.nanoTime();
        try {
          one.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding());
          probe.add(System.nanoTime() - t);
          Thread.sleep(10);
        } catch (Exception e) {
          return;
        }
      }
    }, "probe");
    Semaphore slots = new Semaphore(inFlight);
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    long now = System.currentTimeMillis();
    prober.start();
    long started = System.nanoTime();
    for (int i = 0; i < n; i++) {
      String body = "{\"session_id\":\"" + name + i + "\",\"playback_id\":\"ua-1\",\"user_agent\":"
          + JSON.writeValueAsString(agents.apply(i)) + ",\"events\":[{\"id\":\"p" + i
          + "\",\"type\":\"play\",\"timestamp\":" + now + "}]}";
      slots.acquire();
      http.sendAsync(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            statuses.merge(r == null ? -1 : r.statusCode(), 1, Integer::sum);
            slots.release();
          });
    }
    slots.acquire(inFlight);
    double seconds = (System.nanoTime() - started) / 1e9;
    done.set(true);
    prober.join();
    slots.release(inFlight);
    long[] p = probe.stream().mapToLong(Long::longValue).sorted().toArray();
    if (name.equals("warm")) {
      return;
    }
    System.out.printf("%-10s %,d beacons in %.2f s: %,.0f beacons/s, answers %s; /healthz meanwhile (%d probes) "
        + "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", name, n, seconds, n / seconds, new TreeMap<>(statuses), p.length,
        at(p, 0.5), at(p, 0.99), p.length == 0 ? 0 : p[p.length - 1] / 1e6);
  }

  private static double at(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
  }

}
