package io.viewpulse.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * GET requests over one keep-alive HTTP/1.1 connection, reading a Content-Length or chunked body back. What the query
 * benchmark times the API with: java.net.http's asynchronous machinery adds several milliseconds per response of its
 * own on two cores, which is the client's cost, not the server's. Every byte of the body is read from the socket, into
 * one buffer kept across requests: collecting a 7 MB answer through a growing stream and copying it out cost the
 * client five copies and a humongous allocation per request, time the benchmark then charged to the server.
 */
final class KeepAliveGet implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private byte[] body = new byte[1 << 20];
  private int length;

  KeepAliveGet(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    out = socket.getOutputStream();
  }

  /** The response's status and body (Content-Length or chunked). */
  Response get(String pathAndQuery, String bearer) throws IOException {
    out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bearer
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String status = line();
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    for (String h = line(); !h.isEmpty(); h = line()) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(h.substring(15).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    this.length = 0;
    if (chunked) {
      for (int n = Integer.parseInt(line().strip(), 16); n > 0; n = Integer.parseInt(line().strip(), 16)) {
        read(n);
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
    } else if (length >= 0) {
      read((int) length);
    } else {
      throw new IOException("neither Content-Length nor chunked in the response to " + pathAndQuery);
    }
    return new Response(code, this.length, code == 200 ? "" : new String(body, 0, this.length, StandardCharsets.UTF_8));
  }

  private void read(int n) throws IOException {
    if (length + n > body.length) {
      body = java.util.Arrays.copyOf(body, Math.max(body.length * 2, length + n));
    }
    if (in.readNBytes(body, length, n) != n) {
      throw new IOException("connection closed");
    }
    length += n;
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  /** The status, the body's length, and the body itself when it is an error. */
  record Response(int status, int length, String text) {}

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
