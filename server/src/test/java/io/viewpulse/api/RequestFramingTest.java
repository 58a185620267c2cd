package io.viewpulse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Http;
import io.viewpulse.testing.RawHttp;
import io.viewpulse.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A request whose framing is ambiguous (RFC 9112) is answered 400 with a JSON error and {@code Connection: close},
 * and the connection is closed: the request pipelined behind it is never answered. Raw sockets, since no client
 * library sends such requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestFramingTest {
  /** What a smuggler would want the server to answer as a second request. */
  private static final String SMUGGLED = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3})");
  private TestServer s;

  @BeforeAll
  void start() {
    s = new TestServer();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  /** Sends {@code bytes} at once and reads until the server closes the connection (at most 10 s). */
  private String exchange(String bytes) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", s.vp.port()), 10_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      try {
        in.transferTo(all);
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("the connection stayed open; read so far: " + all.toString(StandardCharsets.UTF_8),
            e);
      }
      return all.toString(StandardCharsets.UTF_8);
    }
  }

  private static java.util.List<String> statuses(String answers) {
    Matcher m = STATUS.matcher(answers);
    java.util.List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private void refusedAndClosed(String request, String error) throws IOException {
    String answers = exchange(request + SMUGGLED);
    assertThat(statuses(answers)).as(answers).containsExactly("400");
    assertThat(answers.toLowerCase(java.util.Locale.ROOT)).as(answers).contains("\r\nconnection: close\r\n")
        .contains("\r\ncontent-type: application/json");
    String body = answers.substring(answers.indexOf("\r\n\r\n") + 4);
    assertThat(Http.JSON.readTree(body).path("errors").path(0).asText()).as(answers).startsWith(error);
  }

  private static String post(String headers, String body) {
    return "POST /analytics/log HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n" + headers + "\r\n"
        + body;
  }

  @Test
  void aTransferEncodingThatDoesNotEndWithChunkedIsRefusedAndTheConnectionClosed() throws IOException {
    String notChunked = "the Transfer-Encoding does not end with chunked, so the body's length is unknown";
    refusedAndClosed(post("Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n", "{}\r\n"), notChunked);
    refusedAndClosed(post("Transfer-Encoding: gzip\r\nContent-Length: 4\r\n", "{}\r\n"), notChunked);
    refusedAndClosed(post("Transfer-Encoding: xchunked\r\n", "4\r\n{}\r\n\r\n0\r\n\r\n"), notChunked);
    refusedAndClosed(post("Transfer-Encoding: chunked, gzip\r\n", "4\r\n{}\r\n\r\n0\r\n\r\n"),
        "the request is not valid HTTP/1.1");
  }

  @Test
  void transferEncodingWithContentLengthIsRefusedAndTheConnectionClosed() throws IOException {
    refusedAndClosed(post("Transfer-Encoding: chunked\r\nContent-Length: 11\r\n", "4\r\n{}\r\n\r\n0\r\n\r\n"),
        "the request is not valid HTTP/1.1");
    refusedAndClosed(post("Transfer-Encoding: identity\r\nContent-Length: 4\r\n", "{}\r\n"),
        "the Transfer-Encoding does not end with chunked");
  }

  @Test
  void twoHostHeadersAreRefusedAndTheConnectionClosed() throws IOException {
    refusedAndClosed("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n",
        "a request has one Host header, not 2");
  }

  @Test
  void twoContentLengthsWithDifferentValuesAreRefusedAndTheConnectionClosed() throws IOException {
    refusedAndClosed(post("Content-Length: 4\r\nContent-Length: 2\r\n", "{}\r\n"),
        "the request is not valid HTTP/1.1");
    refusedAndClosed(post("Content-Length: 4, 2\r\n", "{}\r\n"), "the request is not valid HTTP/1.1");
  }

  @Test
  void wellFramedPipelinedRequestsAreEachAnswered() throws IOException {
    try (RawHttp http = new RawHttp(s.vp.port(), 10_000)) {
      RawHttp.Reply chunked = http.exchange(post("Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(chunked.status()).as(chunked.text()).isBetween(200, 499);
      assertThat(chunked.header("connection")).as("kept alive").isNull();
      RawHttp.Reply healthz = http.exchange(SMUGGLED.getBytes(StandardCharsets.ISO_8859_1));
      assertThat(healthz.text()).isEqualTo("{\"status\":\"ok\",\"store\":\"ok\",\"eventLog\":\"ok\",\"sessions\":\"ok\",\"beaconsAwaitingStore\":0,\"partitionsOwned\":1,\"geoip\":\"on\",\"networkDimensions\":\"off: no ASN database\"}");
    }
  }
}
