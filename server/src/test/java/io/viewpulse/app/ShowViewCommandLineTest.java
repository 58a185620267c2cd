package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.testing.Beacons;
import io.viewpulse.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code viewpulse show-view}: a view's timeline against a real server, one line an event. */
class ShowViewCommandLineTest {
  private final TestServer s = new TestServer();

  @AfterEach
  void stop() {
    s.close();
  }

  @Test
  void aViewsTimelineIsPrintedAnEventALine() {
    s.asset("pb");
    s.clock.set(T0.plusSeconds(30));
    assertThat(s.beacon(Beacons.session("s1", "pb").play(T0).heartbeat("h1", T0.plusSeconds(2), 1000, 0, 0, 0, 400L)
        .heartbeat("h2", T0.plusSeconds(10), 7000, 1200, 0, 0, null).seek(T0.plusSeconds(11), 250)
        .error(T0.plusSeconds(12), "network", "lost").json(), "192.0.2.1").status()).isEqualTo(200);
    s.clock.set(T0.plusSeconds(3600));
    s.flush();
    String id = s.query("/api/data/views?playbackId=pb").json().get("views").get(0).get("viewId").asText();
    StringWriter out = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "show-view", id, "--format", "csv",
        "--server", "http://127.0.0.1:" + s.vp.port(), "--key", s.secretKey);
    assertThat(code).isZero();
    assertThat(out.toString().replace("\r\n", "\n")).isEqualTo("""
        at,offsetMs,type,detail
        2026-03-02T10:00:00Z,0,play,
        2026-03-02T10:00:02Z,2000,first-frame,
        2026-03-02T10:00:10Z,10000,stall,1200 ms
        2026-03-02T10:00:11Z,11000,seek,latency 250 ms
        2026-03-02T10:00:12Z,12000,error,fatal network: lost
        2026-03-02T10:00:12Z,12000,end,timeout
        """);
  }
}
