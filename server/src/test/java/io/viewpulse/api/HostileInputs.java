package io.viewpulse.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.TestServer;
import io.viewpulse.testing.Uplynk;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * What a broken or malicious client can send, as jqwik arbitraries for {@link HostileInputTest}. Most hostile
 * bodies start from a beacon a real player could send and break one thing, so each request gets past the checks
 * before the one it attacks.
 */
final class HostileInputs {
  static final String PLAYBACK = "fuzzpb";
  static final String LIVE = "fuzzlive";
  /** Only the test's deterministic control sessions use this playback id; the noise never does. */
  static final String CONTROL = "fuzzctl";
  static final long NOW = TestServer.T0.toEpochMilli();
  /**
   * Requests per try, sent concurrently. Their generators run without jqwik's edge cases: within a list jqwik would
   * otherwise pick edge cases for most elements, and the same few requests would make up much of each batch.
   */
  static final int BATCH = 50;
  /** Placeholders for keys known only once the server runs (and kept out of failure reports). */
  static final String SECRET = "{SECRET}";
  static final String CORS = "{CORS}";
  /** The account and live stream the server made; set before the first property runs. */
  static volatile String accountId = "unknown-account";
  static volatile String streamId = "unknown-stream";

  private HostileInputs() {}

  enum Expect { NO_5XX, REFUSED, TOO_LARGE }

  /** One request, written to the wire as given: no escaping, no header validation. */
  record Req(String method, String target, List<String> headers, byte[] body, Expect expect) {
    boolean ingest() {
      return target.startsWith("/analytics/log");
    }

    byte[] wire(int port, String secret, String cors) {
      StringBuilder h = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
          .append(port).append("\r\n");
      for (String line : headers) {
        h.append(line.replace(SECRET, secret).replace(CORS, cors)).append("\r\n");
      }
      if (body != null) {
        h.append("Content-Length: ").append(body.length).append("\r\n");
      }
      byte[] head = h.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + (body == null ? 0 : body.length));
      out.writeBytes(head);
      if (body != null) {
        out.writeBytes(body);
      }
      return out.toByteArray();
    }

