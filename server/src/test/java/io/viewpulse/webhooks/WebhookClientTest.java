package io.viewpulse.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.viewpulse.testing.MutableClock;
import io.viewpulse.testing.WebhookReceiver;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guarded webhook client against a real receiver on loopback. */
class WebhookClientTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final byte[] SECRET = "whsec_test-secret".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY = "[{\"viewId\":\"v1\",\"playtimeMs\":1200}]".getBytes(StandardCharsets.UTF_8);

  private Vertx vertx;
  private WebhookReceiver receiver;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    receiver = new WebhookReceiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private WebhookClient client(WebhookGuard guard) {
    return new WebhookClient(vertx, guard, new MutableClock(NOW),
        new WebhookClient.Limits(Duration.ofSeconds(2), Duration.ofMillis(800), 1024));
  }

  /** A client whose attempts may take ten seconds: for posts that must succeed on a cold, busy machine. */
  private WebhookClient patientClient(WebhookGuard guard) {
    return new WebhookClient(vertx, guard, new MutableClock(NOW),
        new WebhookClient.Limits(Duration.ofSeconds(2), Duration.ofSeconds(10), 1024));
  }

  private static Delivery post(WebhookClient client, String url) throws Exception {
    return client.post(URI.create(url), BODY, SECRET).get(10, TimeUnit.SECONDS);
  }

  /** Host names are resolved on the client's own workers: a full worker pool of the server's holds no post back. */
  @Test
  void aPostGoesOutWhileTheServersWorkerPoolIsFull() throws Exception {
    WebhookClient client = patientClient(WebhookGuard.allowing(List.of("127.0.0.1")));
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(20);
    try {
      // every worker of the default pool (20) blocked, as by slow queries or slow name servers
      for (int i = 0; i < 20; i++) {
        vertx.executeBlocking(() -> {
          busy.countDown();
          return release.await(1, TimeUnit.MINUTES);
        }, false);
      }
      assertTrue(busy.await(10, TimeUnit.SECONDS));
      Delivery d = post(client, receiver.url("/hook"));
      assertEquals(204, d.status());
      assertTrue(d.delivered());
    } finally {
      release.countDown();
      client.close();
    }
  }

  @Test
  void signsTheBodyWithTheSecretAndSendsNoCredential() throws Exception {
    WebhookClient client = patientClient(WebhookGuard.allowing(List.of("127.0.0.1")));
    Delivery d = post(client, receiver.url("/hook?source=vp"));

    assertEquals(204, d.status());
    assertTrue(d.delivered());
    assertNull(d.failure());
    assertEquals(NOW, d.attemptedAt());
    WebhookReceiver.Received r = receiver.received().get(0);
    assertEquals("/hook", r.path());
    assertEquals(new String(BODY, StandardCharsets.UTF_8), new String(r.body(), StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    String expected = HexFormat.of().formatHex(mac.doFinal(
        ("1772366400." + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
    assertEquals("t=1772366400,v1=" + expected, r.headers().get("Viewpulse-Signature"));
    assertTrue(WebhookSignature.verifies(SECRET, r.headers().get("Viewpulse-Signature"), r.body()));
    assertFalse(WebhookSignature.verifies("other".getBytes(StandardCharsets.UTF_8),
        r.headers().get("Viewpulse-Signature"), r.body()));
    assertEquals("application/json", r.headers().get("Content-Type"));
    assertEquals(d.id(), r.headers().get("Viewpulse-Delivery"));
    assertEquals("127.0.0.1:" + receiver.port(), r.headers().get("Host"));
    assertNull(r.headers().get("Authorization"));
    assertNull(r.headers().get("Cookie"));
  }

  @Test
  void aRetryKeepsItsDeliveryId() throws Exception {
    WebhookClient client = client(WebhookGuard.allowing(List.of("127.0.0.1")));
    Delivery d = client.post(URI.create(receiver.url("/hook")), BODY, SECRET, "delivery-7").get(10, TimeUnit.SECONDS);
    assertEquals("delivery-7", d.id());
    assertEquals("delivery-7", receiver.received().get(0).headers().get("Viewpulse-Delivery"));
  }

  @Test
  void refusesLoopbackPrivateAndMetadataAddressesUnlessAllowed() throws Exception {
    WebhookClient client = client(WebhookGuard.strict());
    int port = receiver.port();
    String allowIt = " (an operator may allow it with --webhook-allow-hosts)";
    assertEquals("webhook refused: 127.0.0.1 is a loopback address" + allowIt,
        post(client, "http://127.0.0.1:" + port + "/hook").failure());
    assertEquals("webhook refused: 10.1.2.3 is a private address" + allowIt,
        post(client, "http://10.1.2.3/hook").failure());
    assertEquals("webhook refused: 169.254.169.254 is a link-local address (cloud metadata)" + allowIt,
        post(client, "http://169.254.169.254/latest/meta-data/").failure());
    assertEquals("webhook refused: ::1 is a loopback address" + allowIt,
        post(client, "http://[::1]:" + port + "/hook").failure());
    assertEquals("webhook refused: ::ffff:127.0.0.1 is a loopback address" + allowIt,
        post(client, "http://[::ffff:127.0.0.1]:" + port + "/hook").failure());
    assertEquals("webhook refused: fd00:ec2::254 is a private address (cloud metadata)" + allowIt,
        post(client, "http://[fd00:ec2::254]/latest/meta-data/").failure());
    Delivery named = post(client, "http://localhost:" + port + "/hook");
    assertTrue(named.failure().matches("webhook refused: localhost resolves to (127\\.0\\.0\\.1|::1), which is a "
        + "loopback address \\(an operator may allow it with --webhook-allow-hosts\\)"), named.failure());
    // IPv4 in the forms resolvers also read (octal, hexadecimal, one number): refused by their form
    for (String host : List.of("0177.0.0.1", "2130706433", "0x7F000001")) {
      assertEquals("a webhook URL's host is a name or an address in four decimal numbers, not '" + host
          + "' (an address in another form)", post(client, "http://" + host + ":" + port + "/hook").failure());
    }
    assertEquals("a webhook URL must be http or https, not 'file:///etc/passwd'",
        post(client, "file:///etc/passwd").failure());
    assertEquals("a webhook URL may not carry a user name or password",
        post(client, "http://user:pw@example.com/hook").failure());
    for (Delivery d : List.of(post(client, "http://[::1]:" + port + "/"), post(client, "http://10.1.2.3/"))) {
      assertEquals(0, d.status());
      assertFalse(d.delivered());
    }
    assertEquals(List.of(), receiver.received());
  }

  @Test
  void anAllowedNetworkOrNameIsFetched() throws Exception {
    assertEquals(204, post(client(WebhookGuard.allowing(List.of("127.0.0.0/8"))), receiver.url("/a")).status());
    assertEquals(204, post(client(WebhookGuard.allowing(List.of("localhost"))),
        "http://localhost:" + receiver.port() + "/b").status());
    assertEquals(2, receiver.received().size());
  }

  @Test
  void addressesInsideIpv6AreJudgedByTheirIpv4() {
    assertEquals("a loopback address written as NAT64 IPv6",
        WebhookGuard.refusal(Network.of("64:ff9b::7f00:1").bytes()));
    assertEquals("a private address written as 6to4 IPv6",
        WebhookGuard.refusal(Network.of("2002:a00:1::1").bytes()));
    assertEquals("a shared (carrier-grade NAT) address", WebhookGuard.refusal(Network.of("100.64.0.1").bytes()));
    assertEquals("a private address", WebhookGuard.refusal(Network.of("172.31.255.255").bytes()));
    assertEquals("a link-local address", WebhookGuard.refusal(Network.of("fe80::1").bytes()));
    assertEquals("a multicast address", WebhookGuard.refusal(Network.of("ff02::1").bytes()));
    assertEquals("an unspecified address", WebhookGuard.refusal(Network.of("0.0.0.0").bytes()));
    assertEquals("an unspecified address", WebhookGuard.refusal(Network.of("::").bytes()));
    // IPv4-translated (SIIT, ::ffff:0:0:0/96) and the local-use NAT64 prefix (64:ff9b:1::/48, private by definition)
    assertEquals("a private address written as IPv4-translated IPv6",
        WebhookGuard.refusal(Network.of("::ffff:0:a00:1").bytes()));
    assertEquals("a loopback address written as IPv4-translated IPv6",
        WebhookGuard.refusal(Network.of("::ffff:0:7f00:1").bytes()));
    assertEquals("a local-use NAT64 address", WebhookGuard.refusal(Network.of("64:ff9b:1:7f00:0:100::").bytes()));
    assertNull(WebhookGuard.refusal(Network.of("93.184.216.34").bytes()));
    assertNull(WebhookGuard.refusal(Network.of("2606:4700::6810:84e5").bytes()));
    assertNull(WebhookGuard.refusal(Network.of("172.32.0.1").bytes()));
  }

  @Test
  void aConfigurationEntryThatIsNoNetworkIsRefused() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> WebhookGuard.allowing(List.of("10.0.0.0/33")));
    assertEquals("prefix out of range in '10.0.0.0/33'", e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> WebhookGuard.allowing(List.of("hooks.example.com", "hooks example")));
    assertEquals("not a network, address or host name: 'hooks example'", e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> WebhookGuard.allowing(List.of("http://x")));
    assertEquals("not a network: 'http://x'", e.getMessage());
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    receiver.answer(r -> r.response().setStatusCode(302)
        .putHeader("Location", "http://169.254.169.254/latest/meta-data/").end());
    Delivery d = post(client(WebhookGuard.allowing(List.of("127.0.0.1"))), receiver.url("/moved"));
    assertEquals(302, d.status());
    assertFalse(d.delivered());
    assertEquals("redirect to http://169.254.169.254/latest/meta-data/ not followed (webhooks are not redirected)",
        d.failure());
    assertEquals(1, receiver.received().size());
  }

  @Test
  void aLongAnswerIsCutAndItsStatusCounts() throws Exception {
    byte[] page = new byte[64 * 1024];
    java.util.Arrays.fill(page, (byte) 'x');
    receiver.answer(r -> {
      r.response().setChunked(true).setStatusCode(200);
      for (int i = 0; i < 16; i++) {
        r.response().write(io.vertx.core.buffer.Buffer.buffer(page));
      }
      r.response().end();
    });
    Delivery d = post(patientClient(WebhookGuard.allowing(List.of("127.0.0.1"))), receiver.url("/chatty"));
    assertEquals(200, d.status());
    assertTrue(d.delivered());
    assertEquals(1024, d.answerBytes());
    assertTrue(d.answerCut());
  }

  @Test
  void aShortAnswerIsReadWhole() throws Exception {
    receiver.answer(r -> r.response().setStatusCode(200).end("ok"));
    Delivery d = post(patientClient(WebhookGuard.allowing(List.of("127.0.0.1"))), receiver.url("/short"));
    assertEquals(200, d.status());
    assertEquals(2, d.answerBytes());
    assertFalse(d.answerCut());
  }

  @Test
  void aReceiverThatNeverAnswersTimesOut() throws Exception {
    receiver.answer(r -> { });
    Delivery d = post(client(WebhookGuard.allowing(List.of("127.0.0.1"))), receiver.url("/silent"));
    assertEquals(0, d.status());
    assertFalse(d.delivered());
    assertEquals("no answer within 800 ms", d.failure());
    assertEquals(1, receiver.received().size());
  }
}
