package io.viewpulse.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * HTTP with the JDK's client: JSON answers, the API's error shape, and retries of idempotent requests on 429, 503 and
 * connection failures (honouring Retry-After, else backing off exponentially).
 */
final class Transport {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;
  private final Duration timeout;
  private final int retries;
  private final Duration backoff;

  Transport(HttpClient http, String base, Duration timeout, int retries, Duration backoff) {
    this.http = http;
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.timeout = timeout;
    this.retries = retries;
    this.backoff = backoff;
  }

  /**
   * One request: method, path with query (asked anew for every attempt, so signed requests are signed anew), headers,
   * and a JSON body (or null).
   */
  record Call(String method, java.util.function.Supplier<String> path, List<String> headers, String body) {
    Call(String method, String path, List<String> headers, String body) {
      this(method, () -> path, headers, body);
    }
  }

  CompletableFuture<JsonNode> send(Call call) {
    return attempt(call, 0);
  }

  private CompletableFuture<JsonNode> attempt(Call call, int n) {
    String path = call.path().get();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .header("Accept", "application/json");
    for (int i = 0; i + 1 < call.headers().size(); i += 2) {
      b.header(call.headers().get(i), call.headers().get(i + 1));
    }
    if (call.body() != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(call.body()));
    boolean idempotent = !call.method().equals("POST") || path.startsWith("/api/v4/");
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).handle((r, err) -> {
      if (err != null) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (idempotent && n < retries) {
          return retry(call, n, null);
        }
        return CompletableFuture.<JsonNode>failedFuture(
            new ViewpulseException(0, List.of(String.valueOf(cause.getMessage())), cause));
      }
      if ((r.statusCode() == 429 || r.statusCode() == 503) && idempotent && n < retries) {
        return retry(call, n, r.headers().firstValue("Retry-After").orElse(null));
      }
      return CompletableFuture.completedFuture(parse(r));
    }).thenCompose(f -> f);
  }

  /**
   * A GET whose answer is read as a stream (an export): retried as {@link #send} is until the status arrives; an
   * error answer is thrown as a {@link ViewpulseException}. The caller closes the stream. No request timeout: an
   * export takes as long as it takes (the connect timeout still applies).
   */
  HttpResponse<java.io.InputStream> stream(Call call) {
    for (int n = 0;; n++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + call.path().get())).GET();
      for (int i = 0; i + 1 < call.headers().size(); i += 2) {
        b.header(call.headers().get(i), call.headers().get(i + 1));
      }
      HttpResponse<java.io.InputStream> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        if (n < retries) {
          pause(n, null);
          continue;
        }
        throw new ViewpulseException(0, List.of(String.valueOf(e.getMessage())), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ViewpulseException(0, List.of("interrupted"), e);
      }
      if (r.statusCode() < 300) {
        return r;
      }
      String body;
      try (java.io.InputStream in = r.body()) {
        body = new String(in.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        body = "";
      }
      if ((r.statusCode() == 429 || r.statusCode() == 503) && n < retries) {
        pause(n, r.headers().firstValue("Retry-After").orElse(null));
        continue;
      }
      parse(new StringResponse(r, body));
      throw new ViewpulseException(r.statusCode(), List.of("HTTP " + r.statusCode()), null);
    }
  }

  private void pause(int n, String retryAfter) {
    try {
      Thread.sleep(Math.min(waitMillis(n, retryAfter), 30_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ViewpulseException(0, List.of("interrupted"), e);
    }
  }

  /** An answer already read, for {@link #parse}. */
  private record StringResponse(HttpResponse<?> r, String body) implements HttpResponse<String> {
    @Override
    public int statusCode() {
      return r.statusCode();
    }

    @Override
    public HttpRequest request() {
      return r.request();
    }

    @Override
    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return r.headers();
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return r.sslSession();
    }

    @Override
    public URI uri() {
      return r.uri();
    }

    @Override
    public HttpClient.Version version() {
      return r.version();
    }
  }

  private long waitMillis(int n, String retryAfter) {
    long wait = backoff.toMillis() << n;
    if (retryAfter != null) {
      try {
        wait = Math.max(wait, Long.parseLong(retryAfter.strip()) * 1000);
      } catch (NumberFormatException ignored) {
        // an HTTP date: keep the backoff
      }
    }
    return wait;
  }

  private CompletableFuture<JsonNode> retry(Call call, int n, String retryAfter) {
    long wait = waitMillis(n, retryAfter);
    Executor later = CompletableFuture.delayedExecutor(Math.min(wait, 30_000), TimeUnit.MILLISECONDS);
    return CompletableFuture.supplyAsync(() -> null, later).thenCompose(v -> attempt(call, n + 1));
  }

  private static JsonNode parse(HttpResponse<String> r) {
    JsonNode body = null;
    try {
      body = r.body() == null || r.body().isEmpty() ? null : JSON.readTree(r.body());
    } catch (IOException e) {
      if (r.statusCode() < 300) {
        throw new ViewpulseException(r.statusCode(), List.of("the answer is not JSON"), e);
      }
    }
    if (r.statusCode() >= 300) {
      List<String> messages = new ArrayList<>();
      if (body != null && body.path("errors").isArray()) {
        body.path("errors").forEach(m -> messages.add(m.asText()));
      }
      if (messages.isEmpty()) {
        messages.add(r.body() == null || r.body().isBlank() ? "HTTP " + r.statusCode() : r.body());
      }
      throw new ViewpulseException(r.statusCode(), messages, null);
    }
    return body;
  }
}