    @Override
    public String toString() {
      return method + " " + clip(target) + " " + headers.stream().map(HostileInputs::clip).toList()
          + (body == null ? "" : " body(" + body.length + ")=" + clip(new String(body, StandardCharsets.UTF_8)));
    }
  }

  /** The start of a value, control characters shown as {@code \\xNN}, for failure reports. */
  static String clip(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), 300); i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? "\\x" + Integer.toHexString(0x100 | c).substring(1) : c);
    }
    return s.length() <= 300 ? b.toString() : b + "...(" + s.length() + " chars)";
  }

  // ---- beacons ---------------------------------------------------------------------------------------------------

  private static final List<String> TOP_FIELDS = List.of("session_id", "playback_id", "protocol", "domain", "path",
      "params", "hash", "source_url", "player", "version", "user_agent", "uid", "live", "events");
  private static final List<String> EVENT_FIELDS = List.of("id", "type", "timestamp", "errors", "warnings",
      "stalled_count", "waiting_count", "time_errored_ms", "time_warning_ms", "time_stalled_ms", "time_playing_ms",
      "time_waiting_ms", "play_to_first_frame_ms", "mount_to_first_frame_ms", "duration_ms", "category", "message");
  private static final List<String> NUMERIC_FIELDS = EVENT_FIELDS.subList(2, 15);
  private static final List<String> TYPES = List.of("heartbeat", "heartbeat", "heartbeat", "play", "play", "pause",
      "first-frame", "can-play", "ended", "error", "warning", "seek", "video-quality", "teleport");
  private static final List<String> AGENTS = List.of(Beacons.CHROME_LINUX, Beacons.SAFARI_IPHONE,
      Beacons.FIREFOX_WINDOWS, "curl/8.0", "");

  /**
   * A beacon a real player could send. A quarter reuse a few session ids, so hostile beacons also land in sessions
   * that already hold events (re-sends, upserted heartbeats, sums over many beacons).
   */
  static Arbitrary<ObjectNode> playerBeacon() {
    return Arbitraries.randomValue(r -> {
      ObjectNode b = Http.JSON.createObjectNode();
      b.put("session_id", r.nextInt(4) == 0 ? "reused-" + r.nextInt(6) : "s-" + Long.toHexString(r.nextLong()));
      String pb = r.nextInt(10) == 0 ? LIVE : r.nextInt(20) == 0 ? "nobody-" + r.nextInt(3) : PLAYBACK;
      b.put("playback_id", pb);
      b.put("protocol", "application/vnd.apple.mpegurl");
      b.put("domain", "www.example.com");
      b.put("path", "/watch");
      b.put("source_url", "https://cdn.example.com/hls/" + pb + "/index.m3u8");
      b.put("player", "hls");
      b.put("version", "@livepeer/core@3.3.1");
      b.put("user_agent", AGENTS.get(r.nextInt(AGENTS.size())));
      b.put("live", pb.equals(LIVE));
      if (r.nextInt(3) == 0) {
        b.put("uid", "viewer-" + r.nextInt(40));
      }
      ArrayNode events = b.putArray("events");
      for (int i = 1 + r.nextInt(5); i > 0; i--) {
        events.add(event(r));
      }
      return b;
    });
  }

  private static ObjectNode event(Random r) {
    ObjectNode e = Http.JSON.createObjectNode();
    String type = TYPES.get(r.nextInt(TYPES.size()));
    e.put("id", r.nextInt(5) == 0 ? "h" + r.nextInt(4) : "e" + Long.toHexString(r.nextLong()));
    e.put("type", type);
    e.put("timestamp", NOW - r.nextInt(900_000) + r.nextInt(300_000));
    if (type.equals("heartbeat")) {
      e.put("errors", r.nextInt(10) == 0 ? 1 : 0);
      e.put("warnings", 0);
      e.put("stalled_count", r.nextInt(2));
      e.put("waiting_count", r.nextInt(2));
      e.put("time_errored_ms", 0);
      e.put("time_warning_ms", 0);
      e.put("time_stalled_ms", r.nextInt(3) == 0 ? r.nextInt(2_000) : 0);
      e.put("time_playing_ms", r.nextInt(6_000));
      e.put("time_waiting_ms", r.nextInt(3) == 0 ? r.nextInt(1_000) : 0);
      if (r.nextInt(4) == 0) {
        e.put("play_to_first_frame_ms", r.nextInt(3_000));
        e.put("mount_to_first_frame_ms", 100 + r.nextInt(3_000));
      }
    } else if (type.equals("error") || type.equals("warning")) {
      e.put("category", r.nextBoolean() ? "offline" : "access-control");
      e.put("message", "stream is offline");
    }
    return e;
  }

  /** Where a hostile value goes: a top-level field, or a field of one of the events. */
  record Target(String field, int event) {}

  static Arbitrary<Target> anyField() {
    return Arbitraries.oneOf(Arbitraries.of(TOP_FIELDS).map(f -> new Target(f, -1)),
        Combinators.combine(Arbitraries.of(EVENT_FIELDS), Arbitraries.integers().between(0, 4)).as(Target::new),
        Arbitraries.strings().ofMaxLength(12).map(f -> new Target(f, -1)));
  }

  /** The beacon as JSON text with {@code raw} (any text, valid JSON or not) as the value of the target field. */
  static String splice(ObjectNode beacon, Target t, String raw) {
    ObjectNode b = beacon.deepCopy();
    ObjectNode into = b;
    if (t.event() >= 0) {
      ArrayNode events = (ArrayNode) b.get("events");
      into = (ObjectNode) events.get(t.event() % events.size());
    }
    into.put(t.field(), "@@hole@@");
    return b.toString().replace("\"@@hole@@\"", raw);
  }

  /** JSON text of a string, with every control character and surrogate escaped (so lone surrogates survive). */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  static Arbitrary<String> hostileString() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
        Tuple.of(2, Arbitraries.strings().withCharRange('\u0000', '\u001f').withCharRange('\u007f', '\u009f')
            .ofMinLength(1).ofMaxLength(6).map(c -> "in" + c + "valid")),
        Tuple.of(3, Arbitraries.of("", " ", "\t", "\u0000", "\u202e\u0007", "\u001b[31mred", "null", "\ud800",
            "\udfff\ud800", "\ud83d\udca5", "\u00e9", "\u00a0", "\ufeff", "\u0085", "\u2028", "../../etc/passwd",
            "'; DROP TABLE views; --", "%00", "%zz", "<script>alert(1)</script>", "${jndi:ldap://x/a}",
            "a\r\nX-Injected: 1", "ipfs://x", "https://[::1", "http://%zz/", "https://cdn/hls/fuzzpb/x.m3u8")),
        Tuple.of(1, Arbitraries.integers().between(129, 20_000).map("v"::repeat)));
  }

  static Arbitrary<String> absurdNumber() {
    return Arbitraries.oneOf(
        Arbitraries.of("-1", "-0", "-0.0", "0.0", "1e308", "-1e308", "1e309", "4.9e-324", "1e-400",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "123456789012345678901234567890", "8999999999999999", "9000000000000001", "86400000", "86400001",
            "3600001", "1000000", "1000001", "2147483647", "2147483648", "0.5", "-0.4", "1.5e3", "1E+2",
            "1" + "0".repeat(1200), "\"NaN\"", "\"Infinity\"", "\"-1\"", "\"1e3\""),
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.doubles().map(String::valueOf),
        Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(30).negate(), java.math.BigInteger.TEN.pow(30))
            .map(String::valueOf));
  }

  /** Raw JSON text that does not belong where it is put: other types, absurd numbers, broken tokens, deep nests. */
  static Arbitrary<String> hostileValue() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("null", "true", "false", "0", "1", "\"\"", "\"x\"", "[]", "[1,\"a\"]", "{}",
            "{\"a\":{}}", "[null]", "NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.", "0x10", "'x'",
            "undefined", "tru", "nul", "\"open", "1e", "--1", "\"\\x41\"", "\"\\u12\"", "[1,]", "{\"a\"}", "/* */1")),
        Tuple.of(3, absurdNumber()),
        Tuple.of(3, hostileString().map(HostileInputs::quote)),
        Tuple.of(1, Arbitraries.integers().between(1, 5_000).map(d -> "[".repeat(d) + "]".repeat(d))),
        Tuple.of(1, Arbitraries.integers().between(1, 2_000).map(d -> "{\"a\":".repeat(d) + "1" + "}".repeat(d))));
  }

  static Arbitrary<byte[]> wrongTyped() {
    return Combinators.combine(playerBeacon(), anyField(), hostileValue()).as(HostileInputs::splice).map(HostileInputs::utf8);
  }

  static Arbitrary<byte[]> absurdNumbers() {
    return Combinators.combine(playerBeacon(), Arbitraries.of(NUMERIC_FIELDS), Arbitraries.integers().between(0, 4),
        absurdNumber()).as((b, f, i, n) -> splice(forceHeartbeats(b), new Target(f, i), n)).map(HostileInputs::utf8);
  }

  private static ObjectNode forceHeartbeats(ObjectNode b) {
    ObjectNode c = b.deepCopy();
    c.get("events").forEach(e -> ((ObjectNode) e).put("type", "heartbeat"));
    return c;
  }

  static Arbitrary<byte[]> truncated() {
    return Combinators.combine(playerBeacon(), Arbitraries.doubles().between(0, 1))
        .as((b, cut) -> {
          byte[] full = utf8(b.toString());
          return java.util.Arrays.copyOf(full, (int) (full.length * cut));
        });
  }

  static Arbitrary<byte[]> randomBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(3_000);
  }

  private static final List<byte[]> BAD_UTF8 = List.of(new byte[] {(byte) 0xc3, 0x28}, new byte[] {(byte) 0xff},
      new byte[] {(byte) 0xfe, (byte) 0xff}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      new byte[] {(byte) 0xc0, (byte) 0x80}, new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
      new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {0}, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});

  /** Invalid UTF-8 inside a string value (where a lenient decoder would let it through) or anywhere. */
  static Arbitrary<byte[]> invalidUtf8() {
    return Combinators.combine(playerBeacon(), Arbitraries.of(BAD_UTF8), Arbitraries.of("session_id", "user_agent",
        "uid", "domain", "playback_id", "source_url", ""), Arbitraries.doubles().between(0, 1)).as((b, bad, f, at) -> {
          String json = b.deepCopy().put("uid", "u").toString();
          int i = f.isEmpty() ? (int) (json.length() * at) : json.indexOf("\"" + f + "\":\"") + f.length() + 4;
          byte[] head = utf8(json.substring(0, i));
          byte[] tail = utf8(json.substring(i));
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.writeBytes(head);
          out.writeBytes(bad);
          out.writeBytes(tail);
          return out.toByteArray();
        });
  }

  static Arbitrary<byte[]> deeplyNested() {
    return Arbitraries.oneOf(
        Combinators.combine(playerBeacon(), anyField(), Arbitraries.integers().between(500, 30_000))
            .as((b, t, d) -> utf8(splice(b, t, "[".repeat(d) + "]".repeat(d)))),
        Arbitraries.integers().between(1, 32_000).map(d -> utf8("[".repeat(d) + "]".repeat(d))),
        Arbitraries.integers().between(1, 30_000).map(d -> utf8("{\"events\":" + "[".repeat(d))));
  }

  static Arbitrary<byte[]> hugeStrings() {
    return Combinators.combine(playerBeacon(), anyField(), Arbitraries.of("v", "\u00e9", "\ud83d\udca5", "\\u0000"),
        Arbitraries.integers().between(200, 60_000)).as((b, t, unit, n) -> {
          int room = (BeaconRoutes.BODY_LIMIT - b.toString().length() - 64) / utf8(unit).length;
          return utf8(splice(b, t, "\"" + unit.repeat(Math.min(n, room)) + "\""));
        });
  }

  /**
   * Up to the parser's limit of events and beyond: tiny ones (the most per byte) or heartbeats at the largest values
   * the event checks let through, which sum up across events and across beacons of a reused session.
   */
  static Arbitrary<byte[]> manyEvents() {
    return Combinators.combine(playerBeacon(), Arbitraries.integers().between(100, 2_100), Arbitraries.of(true, false))
        .as((b, n, heartbeats) -> {
          ObjectNode c = b.deepCopy();
          ArrayNode events = c.putArray("events");
          int count = heartbeats ? Math.min(n, 400) : n;
          for (int i = 0; i < count; i++) {
            ObjectNode e = events.addObject();
            if (heartbeats) {
              e.put("id", "m" + i).put("type", "heartbeat").put("timestamp", NOW - i)
                  .put("time_playing_ms", 86_400_000).put("time_stalled_ms", 86_400_000).put("errors", 1_000_000);
            } else {
              e.put("type", i % 3 == 0 ? "play" : "x").put("timestamp", i % 7);
            }
          }
          return utf8(c.toString());
        });
  }

  /** A key twice, hostile value first (the parser keeps the last) or last. */
  static Arbitrary<byte[]> duplicateKeys() {
    return Combinators.combine(playerBeacon(), Arbitraries.of(TOP_FIELDS), hostileValue(), Arbitraries.of(true, false))
        .as((b, f, v, first) -> {
          String json = b.toString();
          String pair = quote(f) + ":" + v;
          return utf8(first ? "{" + pair + "," + json.substring(1)
              : json.substring(0, json.length() - 1) + "," + pair + "}");
        });
  }

  static Arbitrary<byte[]> unknownFieldsAndTypes() {
    return Combinators.combine(playerBeacon(), hostileString(), hostileValue(), hostileString(),
        Arbitraries.integers().between(0, 4)).as((b, name, value, type, i) -> {
          ObjectNode c = b.deepCopy();
          ArrayNode events = (ArrayNode) c.get("events");
          ((ObjectNode) events.get(i % events.size())).put("type", type);
          return utf8(splice(c, new Target(name.isEmpty() ? "__proto__" : name, i % 2 == 0 ? -1 : i), value));
        });
  }

  static Arbitrary<byte[]> farTimestamps() {
    Arbitrary<Long> far = Arbitraries.oneOf(
        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, NOW + 600_001, NOW + 600_000, NOW - 604_800_000,
            NOW - 604_800_001, NOW + 86_400_000L * 365 * 100, 253_402_300_800_000L),
        Arbitraries.longs(),
        Arbitraries.longs().between(-1_000_000_000L, 1_000_000_000L).map(d -> NOW + d));
    return Combinators.combine(playerBeacon(), far, Arbitraries.of(true, false)).as((b, ts, all) -> {
      ObjectNode c = b.deepCopy();
      int n = 0;
      for (var e : c.get("events")) {
        if (all || n++ == 0) {
          ((ObjectNode) e).put("timestamp", ts);
        }
      }
      return utf8(c.toString());
    });
  }

  static Arbitrary<byte[]> notAnObject() {
    return Arbitraries.of("", " ", "null", "[]", "[{}]", "\"beacon\"", "1", "true", "{}", "{\"events\":[]}", "\ufeff{}",
        "{\"session_id\":\"a\",\"playback_id\":\"fuzzpb\",\"events\":[]} trailing", "{}{}", "\u0000", "{\"a\":1,}",
        "{\"session_id\":\"a\",\"playback_id\":\"fuzzpb\",\"events\":[{}]}", "[" + "1,".repeat(5000) + "1]")
        .map(HostileInputs::utf8);
  }

  /** Every kind of broken beacon, plus some valid ones (noise the store must keep exactly). */
  static Arbitrary<byte[]> malformedBeaconBody() {
    return Arbitraries.frequencyOf(Tuple.of(24, wrongTyped()), Tuple.of(10, absurdNumbers()),
        Tuple.of(10, truncated()), Tuple.of(3, randomBytes()), Tuple.of(6, invalidUtf8()), Tuple.of(3, deeplyNested()),
        Tuple.of(4, hugeStrings()), Tuple.of(3, manyEvents()), Tuple.of(6, duplicateKeys()),
        Tuple.of(8, unknownFieldsAndTypes()), Tuple.of(8, farTimestamps()), Tuple.of(4, notAnObject()),
        Tuple.of(8, playerBeacon().map(b -> utf8(b.toString()))));
  }

  private static final List<String> PLAYER_HEADERS = List.of("Content-Type: text/plain;charset=UTF-8",
      "Origin: https://www.example.com");

  static class MalformedBeacons implements ArbitrarySupplier<List<Req>> {
    @Override
    public Arbitrary<List<Req>> get() {
      return Combinators.combine(malformedBeaconBody(), Arbitraries.of("", "", "", "?last=1", "?last=0", "?last=%zz",
          "?last=1&last=1", "?%", "?=&&=", "?last=\u00e9"), Arbitraries.integers().between(1, 254)).as((body, q, ip) -> {
            List<String> h = new ArrayList<>(PLAYER_HEADERS);
            h.add("X-Forwarded-For: 192.0.2." + ip);
            return new Req("POST", "/analytics/log" + q, h, body, Expect.NO_5XX);
          }).withoutEdgeCases().list().ofSize(BATCH);
    }
  }

  // ---- headers ---------------------------------------------------------------------------------------------------

  static Arbitrary<String> hostileHeaderValue() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60)),
        Tuple.of(2, Arbitraries.strings().withCharRange('\u0080', '\u00ff').withCharRange('a', 'z').ofMaxLength(30)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0100', '\uffff').ofMaxLength(20)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').withChars('\u007f').ofMinLength(1)
            .ofMaxLength(3).map(c -> "a" + c.replace("\r", "").replace("\n", "") + "b")),
        Tuple.of(1, Arbitraries.integers().between(1_000, 15_000).map("u"::repeat)),
        Tuple.of(1, Arbitraries.integers().between(16_000, 20_000).map("u"::repeat)));
  }

  static Arbitrary<String> hostileHeader() {
    Arbitrary<String> forwarded = Arbitraries.of("unknown", "", ",,,", "203.0.113.9, 198.51.100.7", "999.1.1.1",
        "::1", "[::1]:80", "fe80::1%eth0", "198.51.100.7:5678", "0.0.0.0", "255.255.255.255", "::ffff:192.0.2.1",
        "2001:db8::1", "not-an-ip", "127.0.0.1", "127.0.0.1, 127.0.0.1", "1.2.3.4 , ,", "[2001:db8::1]",
        "203.0.113.9, ".repeat(700) + "203.0.113.9");
    return Arbitraries.oneOf(
        Arbitraries.of("text/plain", "application/json", "application/x-www-form-urlencoded", "multipart/form-data",
            "multipart/form-data; boundary=xyz", "multipart/form-data; boundary=", "text/plain; charset=utf-16",
            "text/plain; charset=nope", "application/octet-stream", "*/*", "", ";;;", "text/plain; charset=\"",
            "image/png").map(v -> "Content-Type: " + v),
        Arbitraries.oneOf(Arbitraries.of(AGENTS), hostileHeaderValue()).map(v -> "User-Agent: " + v),
        Arbitraries.oneOf(forwarded, hostileHeaderValue()).map(v -> "X-Forwarded-For: " + v),
        Arbitraries.oneOf(Arbitraries.of("for=192.0.2.60;proto=http", "for=\"[2001:db8::1]\"", "for=unknown", ";;"),
            hostileHeaderValue()).map(v -> "Forwarded: " + v),
        Arbitraries.oneOf(Arbitraries.of("null", "https://evil.example", "", "*", "http://", "javascript:alert(1)",
            "https://www.example.com"), hostileHeaderValue()).map(v -> "Origin: " + v),
        Arbitraries.of("no-cors", "cors", "navigate", "").map(v -> "Sec-Fetch-Mode: " + v),
        Arbitraries.of("gzip", "deflate", "br", "gzip;q=0, *;q=0", "identity").map(v -> "Accept-Encoding: " + v),
        Combinators.combine(Arbitraries.of("CF-Connecting-IP", "X-Real-IP", "CloudFront-Viewer-Address",
            "Fastly-Client-IP", "CF-IPCountry", "Cookie", "X-Requested-With", "Referer", "Content-Encoding"),
            hostileHeaderValue()).as((n, v) -> n + ": " + v),
        Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(30), hostileHeaderValue())
            .as((n, v) -> "X-" + n + ": " + v));
  }

  static class HostileHeaders implements ArbitrarySupplier<List<Req>> {
    @Override
    public Arbitrary<List<Req>> get() {
      Arbitrary<byte[]> body = Arbitraries.frequencyOf(Tuple.of(4, playerBeacon().map(b -> utf8(b.toString()))),
          Tuple.of(1, malformedBeaconBody()));
      return Combinators.combine(body, hostileHeader().list().ofMinSize(1).ofMaxSize(6))
          .as((b, h) -> new Req("POST", "/analytics/log", h, b, Expect.NO_5XX)).withoutEdgeCases().list().ofSize(BATCH);
    }
  }

  // ---- queries ---------------------------------------------------------------------------------------------------

  static final String TOTAL = "/api/data/views/query/total/";

  static Arbitrary<String> authorization() {
    return Arbitraries.frequencyOf(Tuple.of(17, Arbitraries.just("Authorization: Bearer " + SECRET)),
        Tuple.of(3, Arbitraries.oneOf(Arbitraries.of("Bearer " + CORS, "Bearer", "Bearer ", "bearer " + SECRET,
            "Basic Zm9vOmJhcg==", "Bearer " + SECRET + " extra", "Bearer  " + SECRET + "  ", "Token " + SECRET, "",
            "Bearer vp_nope_nope", "Bearer " + SECRET + "\u0000", "Bearer " + "k".repeat(9_000)),
            hostileHeaderValue()).map(v -> "Authorization: " + v)));
  }

  /** Whether an Authorization header carries one of the account's keys (the rest must be refused). */
  static boolean authorized(String header) {
    return header.contains(SECRET) || header.contains(CORS);
  }

  /** Mostly the parameters the routes parse strictly, so most queries are refused before they reach the store. */
  static Arbitrary<String> paramName() {
    return Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.of("from", "to", "timeStep", "breakdownBy[]", "breakdownBy", "filters[]", "filters",
            "breakdownBy%5B%5D", "filters%5B%5D")),
        Tuple.of(4, Arbitraries.of("playbackId", "assetId", "streamId", "creatorId", "userId")),
        Tuple.of(1, Arbitraries.of("msg", "sig", "stream_ids")),
        Tuple.of(1, hostileString().map(HostileInputs::encode)));
  }

  static Arbitrary<String> paramValue() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("playbackId", "deviceType", "device", "cpu", "os", "browser", "browserEngine",
            "continent", "country", "subdivision", "timezone", "geohash", "viewerId", "creatorId", "dStorageUrl",
            "playbackId,country", ",,,", "nope", "PLAYBACKID", "hour", "day", "week", "month", "year", "minute", "HOUR",
            "country:US", "!browser:Chrome", ":", "!", "country:", "nope:x", "!:", "playbackId:fuzzpb", PLAYBACK,
            "nobody", "ipfs://QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")),
        Tuple.of(4, Arbitraries.of("2026-03-01T00:00:00Z", "2026-03-01T00:00:00.000+05:00", "0", "-1", "1772445600000",
            "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e12", "+999999999-12-31T23:59:59Z",
            "-999999999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
            "2026-02-30T00:00:00Z", "2026-03-01", "yesterday", "8640000000000000", "-8640000000000000",
            "9223372036854775", "-9223372036854776", "292278994-08-17T07:12:55.807Z")),
        Tuple.of(2, Arbitraries.longs().map(String::valueOf)),
        Tuple.of(3, hostileString()),
        Tuple.of(1, Arbitraries.integers().between(500, 3_000).map("q"::repeat)));
  }

  /** Mostly well encoded; some raw (NUL, spaces, UTF-8 bytes in the request line) or with broken escapes. */
  static Arbitrary<String> encodedValue() {
    return Combinators.combine(paramValue(), Arbitraries.integers().between(0, 9)).as((v, mode) -> switch (mode) {
      case 0 -> unbroken(v);
      case 1 -> unbroken(v) + "%";
      case 2 -> "%zz" + encode(v);
      case 3 -> encode(v) + "%C3%28%FF%00";
      default -> encode(v);
    });
  }

  /**
   * Raw, but without CR and LF: those end the request line, and what follows is then a different (broken) HTTP
   * message rather than a hostile query string.
   */
  static String unbroken(String s) {
    return s.replace("\r", "").replace("\n", "");
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A value the parameter cannot take: a time that is none or out of range, an unknown step, dimension, filter. */
  static Arbitrary<String> refusedParam() {
    Arbitrary<String> junk = Arbitraries.oneOf(Arbitraries.of("yesterday", "+999999999-12-31T23:59:59Z",
        "-999999999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "99999999999999999999", "9223372036854775807",
        "-9223372036854775808", "8640000000000000", "2026-02-30T00:00:00Z", "1e12", "nope", "minute", "PLAYBACKID",
        "!:", "nope:x", ":", "playbackId,nope"), hostileString().filter(v -> !v.isBlank()));
    return Combinators.combine(Arbitraries.of("from", "to", "timeStep", "breakdownBy[]"), junk,
        Arbitraries.integers().between(0, 9)).as((n, v, mode) -> n + "=" + (mode == 0 ? unbroken(v) + "%" : encode(v)));
  }

  /** Plausible parameters (some valid, some not), and mostly one the route must refuse, at any position. */
  static Arbitrary<String> queryString() {
    Arbitrary<List<String>> plausible = Combinators.combine(paramName(), encodedValue()).as((n, v) -> n + "=" + v)
        .list().ofMaxSize(5);
    Arbitrary<String> refused = Arbitraries.frequencyOf(Tuple.of(12, refusedParam()), Tuple.of(1, Arbitraries.just("")));
    return Arbitraries.frequencyOf(Tuple.of(20, Combinators.combine(plausible, refused,
        Arbitraries.integers().between(0, 5)).as((ps, r, at) -> {
          List<String> all = new ArrayList<>(ps);
          if (!r.isEmpty()) {
            all.add(Math.min(at, all.size()), r);
          }
          return String.join("&", all);
        })),
        Tuple.of(1, Arbitraries.of("", "&&&", "=", "==", "a", "&=&", "%", "breakdownBy[]", "filters[]=&filters[]=",
            "#frag", "?", "a=1;b=2")));
  }

  static Arbitrary<String> queryPath() {
    Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.of(PLAYBACK, "ipfs%3A%2F%2FQmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",
        "ipfs://QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", "ar://x", "%zz", "%", "a%2Fb", "a/b/c", "..",
        "%2e%2e", "%00", "+", "%C3%28", ""), hostileString().map(HostileInputs::encode));
    return Arbitraries.frequencyOf(Tuple.of(11, Arbitraries.of("/api/data/views/query", "/api/data/views/query/creator",
        "/api/data/views/now", "/api/data/usage/query", "/api/data/views/query/")), Tuple.of(1, id.map(i -> TOTAL + i)));
  }

  static class HostileQueries implements ArbitrarySupplier<List<Req>> {
    @Override
    public Arbitrary<List<Req>> get() {
      return Combinators.combine(queryPath(), queryString(), authorization(), Arbitraries.of("", "Origin: null",
          "Origin: https://evil.example", "Accept-Encoding: gzip")).as((p, q, auth, extra) -> {
            List<String> h = extra.isEmpty() ? List.of(auth) : List.of(auth, extra);
            return new Req("GET", p + (q.isEmpty() ? "" : "?" + q), h, null,
                authorized(auth) ? Expect.NO_5XX : Expect.REFUSED);
          }).withoutEdgeCases().list().ofSize(BATCH);
    }
  }

  /** Bodies past the limit of the route (a few: they are big). */
  static class Oversize implements ArbitrarySupplier<Req> {
    @Override
    public Arbitrary<Req> get() {
      return Combinators.combine(Arbitraries.integers().between(1, 200_000),
          Arbitraries.of("/analytics/log", "/analytics/log?last=1", "/api/live/events")).as((extra, path) -> {
            byte[] body = new byte[(path.startsWith("/api") ? 512 * 1024 : BeaconRoutes.BODY_LIMIT) + extra];
            java.util.Arrays.fill(body, (byte) '[');
            return new Req("POST", path, List.of("Content-Type: text/plain", "Authorization: Bearer " + SECRET), body,
                Expect.TOO_LARGE);
          });
    }
  }

  // ---- Uplynk live statistics and stream events ------------------------------------------------------------------

  static Arbitrary<String> signature() {
    return Arbitraries.oneOf(
        Arbitraries.of("msg=&sig=", "msg=x", "sig=00", "msg=%zz&sig=%zz", "msg=AAAA&sig=zz", "msg=eJyrrgUAAXUA+Q%3D%3D&sig="
            + "0".repeat(64)),
        Combinators.combine(Arbitraries.longs().between(-1_000, 1_000).map(d -> NOW / 1000 + d),
            Arbitraries.of("wrong-secret", " ", "vp_x_y"), Arbitraries.of(true, false), hostileValue())
            .as((ts, secret, owned, extra) -> Uplynk.sign(owned ? accountId : "someone", secret, ts,
                "\"stream_ids\": " + extra).query()),
        Combinators.combine(hostileString(), hostileString()).as((m, s) -> "msg=" + encode(m) + "&sig=" + encode(s)));
  }

  static class HostileUplynk implements ArbitrarySupplier<List<Req>> {
    @Override
    public Arbitrary<List<Req>> get() {
      Arbitrary<String> base = Arbitraries.of(LiveRoutes.ENHANCED, LiveRoutes.DEPRECATED);
      Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.just("@stream"), hostileString().map(HostileInputs::encode));
      Arbitrary<List<String>> auth = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.<String>of())),
          Tuple.of(1, authorization().map(List::of)));
      Arbitrary<Req> get = Combinators.combine(base, id, Arbitraries.of("", "/series"), signature(), queryString(), auth)
          .as((b, i, series, sig, q, a) -> new Req("GET", b + "/" + i.replace("@stream", streamId) + series + "?"
              + sig + "&" + q, a, null, expectFor(a)));
      Arbitrary<Req> post = Combinators.combine(base, signature(), hostileValue(), auth, Arbitraries.of(true, false))
          .as((b, sig, ids, a, form) -> {
            List<String> h = new ArrayList<>(a);
            h.add(form ? "Content-Type: application/x-www-form-urlencoded" : "Content-Type: application/json");
            String body = form ? sig + "&stream_ids=" + encode(ids) : "{\"stream_ids\":" + ids + "}";
            return new Req("POST", b, h, utf8(body), expectFor(a));
          });
      return Arbitraries.oneOf(get, post).withoutEdgeCases().list().ofSize(BATCH);
    }

    private static Expect expectFor(List<String> auth) {
      return auth.stream().anyMatch(HostileInputs::authorized) ? Expect.NO_5XX : Expect.REFUSED;
    }
  }

  static Arbitrary<String> streamEvent() {
    Arbitrary<ObjectNode> valid = Arbitraries.randomValue(r -> {
      ObjectNode e = Http.JSON.createObjectNode();
      boolean slate = r.nextInt(4) != 0;
      e.put("type", slate ? "slate" : "auth_failure");
      e.put("stream_id", streamId);
      e.put("timestamp", NOW - r.nextInt(600_000));
      if (slate) {
        e.put("session_id", "reused-" + r.nextInt(6));
        e.put("kind", r.nextBoolean() ? "ad_slate" : "mcs");
        e.put("reason", String.valueOf(r.nextInt(10)));
        e.put("seconds", 0.5 + r.nextInt(30));
      }
      return e;
    });
    Arbitrary<String> field = Arbitraries.of("type", "stream_id", "timestamp", "session_id", "kind", "reason",
        "seconds", "extra");
    return Arbitraries.oneOf(valid.map(ObjectNode::toString), Combinators.combine(valid, field, hostileValue())
        .as((e, f, v) -> {
          ObjectNode c = e.deepCopy().put(f, "@@hole@@");
          return c.toString().replace("\"@@hole@@\"", v);
        }));
  }

  static class HostileStreamEvents implements ArbitrarySupplier<List<Req>> {
    @Override
    public Arbitrary<List<Req>> get() {
      Arbitrary<byte[]> body = Arbitraries.frequencyOf(
          Tuple.of(6, streamEvent().list().ofMaxSize(5).map(es -> utf8("{\"events\":[" + String.join(",", es) + "]}"))),
          Tuple.of(2, hostileValue().map(v -> utf8("{\"events\":" + v + "}"))),
          Tuple.of(1, notAnObject()), Tuple.of(1, randomBytes()));
      return Combinators.combine(body, authorization(), Arbitraries.of("application/json", "text/plain", ""))
          .as((b, a, ct) -> new Req("POST", "/api/live/events", List.of(a, "Content-Type: " + ct), b,
              authorized(a) ? Expect.NO_5XX : Expect.REFUSED)).withoutEdgeCases().list().ofSize(BATCH);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
