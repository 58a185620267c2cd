package io.viewpulse.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds beacon bodies in the wire format of Livepeer's player reporter, event by event. */
public final class Beacons {
  public static final String CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
      + " Chrome/124.0.0.0 Safari/537.36";
  public static final String SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
      + " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
  public static final String FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101"
      + " Firefox/125.0";

  // Samsung's list of its TVs' user agents, by Tizen version and year (developer.samsung.com, Smart TV, "Retrieving
  // Platform Information"), and the TV's own browser app as it reports itself
  public static final String TIZEN_7 = "Mozilla/5.0 (SMART-TV; LINUX; Tizen 7.0) AppleWebKit/537.36"
      + " (KHTML, like Gecko) 94.0.4606.31/7.0 TV Safari/537.36";
  public static final String TIZEN_6_5 = "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.5) AppleWebKit/537.36"
      + " (KHTML, like Gecko) 85.0.4183.93/6.5 TV Safari/537.36";
  public static final String TIZEN_6 = "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36"
      + " (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36";
  public static final String TIZEN_5_5 = "Mozilla/5.0 (SMART-TV; LINUX; Tizen 5.5) AppleWebKit/537.36"
      + " (KHTML, like Gecko) 69.0.3497.106.1/5.5 TV Safari/537.36";
  public static final String TIZEN_4 = "Mozilla/5.0 (SMART-TV; LINUX; Tizen 4.0) AppleWebKit/537.36"
      + " (KHTML, like Gecko) Version/4.0 TV Safari/537.36";
  public static final String SAMSUNG_TV_BROWSER = "Mozilla/5.0 (SMART-TV; Linux; Tizen 5.0) AppleWebKit/537.36"
      + " (KHTML, like Gecko) SamsungBrowser/2.2 Chrome/63.0.3239.84 TV Safari/537.36";
  // LG's examples for webOS TV 4.x and 1.x (webostv.developer.lge.com, "Web Engine")
  public static final String WEBOS_4 = "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko)"
      + " Chrome/53.0.2785.34 Safari/537.36 WebAppManager";
  public static final String WEBOS_1 = "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.41 (KHTML, like Gecko) Large"
      + " Screen WebAppManager Safari/537.41";
  // Amazon's example for Fire TV's web app platform (developer.amazon.com, "User Agent Strings (Fire TV)")
  public static final String FIRE_TV = "Mozilla/5.0 (Linux; Android 4.2.2; AFTB Build/JDQ39) AppleWebKit/537.22"
      + " (KHTML, like Gecko) Chrome/25.0.1364.173 Mobile Safari/537.22 cordova-amazon-fireos/3.4.0"
      + " AmazonWebAppPlatform/3.4.0;2.0";

  private static final AtomicInteger IDS = new AtomicInteger();

  private final ObjectNode root = Http.JSON.createObjectNode();
  private final ArrayNode events;

  private Beacons(String sessionId, String playbackId) {
    root.put("session_id", sessionId);
    root.put("playback_id", playbackId);
    root.put("protocol", "video/mp4");
    root.put("domain", "www.example.com");
    root.put("path", "/watch");
    root.put("params", "");
    root.put("hash", "");
    root.put("source_url", "https://cdn.example.com/recordings/" + playbackId + "/index.m3u8");
    root.put("player", "video");
    root.put("version", "@livepeer/core@3.3.1");
    root.put("user_agent", CHROME_LINUX);
    root.put("live", false);
    events = root.putArray("events");
  }

  public static Beacons session(String sessionId, String playbackId) {
    return new Beacons(sessionId, playbackId);
  }

  public Beacons userAgent(String ua) {
    root.put("user_agent", ua);
    return this;
  }

  public Beacons uid(String uid) {
    root.put("uid", uid);
    return this;
  }

  public Beacons domain(String domain) {
    root.put("domain", domain);
    return this;
  }

  public Beacons live(boolean live) {
    root.put("live", live);
    return this;
  }

  /** Sets a top-level string field, such as {@code cdn}. */
  public Beacons field(String name, String value) {
    root.put(name, value);
    return this;
  }

  /** Adds a value to the beacon's {@code custom} object (the custom dimensions). */
  public Beacons customDimension(String name, String value) {
    (root.has("custom") ? (ObjectNode) root.get("custom") : root.putObject("custom")).put(name, value);
    return this;
  }

  public Beacons without(String field) {
    root.remove(field);
    return this;
  }

  private ObjectNode event(String type, Instant at, String id) {
    ObjectNode e = events.addObject();
    e.put("id", id == null ? "ev" + IDS.incrementAndGet() : id);
    e.put("type", type);
    e.put("timestamp", at.toEpochMilli());
    return e;
  }

  public Beacons play(Instant at) {
    event("play", at, null);
    return this;
  }

  public Beacons pause(Instant at) {
    event("pause", at, null);
    return this;
  }

  public Beacons canPlay(Instant at) {
    event("can-play", at, null);
    return this;
  }

  public Beacons firstFrame(Instant at) {
    event("first-frame", at, null);
    return this;
  }

  public Beacons ended(Instant at) {
    event("ended", at, null);
    return this;
  }

  public Beacons error(Instant at, String category, String message) {
    ObjectNode e = event("error", at, null);
    e.put("category", category);
    e.put("message", message);
    return this;
  }

  public Beacons warning(Instant at, String category) {
    ObjectNode e = event("warning", at, null);
    e.put("category", category);
    e.put("message", "stream is offline");
    return this;
  }

  /** Adds a field to the last event, such as a heartbeat's {@code video_width_px} or {@code bitrate_bps}. */
  public Beacons with(String field, long value) {
    ((ObjectNode) events.get(events.size() - 1)).put(field, value);
    return this;
  }

  /** A seek, as Viewpulse's collector reports one: with its latency (seeking to playing again). */
  public Beacons seek(Instant at, long latencyMs) {
    ObjectNode e = event("seek", at, null);
    e.put("payload", 42.0);
    e.put("latency_ms", latencyMs);
    return this;
  }

  public Beacons custom(String type, Instant at) {
    event(type, at, null);
    return this;
  }

  /** A heartbeat with the nine delta fields; {@code extra} adds once-only fields. */
  public Beacons heartbeat(String id, Instant at, long playingMs, long stalledMs, long waitingMs, int errors,
      Long ttffMs) {
    ObjectNode e = event("heartbeat", at, id);
    e.put("errors", errors);
    e.put("warnings", 0);
    e.put("stalled_count", stalledMs > 0 ? 1 : 0);
    e.put("waiting_count", waitingMs > 0 ? 1 : 0);
    e.put("time_errored_ms", 0);
    e.put("time_warning_ms", 0);
    e.put("time_stalled_ms", stalledMs);
    e.put("time_playing_ms", playingMs);
    e.put("time_waiting_ms", waitingMs);
    if (ttffMs != null) {
      e.put("autoplay_status", "none");
      e.put("mount_to_play_ms", 80);
      e.put("mount_to_first_frame_ms", 80 + ttffMs);
      e.put("play_to_first_frame_ms", ttffMs);
    }
    return this;
  }

  /** The last event added, for tests that tamper with it. */
  public ObjectNode last() {
    return (ObjectNode) events.get(events.size() - 1);
  }

  public String json() {
    return root.toString();
  }
}
