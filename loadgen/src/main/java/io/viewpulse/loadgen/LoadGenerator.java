package io.viewpulse.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Simulated viewers against a running Viewpulse. Closed loop (each viewer sends its next beacon when the last is
 * answered: the server's maximum rate) or open loop (beacons at a target rate, whatever the answers). Reports beacons
 * and events per second, ack latency, errors by status, and freshness: how long after its acknowledgement a beacon
 * shows in {@code /api/data/views/query} and {@code /api/data/views/now}. Optionally writes the id of every
 * acknowledged session, for crash tests.
 */
@Command(name = "viewpulse-loadgen", mixinStandardHelpOptions = true,
    description = "Simulated viewers against a running Viewpulse.")
public final class LoadGenerator implements java.util.concurrent.Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Viewpulse. Default: ${DEFAULT-VALUE}")
  String url;

  @Option(names = "--key", description = "A secret key: to register the lg-* videos and measure freshness")
  String key;

  @Option(names = "--viewers", defaultValue = "256", description = "Concurrent viewers (closed loop). Default: ${DEFAULT-VALUE}")
  int viewers;

  @Option(names = "--rate", defaultValue = "0", description = "Beacons per second (open loop); 0: closed loop")
  int rate;

  @Option(names = "--duration", defaultValue = "30", description = "Seconds measured. Default: ${DEFAULT-VALUE}")
  int duration;

  @Option(names = "--warmup", defaultValue = "30",
      description = "Seconds before measuring (a fresh server compiles its hot paths for about 20 s)."
          + " Default: ${DEFAULT-VALUE}")
  int warmup;

  @Option(names = "--connections", defaultValue = "64", description = "HTTP connections. Default: ${DEFAULT-VALUE}")
  int connections;

  @Option(names = "--playback-ids", defaultValue = "100", description = "Videos (lg-0 ...). Default: ${DEFAULT-VALUE}")
  int playbackIds;

  @Option(names = "--path", description = "Where beacons go (/bench/noop for the baseline). Default: /analytics/log,"
      + " or /analytics/cmcd with --cmcd")
  String path;

  @Option(names = "--cmcd", description = "Send the sessions as CMCD v2 event-mode reports (application/cmcd, one a"
      + " line) instead of beacons")
  boolean cmcd;

  // what Chromium's fetch() sends with every beacon: a server that compresses what it may answers to it
  @Option(names = "--accept-encoding", defaultValue = "gzip, deflate, br, zstd",
      description = "Accept-Encoding of each beacon, as a browser sends it ('' for none). Default: ${DEFAULT-VALUE}")
  String acceptEncoding;

  @Option(names = "--bare-headers",
      description = "Send only Content-Type, X-Forwarded-For and Accept-Encoding, not the rest of a browser's headers")
  boolean bareHeaders;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed. Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--uid-per-session", description = "Send each session's id as its viewer id (to check sessions one by one)")
  boolean uidPerSession;

  @Option(names = "--acked", description = "Write one line per acknowledged beacon to this file: its session id, a tab, "
      + "and the playing time (ms) its heartbeat reports")
  Path acked;

  @Option(names = "--freshness", description = "Probe freshness (needs --key)")
  boolean freshness;

  @Option(names = "--query-url", description = "Where the freshness probe asks whether its beacon counts (another node "
      + "of a cluster); default: --url")
  String queryUrl;

  @Option(names = "--json", description = "Print the report as JSON")
  boolean json;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  /** What a run measured. */
  public record Report(double seconds, long beacons, long events, double beaconsPerSecond, double eventsPerSecond,
      double ackP50Ms, double ackP99Ms, double ackMaxMs, double refusedP50Ms, double refusedP99Ms,
      Map<Integer, Long> statuses, long connectErrors,
      double freshQueryP50Ms, double freshQueryP99Ms, double freshNowP50Ms, double freshNowP99Ms, long freshSamples,
      double maxBehindMs) {}

  /** The command line's defaults, to be changed by the setters below (for programs and tests). */
  public static LoadGenerator options() {
    return picocli.CommandLine.populateCommand(new LoadGenerator());
  }

  public LoadGenerator url(String v) {
    url = v;
    return this;
  }

  public LoadGenerator key(String v) {
    key = v;
    return this;
  }

  public LoadGenerator viewers(int v) {
    viewers = v;
    return this;
  }

  public LoadGenerator duration(int seconds, int warmupSeconds) {
    duration = seconds;
    warmup = warmupSeconds;
    return this;
  }

  public LoadGenerator connections(int v) {
    connections = v;
    return this;
  }

  public LoadGenerator playbackIds(int v) {
    playbackIds = v;
    return this;
  }

  public LoadGenerator uidPerSession() {
    uidPerSession = true;
    return this;
  }

  public LoadGenerator acked(Path v) {
    acked = v;
    return this;
  }

  /** Viewers of different seeds run different sessions (and session ids). */
  public LoadGenerator seed(int v) {
    seed = v;
    return this;
  }

  /** The freshness probe sends its beacons to {@code url} and asks this server whether they count. */
  public LoadGenerator freshness(String queryUrlOrNull) {
    freshness = true;
    queryUrl = queryUrlOrNull;
    return this;
  }

  public LoadGenerator rate(int v) {
    rate = v;
    return this;
  }

  /** Sessions as CMCD event-mode reports to /analytics/cmcd. */
  public LoadGenerator cmcd() {
    cmcd = true;
    return this;
  }

  @Override
  public Integer call() throws Exception {
    Report r = run(null);
    PrintWriter out = new PrintWriter(System.out, true);
    if (json) {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    } else {
      out.printf("%.1f s: %d beacons (%.0f/s), %d events (%.0f/s)%n", r.seconds(), r.beacons(), r.beaconsPerSecond(),
          r.events(), r.eventsPerSecond());
      out.printf("ack latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", r.ackP50Ms(), r.ackP99Ms(), r.ackMaxMs());
      out.printf("answers by status: %s; connection errors: %d%n", r.statuses(), r.connectErrors());
      if (r.statuses().containsKey(503)) {
        out.printf("503 latency: p50 %.2f ms, p99 %.2f ms%n", r.refusedP50Ms(), r.refusedP99Ms());
      }
      if (r.maxBehindMs() > 100) {
        out.printf("warning: this load generator fell up to %.0f ms behind its schedule (its own stall: GC, CPU, the"
            + " VM); latencies count from when beacons were due, so they include that%n", r.maxBehindMs());
      }
      if (r.freshSamples() > 0) {
        out.printf("freshness (%d probes): query p50 %.0f ms p99 %.0f ms; now p50 %.0f ms p99 %.0f ms%n",
            r.freshSamples(), r.freshQueryP50Ms(), r.freshQueryP99Ms(), r.freshNowP50Ms(), r.freshNowP99Ms());
      }
    }
    return 0;
  }

  /**
   * Runs the load.
   *
   * @param stop set to true to end the run early (e.g. the server was killed); may be null
   */
  public Report run(AtomicBoolean stop) throws Exception {
    URI base = URI.create(url);
    Vertx vertx = Vertx.vertx();
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setDefaultHost(base.getHost()).setDefaultPort(base.getPort()), new PoolOptions().setHttp1MaxSize(connections));
    PrintWriter ackLog = acked == null ? null : new PrintWriter(Files.newBufferedWriter(acked), false);
    Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    Histogram refused = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    LongAdder beacons = new LongAdder();
    LongAdder events = new LongAdder();
    LongAdder connectErrors = new LongAdder();
    AtomicBoolean measuring = new AtomicBoolean(warmup == 0);
    AtomicBoolean done = stop == null ? new AtomicBoolean() : stop;
    AtomicLong behind = new AtomicLong();
    try {
      if (key != null) {
        register(http);
      }
      List<Viewer> all = new ArrayList<>();
      for (int i = 0; i < Math.max(1, viewers); i++) {
        all.add(new Viewer(seed * 1_000_003L + i, playbackIds, 2.5, "lg" + seed + "v" + i + "-", cmcd));
      }
      String target = path != null ? path : cmcd ? "/analytics/cmcd" : "/analytics/log";
      Sender sender = (viewer, then, due) -> {
        Viewer.Beacon b = viewer.next();
        String body = uidPerSession && !cmcd
            ? b.body().replace("\"live\":", "\"uid\":\"" + b.session() + "\",\"live\":") : b.body();
        // open loop: from when the beacon was due, so a slow server is not excused by a backlog in this client;
        // closed loop: from when a connection is free, as more viewers than connections queue here by design
        long[] started = {due > 0 ? due : System.nanoTime()};
        // a request counts if it was sent inside the measured window, however late its outcome: requests cut off by
        // a server killed at the window's end fail a moment after it, and were missed
        boolean measured = measuring.get();
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST)
            .setURI(target + (b.last() && !cmcd ? "?last=1" : ""))
            .putHeader("Content-Type", cmcd ? "application/cmcd" : "text/plain;charset=UTF-8")
            .putHeader("X-Forwarded-For", b.ip());
        if (!acceptEncoding.isEmpty()) {
          ro.putHeader("Accept-Encoding", acceptEncoding);
        }
        if (!bareHeaders) {
          browserHeaders(ro, b, b.last() && !cmcd);
        }
        http.request(ro).compose(req -> {
          if (rate == 0) {
            started[0] = System.nanoTime();
          }
          return req.send(Buffer.buffer(body)).compose(resp -> resp.body().map(x -> resp.statusCode()));
        }).onComplete(ar -> {
              if (measured) {
                if (ar.succeeded()) {
                  statuses.computeIfAbsent(ar.result(), k -> new LongAdder()).increment();
                  long took = Math.min(System.nanoTime() - started[0], TimeUnit.SECONDS.toNanos(60));
                  if (ar.result() == 503) {
                    refused.recordValue(took);
                  }
                  if (ar.result() / 100 == 2) {
                    latency.recordValue(took);
                    beacons.increment();
                    events.add(b.events());
                  }
                } else {
                  connectErrors.increment();
                }
              }
              if (ackLog != null && ar.succeeded() && ar.result() / 100 == 2) {
                synchronized (ackLog) {
                  ackLog.append(b.session()).append('\t').append(Long.toString(b.playingMs())).append('\n');
                }
              }
              if (then != null && !done.get()) {
                then.run();
              }
            });
      };
      long start = System.nanoTime();
      if (rate == 0) {
        for (Viewer v : all) {
          Runnable[] loop = new Runnable[1];
          loop[0] = () -> sender.send(v, loop[0], 0);
          vertx.runOnContext(x -> loop[0].run());
        }
      } else {
        AtomicLong sent = new AtomicLong();
        // the timer fires every millisecond; a later firing means this process stalled (GC, CPU, the VM)
        int[] next = {0};
        vertx.setPeriodic(1, t -> {
          if (done.get()) {
            vertx.cancelTimer(t);
            return;
          }
          long now = System.nanoTime();
          long due = (now - start) * rate / 1_000_000_000L;
          while (sent.get() < due) {
            long n = sent.incrementAndGet();
            // when this beacon was due: latency counts from then, so a backlog here is not hidden
            long dueAt = start + (n - 1) * 1_000_000_000L / rate;
            if (measuring.get()) {
              behind.accumulateAndGet(now - dueAt, Math::max);
            }
            sender.send(all.get(next[0]++ % all.size()), null, dueAt);
          }
        });
      }
      HttpClientAgent queries = http;
      if (queryUrl != null) {
        URI q = URI.create(queryUrl);
        queries = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost(q.getHost())
            .setDefaultPort(q.getPort()), new PoolOptions().setHttp1MaxSize(2));
      }
      Freshness fresh = freshness && key != null ? new Freshness(http, queries, key) : null;
      sleepUnless(done, warmup);
      measuring.set(true);
      long measuredFrom = System.nanoTime();
      if (fresh != null) {
        fresh.start(done);
      }
      sleepUnless(done, duration);
      double seconds = (System.nanoTime() - measuredFrom) / 1e9;
      measuring.set(false);
      done.set(true);
      Thread.sleep(500);
      Map<Integer, Long> st = new TreeMap<>();
      statuses.forEach((k, v) -> st.put(k, v.sum()));
      double[] fq = fresh == null ? new double[] {0, 0, 0, 0, 0} : fresh.summary();
      return new Report(seconds, beacons.sum(), events.sum(), beacons.sum() / seconds, events.sum() / seconds,
          latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6,
          refused.getValueAtPercentile(50) / 1e6, refused.getValueAtPercentile(99) / 1e6, st, connectErrors.sum(),
          fq[0], fq[1], fq[2], fq[3], (long) fq[4], behind.get() / 1e6);
    } finally {
      if (ackLog != null) {
        synchronized (ackLog) {
          ackLog.close();
        }
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private interface Sender {
    /** Sends the viewer's next beacon; {@code due}: when it was due (open loop), or 0. */
    void send(Viewer v, Runnable then, long due);
  }

  private static void sleepUnless(AtomicBoolean stop, int seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!stop.get() && System.nanoTime() < until) {
      Thread.sleep(50);
    }
  }

  /** Registers lg-0 ... lg-(n-1) (every tenth a live stream) and the freshness probe, unless they exist. */
  private void register(HttpClientAgent http) throws Exception {
    for (int i = 0; i <= playbackIds; i++) {
      boolean probe = i == playbackIds;
      String pb = probe ? "lg-probe" : "lg-" + i;
      boolean stream = !probe && i % 10 == 0;
      ObjectNode body = JSON.createObjectNode().put("name", "load " + pb).put("playbackId", pb);
      if (stream) {
        body.put("type", "channel");
      }
      int status = http.request(new RequestOptions().setMethod(HttpMethod.POST)
              .setURI(stream ? "/api/stream" : "/api/asset").putHeader("Authorization", "Bearer " + key)
              .putHeader("Content-Type", "application/json"))
          .compose(req -> req.send(body.toString()).map(resp -> resp.statusCode()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (status != 201 && status != 409) {
        throw new IllegalStateException("cannot register " + pb + ": HTTP " + status);
      }
    }
  }

  /**
   * One probe session at a time: a beacon, then the time until {@code /query/total} and {@code /now} count it; then
   * the page's last beacon, and a wait until {@code /now} no longer counts it, so each probe is seen on its own.
   */
  private static final class Freshness {
    private final HttpClientAgent http;
    private final HttpClientAgent queries;
    private final String key;
    private final Histogram query = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(120), 3);
    private final Histogram now = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(120), 3);
    private long seq;

    Freshness(HttpClientAgent http, HttpClientAgent queries, String key) {
      this.http = http;
      this.queries = queries;
      this.key = key;
    }

    void start(AtomicBoolean stop) {
      Thread t = new Thread(() -> {
        try {
          while (!stop.get()) {
            long before = total();
            String session = "probe-" + System.currentTimeMillis() + "-" + seq++;
            if (beacon(session, false) != 200) {
              Thread.sleep(500);
              continue;
            }
            long acked = System.nanoTime();
            long seenQuery = 0;
            long seenNow = 0;
            long deadline = acked + TimeUnit.SECONDS.toNanos(30);
            while ((seenQuery == 0 || seenNow == 0) && System.nanoTime() < deadline && !stop.get()) {
              if (seenQuery == 0 && total() > before) {
                seenQuery = System.nanoTime() - acked;
              }
              if (seenNow == 0 && nowCount() > 0) {
                seenNow = System.nanoTime() - acked;
              }
            }
            if (seenQuery > 0 && seenNow > 0) {
              query.recordValue(seenQuery);
              now.recordValue(seenNow);
            }
            beacon(session, true);
            while (nowCount() > 0 && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(30) && !stop.get()) {
              Thread.sleep(20);
            }
          }
        } catch (Exception e) {
          // the server went away: stop probing
        }
      }, "freshness-probe");
      t.setDaemon(true);
      t.start();
    }

    private int beacon(String session, boolean last) throws Exception {
      long ms = System.currentTimeMillis();
      String body = "{\"session_id\":\"" + session + "\",\"playback_id\":\"lg-probe\",\"events\":"
          + "[{\"id\":\"" + (last ? "h" : "p") + "\",\"type\":\"" + (last ? "pause" : "play") + "\",\"timestamp\":"
          + ms + "}]}";
      return http.request(HttpMethod.POST, "/analytics/log" + (last ? "?last=1" : ""))
          .compose(req -> req.send(body).map(r -> r.statusCode())).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }

    private long total() throws Exception {
      return get("/api/data/views/query/total/lg-probe").path("viewCount").asLong();
    }

    private long nowCount() throws Exception {
      return get("/api/data/views/now?playbackId=lg-probe").path(0).path("viewCount").asLong();
    }

    private JsonNode get(String uri) throws Exception {
      String body = queries.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri)
              .putHeader("Authorization", "Bearer " + key))
          .compose(req -> req.send().compose(resp -> resp.body())).map(Buffer::toString)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return JSON.readTree(body);
    }

    /** p50 and p99 of both, in ms, and the number of probes. */
    double[] summary() {
      return new double[] {query.getValueAtPercentile(50) / 1e6, query.getValueAtPercentile(99) / 1e6,
          now.getValueAtPercentile(50) / 1e6, now.getValueAtPercentile(99) / 1e6, query.getTotalCount()};
    }
  }

  /**
   * What a browser adds to a player's beacon: a cross-site fetch (a page on the video site posting to Viewpulse), or
   * the page's last beacon by sendBeacon (no-cors). About 600 bytes of headers, as Chromium sends them.
   */
  private static void browserHeaders(RequestOptions ro, Viewer.Beacon b, boolean sendBeacon) {
    ro.putHeader("User-Agent", b.agent()).putHeader("Accept", "*/*")
        .putHeader("Accept-Language", "en-US,en;q=0.9").putHeader("Origin", "https://loadgen.example.com")
        .putHeader("Referer", "https://loadgen.example.com/watch").putHeader("Sec-Fetch-Site", "cross-site")
        .putHeader("Sec-Fetch-Mode", sendBeacon ? "no-cors" : "cors").putHeader("Sec-Fetch-Dest", "empty");
    if (b.agent().contains("Chrome/")) {
      ro.putHeader("sec-ch-ua", "\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"")
          .putHeader("sec-ch-ua-mobile", b.agent().contains("Mobile") ? "?1" : "?0")
          .putHeader("sec-ch-ua-platform", b.agent().contains("Android") ? "\"Android\"" : "\"Windows\"");
    }
  }
}
