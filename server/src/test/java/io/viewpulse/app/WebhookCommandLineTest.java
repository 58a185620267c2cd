package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.app.ServerCli.Out;
import io.viewpulse.client.ViewpulseException;
import io.viewpulse.client.Webhook;
import io.viewpulse.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code viewpulse webhook create|list|delete} and the Java client's webhook methods against a real server. */
class WebhookCommandLineTest {
  private TestServer s;
  private ServerCli cli;

  @BeforeEach
  void start() {
    s = new TestServer();
    cli = new ServerCli(s);
  }

  @AfterEach
  void stop() {
    s.close();
  }

  @Test
  void theCommandsCreateListAndDeleteAnEndpointAndShowTheSecretOnce() {
    Out created = cli.run("webhook", "create", "https://hooks.example.invalid/vp", "--format", "csv");
    assertThat(created.code()).as(created.err()).isZero();
    String[] lines = created.out().split("\n");
    assertThat(lines[0]).isEqualTo("id,url,createdAt,secret");
    String[] row = lines[1].split(",");
    assertThat(row[1]).isEqualTo("https://hooks.example.invalid/vp");
    assertThat(row[2]).isEqualTo(T0.toString());
    assertThat(row[3]).startsWith("whsec_").hasSize("whsec_".length() + 43);

    Out listed = cli.run("webhook", "list", "--format", "csv");
    assertThat(listed.out())
        .isEqualTo("id,url,createdAt\n" + row[0] + ",https://hooks.example.invalid/vp," + T0 + "\n");
    assertThat(cli.client().listWebhooks()).containsExactly(new Webhook(row[0], "https://hooks.example.invalid/vp", T0,
        null));

    assertThat(cli.run("webhook", "delete", row[0]).code()).isZero();
    assertThat(cli.client().listWebhooks()).isEmpty();
    Out again = cli.run("webhook", "delete", row[0]);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("viewpulse: webhook not found (HTTP 404)\n");
  }

  @Test
  void theClientGetsTheSecretOnceAndARefusedUrlIsA400() {
    Webhook w = cli.client().createWebhook("https://hooks.example.invalid/a");
    assertThat(w.secret()).startsWith("whsec_");
    assertThat(cli.client().listWebhooks().get(0).secret()).isNull();
    try {
      cli.client().createWebhook("http://10.0.0.7/hook");
      throw new AssertionError("expected a refusal");
    } catch (ViewpulseException e) {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.messages()).containsExactly("webhook refused: 10.0.0.7 is a private address (an operator may"
          + " allow it with --webhook-allow-hosts)");
    }
    Out bad = cli.run("webhook", "create", "gopher://example.com/");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("viewpulse: a webhook URL must be http or https, not 'gopher://example.com/'"
        + " (HTTP 400)\n");
  }
}
