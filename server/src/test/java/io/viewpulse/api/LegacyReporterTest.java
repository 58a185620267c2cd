package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewpulse.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Livepeer's legacy reporter ({@code @livepeer/core} 2.1.9, the player of {@code @livepeer/react} 3.x) over a real
 * WebSocket: every second, the fields of its metrics that changed, with timers and counters as totals since the player
 * started; the messages have the shape and field names of that player's. Not driven by the real player in Chromium:
 * its socket opens only once a Player component has given the store the playback id and the redirected URL
 * ({@code @livepeer/core-web} 3.x's bare {@code addMediaMetrics}, the seed's import path, never opens one).
 */
class LegacyReporterTest {
  static final String PB = "legacypb";
  static final String FIRST = """
      {"autoplay": "standard", "pageUrl": "https://shop.example.com/watch?v=1", "player": "hls-@livepeer/core@2.1.9",
       "sourceType": "application/vnd.apple.mpegurl",
       "sourceUrl": "https://livepeercdn.studio/hls/legacypb/index.m3u8",
       "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
       "uid": "viewer-7", "duration": 120.5, "nWaiting": 0, "nStalled": 0}""";

  private final TestServer s = new TestServer();

  @AfterEach
  void stop() {
    s.close();
  }

  /**
   * A socket to the server. Each message is followed by a ping: the server answers it after handling the message, so
   * the next one goes out on the test's clock only once the server is done with this one.
   */
  private final class Player implements AutoCloseable {
    private final WebSocket ws;
    private final java.util.concurrent.BlockingQueue<String> replies = new java.util.concurrent.LinkedBlockingQueue<>();

