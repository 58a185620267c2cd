package io.viewpulse.bench;

import io.viewpulse.app.ServerConfig;
import io.viewpulse.app.Viewpulse;
import io.viewpulse.auth.KeyService;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.Timeline;
import io.viewpulse.model.ViewRecord;
import io.viewpulse.query.Dimension;
import io.viewpulse.query.TimeStep;
import io.viewpulse.query.ViewsQuery;
import io.viewpulse.sessions.SessionRules;
import io.viewpulse.store.Store;
import io.viewpulse.store.engines.Stores;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Whole-process benchmarks: a large history written straight into the store, the query API against the same SQL run
 * directly on the store, heap per open session, and disk per view. Results go to stdout in the form
 * docs/BENCHMARKS.md records them. Never part of the test suite.
 */
@Command(name = "viewpulse-bench", mixinStandardHelpOptions = true,
    subcommands = {Bench.Bulk.class, Bench.Query.class, Bench.Memory.class, Bench.Jmh.class, HostileAgents.class,
        ViewsBench.class, AlertsBench.class})
public final class Bench implements Runnable {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Writes a realistic history of views straight into the store of a data directory. */
  @Command(name = "bulk", mixinStandardHelpOptions = true, description = "Write N views over D days into a store.")
  static final class Bulk implements Callable<Integer> {
    @Option(names = "--data", required = true)
    Path data;

    @Option(names = "--views", defaultValue = "1000000")
    long views;

    @Option(names = "--days", defaultValue = "90")
    int days;

    @Option(names = "--playback-ids", defaultValue = "5000")
    int playbackIds;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--places", defaultValue = "15",
        description = "Distinct places (subdivisions): the 15 named ones, and beyond them synthetic subdivisions of"
            + " every ISO country, for a world-wide audience's cardinality")
    int places;

    @Option(names = "--store", defaultValue = "duckdb",
        description = "As serve's: duckdb (the file in --data), or clickhouse://USER:PASSWORD@HOST:8123/DATABASE")
    String store;

    @Option(names = "--timeline-days", defaultValue = "30",
        description = "Views of the last D days get a typical timeline, as the default timeline retention keeps")
    int timelineDays;

