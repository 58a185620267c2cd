package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A client that hangs up (mid-body, or before or while its answer is written) is not a server fault: nothing is logged
 * as SEVERE or WARNING, which would let anyone flood the log and wake an operator. The records are caught where
 * slf4j-jdk14 sends them, java.util.logging's root logger.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientAbortTest {
  private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final Logger root = Logger.getLogger("");
  private final Logger viewpulse = Logger.getLogger("io.viewpulse");
  private final Handler catcher = new Handler() {
    @Override
    public void publish(LogRecord r) {
      records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private TestServer s;

  @BeforeAll
  void start() {
    s = new TestServer();
    s.asset("abort1");
    root.addHandler(catcher);
    catcher.setLevel(Level.ALL);
    // the server's own debug records say when it saw each hang-up: the test waits for them
    viewpulse.setLevel(Level.FINE);
  }

  @AfterAll
  void stop() {
    root.removeHandler(catcher);
    viewpulse.setLevel(null);
    s.close();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", s.vp.port()), 10_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends the head and part of a body that claims more, then hangs up (a reset, as a killed client's). */
  private void abortMidBody(String method, String path, String... headers) throws IOException {
    try (Socket socket = connect()) {
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      for (String h : headers) {
        head.append(h).append("\r\n");
      }
      head.append("Content-Length: 5000\r\n\r\n{\"partial\": ");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      socket.setSoLinger(true, 0);
    }
  }

  /** Sends a whole request and hangs up after reading {@code bytes} of the answer (0: before it comes). */
  private void abortMidAnswer(String path, int bytes, String... headers) throws IOException {
    try (Socket socket = connect()) {
      StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      for (String h : headers) {
        head.append(h).append("\r\n");
      }
      socket.setReceiveBufferSize(1024);
      OutputStream out = socket.getOutputStream();
      out.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      in.readNBytes(bytes);
      socket.setSoLinger(true, 0);
    }
  }

  private long seen(String text) {
    synchronized (records) {
      return records.stream().filter(r -> String.valueOf(r.getMessage()).contains(text)
          || r.getParameters() != null && List.of(r.getParameters()).stream().anyMatch(p -> String.valueOf(p)
              .contains(text))).count();
    }
  }

  private boolean warned() {
    synchronized (records) {
      return records.stream().anyMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue());
    }
  }

  /** Waits (at most 10 s) until the server logged {@code count} records about {@code text}, or a warning. */
  private void awaitRecords(String text, long count) throws InterruptedException {
    for (int i = 0; i < 500 && seen(text) < count && !warned(); i++) {
      Thread.sleep(20);
    }
    assertThat(warned()).as("records: " + describe()).isFalse();
    assertThat(seen(text)).as("records about " + text + ": " + describe()).isGreaterThanOrEqualTo(count);
  }

  private List<String> describe() {
    synchronized (records) {
      return records.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + " " + r.getMessage() + " "
          + (r.getParameters() == null ? "" : List.of(r.getParameters())) + " " + r.getThrown()).toList();
    }
  }

  @Test
  void clientsThatHangUpMidBodyOrMidAnswerLeaveNoWarningInTheLog() throws Exception {
    String beacon = Beacons.session("abort-s", "abort1").play(java.time.Instant.now()).json();
    for (int i = 0; i < 3; i++) {
      abortMidBody("POST", "/analytics/log", "Content-Type: text/plain;charset=UTF-8");
      abortMidBody("POST", "/api/asset", "Authorization: Bearer " + s.secretKey, "Content-Type: application/json");
      abortMidBody("POST", "/api/live/events", "Authorization: Bearer " + s.secretKey,
          "Content-Type: application/json");
    }
    awaitRecords("POST /analytics/log", 3);
    awaitRecords("POST /api/asset", 3);
    awaitRecords("POST /api/live/events", 3);
    for (int i = 0; i < 3; i++) {
      abortMidAnswer("/api/openapi.json", 100);
      abortMidAnswer("/api/data/views/query?breakdownBy[]=browser&timeStep=hour", 0, "Authorization: Bearer "
          + s.secretKey);
      abortMidAnswer("/dashboard/app.js", 10);
    }
    // a request on a fresh connection afterwards is answered: the server carries on
    assertThat(s.beacon(beacon, "192.0.2.9").status()).isEqualTo(200);
    synchronized (records) {
      assertThat(records).as(describe().toString())
          .noneMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue());
    }
  }
}
