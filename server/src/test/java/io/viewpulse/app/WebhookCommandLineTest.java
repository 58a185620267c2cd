package io.viewpulse.app;

import static io.viewpulse.testing.TestServer.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewpulse.client.ViewpulseException;
import io.viewpulse.client.Webhook;
import io.viewpulse.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code viewpulse webhook create|list|delete} and the Java client's webhook methods against a real server. */
class WebhookCommandLineTest {
  private TestServer s;

  @BeforeEach
  void start() {
    s = new TestServer();
  }

  @AfterEach
  void stop() {
    s.close();
  }

  record Out(int code, String out, String err) {}

  private Out cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", "http://127.0.0.1:" + s.vp.port(), "--key", s.secretKey));
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    return new Out(code, out.toString(), err.toString());
  }

  private io.viewpulse.client.Viewpulse client() {
    return io.viewpulse.client.Viewpulse.builder().baseUrl("http://127.0.0.1:" + s.vp.port()).apiKey(s.secretKey)
        .build();
  }

  @Test
  void theCommandsCreateListAndDeleteAnEndpointAndShowTheSecretOnce() {
    Out created = cli("webhook", "create", "https://hooks.example.invalid/vp", "--format", "csv");
    assertThat(created.code()).as(created.err()).isZero();
    String[] lines = created.out().split("\n");
    assertThat(lines[0]).isEqualTo("id,url,createdAt,secret");
    String[] row = lines[1].split(",");
    assertThat(row[1]).isEqualTo("https://hooks.example.invalid/vp");
    assertThat(row[2]).isEqualTo(T0.toString());
    assertThat(row[3]).startsWith("whsec_").hasSize("whsec_".length() + 43);

    Out listed = cli("webhook", "list", "--format", "csv");
    assertThat(listed.out())
        .isEqualTo("id,url,createdAt\n" + row[0] + ",https://hooks.example.invalid/vp," + T0 + "\n");
    assertThat(client().listWebhooks()).containsExactly(new Webhook(row[0], "https://hooks.example.invalid/vp", T0,
        null));

    assertThat(cli("webhook", "delete", row[0]).code()).isZero();
    assertThat(client().listWebhooks()).isEmpty();
    Out again = cli("webhook", "delete", row[0]);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("viewpulse: webhook not found (HTTP 404)\n");
  }

  @Test
  void theClientGetsTheSecretOnceAndARefusedUrlIsA400() {
    Webhook w = client().createWebhook("https://hooks.example.invalid/a");
    assertThat(w.secret()).startsWith("whsec_");
    assertThat(client().listWebhooks().get(0).secret()).isNull();
    try {
      client().createWebhook("http://10.0.0.7/hook");
      throw new AssertionError("expected a refusal");
    } catch (ViewpulseException e) {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.messages()).containsExactly("webhook refused: 10.0.0.7 is a private address (an operator may"
          + " allow it with --webhook-allow-hosts)");
    }
    Out bad = cli("webhook", "create", "gopher://example.com/");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("viewpulse: a webhook URL must be http or https, not 'gopher://example.com/'"
        + " (HTTP 400)\n");
  }
}