    Player(String token) throws Exception {
      ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + s.vp.port() + "/json_video+" + PB + ".js?tkn=" + token),
              new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onPong(WebSocket w, java.nio.ByteBuffer message) {
                  replies.add("pong");
                  w.request(1);
                  return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                  replies.add("close");
                  return null;
                }
              })
          .get(10, TimeUnit.SECONDS);
    }

    /** Sends a message {@code seconds} after T0. */
    Player at(long seconds, String json) throws Exception {
      s.clock.set(T0.plusSeconds(seconds));
      ws.sendText(json, true).get(10, TimeUnit.SECONDS);
      ws.sendPing(java.nio.ByteBuffer.allocate(0)).get(10, TimeUnit.SECONDS);
      assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo("pong");
      return this;
    }

    /** Closes, and returns once the server has closed its side too (its close handler has run). */
    @Override
    public void close() throws Exception {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
      assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo("close");
    }
  }

  /**
   * The one view, once it shows {@code playingMs} of play: beacons from a socket are not answered, so the test waits
   * (at most 10 s) until they are durable and applied.
   */
  private JsonNode view(long playingMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonNode rows;
    do {
      s.flush();
      rows = s.query("/api/data/views/query?breakdownBy[]=playbackId&breakdownBy[]=browser").json();
      if (rows.size() == 1 && Math.round(rows.get(0).get("playtimeMins").asDouble() * 60_000) == playingMs) {
        break;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("playtimeMins").asDouble()).isCloseTo(playingMs / 60_000.0, within(1e-9));
    return rows.get(0);
  }

  @Test
  void aPlayerThatPlaysStallsAndErrsIsOneViewWithItsFigures() throws Exception {
    s.asset(PB);
    try (Player p = new Player("tok1")) {
      p.at(1, FIRST)
          .at(2, "{\"firstPlayback\": 1200, \"preloadTime\": 900}")
          .at(3, "{\"ttff\": 350, \"timeUnpaused\": 650}")
          .at(9, "{\"timeUnpaused\": 6650, \"nStalled\": 1, \"timeStalled\": 400, \"playbackScore\": 1}")
          .at(12, "{\"timeUnpaused\": 9000, \"nError\": 1, \"lastError\": \"fragLoadError\"}")
          .at(20, "{\"timeUnpaused\": 17000}");
    }
    JsonNode v = view(17_000);
    assertThat(v.get("playbackId").asText()).isEqualTo(PB);
    assertThat(v.get("browser").asText()).isEqualTo("Chrome");
    assertThat(v.get("viewCount").asLong()).isEqualTo(1);
    assertThat(v.get("ttffMs").asDouble()).isEqualTo(350.0);
    assertThat(v.get("errorRate").asDouble()).isEqualTo(1.0);
    assertThat(v.get("rebufferRatio").asText()).isEqualTo("0.02298851"); // 400 / 17,400, to seven digits
    assertThat(s.query("/api/data/views/now").json().get(0).get("viewCount").asLong())
        .as("the closed socket was the page's last report").isZero();
  }

  @Test
  void aReconnectedPlayerIsCountedOnceWithItsTotals() throws Exception {
    s.asset(PB);
    try (Player p = new Player("tok2")) {
      p.at(1, FIRST).at(2, "{\"firstPlayback\": 1200, \"ttff\": 300, \"timeUnpaused\": 500}")
          .at(8, "{\"timeUnpaused\": 6500}");
    }
    // the same player on a new socket sends only what changed since its last message, totals included
    try (Player p = new Player("tok2")) {
      p.at(20, "{\"timeUnpaused\": 18500}").at(30, "{\"timeUnpaused\": 28500}");
    }
    JsonNode v = view(28_500);
    assertThat(v.get("viewCount").asLong()).isEqualTo(1);
  }

  /**
   * Players of {@code @livepeer/core} 3.2 and later open the same socket for the same session and also send
   * everything as beacons: their socket reports would count twice. So would those of a player this server has not seen start.
   */
  @Test
  void onlyAPlayerKnownToReportNothingElseIsCounted() throws Exception {
    s.asset(PB);
    try (Player newer = new Player("tok6")) {
      newer.at(1, FIRST.replace("@livepeer/core@2.1.9", "@livepeer/core@3.3.1"))
          .at(2, "{\"firstPlayback\": 1200, \"ttff\": 300, \"timeUnpaused\": 500}").at(9, "{\"timeUnpaused\": 7500}");
    }
    // no player in its first message: one that was reporting before this server started
    try (Player unknown = new Player("tok7")) {
      unknown.at(1, "{\"timeUnpaused\": 600000, \"nError\": 2}").at(7, "{\"timeUnpaused\": 606000}");
    }
    try (Player legacy = new Player("tok8")) {
      legacy.at(1, FIRST).at(2, "{\"firstPlayback\": 1200, \"timeUnpaused\": 2000}");
    }
    JsonNode v = view(2_000);
    assertThat(v.get("viewCount").asLong()).as("the legacy player's view alone").isEqualTo(1);
  }

  @Test
  void theSocketDeclinesCompressionABrowserOffers() throws Exception {
    s.asset(PB);
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", s.vp.port())) {
      raw.setSoTimeout(10_000);
      raw.getOutputStream().write(("GET /json_video+" + PB + ".js?tkn=t-deflate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
          + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      StringBuilder head = new StringBuilder();
      java.io.InputStream in = raw.getInputStream();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        assertThat(c).as("the handshake's answer ends").isNotNegative();
        head.append((char) c);
      }
      String answer = head.toString().toLowerCase(java.util.Locale.ROOT);
      assertThat(answer).startsWith("http/1.1 101 ").contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=")
          .doesNotContain("sec-websocket-extensions");
    }
  }

  @Test
  void aSocketThatNeverPlaysIsNoView() throws Exception {
    s.asset(PB);
    try (Player p = new Player("tok4")) {
      p.at(1, FIRST).at(2, "{\"nWaiting\": 0}");
    }
    // nothing was ever sent for this session, so nothing can be on its way
    s.flush();
    assertThat(s.query("/api/data/views/query").json().get(0).get("viewCount").asLong()).isZero();
  }

  @Test
  void garbageIsCountedAndIgnoredAndABadFieldCostsOnlyItself() throws Exception {
    s.asset(PB);
    try (Player p = new Player("tok5")) {
      p.at(1, FIRST).at(2, "not json").at(3, "[1, 2]")
          .at(4, "{\"timeUnpaused\": 5000, \"firstPlayback\": 1, \"ttff\": -5, \"duration\": \"long\"}");
    }
    assertThat(view(5_000).has("ttffMs")).isFalse();
    assertThat(s.http.get("/metrics").body()).contains("viewpulse_beacons_rejected_total{reason=\"malformed_json\"} 2.0");
  }

  /** The answer to a WebSocket upgrade sent by hand: its head, and its body when it is not an upgrade. */
  private record Handshake(int status, String head, String body) {}

  private Handshake upgrade(TestServer server, String path) throws Exception {
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.vp.port())) {
      raw.setSoTimeout(10_000);
      raw.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.InputStream in = raw.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        assertThat(c).as("the handshake's answer ends").isNotNegative();
        head.append((char) c);
      }
      int status = Integer.parseInt(head.substring(9, 12));
      java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
      String body = length.find()
          ? new String(in.readNBytes(Integer.parseInt(length.group(1))), java.nio.charset.StandardCharsets.UTF_8) : "";
      return new Handshake(status, head.toString(), body);
    }
  }

  private static double metric(TestServer server, String line) {
    for (String l : server.http.get("/metrics").body().split("\n")) {
      if (l.startsWith(line + " ")) {
        return Double.parseDouble(l.substring(line.length() + 1));
      }
    }
    throw new AssertionError("no metric " + line);
  }

  /** An upgrade for a playback id nobody owns, or a malformed one, is refused before anything is kept. */
  @Test
  void aSocketForAPlaybackIdNobodyOwnsIsRefusedWith404AndKeepsNothing() throws Exception {
    s.asset(PB);
    String longId = "x".repeat(7_000);
    for (int i = 0; i < 20; i++) {
      String id = i % 2 == 0 ? longId + i : "nobodys" + i;
      Handshake h = upgrade(s, "/json_video+" + id + ".js?tkn=t" + i);
      assertThat(h.status()).isEqualTo(404);
      assertThat(h.head().toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/json");
      assertThat(io.viewpulse.testing.Http.JSON.readTree(h.body()).get("errors").get(0).asText()).isEqualTo(i % 2 == 0
          ? "no asset or stream has this playback id (ids are 1 to 128 printable ASCII characters)"
          : "no asset or stream has playback id nobodys" + i);
    }
    assertThat(metric(s, "viewpulse_legacy_sessions")).isZero();
    assertThat(metric(s, "viewpulse_beacons_rejected_total{reason=\"unknown_playback_id\"}")).isEqualTo(20);
    assertThat(upgrade(s, "/json_video+" + PB + ".js?tkn=t-known").status()).isEqualTo(101);
  }

  /** Sessions of the legacy reporter hold memory like the sessionizer's and count toward --max-open-sessions. */
  @Test
  void legacySessionsCountTowardTheOpenSessionLimit() throws Exception {
    try (TestServer small = new TestServer(c -> c.withSessions(c.sessions().withMaxOpenSessions(3)))) {
      small.asset(PB);
      for (int i = 1; i <= 3; i++) {
        assertThat(upgrade(small, "/json_video+" + PB + ".js?tkn=cap" + i).status()).isEqualTo(101);
      }
      Handshake full = upgrade(small, "/json_video+" + PB + ".js?tkn=cap4");
      assertThat(full.status()).isEqualTo(503);
      assertThat(full.head()).contains("Retry-After: 1");
      assertThat(io.viewpulse.testing.Http.JSON.readTree(full.body()).get("errors").get(0).asText())
          .isEqualTo("Viewpulse is at capacity; retry in a few seconds");
      assertThat(metric(small, "viewpulse_legacy_sessions")).isEqualTo(3);
      // a beacon of a new session is refused too, and a known session's socket still reconnects
      assertThat(small.beacon(io.viewpulse.testing.Beacons.session("post1", PB).play(T0).json(), "192.0.2.9").status())
          .isEqualTo(503);
      assertThat(upgrade(small, "/json_video+" + PB + ".js?tkn=cap2").status()).isEqualTo(101);
    }
  }
}
