package io.viewpulse.api;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.ingest.IngestConfig;
import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.Http;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.TestServer;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Per-address limits, on a server whose clock only the test moves (so the token buckets refill only when told): 2
 * beacons a second (bursts of 20), 6 new sessions a minute, 3 legacy sockets. Each test uses addresses of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddressLimitsTest {
  private final MutableClock clock = new MutableClock(T0);
  private TestServer s;

  @BeforeAll
  void start() {
    s = new TestServer(clock, c -> c.withIngest(c.ingest().withLimits(new IngestConfig.Limits(2, 6, 3))));
    s.asset("pb-limits");
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private Http.Response beacon(String session, String address) {
    Instant now = Instant.ofEpochMilli(clock.millis());
    return s.beacon(Beacons.session(session, "pb-limits").play(now).json(), address);
  }

  private long rejected(String reason) {
    String prefix = "viewpulse_beacons_rejected_total{reason=\"" + reason + "\"} ";
    return s.http.get("/metrics").body().lines().filter(l -> l.startsWith(prefix))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length()))).findFirst().orElse(-1);
  }

  @Test
  void beaconsPastAnAddresssAllowanceAre429WithRetryAfterAndOtherAddressesAreNotTouched() {
    long before = rejected("too_many_beacons");
    List<Integer> statuses = new ArrayList<>();
    Http.Response refused = null;
    for (int i = 0; i < 25; i++) {
      Http.Response r = beacon("burst-1", "203.0.113.5");
      statuses.add(r.status());
      if (r.status() == 429 && refused == null) {
        refused = r;
      }
    }
    // ten seconds' worth at once, then nothing until the clock moves
    assertThat(statuses.subList(0, 20)).containsOnly(200);
    assertThat(statuses.subList(20, 25)).containsOnly(429);
    assertThat(refused.header("Retry-After")).isEqualTo("1");
    assertThat(refused.header("Content-Type")).startsWith("application/json");
    assertThat(refused.error()).isEqualTo("too many beacons from this address; retry in 1 s");
    assertThat(rejected("too_many_beacons") - before).isEqualTo(5);
    assertThat(beacon("burst-2", "203.0.113.6").status()).isEqualTo(200);
    // a second later the address has two more
    clock.advance(java.time.Duration.ofSeconds(1));
    assertThat(List.of(beacon("burst-1", "203.0.113.5").status(), beacon("burst-1", "203.0.113.5").status(),
        beacon("burst-1", "203.0.113.5").status())).containsExactly(200, 200, 429);
  }

  /** An IPv6 address counts by its /64 network: one subscriber's addresses share one allowance. */
  @Test
  void theAddressesOfOneIpv6NetworkShareAnAllowance() {
    int accepted = 0;
    for (int i = 0; i < 25; i++) {
      if (beacon("v6-1", "2001:db8:5:6::" + Integer.toHexString(i + 1)).status() == 200) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(20);
    assertThat(beacon("v6-1", "2001:db8:5:7::1").status()).isEqualTo(200);
  }

  @Test
  void newSessionsPastAnAddresssAllowanceAre429AndKnownSessionsGoOn() {
    // the first period after a start only learns the sessions that are open
    for (int i = 0; i < 8; i++) {
      assertThat(beacon("learned-" + i, "203.0.113.20").status()).isEqualTo(200);
    }
    clock.advance(java.time.Duration.ofMinutes(3));
    long before = rejected("too_many_new_sessions");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      statuses.add(beacon("new-" + i, "203.0.113.21").status());
    }
    assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 200, 429, 429);
    Http.Response refused = beacon("new-9", "203.0.113.21");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("10");
    assertThat(refused.error()).isEqualTo("too many new sessions from this address; retry in 10 s");
    assertThat(rejected("too_many_new_sessions") - before).isEqualTo(3);
    // sessions already open go on, and so do other addresses
    assertThat(beacon("new-0", "203.0.113.21").status()).isEqualTo(200);
    assertThat(beacon("new-10", "203.0.113.22").status()).isEqualTo(200);
  }

  /** Opens a legacy socket with the viewer's address in X-Forwarded-For; returns the answer's status line. */
  private Socket socket(String token, String address, StringBuilder answer) throws Exception {
    Socket raw = new Socket("127.0.0.1", s.vp.port());
    raw.setSoTimeout(10_000);
    raw.getOutputStream().write(("GET /json_video+pb-limits.js?tkn=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "X-Forwarded-For: " + address + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    InputStream in = raw.getInputStream();
    while (answer.indexOf("\r\n\r\n") < 0) {
      int c = in.read();
      assertThat(c).as("the handshake's answer ends").isNotNegative();
      answer.append((char) c);
    }
    return raw;
  }

  @Test
  void socketsPastAnAddresssAllowanceAre429UntilOneCloses() throws Exception {
    long before = rejected("too_many_sockets");
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        StringBuilder answer = new StringBuilder();
        open.add(socket("sock" + i, "203.0.113.30", answer));
        assertThat(answer.toString()).startsWith("HTTP/1.1 101 ");
      }
      StringBuilder answer = new StringBuilder();
      socket("sock3", "203.0.113.30", answer).close();
      assertThat(answer.toString()).startsWith("HTTP/1.1 429 ").contains("Retry-After: 5");
      assertThat(rejected("too_many_sockets") - before).isEqualTo(1);
      StringBuilder other = new StringBuilder();
      open.add(socket("sock4", "203.0.113.31", other));
      assertThat(other.toString()).startsWith("HTTP/1.1 101 ");
      // once one closes, the address may open another
      open.remove(0).close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String status;
      do {
        StringBuilder again = new StringBuilder();
        Socket next = socket("sock5", "203.0.113.30", again);
        status = again.substring(0, 12);
        if (status.equals("HTTP/1.1 101")) {
          open.add(next);
        } else {
          next.close();
          Thread.sleep(50);
        }
      } while (!status.equals("HTTP/1.1 101") && System.nanoTime() < deadline);
      assertThat(status).isEqualTo("HTTP/1.1 101");
    } finally {
      for (Socket o : open) {
        o.close();
      }
    }
  }

  /** A legacy socket of a session not seen before counts against its address's new sessions, as a beacon's does. */
  @Test
  void aLegacySocketOfANewSessionCountsAsANewSession() throws Exception {
    clock.advance(java.time.Duration.ofMinutes(3));
    for (int i = 0; i < 6; i++) {
      assertThat(beacon("mixed-" + i, "203.0.113.40").status()).isEqualTo(200);
    }
    StringBuilder refused = new StringBuilder();
    socket("mixed-new", "203.0.113.40", refused).close();
    assertThat(refused.toString()).startsWith("HTTP/1.1 429 ").contains("Retry-After: 10");
    StringBuilder known = new StringBuilder();
    try (Socket open = socket("mixed-0", "203.0.113.40", known)) {
      assertThat(known.toString()).startsWith("HTTP/1.1 101 ");
    }
  }
}