    @Override
    public Integer call() throws Exception {
      String account;
      io.viewpulse.store.StoreConfig storeConfig = io.viewpulse.store.StoreConfig.parse(store, data, null);
      // an account (and a key to query with) through the server's own start-up, then the server stops
      try (Viewpulse vp = Viewpulse.start(ServerConfig.defaults(data).withStore(storeConfig).withHost("127.0.0.1")
          .withPort(0))) {
        account = vp.keys().accounts().get(0).id();
        if (!vp.bootstrapKeys().isEmpty()) {
          KeyService.IssuedKey k = vp.bootstrapKeys().get(0);
          Files.writeString(data.resolve("bench-key"), k.token());
        }
      }
      History h = new History(seed, playbackIds, days, account, views, places);
      TypicalTimelines tl = new TypicalTimelines(seed);
      long timelinesFrom = System.currentTimeMillis() - timelineDays * 86_400_000L;
      long started = System.nanoTime();
      try (Store store = Stores.open(storeConfig)) {
        long written = 0;
        while (written < views) {
          int n = (int) Math.min(200_000, views - written);
          List<ViewRecord> batch = new ArrayList<>(n);
          Map<Long, byte[]> timelines = new HashMap<>();
          for (int i = 0; i < n; i++) {
            ViewRecord v = h.next();
            batch.add(v);
            if (v.startedAtMs() >= timelinesFrom) {
              timelines.put(v.viewId(), tl.of(v));
            }
          }
          store.load(batch, timelines);
          written += n;
          if (written % 5_000_000 == 0 || written == views) {
            System.out.printf("%,d views written (%.0f/s)%n", written, written / ((System.nanoTime() - started) / 1e9));
          }
        }
      }
      System.out.printf("%,d views loaded in %.1f s%n", views, (System.nanoTime() - started) / 1e9);
      StoreBytes.print(storeConfig, views);
      return 0;
    }
  }

  /**
   * A typical view's timeline: play, first frame, a stall in three views of ten (two in one of ten), a rendition
   * switch in half, a seek in one of five, a pause in three of ten, a fatal error in the views that failed, its end.
   */
  static final class TypicalTimelines {
    private final Random r;

    TypicalTimelines(long seed) {
      this.r = new Random(seed ^ 0x7431);
    }

    byte[] of(ViewRecord v) {
      Timeline.Recorder tl = new Timeline.Recorder();
      long t = v.startedAtMs();
      tl.play(t);
      long at = t;
      if (v.ttffMs() != null) {
        at += v.ttffMs();
        tl.firstFrame(at);
      }
      int stalls = v.rebufferMs() == 0 ? 0 : r.nextInt(10) < 7 ? 1 : 2;
      for (int i = 0; i < stalls; i++) {
        at += 5_000 + r.nextInt(60_000);
        tl.stall(at, v.rebufferMs() / stalls, 1);
      }
      if (v.firstFrame() && r.nextBoolean()) {
        at += 2_000 + r.nextInt(20_000);
        tl.rendition(at, new Timeline.Rendition(1_500_000, 854, 480), new Timeline.Rendition(4_500_000, 1920, 1080));
      }
      if (v.firstFrame() && r.nextInt(5) == 0) {
        at += 10_000 + r.nextInt(60_000);
        tl.seek(at, 100 + r.nextInt(900));
      }
      if (v.firstFrame() && r.nextInt(10) < 3) {
        at += 10_000 + r.nextInt(60_000);
        tl.pause(at);
      }
      if (v.errors() > 0) {
        at += 1_000 + r.nextInt(10_000);
        tl.error(at, true, "network", "MEDIA_ERR_NETWORK: segment 404");
      }
      long end = Math.max(at, v.endedAtMs() == null ? at : v.endedAtMs());
      int cause = r.nextInt(10);
      return tl.toBytes(cause < 6 ? null : cause < 9 ? "page" : "timeout", end);
    }
  }

  /** Realistic views: skewed popularity, more recent days busier, a daily rhythm, a spread of places and devices. */
  static final class History {
    private static final String[][] PLACES = {
      {"North America", "US", "California", "America/Los_Angeles", "9q9"},
      {"North America", "US", "New York", "America/New_York", "dr5"},
      {"North America", "US", "Texas", "America/Chicago", "9vk"},
      {"Europe", "DE", "Bavaria", "Europe/Berlin", "u28"}, {"Europe", "GB", "England", "Europe/London", "gcp"},
      {"Europe", "FR", "Île-de-France", "Europe/Paris", "u09"}, {"Asia", "JP", "Tokyo", "Asia/Tokyo", "xn7"},
      {"Asia", "IN", "Maharashtra", "Asia/Kolkata", "te7"}, {"South America", "BR", "São Paulo", "America/Sao_Paulo", "6gy"},
      {"Oceania", "AU", "New South Wales", "Australia/Sydney", "r3g"}, {"Africa", "NG", "Lagos", "Africa/Lagos", "s14"},
      {"North America", "CA", "Ontario", "America/Toronto", "dpz"}, {"Europe", "ES", "Madrid", "Europe/Madrid", "ezj"},
      {"Asia", "KR", "Seoul", "Asia/Seoul", "wyd"}, {"North America", "MX", "Mexico City", "America/Mexico_City", "9g3"},
    };
    private static final String[][] DEVICES = {
      {"desktop", "Desktop", "Intel x86_64", "Windows NT", "Chrome", "Blink"},
      {"desktop", "Apple Macintosh", "Intel", "Mac OS", "Safari", "AppleWebKit"},
      {"mobile", "Apple iPhone", null, "iOS", "Safari", "AppleWebKit"},
      {"mobile", "Google Pixel 8", "ARM", "Android", "Chrome", "Blink"},
      {"mobile", "Samsung SM-S918B", "ARM", "Android", "Chrome", "Blink"},
      {"desktop", "Linux Desktop", "Intel x86_64", "Linux", "Firefox", "Gecko"},
      {"tablet", "Apple iPad", null, "iPadOS", "Safari", "AppleWebKit"},
      {"tv", "Samsung Smart TV", null, "Tizen", "Tizen Browser", "Blink"},
    };

    private final Random r;
    private final int playbackIds;
    private final long now = Instant.now().toEpochMilli();
    private final long span;
    private final String account;
    private final Dimensions[] dims;
    private final long total;
    private final long viewers;
    private long written;

    /** {@code total} views, in the order they would have arrived, from a tenth as many viewers. */
    History(long seed, int playbackIds, int days, String account, long total, int places) {
      this.r = new Random(seed);
      this.playbackIds = playbackIds;
      this.span = days * 86_400_000L;
      this.account = account;
      this.total = total;
      this.viewers = Math.max(1, total / 10);
      String[] countries = java.util.Locale.getISOCountries();
      dims = new Dimensions[Math.max(places, PLACES.length) * DEVICES.length];
      int i = 0;
      for (int k = 0; k < dims.length / DEVICES.length; k++) {
        String[] p = PLACES[k % PLACES.length];
        if (k >= PLACES.length) {
          // a synthetic subdivision of the k-th ISO country, with a real continent, zone and geohash to go with it
          String country = countries[k % countries.length];
          p = new String[] {p[0], country, country + "-" + (k / countries.length), p[3], p[4]};
        }
        for (String[] d : DEVICES) {
          dims[i++] = new Dimensions(d[0], d[1], d[2], d[3], d[4], d[5], p[0], p[1], p[2], p[3], p[4]);
        }
      }
    }

    ViewRecord next() {
      // views arrive in time order, busier towards now (a growing service), with a daily rhythm
      double x = (written++ + r.nextDouble()) / total;
      double t = Math.pow(x, 0.8);
      long start = now - span + (long) (t * span);
      start += (long) (Math.sin(start / 86_400_000.0 * 2 * Math.PI) * 2 * 3_600_000L * r.nextDouble());
      int pb = (int) Math.min(playbackIds - 1, Math.floor(Math.pow(r.nextDouble(), 3) * playbackIds));
      Dimensions d = dims[(int) Math.min(dims.length - 1, Math.floor(Math.pow(r.nextDouble(), 1.8) * dims.length))];
      boolean error = r.nextDouble() < 0.02;
      boolean exit = !error && r.nextDouble() < 0.03;
      boolean played = !error && !exit;
      long play = played ? (long) (r.nextDouble() * r.nextDouble() * 1_800_000) + 5_000 : 0;
      Integer ttff = played ? 120 + (int) Math.abs(r.nextGaussian() * 400) : null;
      long rebuffer = played && r.nextDouble() < 0.1 ? r.nextInt(8_000) : 0;
      long who = (long) Math.floor(Math.pow(r.nextDouble(), 2) * viewers);
      String viewer = "h:" + Long.toHexString(0x1000000000000000L + who * 0x9E3779B97F4A7C15L >>> 4);
      return new ViewRecord(written, account, "pb-" + pb, "creator-" + (pb % 50), null, viewer, start, start + play + 1, d,
          "www.example.com", pb % 10 == 0, play, ttff, rebuffer, error ? 1 : 0, played, true);
    }
  }

  /** The query API against the same SQL run directly on the store, over a history made by bulk. */
  @Command(name = "query", mixinStandardHelpOptions = true,
      description = "Median time of /api/data/views/query vs the store, breakdowns by country and device. With"
          + " several --data/--store pairs, the stores side by side: each query's runs alternate between them.")
  static final class Query implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "A data directory bulk wrote (repeat for each store)")
    List<Path> data;

    @Option(names = "--runs", defaultValue = "7")
    int runs;

    // The API's own path (HTTP, routing, the encoder's per-answer code) runs once per request, and the JIT compiles
    // it fully only after about a hundred answers: with 5 warm-up runs, the first 40 measured day series were 1.13
    // times the store, the next 40 1.07, and from the 120th on 1.00 to 1.03. A server that is up serves that many in
    // its first minutes, so steady state is what is measured, with the curve printed by --window.
    @Option(names = "--warmup", defaultValue = "150", description = "Unmeasured runs of each query first (JIT)")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "60",
        description = "Stop warming a query up after this long, however few its runs (a scan takes seconds)")
    int warmupSeconds;

    @Option(names = "--days", defaultValue = "90")
    int days;

    @Option(names = "--only", description = "Only the cases whose name contains this, e.g. 'by hour'")
    String only;

    @Option(names = "--window", defaultValue = "0",
        description = "Also print the API / store ratio of each run of this many consecutive runs (how it settles)")
    int window;

    @Option(names = "--store", description = "The store bulk wrote in the --data of the same rank: duckdb (the"
        + " default), or clickhouse://USER:PASSWORD@HOST:8123/DATABASE")
    List<String> store = new ArrayList<>();

    /** One server on one store, with what its cases need. */
    private record Server(String name, Viewpulse vp, String key, String account, KeepAliveGet http) {}

    @Override
    public Integer call() throws Exception {
      if (store.size() > data.size()) {
        throw new CommandLine.ParameterException(new CommandLine(this), "a --store without its --data");
      }
      List<Server> servers = new ArrayList<>();
      try {
        for (int i = 0; i < data.size(); i++) {
          Path dir = data.get(i);
          io.viewpulse.store.StoreConfig config = io.viewpulse.store.StoreConfig.parse(
              i < store.size() ? store.get(i) : "duckdb", dir, null);
          Viewpulse vp = Viewpulse.start(ServerConfig.defaults(dir).withStore(config).withHost("127.0.0.1")
              .withPort(0));
          String name = config.engine().name().toLowerCase(java.util.Locale.ROOT);
          String account = vp.keys().accounts().get(0).id();
          servers.add(new Server(name, vp, Files.readString(dir.resolve("bench-key")).strip(), account, null));
          long rollStart = System.nanoTime();
          vp.rollUp();
          System.out.printf("%s: rollups up to date %.1f s after start%n", name, (System.nanoTime() - rollStart) / 1e9);
          long stored = vp.directQueries().views(new ViewsQuery(account, null, null, null, null, null, null,
              List.of(), List.of(), ViewsQuery.Detail.ENGAGEMENT)).get(0).viewCount();
          StoreBytes.print(config, stored);
        }
        // connected once every store is ready: a connection left idle through a roll-up is closed by the server
        for (int i = 0; i < servers.size(); i++) {
          Server s = servers.get(i);
          servers.set(i, new Server(s.name(), s.vp(), s.key(), s.account(), new KeepAliveGet(s.vp().port())));
        }
        measure(servers);
      } finally {
        for (Server s : servers) {
          if (s.http() != null) {
            s.http().close();
          }
          s.vp().close();
        }
      }
      return 0;
    }

    private void measure(List<Server> servers) throws Exception {
      // whole milliseconds, as the API takes them, so both sides run the same statement
      Instant to = Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      Instant from = to.minus(Duration.ofDays(days));
      record Case(String name, String params, java.util.function.Function<String, ViewsQuery> q) {}
      List<Case> cases = new ArrayList<>();
      for (TimeStep step : List.of(TimeStep.DAY, TimeStep.HOUR)) {
        for (Dimension dim : List.of(Dimension.COUNTRY, Dimension.DEVICE, Dimension.SUBDIVISION)) {
          cases.add(new Case(dim.apiName() + " by " + step.apiName(),
              "&timeStep=" + step.apiName() + "&breakdownBy[]=" + dim.apiName(),
              account -> new ViewsQuery(account, null, null, null, from, to, step, List.of(dim), List.of(),
                  ViewsQuery.Detail.FULL)));
        }
      }
      // one video (the most watched: about 6 % of the views), and the browser engine
      cases.add(new Case("playback pb-0 by day", "&timeStep=day&playbackId=pb-0",
          account -> new ViewsQuery(account, "pb-0", null, null, from, to, TimeStep.DAY, List.of(), List.of(),
              ViewsQuery.Detail.FULL)));
      cases.add(new Case("browserEngine by day", "&timeStep=day&breakdownBy[]=browserEngine",
          account -> new ViewsQuery(account, null, null, null, from, to, TimeStep.DAY,
              List.of(Dimension.BROWSER_ENGINE), List.of(), ViewsQuery.Detail.FULL)));
      // the floor under every API figure: a request and a tiny answer on this connection
      for (Server s : servers) {
        long[] floor = new long[200];
        for (int i = 0; i < 2 * floor.length; i++) {
          long h0 = System.nanoTime();
          s.http().get("/healthz", s.key());
          if (i >= floor.length) {
            floor[i - floor.length] = System.nanoTime() - h0;
          }
        }
        System.out.printf("%sGET /healthz median %.2f ms%n", prefix(servers, s), median(floor) / 1e6);
      }
      System.out.println((servers.size() > 1 ? "store | " : "")
          + "query | API median ms | store median ms | API / store | rows | warm-up runs");
      String uri0 = "/api/data/views/query?from=" + from.toEpochMilli() + "&to=" + to.toEpochMilli();
      for (Case c : cases) {
        if (only != null && !c.name().contains(only)) {
          continue;
        }
        String uri = uri0 + c.params();
        KeepAliveGet.Response probe = servers.get(0).http().get(uri, servers.get(0).key());
        if (probe.status() == 400) {
          // e.g. 3,000 places by hour over 90 days: more datapoints than the API (as Livepeer's) answers
          System.out.printf("%s | refused by the API: %s%n", c.name(), probe.text());
          continue;
        }
        int n = servers.size();
        long[][] api = new long[n][runs];
        long[][] direct = new long[n][runs];
        int[] rows = new int[n];
        int[] warmed = new int[n];
        // each store warms up on its own, then the measured runs alternate between the stores
        for (int k = 0; k < n; k++) {
          Server s = servers.get(k);
          long warmUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
          for (; warmed[k] < warmup && System.nanoTime() < warmUntil; warmed[k]++) {
            // alternate which side goes first, so neither always finds the caches the other warmed
            pair(s, uri, c.q().apply(s.account()), warmed[k] % 2 == 0);
          }
        }
        for (int i = 0; i < runs; i++) {
          for (int j = 0; j < n; j++) {
            int k = (i + j) % n;
            Server s = servers.get(k);
            Run run = pair(s, uri, c.q().apply(s.account()), i % 2 == 0);
            api[k][i] = run.api();
            direct[k][i] = run.direct();
            rows[k] = run.rows();
          }
        }
        for (int k = 0; k < n; k++) {
          double a = median(api[k]) / 1e6;
          double d = median(direct[k]) / 1e6;
          System.out.printf("%s%s | %.0f | %.0f | %.2f | %,d | %d%n", prefix(servers, servers.get(k)), c.name(), a, d,
              a / d, rows[k], warmed[k]);
          for (int w = 0; window > 0 && w + window <= runs; w += window) {
            long[] wa = Arrays.copyOfRange(api[k], w, w + window);
            long[] wd = Arrays.copyOfRange(direct[k], w, w + window);
            System.out.printf("  runs %d to %d: %.1f / %.1f ms = %.2f%n", w + 1, w + window, median(wa) / 1e6,
                median(wd) / 1e6, median(wa) / median(wd));
          }
        }
        for (int k = 1; k < n; k++) {
          System.out.printf("%s / %s | %s | API %.2f | store %.2f%n", servers.get(k).name(), servers.get(0).name(),
              c.name(), median(api[k]) / median(api[0]), median(direct[k]) / median(direct[0]));
        }
      }
    }

    private static String prefix(List<Server> servers, Server s) {
      return servers.size() > 1 ? s.name() + " | " : "";
    }

    /** The nanoseconds of one API answer and of the same query on the store, and its rows. */
    private record Run(long api, long direct, int rows) {}

    private static Run pair(Server s, String uri, ViewsQuery q, boolean apiFirst) throws java.io.IOException {
      long api = 0;
      long direct = 0;
      int rows = 0;
      for (boolean apiTurn : apiFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
        long t0 = System.nanoTime();
        if (apiTurn) {
          KeepAliveGet.Response r = s.http().get(uri, s.key());
          api = System.nanoTime() - t0;
          if (r.status() != 200) {
            throw new IllegalStateException(r.text());
          }
        } else {
          rows = s.vp().directQueries().views(q).size();
          direct = System.nanoTime() - t0;
        }
      }
      return new Run(api, direct, rows);
    }

    private static double median(long[] v) {
      long[] s = v.clone();
      Arrays.sort(s);
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
  }

  /** Heap per open session: N sessions opened by beacons over HTTP, the heap measured after full collections. */
  @Command(name = "memory", mixinStandardHelpOptions = true, description = "Heap bytes per open session.")
  static final class Memory implements Callable<Integer> {
    @Option(names = "--sessions", defaultValue = "100000")
    int sessions;

    @Option(names = "--histogram", description = "Print the heap's biggest classes afterwards")
    boolean histogram;

    @Option(names = "--longest", description = "Every session with the longest fields a beacon may carry, distinct per "
        + "session: a 128-character session id, a 256-character uid, a 253-character page domain and media host")
    boolean longest;

    @Override
    public Integer call() throws Exception {
      Path dir = Files.createTempDirectory("viewpulse-memory");
      ServerConfig c = ServerConfig.defaults(dir).withHost("127.0.0.1").withPort(0)
          .withSessions(SessionRules.defaults().withMaxOpenSessions(sessions + 30_000)
              .withIdleTimeout(java.time.Duration.ofHours(6)));
      try (Viewpulse vp = Viewpulse.start(c)) {
        String account = vp.keys().accounts().get(0).id();
        vp.catalog().create(account, new io.viewpulse.catalog.Catalog.NewMedia(
            io.viewpulse.model.Media.Kind.ASSET, "memory", "mem-1", null, null, null));
        vp.flush();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + vp.port() + "/analytics/log");
        // Warm-up sessions load the user-agent analyzer, geo reader and codecs before the baseline is taken,
        // so the figure is what each further session costs, not one-off start-up structures.
        open(http, uri, -20_000, 0, longest);
        vp.flush();
        long before = heap();
        Map<String, long[]> baseline = histogram ? classHistogram() : Map.of();
        open(http, uri, 0, sessions, longest);
        vp.flush();
        long after = heap();
        System.out.printf("%,d open sessions: heap %,d -> %,d bytes: %.0f bytes per session%n", sessions, before,
            after, (after - before) / (double) sessions);
        if (histogram) {
          System.out.println("Growth by class, bytes per session (instances per session):");
          classHistogram().entrySet().stream()
              .map(e -> Map.entry(e.getKey(), new long[] {
                  e.getValue()[0] - baseline.getOrDefault(e.getKey(), new long[2])[0],
                  e.getValue()[1] - baseline.getOrDefault(e.getKey(), new long[2])[1]}))
              .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(15)
              .forEach(e -> System.out.printf("  %8.1f  (%5.2f)  %s%n", e.getValue()[1] / (double) sessions,
                  e.getValue()[0] / (double) sessions, e.getKey()));
        }
      }
      return 0;
    }

    /** {@code n} characters made of {@code i}: distinct for distinct {@code i}, so that nothing is shared. */
    private static String filled(int i, int n, String alphabet) {
      StringBuilder b = new StringBuilder(Integer.toString(i & Integer.MAX_VALUE, 36)).append('-');
      while (b.length() < n) {
        b.append(alphabet.charAt(Math.floorMod(b.length() * 31 + i, alphabet.length())));
      }
      return b.substring(0, n);
    }

    /** A host name of exactly {@code n} characters, labels of at most 63. */
    private static String host(int i, int n) {
      StringBuilder b = new StringBuilder();
      while (b.length() < n) {
        String label = filled(i + b.length(), Math.min(63, n - b.length()), "abcdefghijklmnopqrstuvwxyz0123456789");
        b.append(label);
        if (b.length() < n - 1) {
          b.append('.');
        }
      }
      return b.substring(0, n).replace('-', 'x');
    }

    private static void open(HttpClient http, URI uri, int from, int to, boolean longest) throws InterruptedException {
      Semaphore inFlight = new Semaphore(256);
      long now = System.currentTimeMillis();
      String[] agents = {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile Safari/604.1"};
      for (int i = from; i < to; i++) {
        String session = longest ? filled(i, 128, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
            : Long.toString(0x1000000000000L + i * 7919L, 36) + "AbCdEfGhIjKl";
        String fields = longest ? "\",\"domain\":\"" + host(i, 253) + "\",\"uid\":\"" + filled(i, 256, "uvwxyz")
            + "\",\"source_url\":\"https://" + host(i + 1, 253) + "/hls/mem-1/index.m3u8"
            : "\",\"domain\":\"www.example.com";
        String body = "{\"session_id\":\"" + session
            + "\",\"playback_id\":\"mem-1" + fields + "\",\"user_agent\":\"" + agents[i & 1]
            + "\",\"events\":[{\"id\":\"p" + i + "Xq8WbK2mZ0rT4yU6iO9\",\"type\":\"play\",\"timestamp\":" + now
            + "},{\"id\":\"h" + i + "Lk3Jd7Fs1Gh5Zx8Cv2Bn\",\"type\":\"heartbeat\",\"timestamp\":" + (now + 5000)
            + ",\"errors\":0,\"warnings\":0,\"stalled_count\":0,\"waiting_count\":0,\"time_errored_ms\":0,"
            + "\"time_warning_ms\":0,\"time_stalled_ms\":0,\"time_playing_ms\":5000,\"time_waiting_ms\":0,"
            + "\"play_to_first_frame_ms\":200,\"mount_to_play_ms\":40,\"mount_to_first_frame_ms\":240,"
            + "\"autoplay_status\":\"autoplay\",\"duration_ms\":600000,\"offset_ms\":0,\"video_height_px\":720,"
            + "\"video_width_px\":1280,\"player_height_px\":540,\"player_width_px\":960,\"window_height_px\":900,"
            + "\"window_width_px\":1440}]}";
        inFlight.acquire();
        CompletableFuture<HttpResponse<Void>> f = http.sendAsync(HttpRequest.newBuilder(uri)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
        f.whenComplete((r, e) -> inFlight.release());
      }
      inFlight.acquire(256);
    }

    /** Class name to {instances, bytes}, from the JVM's own class histogram (which collects first). */
    private static Map<String, long[]> classHistogram() throws java.io.IOException {
      Process p = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
          .redirectErrorStream(true).start();
      Map<String, long[]> out = new java.util.HashMap<>();
      for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4 && f[0].endsWith(":") && Character.isDigit(f[0].charAt(0))) {
          out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
      }
      return out;
    }

    private static long heap() throws InterruptedException {
      for (int i = 0; i < 4; i++) {
        System.gc();
        Thread.sleep(300);
      }
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
  }

  /** Runs the JMH benchmarks of the hot paths (arguments go to JMH). */
  @Command(name = "jmh", mixinStandardHelpOptions = true, description = "JMH benchmarks of the hot paths.")
  static final class Jmh implements Callable<Integer> {
    /** Everything, options included, in order: JMH's own options (-f, -wi, -i, ...) are not picocli's. */
    @CommandLine.Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      org.openjdk.jmh.Main.main(args.toArray(String[]::new));
      return 0;
    }
  }
}
