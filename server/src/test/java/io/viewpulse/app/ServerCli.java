package io.viewpulse.app;

import io.viewpulse.client.Viewpulse;
import io.viewpulse.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code viewpulse} commands in this JVM ({@link Main#run(PrintWriter, PrintWriter, String...)}) against a test
 * server: each command gets the server's address, its secret key and the options this was made with, after its own.
 */
final class ServerCli {
  /** A command's exit code and what it printed to standard output and standard error. */
  record Out(int code, String out, String err) {}

  private final TestServer s;
  private final List<String> common;

  /** Commands against {@code s}, each with {@code common} options too (such as {@code --format csv}). */
  ServerCli(TestServer s, String... common) {
    this.s = s;
    this.common = List.of(common);
  }

  /** The server's address. */
  String server() {
    return "http://127.0.0.1:" + s.vp.port();
  }

  /** Runs the command against the server. */
  Out run(String... args) {
    return runAt(server(), args);
  }

  /** Runs the command against {@code server} (a proxy in front of it, say), with the server's secret key. */
  Out runAt(String server, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", server, "--key", s.secretKey));
    all.addAll(common);
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    return new Out(code, out.toString(), err.toString());
  }

  /** A Java client of the server, with its secret key. */
  Viewpulse client() {
    return Viewpulse.builder().baseUrl(server()).apiKey(s.secretKey).build();
  }
}
