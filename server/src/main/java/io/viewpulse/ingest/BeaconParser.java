package io.viewpulse.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewpulse.model.EventType;
import io.viewpulse.model.Heartbeat;
import io.viewpulse.model.PlayerEvent;
import io.viewpulse.model.VideoSample;
import io.viewpulse.model.Bounded;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the body of {@code POST /analytics/log}: the JSON object Livepeer's player reporter sends (also as
 * {@code text/plain} from sendBeacon). Structure and types are checked here and a violation refuses the whole beacon
 * with a message naming the field; value checks that can drop a single event (unknown type, clock far off, absurd
 * durations) are left to {@link EventChecks}, so one bad event does not cost a viewer the rest of the batch.
 */
final class BeaconParser {
  static final int MAX_EVENTS = 2_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private BeaconParser() {}

  /** The parsed body, with the events whose type is unknown counted in {@code unknownTypes}. */
  record Parsed(RawBeacon beacon, int unknownTypes) {}

  static Parsed parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new Rejection(Reason.MALFORMED_JSON, "body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Rejection(Reason.MALFORMED_JSON, "body cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new Rejection(Reason.MALFORMED_JSON, "body must be a JSON object");
    }
    String sessionId = string(root, "session_id", true);
    if (!token(sessionId)) {
      throw invalid("session_id must be 1 to 128 printable ASCII characters without spaces");
    }
    String playbackId = string(root, "playback_id", false);
    String sourceUrl = string(root, "source_url", false);
    if (playbackId == null) {
      playbackId = PlaybackIds.fromSourceUrl(sourceUrl);
    }
    if (playbackId == null) {
      throw invalid("playback_id is required (or a source_url it can be read from)");
    }
    if (!token(playbackId)) {
      throw invalid("playback_id must be 1 to 128 printable ASCII characters without spaces");
    }
    String domain = string(root, "domain", false);
    if (domain != null && (domain.length() > 253 || domain.isBlank() || hasControl(domain))) {
      domain = null;
    }
    String uid = string(root, "uid", false);
    if (uid != null && (uid.isBlank() || hasControl(uid))) {
      throw invalid("uid must be a non-blank string without control characters");
    }
    // a token used as the viewer id (a JWT): counted as the same viewer each time, never refused nor stored; a long
    // session id likewise kept as a hash, so an open session's heap is bounded
    uid = Bounded.viewerId(uid);
    sessionId = Bounded.sessionId(sessionId);
    for (String f : List.of("protocol", "path", "params", "hash", "version")) {
      string(root, f, false);
    }
    RawBeacon.Metadata metadata = new RawBeacon.Metadata(custom(root), string(root, "player", false),
        string(root, "cdn", false));
    String userAgent = string(root, "user_agent", false);
    boolean live = bool(root, "live");
    JsonNode events = root.get("events");
    if (events == null || events.isNull()) {
      throw invalid("events is required");
    }
    if (!events.isArray()) {
      throw invalid("events must be an array");
    }
    if (events.size() > MAX_EVENTS) {
      throw invalid("events has " + events.size() + " items, at most " + MAX_EVENTS + " are accepted");
    }
    List<PlayerEvent> out = new ArrayList<>(events.size());
    int unknown = 0;
    for (int i = 0; i < events.size(); i++) {
      PlayerEvent e = event(events.get(i), i);
      if (e == null) {
        unknown++;
      } else {
        out.add(e);
      }
    }
    return new Parsed(new RawBeacon(sessionId, playbackId, sourceUrl, domain,
        userAgent == null ? null : userAgent.substring(0, Math.min(userAgent.length(), 1024)), uid, live, out,
        metadata), unknown);
  }

  /** Keys a beacon's {@code custom} object may have: more refuse the beacon. */
  static final int MAX_CUSTOM_KEYS = 32;

  /**
   * The {@code custom} object: custom dimensions by name. A number or boolean is taken as its text; any other value
   * (an object, an array, null) is kept as null, for ingest to drop and count.
   */
  private static java.util.Map<String, String> custom(JsonNode root) {
    JsonNode n = root.get("custom");
    if (n == null || n.isNull()) {
      return java.util.Map.of();
    }
    if (!n.isObject()) {
      throw invalid("custom must be an object of custom dimensions' values by name");
    }
    if (n.size() > MAX_CUSTOM_KEYS) {
      throw invalid("custom has " + n.size() + " keys, at most " + MAX_CUSTOM_KEYS + " are accepted");
    }
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isValueNode() && !e.getValue().isNull()
        ? e.getValue().asText() : null));
    return out;
  }

  /** One event, or null when its type is unknown (ignored and counted, as newer players may send more types). */
  private static PlayerEvent event(JsonNode n, int i) {
    String at = "events[" + i + "]";
    if (!n.isObject()) {
      throw invalid(at + " must be an object");
    }
    JsonNode typeNode = n.get("type");
    if (typeNode == null || !typeNode.isTextual()) {
      throw invalid(at + ".type must be a string");
    }
    JsonNode ts = n.get("timestamp");
    if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong()) {
      throw invalid(at + ".timestamp must be an integer (Unix milliseconds)");
    }
    String id = null;
    JsonNode idNode = n.get("id");
    if (idNode != null && !idNode.isNull()) {
      if (!idNode.isTextual() || !token(idNode.asText())) {
        throw invalid(at + ".id must be 1 to 128 printable ASCII characters without spaces");
      }
      id = idNode.asText();
    }
    EventType type = EventType.byWire(typeNode.asText());
    if (type == null) {
      return null;
    }
    Heartbeat hb = type == EventType.HEARTBEAT ? heartbeat(n, at) : null;
    String category = null;
    String message = null;
    if (type == EventType.ERROR || type == EventType.WARNING) {
      category = clip(string(n, "category", false, at), 64);
      message = clip(string(n, "message", false, at), 1024);
    }
    Long latency = type == EventType.SEEK ? optionalInteger(n, "latency_ms", at) : null;
    VideoSample video = type == EventType.HEARTBEAT ? video(n) : null;
    return new PlayerEvent(id, type, ts.asLong(), hb, category, message, latency, video);
  }

  /**
   * What a heartbeat says of the video, or null for nothing. Read leniently: Livepeer's player sent the sizes before
   * Viewpulse read them, so a size or count that is not a plausible number is ignored, never a reason to refuse the
   * beacon.
   */
  private static VideoSample video(JsonNode n) {
    VideoSample v = new VideoSample(px(n, "video_width_px"), px(n, "video_height_px"), px(n, "player_width_px"),
        px(n, "player_height_px"), lenient(n, "bitrate_bps", VideoSample.MAX_BITRATE_BPS),
        count(n, "dropped_frames"), count(n, "total_frames"), count(n, "rendition_up_count"),
        count(n, "rendition_down_count"));
    return v.empty() ? null : v;
  }

  private static Integer px(JsonNode n, String field) {
    Long v = lenient(n, field, VideoSample.MAX_PX);
    return v == null || v == 0 ? null : (int) (long) v;
  }

  private static int count(JsonNode n, String field) {
    Long v = lenient(n, field, EventChecks.MAX_COUNT);
    return v == null ? 0 : (int) (long) v;
  }

  /** A whole number from 0 to {@code max} (a float is rounded), else null. */
  private static Long lenient(JsonNode n, String field, long max) {
    JsonNode v = n.get(field);
    if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
      return null;
    }
    long x = v.isIntegralNumber() && v.canConvertToLong() ? v.asLong() : Math.round(v.asDouble());
    return x < 0 || x > max ? null : x;
  }

  private static Heartbeat heartbeat(JsonNode n, String at) {
    return new Heartbeat(
        (int) Math.min(Integer.MAX_VALUE, integer(n, "errors", at, 0)),
        (int) Math.min(Integer.MAX_VALUE, integer(n, "warnings", at, 0)),
        (int) Math.min(Integer.MAX_VALUE, integer(n, "stalled_count", at, 0)),
        (int) Math.min(Integer.MAX_VALUE, integer(n, "waiting_count", at, 0)),
        integer(n, "time_errored_ms", at, 0),
        integer(n, "time_warning_ms", at, 0),
        integer(n, "time_stalled_ms", at, 0),
        integer(n, "time_playing_ms", at, 0),
        integer(n, "time_waiting_ms", at, 0),
        optionalInteger(n, "play_to_first_frame_ms", at),
        optionalInteger(n, "mount_to_first_frame_ms", at),
        optionalInteger(n, "duration_ms", at));
  }

  private static long integer(JsonNode n, String field, String at, long dflt) {
    Long v = optionalInteger(n, field, at);
    return v == null ? dflt : v;
  }

  /** Integers may come as JSON integers or as floats with no fraction (JavaScript numbers). */
  private static Long optionalInteger(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.asLong();
    }
    if (v.isFloatingPointNumber() && Double.isFinite(v.asDouble()) && Math.abs(v.asDouble()) < 9e15) {
      return Math.round(v.asDouble());
    }
    throw invalid(at + "." + field + " must be a number");
  }

  private static String string(JsonNode n, String field, boolean required) {
    return string(n, field, required, null);
  }

  private static String string(JsonNode n, String field, boolean required, String at) {
    String name = at == null ? field : at + "." + field;
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw invalid(name + " is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw invalid(name + " must be a string");
    }
    return v.asText();
  }

  private static boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw invalid(field + " must be true or false");
    }
    return v.asBoolean();
  }

  /** Control characters in a stored value garble every table and CSV it later appears in. */
  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** 1 to 128 printable ASCII characters without spaces (ids that end up in keys, URLs and logs). */
  private static boolean token(String s) {
    if (s.isEmpty() || s.length() > 128) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  private static Rejection invalid(String message) {
    return new Rejection(Reason.INVALID_FIELD, message);
  }
}
