package io.viewpulse.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.ingest.Edge;
import io.viewpulse.ingest.Ingest;
import io.viewpulse.ingest.StreamEvents;
import io.viewpulse.model.Media;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --demo}: a few hundred simulated viewers on three demo videos and a live channel, sent through the
 * real ingest pipeline (beacons in the player wire protocol, each viewer placed in a country and region of a made-up
 * spread as a trusted CDN's headers would place it, whether or not a GeoIP database is loaded), plus
 * a week of history, so a new user sees a living dashboard at once. Some viewers stall, some fail, some leave before
 * the first frame; the live channel gets ad slate now and then.
 */
final class Demo implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (SMART-TV; LINUX; Tizen 7.0) AppleWebKit/537.36 (KHTML, like Gecko) 94.0.4606.31/7.0 TV Safari/537.36",
  };
  /**
   * Where the simulated viewers are, weighted roughly as a global streaming service's audience is (a made-up spread,
   * not a measurement): country, region (its ISO 3166-2 name), the region's main city's position, weight.
   */
  private static final Object[][] PLACES = {
    {"US", "California", 34.05, -118.24, 12}, {"US", "New York", 40.71, -74.01, 8}, {"US", "Texas", 29.76, -95.37, 7},
    {"US", "Florida", 25.76, -80.19, 5}, {"US", "Illinois", 41.88, -87.63, 4},
    {"US", "Pennsylvania", 39.95, -75.17, 3}, {"US", "Georgia", 33.75, -84.39, 3}, {"US", "Washington", 47.61, -122.33, 3},
    {"US", "Ohio", 39.96, -83.00, 2}, {"US", "Massachusetts", 42.36, -71.06, 2}, {"US", "New Jersey", 40.74, -74.17, 2},
    {"US", "North Carolina", 35.23, -80.84, 2}, {"US", "Michigan", 42.33, -83.05, 2}, {"US", "Arizona", 33.45, -112.07, 2},
    {"US", "Virginia", 38.88, -77.10, 2}, {"US", "Colorado", 39.74, -104.99, 2}, {"US", "Minnesota", 44.98, -93.27, 1},
    {"US", "Oregon", 45.52, -122.68, 1}, {"US", "Tennessee", 36.16, -86.78, 1}, {"US", "Missouri", 38.63, -90.20, 1},
    {"US", "Utah", 40.76, -111.89, 1}, {"US", "Nevada", 36.17, -115.14, 1}, {"US", "Maryland", 39.29, -76.61, 1},
    {"US", "District of Columbia", 38.91, -77.04, 1}, {"CA", "Ontario", 43.65, -79.38, 4},
    {"CA", "Quebec", 45.50, -73.57, 2}, {"CA", "British Columbia", 49.28, -123.12, 2}, {"CA", "Alberta", 51.05, -114.07, 1},
    {"MX", "Ciudad de M\u00e9xico", 19.43, -99.13, 3}, {"MX", "Jalisco", 20.66, -103.35, 1},
    {"BR", "S\u00e3o Paulo", -23.55, -46.63, 6}, {"BR", "Rio de Janeiro", -22.91, -43.17, 3},
    {"AR", "Ciudad Aut\u00f3noma de Buenos Aires", -34.60, -58.38, 2}, {"GB", "England", 51.51, -0.13, 8},
    {"GB", "Scotland", 55.95, -3.19, 1}, {"GB", "Wales", 51.48, -3.18, 1}, {"IE", "Leinster", 53.35, -6.26, 1},
    {"FR", "\u00cele-de-France", 48.86, 2.35, 5}, {"FR", "Auvergne-Rh\u00f4ne-Alpes", 45.76, 4.84, 2},
    {"DE", "Bavaria", 48.14, 11.58, 3}, {"DE", "Berlin", 52.52, 13.40, 3}, {"DE", "Hamburg", 53.55, 9.99, 2},
    {"DE", "Nordrhein-Westfalen", 50.94, 6.96, 2}, {"NL", "Noord-Holland", 52.37, 4.90, 2},
    {"ES", "Madrid, Comunidad de", 40.42, -3.70, 3}, {"IT", "Lombardia", 45.46, 9.19, 3},
    {"SE", "Stockholms l\u00e4n", 59.33, 18.07, 1}, {"PL", "Mazowieckie", 52.23, 21.01, 2},
    {"NG", "Lagos", 6.52, 3.38, 2}, {"ZA", "Gauteng", -26.20, 28.05, 1}, {"EG", "Al Qahirah", 30.04, 31.24, 1},
    {"IN", "Maharashtra", 19.08, 72.88, 5}, {"IN", "Karnataka", 12.97, 77.59, 3}, {"IN", "Delhi", 28.61, 77.21, 3},
    {"IN", "Tamil Nadu", 13.08, 80.27, 2}, {"JP", "Tokyo", 35.69, 139.69, 5},
    {"KR", "Seoul-teukbyeolsi", 37.57, 126.98, 2}, {"ID", "Jakarta Raya", -6.21, 106.85, 2},
    {"PH", "National Capital Region", 14.60, 120.98, 2}, {"AU", "New South Wales", -33.87, 151.21, 3},
    {"AU", "Victoria", -37.81, 144.96, 2}, {"AU", "Queensland", -27.47, 153.03, 1},
    {"NZ", "Auckland", -36.85, 174.76, 1},
  };
  private static final int PLACE_WEIGHTS = java.util.Arrays.stream(PLACES).mapToInt(p -> (Integer) p[4]).sum();
  private static final String[][] VIDEOS = {
    {"demo-bbb", "Demo: Big Buck Bunny"}, {"demo-sintel", "Demo: Sintel"}, {"demo-tears", "Demo: Tears of Steel"}};
  static final String LIVE_ID = "demo-live-channel";

  private final Ingest ingest;
  private final StreamEvents streamEvents;
  private final InstantSource clock;
  private final String accountId;
  private final int viewers;
  private final Random random = new Random();
  private final List<Viewer> active = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "demo");
    t.setDaemon(true);
    return t;
  });
  private long seq;

  private final class Viewer {
    final String session = "demo-" + Long.toString(seq++, 36) + "-" + Integer.toString(random.nextInt(1 << 30), 36);
    final String playbackId;
    final boolean live;
    // an address for the viewer's anonymous id (hashed, as every address is; never stored), and a place of the
    // spread above in place of a GeoIP lookup, so the demo shows its geography without a GeoIP database
    final String ip = publicAddress();
    final Edge.Place place = place();
    final String agent = AGENTS[random.nextInt(AGENTS.length)];
    final long endsAt;
    final boolean fails = random.nextDouble() < 0.03;
    final boolean leavesEarly = random.nextDouble() < 0.04;
    long nextBeat;
    int beats;

    Viewer(long now) {
      boolean onLive = random.nextDouble() < 0.35;
      live = onLive;
      playbackId = onLive ? "demo-live" : VIDEOS[random.nextInt(VIDEOS.length)][0];
      endsAt = now + 20_000 + (long) (random.nextDouble() * random.nextDouble() * 900_000);
      nextBeat = now + random.nextInt(5_000);
    }
  }

  Demo(Ingest ingest, StreamEvents streamEvents, Catalog catalog, InstantSource clock, String accountId,
      int viewers) {
    this.ingest = ingest;
    this.streamEvents = streamEvents;
    this.clock = clock;
    this.accountId = accountId;
    this.viewers = viewers;
    for (String[] v : VIDEOS) {
      if (catalog.byPlaybackId(v[0]).isEmpty()) {
        catalog.create(accountId, new Catalog.NewMedia(Media.Kind.ASSET, null, v[1], v[0], "demo-studio", null, null));
      }
    }
    if (catalog.byPlaybackId("demo-live").isEmpty()) {
      catalog.create(accountId, new Catalog.NewMedia(Media.Kind.STREAM, LIVE_ID, "Demo: Live channel", "demo-live",
          "demo-studio", null, "channel"));
    }
  }

  /** Writes a week of finished views, then keeps {@code viewers} simulated viewers watching. */
  void start() {
    timer.execute(this::history);
    timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    timer.scheduleAtFixedRate(this::slate, 7, 11, TimeUnit.SECONDS);
    LOG.info("demo mode: {} simulated viewers on {} videos and a live channel", viewers, VIDEOS.length);
  }

  private void history() {
    long now = clock.millis();
    for (int i = 0; i < 3_000; i++) {
      // more recent days are busier, and evenings more than nights; the history ends half an hour before now, where
      // the simulated viewers take over (a view lasts at most about ten minutes)
      long age = (long) (Math.pow(random.nextDouble(), 1.6) * 6.5 * 86_400_000L) + 1_800_000;
      long start = now - age;
      Viewer v = new Viewer(start);
      ObjectNode b = body(v);
      ArrayNode events = b.putArray("events");
      event(events, "play", start);
      if (v.fails) {
        event(events, "error", start + 900).put("category", "unknown").put("message", "media error 2");
      } else if (!v.leavesEarly) {
        long played = 15_000 + (long) (random.nextDouble() * 600_000);
        long ttff = 120 + (long) Math.abs(random.nextGaussian() * 350);
        heartbeat(events, start + played, played, random.nextDouble() < 0.15 ? 800 + random.nextInt(4_000) : 0, ttff);
        event(events, "ended", start + played + 1);
      } else {
        heartbeat(events, start + 3_000, 0, 0, null).put("time_waiting_ms", 2_500);
      }
      send(b, v, true);
    }
  }

  private void tick() {
    try {
      long now = clock.millis();
      while (active.size() < viewers) {
        active.add(new Viewer(now));
      }
      for (Iterator<Viewer> it = active.iterator(); it.hasNext(); ) {
        Viewer v = it.next();
        if (now < v.nextBeat) {
          continue;
        }
        ObjectNode b = body(v);
        ArrayNode events = b.putArray("events");
        boolean last = now >= v.endsAt || (v.leavesEarly && v.beats == 1) || (v.fails && v.beats == 1);
        if (v.beats == 0) {
          event(events, "play", now - 4_000);
        }
        if (v.fails && v.beats == 1) {
          event(events, "error", now - 200).put("category", "unknown").put("message", "media error 2");
        }
        boolean playing = !v.fails && !v.leavesEarly;
        long stall = playing && random.nextDouble() < 0.04 ? 500 + random.nextInt(2_500) : 0;
        heartbeat(events, now, playing ? 5_000 - stall : 0, stall,
            v.beats == 0 && playing ? 120L + (long) Math.abs(random.nextGaussian() * 300) : null);
        if (last && playing && !v.live) {
          event(events, "ended", now);
        }
        send(b, v, last);
        v.beats++;
        v.nextBeat = now + 5_000;
        if (last) {
          it.remove();
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("demo tick failed: {}", e.toString());
    }
  }

  private void slate() {
    List<Viewer> live = active.stream().filter(v -> v.live).toList();
    if (live.isEmpty()) {
      return;
    }
    Viewer v = live.get(random.nextInt(live.size()));
    ObjectNode body = JSON.createObjectNode();
    ArrayNode events = body.putArray("events");
    boolean ad = random.nextDouble() < 0.7;
    events.addObject().put("type", "slate").put("stream_id", LIVE_ID).put("session_id", v.session)
        .put("kind", ad ? "ad_slate" : "mcs").put("reason", ad ? "3" : "1").put("seconds", 1 + random.nextInt(8));
    if (random.nextDouble() < 0.2) {
      events.addObject().put("type", "auth_failure").put("stream_id", LIVE_ID);
    }
    streamEvents.accept(accountId, body);
  }

  private ObjectNode body(Viewer v) {
    ObjectNode b = JSON.createObjectNode();
    b.put("session_id", v.session).put("playback_id", v.playbackId).put("live", v.live)
        .put("domain", "demo.viewpulse.local").put("user_agent", v.agent)
        .put("source_url", "https://media.viewpulse.local/hls/" + v.playbackId + "/index.m3u8");
    return b;
  }

  private ObjectNode event(ArrayNode events, String type, long at) {
    return events.addObject().put("id", Long.toString(seq++, 36) + random.nextInt(1 << 20)).put("type", type)
        .put("timestamp", at);
  }

  private ObjectNode heartbeat(ArrayNode events, long at, long playing, long waiting, Long ttff) {
    ObjectNode h = event(events, "heartbeat", at).put("errors", 0).put("warnings", 0).put("stalled_count", 0)
        .put("waiting_count", waiting > 0 ? 1 : 0).put("time_errored_ms", 0).put("time_warning_ms", 0)
        .put("time_stalled_ms", 0).put("time_playing_ms", playing).put("time_waiting_ms", waiting);
    if (ttff != null) {
      h.put("play_to_first_frame_ms", ttff).put("mount_to_first_frame_ms", ttff + 60);
    }
    return h;
  }

  private void send(ObjectNode body, Viewer v, boolean lastOfPage) {
    ingest.accept(new Edge(body.toString().getBytes(StandardCharsets.UTF_8), v.ip, Map.of(), lastOfPage,
        clock.millis(), null, v.place));
  }

  /** A place of the spread, drawn by weight. */
  private Edge.Place place() {
    int n = random.nextInt(PLACE_WEIGHTS);
    for (Object[] p : PLACES) {
      n -= (Integer) p[4];
      if (n < 0) {
        return new Edge.Place((String) p[0], (String) p[1], (Double) p[2], (Double) p[3]);
      }
    }
    throw new IllegalStateException("weights");
  }

  /** A random address outside private, loopback, multicast and reserved ranges. */
  private String publicAddress() {
    while (true) {
      int a = 1 + random.nextInt(223);
      if (a == 10 || a == 127 || a == 100 || a == 169 || a == 172 || a == 192 || a == 198 || a == 203) {
        continue;
      }
      return a + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
