package io.viewpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client that asks for a streamed answer and stops reading once it has begun: the server's worker waits for it. */
public final class StalledClient {
  private StalledClient() {}

  /**
   * Sends {@code GET pathAndQuery} with {@code key}, reads the status line (which must be a 200: the answer has
   * begun) and then nothing more; closing the socket lets the server go on.
   */
  public static Socket get(int port, String pathAndQuery, String key) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setReceiveBufferSize(16 * 1024);
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    byte[] status = new byte[12];
    int n = 0;
    while (n < status.length) {
      int read = socket.getInputStream().read(status, n, status.length - n);
      if (read < 0) {
        break;
      }
      n += read;
    }
    assertThat(new String(status, 0, n, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
    return socket;
  }
}
