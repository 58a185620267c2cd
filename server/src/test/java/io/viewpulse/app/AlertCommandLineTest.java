package io.viewpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.app.ServerCli.Out;
import io.viewpulse.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code viewpulse alert ...} against a real server: rules made, listed, read and deleted; refusals name the field. */
class AlertCommandLineTest {
  private TestServer s;
  private ServerCli cli;

  @BeforeEach
  void start() {
    s = new TestServer();
    cli = new ServerCli(s, "--format", "csv");
  }

  @AfterEach
  void stop() {
    s.close();
  }

  @Test
  void rulesAreMadeListedAndDeletedFromTheCommandLine() {
    Out made = cli.run("alert", "create", "--name", "startup", "--metric", "videoStartupFailureRate", "--comparison",
        ">", "--threshold", "0.05", "--filter", "country:US", "--filter", "!browser:Chrome", "--min-views", "30",
        "--webhook-url", "https://hooks.example.com/x");
    assertThat(made.code()).as(made.err()).isZero();
    String id = made.out().lines().skip(1).findFirst().orElseThrow().split(",")[0];
    String header = "id,name,metric,condition,filters,minViews,windowMinutes,openAfter,resolveAfter,webhookUrl\n";
    assertThat(made.out()).isEqualTo(header + id + ",startup,videoStartupFailureRate,> 0.05,country:US !browser:Chrome,"
        + "30,5,2,2,https://hooks.example.com/…\n");
    s.clock.advance(java.time.Duration.ofSeconds(1));
    Out anomaly = cli.run("alert", "create", "--name", "ttff", "--metric", "ttffP95Ms", "--comparison", ">=",
        "--anomaly-weeks", "3", "--anomaly-stddevs", "2.5", "--window-minutes", "15");
    assertThat(anomaly.code()).as(anomaly.err()).isZero();
    String id2 = anomaly.out().lines().skip(1).findFirst().orElseThrow().split(",")[0];
    assertThat(cli.run("alert", "list").out()).isEqualTo(made.out() + id2
        + ",ttff,ttffP95Ms,>= mean + 2.5 sd of 3 weeks,,100,15,2,2,\n");
    assertThat(cli.run("alert", "get", id2).out()).isEqualTo(anomaly.out());
    assertThat(cli.run("alert", "delete", id).out()).isEqualTo("deleted\n" + id + "\n");
    Out gone = cli.run("alert", "get", id);
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).isEqualTo("viewpulse: alert rule not found (HTTP 404)\n");
    Out bad = cli.run("alert", "create", "--name", "x", "--metric", "errorRate", "--comparison", ">", "--threshold",
        "1", "--window-minutes", "0");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("viewpulse: field 'windowMinutes': an integer from 1 to 1440 (HTTP 400)\n");
    assertThat(cli.run("alert", "incidents").out()).isEqualTo("id,rule,metric,openedAt,resolvedAt,value,bound\n");
    assertThat(cli.run("alert", "signing-secret").out()).matches("secret\n[0-9a-f]{64}\n");
  }
}
