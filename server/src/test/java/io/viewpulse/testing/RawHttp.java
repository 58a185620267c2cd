package io.viewpulse.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * HTTP/1.1 over one keep-alive connection, sending exactly the bytes it is given. Unlike java.net.http it lets a test
 * put NUL, raw UTF-8 and broken percent escapes in the request line and headers, as a hostile client can. Not
 * thread-safe: one per thread.
 */
public final class RawHttp implements AutoCloseable {
  /** An answer; {@code body} is decoded when the server compressed it. */
  public record Reply(int status, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final int port;
  private final int timeoutMs;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  public RawHttp(int port, int timeoutMs) {
    this.port = port;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Sends one request (request line, headers and body, as given) and reads its answer.
   *
   * @throws IOException when the server closes the connection without answering or does not answer in time
   */
  public Reply exchange(byte[] request) throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(timeoutMs);
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      out = socket.getOutputStream();
    }
    try {
      out.write(request);
      out.flush();
      Reply r;
      do {
        r = read();
      } while (r.status() == 100);
      if ("close".equalsIgnoreCase(r.header("connection"))) {
        close();
      }
      return r;
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  private Reply read() throws IOException {
    String status = line();
    if (status == null) {
      throw new EOFException("the server closed the connection without answering");
    }
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP status line: " + status);
    }
    int code = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.putIfAbsent(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
    }
    byte[] body;
    if (code == 100 || code == 204 || code == 304) {
      body = new byte[0];
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = chunked();
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else {
      body = in.readAllBytes();
      close();
    }
    String enc = headers.get("content-encoding");
    if ("gzip".equalsIgnoreCase(enc)) {
      body = new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
    } else if ("deflate".equalsIgnoreCase(enc)) {
      body = new InflaterInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
    }
    return new Reply(code, headers, body);
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      if (size == null) {
        throw new EOFException("the connection ended inside a chunked body");
      }
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
      if (n == 0) {
        for (String t = line(); t != null && !t.isEmpty(); t = line()) {
          // trailers: none expected
        }
        return b.toByteArray();
      }
      b.write(in.readNBytes(n));
      line();
    }
  }

  /** A CRLF-terminated line in ISO-8859-1, or null at the end of the stream. */
  private String line() throws IOException {
    StringBuilder s = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int len = s.length();
        return len > 0 && s.charAt(len - 1) == '\r' ? s.substring(0, len - 1) : s.toString();
      }
      s.append((char) c);
    }
    return s.length() == 0 ? null : s.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }
}
