package io.viewpulse.webhooks;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Posts signed JSON to webhook URLs, guarded: the URL is checked and its host resolved once by the
 * {@link WebhookGuard} (on a worker thread of the client's own), and the connection goes to the address that was checked, with the URL's
 * host name as {@code Host} and TLS server name. Redirects are never followed (a 3xx is a failed attempt that names
 * where it pointed, as Stripe and GitHub treat theirs), so no second address needs checking. Each attempt has a
 * connect timeout and a total one, reads at most a bounded number of bytes of the answer (the rest is dropped with
 * the connection; the status still counts), and sends only {@code Content-Type}, {@code User-Agent},
 * {@code Viewpulse-Delivery} and {@code Viewpulse-Signature}: never a key or any other credential of the server.
 *
 * <p>The futures complete on a Vert.x event loop: chain no blocking work on them.
 */
public final class WebhookClient implements AutoCloseable {
  /** The header naming a delivery, the same on every attempt of it, for receivers to drop repeats. */
  public static final String DELIVERY_HEADER = "Viewpulse-Delivery";
  /** Host names resolved at once. */
  static final int RESOLVERS = 4;

  /**
   * How long and how much an attempt may take.
   *
   * @param connect to connect (TCP and TLS)
   * @param total from the start of the attempt to the answer's status and the bytes read
   * @param maxAnswerBytes bytes of the answer's body read at most
   */
  public record Limits(Duration connect, Duration total, int maxAnswerBytes) {
    /** A few seconds to connect, a few more for the answer, and a few pages of it. */
    public static Limits defaults() {
      return new Limits(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024);
    }
  }

  private final Vertx vertx;
  private final WebhookGuard guard;
  private final InstantSource clock;
  private final Limits limits;
  private final HttpClient http;
  /**
   * Where host names are resolved: workers of the webhooks' own, so that names whose servers answer slowly hold no
   * thread of the API's pool, however many posts start at once.
   */
  private final io.vertx.core.WorkerExecutor resolver;

  public WebhookClient(Vertx vertx, WebhookGuard guard, InstantSource clock, Limits limits) {
    this.vertx = vertx;
    this.guard = guard;
    this.clock = clock;
    this.limits = limits;
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setKeepAlive(false)
        .setConnectTimeout((int) limits.connect().toMillis())
        .setForceSni(true)
        .setMaxRedirects(0));
    this.resolver = vertx.createSharedWorkerExecutor("viewpulse-webhook-dns", RESOLVERS);
  }

  public WebhookGuard guard() {
    return guard;
  }

  /** Posts a JSON body signed with {@code secret}, under a new delivery id. */
  public CompletableFuture<Delivery> post(URI url, byte[] jsonBody, byte[] secret) {
    return post(url, jsonBody, secret, UUID.randomUUID().toString());
  }

  /** Posts a JSON body signed with {@code secret}; a retry passes the delivery id of the first attempt. */
  public CompletableFuture<Delivery> post(URI url, byte[] jsonBody, byte[] secret, String deliveryId) {
    Instant at = clock.instant();
    Attempt attempt = new Attempt(deliveryId, at);
    long timer = vertx.setTimer(limits.total().toMillis(), t -> attempt.timedOut());
    attempt.result.whenComplete((d, e) -> vertx.cancelTimer(timer));
    resolver.executeBlocking(() -> guard.check(url), false).onComplete(checked -> {
      if (checked.failed()) {
        attempt.fail(checked.cause() instanceof WebhookRefused r ? r.getMessage()
            : "webhook refused: " + checked.cause().getMessage());
        return;
      }
      send(checked.result(), jsonBody, secret, attempt);
    });
    return attempt.result;
  }

  private void send(WebhookGuard.Target target, byte[] body, byte[] secret, Attempt attempt) {
    URI u = target.url();
    String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(target.address(), target.port())))
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.tls())
        .setURI(path)
        .setFollowRedirects(false)
        .setConnectTimeout(limits.connect().toMillis())
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "Viewpulse-Webhooks/1")
        .putHeader(DELIVERY_HEADER, attempt.id)
        .putHeader(WebhookSignature.HEADER,
            WebhookSignature.header(secret, attempt.at.getEpochSecond(), body));
    http.request(options).onComplete(r -> {
      if (r.failed()) {
        attempt.fail(describe(r.cause()));
        return;
      }
      HttpClientRequest request = r.result();
      attempt.request.set(request);
      if (attempt.result.isDone()) {
        request.reset();
        return;
      }
      request.send(Buffer.buffer(body)).onComplete(s -> {
        if (s.failed()) {
          attempt.fail(describe(s.cause()));
        } else {
          read(s.result(), attempt);
        }
      });
    });
  }

  private void read(HttpClientResponse response, Attempt attempt) {
    int status = response.statusCode();
    String redirect = status >= 300 && status < 400
        ? "redirect" + (response.getHeader("Location") == null ? "" : " to " + response.getHeader("Location"))
            + " not followed (webhooks are not redirected)"
        : null;
    attempt.status = status;
    attempt.redirect = redirect;
    response.handler(chunk -> {
      int room = limits.maxAnswerBytes() - attempt.read;
      if (chunk.length() > room) {
        attempt.read += Math.max(room, 0);
        attempt.answer(true);
        attempt.request.get().reset();
      } else {
        attempt.read += chunk.length();
      }
    });
    response.endHandler(v -> attempt.answer(false));
    response.exceptionHandler(e -> attempt.answer(false));
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    if (e instanceof io.netty.channel.ConnectTimeoutException || (m != null && m.contains("timed out"))) {
      return "could not connect in time: " + m;
    }
    return "could not deliver: " + (m == null ? e.getClass().getSimpleName() : m);
  }

  private final class Attempt {
    final String id;
    final Instant at;
    final CompletableFuture<Delivery> result = new CompletableFuture<>();
    final AtomicReference<HttpClientRequest> request = new AtomicReference<>();
    volatile int status;
    volatile String redirect;
    volatile int read;

    Attempt(String id, Instant at) {
      this.id = id;
      this.at = at;
    }

    void fail(String why) {
      result.complete(new Delivery(id, at, 0, why, 0, false));
    }

    void answer(boolean cut) {
      result.complete(new Delivery(id, at, status, redirect, read, cut));
    }

    /** At the total timeout: no answer, or an answer still being read (its status counts, the rest is cut). */
    void timedOut() {
      boolean done = status > 0 ? result.complete(new Delivery(id, at, status, redirect, read, true))
          : result.complete(new Delivery(id, at, 0, "no answer within " + limits.total().toMillis() + " ms", 0,
              false));
      if (done) {
        HttpClientRequest r = request.get();
        if (r != null) {
          r.reset();
        }
      }
    }
  }

  @Override
  public void close() {
    http.close();
    resolver.close();
  }
}
