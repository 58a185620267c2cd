package io.viewpulse.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One CMCD report, its keys checked against the types CTA-5004 (v1) and CTA-5004-B (v2) give them: an event-mode
 * line, or what one media request carried in its query argument and headers. Keys Viewpulse turns into views are
 * kept, and so are those a later quality metric needs (bitrate, throughput, buffer, dropped frames, playhead, live
 * latency, response timing); every key the specification defines is type-checked even when unused. A key of the
 * wrong type is refused, naming it; an unknown key is ignored once it parses. A custom key ({@code com.example-key},
 * a hyphen in its name) is a custom dimension named by what follows its first hyphen ({@link #custom}): a string,
 * token, number or boolean value as its text.
 *
 * <p>Lists. In v2 bitrates, buffer lengths and throughputs are inner lists whose items may carry the object type they
 * describe as a parameter ({@code br=(3000;v 128;a)}); in v1 they are one integer. Both are accepted, as
 * {@link Measure}s. {@code ec} is an inner list of strings in v2; a single string, token or integer is accepted too,
 * as players send it (dash.js 5.2 sends its numeric error code).
 *
 * @param sid session id (at most 64 characters); required
 * @param cid content id (at most 128)
 * @param version {@code v}: 1 when absent
 * @param state {@code sta}: s starting, p playing, k seeking, r rebuffering, a paused, w waiting, e ended, f fatal
 *     error, q quit, d preloading; or 0 when absent
 * @param event {@code e}, the event-mode event type (ps, t, e, bc, rr, ...), or null
 * @param ts report time, Unix ms, or null
 * @param sequence {@code sn}, or null
 * @param startDelayMs {@code msd}, media start delay, or null
 * @param errorCodes {@code ec}, the player's error codes (empty when none)
 * @param bufferStarved {@code bs}: the buffer ran dry since the previous request or report
 * @param starvationMs {@code bsd} summed over its object types (ms since the previous report), or null
 * @param startup {@code su}: the object is needed urgently (startup, seek, recovery): the media is not rendering
 * @param objectType {@code ot} (m, a, v, av, i, c, tt, k, o), or null
 * @param streamType {@code st} (v, l, ll), or null
 * @param streamingFormat {@code sf} (d, h, s, o), or null
 * @param playbackRate {@code pr}, or null
 * @param bitrateKbps {@code br}, encoded bitrate of the object or rendition
 * @param bufferMs {@code bl}, buffer length
 * @param throughputKbps {@code mtp}, measured throughput
 * @param topBitrateKbps {@code tb}, highest bitrate the player may choose
 * @param playheadBitrateKbps {@code pb}, bitrate of what is shown
 * @param objectDurationMs {@code d}, or null
 * @param droppedFrames {@code dfa} (frames dropped since the session started), else {@code df}, or null
 * @param playheadMs {@code pt}, or null
 * @param liveLatencyMs {@code ltc}, or null
 * @param backgrounded {@code bg}, or null
 * @param cdn {@code cdn}, or null
 * @param url {@code url} of a response-received report, or null
 * @param responseCode {@code rc}, or null
 * @param ttfbMs {@code ttfb}, or null
 * @param ttlbMs {@code ttlb}, or null
 */
record CmcdReport(
    String sid,
    String cid,
    int version,
    char state,
    String event,
    Long ts,
    Long sequence,
    Long startDelayMs,
    List<String> errorCodes,
    boolean bufferStarved,
    Long starvationMs,
    boolean startup,
    String objectType,
    String streamType,
    String streamingFormat,
    Double playbackRate,
    List<Measure> bitrateKbps,
    List<Measure> bufferMs,
    List<Measure> throughputKbps,
    List<Measure> topBitrateKbps,
    List<Measure> playheadBitrateKbps,
    Long objectDurationMs,
    Long droppedFrames,
    Long playheadMs,
    Long liveLatencyMs,
    Boolean backgrounded,
    String cdn,
    String url,
    Long responseCode,
    Long ttfbMs,
    Long ttlbMs,
    Map<String, String> custom) {

  /** One value of a CMCD number list and the object type it is for ({@code v}, {@code a}, ...; null: unsaid). */
  record Measure(double value, String objectType) {}

  /** Values of the enumerated keys, as CTA-5004-B lists them. */
  static final String STATES = "spkrawefqd";
  static final Set<String> EVENTS = Set.of("bc", "ps", "pr", "e", "t", "c", "b", "m", "um", "pe", "pc", "rr", "as",
      "ae", "abs", "abe", "sk", "ce");
  static final Set<String> OBJECT_TYPES = Set.of("m", "a", "v", "av", "i", "c", "tt", "k", "o");
  static final Set<String> STREAM_TYPES = Set.of("v", "l", "ll");
  static final Set<String> FORMATS = Set.of("d", "h", "s", "o");

  private enum Type { STRING, TOKEN, INTEGER, NUMBER, BOOLEAN, NUMBER_LIST, STRING_LIST }

  private record Spec(Type type, int maxLength, Set<String> tokens) {}

  /** Longest string kept from a key the specification gives no limit (a URL). */
  static final int MAX_STRING = 2048;

  private static final Map<String, Spec> KEYS = new HashMap<>();

  static {
    for (String k : List.of("ab", "bl", "br", "bsa", "bsd", "bsda", "lab", "lb", "mtp", "pb", "tab", "tb", "tbl",
        "tpb")) {
      KEYS.put(k, new Spec(Type.NUMBER_LIST, 0, null));
    }
    for (String k : List.of("d", "dfa", "df", "dl", "ltc", "msd", "pt", "rc", "rtp", "sn", "ts", "ttfb", "ttfbb",
        "ttlb", "v")) {
      KEYS.put(k, new Spec(Type.INTEGER, 0, null));
    }
    for (String k : List.of("bg", "bs", "nr", "su")) {
      KEYS.put(k, new Spec(Type.BOOLEAN, 0, null));
    }
    KEYS.put("pr", new Spec(Type.NUMBER, 0, null));
    KEYS.put("sid", new Spec(Type.STRING, 64, null));
    KEYS.put("cid", new Spec(Type.STRING, 128, null));
    KEYS.put("cdn", new Spec(Type.STRING, 128, null));
    KEYS.put("h", new Spec(Type.STRING, 128, null));
    KEYS.put("cen", new Spec(Type.STRING, 64, null));
    for (String k : List.of("cs", "nrr", "url", "smrt", "cmsdd", "cmsds")) {
      KEYS.put(k, new Spec(Type.STRING, MAX_STRING, null));
    }
    KEYS.put("ec", new Spec(Type.STRING_LIST, 0, null));
    KEYS.put("nor", new Spec(Type.STRING_LIST, 0, null));
    KEYS.put("sta", new Spec(Type.TOKEN, 0, Set.of("s", "p", "k", "r", "a", "w", "e", "f", "q", "d")));
    KEYS.put("e", new Spec(Type.TOKEN, 0, EVENTS));
    KEYS.put("ot", new Spec(Type.TOKEN, 0, OBJECT_TYPES));
    KEYS.put("st", new Spec(Type.TOKEN, 0, STREAM_TYPES));
    KEYS.put("sf", new Spec(Type.TOKEN, 0, FORMATS));
  }

  /**
   * The report of one or more parsed dictionaries (a request's query argument and headers together; a key in several
   * keeps the last).
   *
   * @param where names the payload in messages ("line 3", "the request")
   */
  static CmcdReport of(Map<String, Object> members, String where) {
    Values v = new Values(where);
    for (Map.Entry<String, Object> m : members.entrySet()) {
      Spec spec = KEYS.get(m.getKey());
      if (spec != null) {
        v.check(m.getKey(), spec, m.getValue());
      }
    }
    Long version = v.integer("v");
    if (version != null && version != 1 && version != 2) {
      throw v.fail("v", "must be 1 or 2 (the CMCD version), not " + version);
    }
    String sid = v.string("sid");
    if (sid == null) {
      throw new Rejection(Reason.INVALID_FIELD, where + ": \"sid\" is required (the session id, a string)");
    }
    if (sid.isEmpty() || sid.indexOf(' ') >= 0) {
      throw v.fail("sid", "must be 1 to 64 printable ASCII characters without spaces");
    }
    String sta = v.token("sta");
    Long bsd = null;
    List<Measure> starved = v.measures("bsd");
    if (!starved.isEmpty()) {
      double sum = 0;
      for (Measure m : starved) {
        sum += m.value();
      }
      bsd = Math.round(sum);
    }
    Long dropped = v.integer("dfa") != null ? v.integer("dfa") : v.integer("df");
    Object pr = v.values.get("pr");
    return new CmcdReport(sid, v.string("cid"), version == null ? 1 : version.intValue(),
        sta == null ? 0 : sta.charAt(0), v.token("e"), v.integer("ts"), v.integer("sn"), v.integer("msd"),
        v.strings("ec"), Boolean.TRUE.equals(v.values.get("bs")), bsd, Boolean.TRUE.equals(v.values.get("su")),
        v.token("ot"), v.token("st"), v.token("sf"), pr == null ? null : ((Number) pr).doubleValue(),
        v.measures("br"), v.measures("bl"), v.measures("mtp"), v.measures("tb"), v.measures("pb"), v.integer("d"),
        dropped, v.integer("pt"), v.integer("ltc"), (Boolean) v.values.get("bg"), v.string("cdn"), v.string("url"),
        v.integer("rc"), v.integer("ttfb"), v.integer("ttlb"), custom(members));
  }

  /** The custom keys' values by the name after the key's first hyphen; another value (a list, bytes) as null. */
  private static Map<String, String> custom(Map<String, Object> members) {
    Map<String, String> out = null;
    for (Map.Entry<String, Object> m : members.entrySet()) {
      int dash = m.getKey().indexOf('-');
      if (dash < 0 || KEYS.containsKey(m.getKey())) {
        continue;
      }
      Object v = m.getValue() instanceof CmcdParser.Item item ? item.value() : m.getValue();
      String text = v instanceof String || v instanceof CmcdParser.Token || v instanceof Number
          || v instanceof Boolean ? v.toString() : null;
      if (out == null) {
        out = new java.util.LinkedHashMap<>();
      }
      out.put(m.getKey().substring(dash + 1), text);
    }
    return out == null ? Map.of() : out;
  }

  /** Whether it is a request for media (audio, video or both), or an event-mode report of a media response. */
  boolean mediaObject() {
    return objectType == null ? !bitrateKbps.isEmpty() || objectDurationMs != null
        : objectType.equals("v") || objectType.equals("a") || objectType.equals("av");
  }

  boolean live() {
    return "l".equals(streamType) || "ll".equals(streamType);
  }

  /** Each known key's value, checked and unwrapped. */
  private static final class Values {
    final String where;
    final Map<String, Object> values = new HashMap<>();

    Values(String where) {
      this.where = where;
    }

    void check(String key, Spec spec, Object member) {
      switch (spec.type()) {
        case STRING -> {
          Object b = bare(key, member, "a string in double quotes");
          if (!(b instanceof String str)) {
            throw fail(key, "must be a string in double quotes");
          }
          if (str.length() > spec.maxLength()) {
            throw fail(key, "is at most " + spec.maxLength() + " characters long, not " + str.length());
          }
          values.put(key, str);
        }
        case TOKEN -> {
          Object b = bare(key, member, "a token");
          if (!(b instanceof CmcdParser.Token t) || !spec.tokens().contains(t.text())) {
            throw fail(key, "must be one of the tokens " + String.join(", ", sorted(spec.tokens()))
                + (b instanceof String ? " (unquoted)" : ""));
          }
          values.put(key, t.text());
        }
        case INTEGER -> {
          Object b = bare(key, member, "an integer");
          if (!(b instanceof Long l)) {
            throw fail(key, "must be an integer");
          }
          if (l < 0) {
            throw fail(key, "must not be negative");
          }
          values.put(key, l);
        }
        case NUMBER -> {
          Object b = bare(key, member, "a number");
          if (!(b instanceof Long) && !(b instanceof Double)) {
            throw fail(key, "must be a number");
          }
          if (((Number) b).doubleValue() < 0) {
            throw fail(key, "must not be negative");
          }
          values.put(key, b);
        }
        case BOOLEAN -> {
          Object b = bare(key, member, "a boolean (the key alone, or ?0 / ?1)");
          if (!(b instanceof Boolean)) {
            throw fail(key, "must be a boolean (the key alone, or ?0 / ?1)");
          }
          values.put(key, b);
        }
        case NUMBER_LIST -> {
          List<CmcdParser.Item> items = member instanceof CmcdParser.InnerList l ? l.items()
              : List.of((CmcdParser.Item) member);
          List<Measure> out = new ArrayList<>(items.size());
          for (CmcdParser.Item it : items) {
            if (!(it.value() instanceof Long) && !(it.value() instanceof Double)) {
              throw fail(key, "must be a number, or an inner list of numbers such as (3000;v 128;a)");
            }
            double d = ((Number) it.value()).doubleValue();
            if (d < 0) {
              throw fail(key, "must not be negative");
            }
            String type = it.params().isEmpty() ? null : it.params().keySet().iterator().next();
            out.add(new Measure(d, type));
          }
          values.put(key, List.copyOf(out));
        }
        case STRING_LIST -> {
          List<CmcdParser.Item> items = member instanceof CmcdParser.InnerList l ? l.items()
              : List.of((CmcdParser.Item) member);
          List<String> out = new ArrayList<>(items.size());
          for (CmcdParser.Item it : items) {
            Object b = it.value();
            if (!(b instanceof String) && !(b instanceof CmcdParser.Token) && !(b instanceof Long)) {
              throw fail(key, "must be a string, or an inner list of strings such as (\"a\" \"b\")");
            }
            String text = b.toString();
            out.add(text.length() > 128 ? text.substring(0, 128) : text);
          }
          values.put(key, List.copyOf(out));
        }
        default -> throw new IllegalStateException(spec.type().name());
      }
    }

    private Object bare(String key, Object member, String what) {
      if (!(member instanceof CmcdParser.Item item)) {
        throw fail(key, "must be " + what + ", not an inner list");
      }
      return item.value();
    }

    String string(String key) {
      return (String) values.get(key);
    }

    String token(String key) {
      return (String) values.get(key);
    }

    Long integer(String key) {
      return (Long) values.get(key);
    }

    @SuppressWarnings("unchecked")
    List<Measure> measures(String key) {
      Object v = values.get(key);
      return v == null ? List.of() : (List<Measure>) v;
    }

    @SuppressWarnings("unchecked")
    List<String> strings(String key) {
      Object v = values.get(key);
      return v == null ? List.of() : (List<String>) v;
    }

    Rejection fail(String key, String message) {
      return new Rejection(Reason.INVALID_FIELD, where + ": \"" + key + "\" " + message);
    }

    private static List<String> sorted(Set<String> tokens) {
      if (tokens.size() == STATES.length()) {
        List<String> order = new ArrayList<>();
        for (char c : STATES.toCharArray()) {
          order.add(String.valueOf(c));
        }
        if (tokens.containsAll(order)) {
          return order;
        }
      }
      return tokens.stream().sorted().toList();
    }
  }
}
