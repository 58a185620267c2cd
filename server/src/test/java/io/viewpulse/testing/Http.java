package io.viewpulse.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small HTTP client for tests: real requests on loopback, answers with status, headers and parsed JSON. */
public final class Http {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .sslContext(trustAll()).build();

  /** Test servers use self-signed certificates. */
  private static javax.net.ssl.SSLContext trustAll() {
    try {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
          return new java.security.cert.X509Certificate[0];
        }
      }}, null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private final String base;

  public Http(String base) {
    this.base = base;
  }

  /** The port this client talks to. */
  public int port() {
    return URI.create(base).getPort();
  }

  /** An answer. {@code json} is null when the body is not JSON. */
  public record Response(int status, Map<String, String> headers, String body, JsonNode json) {
    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** The first message of a {@code {"errors": [...]}} body. */
    public String error() {
      return json == null ? null : json.path("errors").path(0).asText(null);
    }
  }

  public Response get(String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
  }

  public Response delete(String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), headers);
  }

  public Response post(String path, String body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  public Response post(String path, byte[] body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)), headers);
  }

  public Response options(String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()), headers);
  }

  /** Any method; {@code body} null sends none. */
  public Response send(String method, String path, String body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, body == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  /** GET with an {@code Authorization: Bearer} key. */
  public Response getWithKey(String path, String key) {
    return get(path, new String[] {"Authorization", "Bearer " + key});
  }

  private Response send(HttpRequest.Builder b, String... headers) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
      Map<String, String> h = new LinkedHashMap<>();
      r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      JsonNode json = null;
      String ct = h.getOrDefault("content-type", "");
      if (ct.startsWith("application/json") && !r.body().isEmpty()) {
        json = JSON.readTree(r.body());
      }
      return new Response(r.statusCode(), h, r.body(), json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
