package io.viewpulse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.admin.Admin;
import io.viewpulse.auth.AdminToken;
import io.viewpulse.auth.KeyService;
import io.viewpulse.auth.MasterKey;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Media;
import io.viewpulse.model.DomainException;
import io.viewpulse.store.Store;
import io.viewpulse.store.StoreConfig;
import io.viewpulse.store.engines.Stores;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/**
 * Where the command line's admin actions run: on the store directly when no server holds it, else through the
 * running server's {@code /admin} routes.
 */
interface AdminClient extends AutoCloseable {
  JsonNode call(String method, String path, JsonNode body);

  @Override
  void close();

  static AdminClient open(Path dataDir, StoreConfig store) {
    String envKey = System.getenv("VIEWPULSE_MASTER_KEY");
    var port = ServerFile.livePort(dataDir);
    if (port.isPresent()) {
      return new Remote("http://127.0.0.1:" + port.get(), AdminToken.current(MasterKey.load(dataDir, envKey),
          dataDir));
    }
    return new Local(dataDir, store, envKey);
  }

  /** An error the server or the store gave, with its message. */
  final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** Talks to a running server. */
  final class Remote implements AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    Remote(String base, String token) {
      this.base = base;
      this.token = token;
    }

    @Override
    public JsonNode call(String method, String path, JsonNode body) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/admin" + path))
          .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body.toString()));
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        if (r.statusCode() >= 400) {
          throw new Failure(n.path("errors").path(0).asText("HTTP " + r.statusCode()));
        }
        return n;
      } catch (IOException e) {
        throw new Failure("cannot reach the server at " + base + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure("interrupted");
      }
    }

    @Override
    public void close() {}
  }

  /** Opens the store itself; the same paths and bodies as the HTTP routes. */
  final class Local implements AdminClient {
    private final Store store;
    private final Admin admin;

    Local(Path dataDir, StoreConfig config, String envKey) {
      MasterKey master = MasterKey.load(dataDir, envKey);
      try {
        store = Stores.open(config);
      } catch (RuntimeException e) {
        throw new Failure("cannot open the store in " + dataDir + " (is a server running on it without a "
            + "server.json?): " + e.getMessage());
      }
      KeyService keys = new KeyService(store.keys(), master, InstantSource.system());
      admin = new Admin(keys, new Catalog(store.media(), InstantSource.system()),
          new io.viewpulse.retention.Retention(store.retention(), InstantSource.system(),
              ServerConfig.DEFAULT_TIMELINE_RETENTION), InstantSource.system());
    }

    @Override
    public JsonNode call(String method, String path, JsonNode body) {
      URI u = URI.create(path);
      String p = u.getPath();
      String account = query(u, "account");
      String kind = query(u, "kind");
      try {
        return switch (method + " " + p.replaceAll("^/(keys|media)/[^/]+", "/$1/{id}")) {
          case "GET /accounts" -> admin.accounts();
          case "POST /accounts" -> admin.createAccount(text(body, "name"));
          case "GET /keys" -> admin.keys(account);
          case "POST /keys" -> admin.createKey(text(body, "account"), text(body, "name"), origins(body));
          case "POST /keys/{id}/revoke" -> admin.revokeKey(p.split("/")[2]);
          case "GET /media" -> admin.media(account, kind(kind));
          case "POST /media" -> admin.createMedia(text(body, "account"), new Catalog.NewMedia(kind(text(body, "kind")),
              text(body, "id"), text(body, "name"), text(body, "playbackId"), text(body, "creatorId"), text(body, "dStorageUrl"),
              text(body, "type")));
          case "GET /media/{id}" -> admin.getMedia(account, kind(kind), p.split("/")[2]);
          case "DELETE /media/{id}" -> admin.deleteMedia(account, kind(kind), p.split("/")[2]);
          case "GET /retention" -> admin.retention(account);
          case "PUT /retention" -> admin.setRetention(body);
          default -> throw new Failure("no admin action " + method + " " + p);
        };
      } catch (IllegalArgumentException e) {
        throw new Failure(e.getMessage());
      } catch (DomainException e) {
        throw new Failure(e.getMessage());
      }
    }

    private static Media.Kind kind(String s) {
      return Media.Kind.valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }

    private static List<String> origins(JsonNode body) {
      if (!body.hasNonNull("allowedOrigins")) {
        return null;
      }
      List<String> out = new java.util.ArrayList<>();
      body.get("allowedOrigins").forEach(o -> out.add(o.asText()));
      return out;
    }

    private static String text(JsonNode b, String f) {
      JsonNode v = b == null ? null : b.get(f);
      return v == null || v.isNull() ? null : v.asText();
    }

    private static String query(URI u, String name) {
      if (u.getRawQuery() == null) {
        return null;
      }
      for (String kv : u.getRawQuery().split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0 && kv.substring(0, eq).equals(name)) {
          return java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }

    @Override
    public void close() {
      store.close();
    }
  }

  /** Builds a query string from name/value pairs, skipping null values. */
  static String query(String... kv) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        b.append(b.length() == 0 ? '?' : '&').append(kv[i]).append('=')
            .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
      }
    }
    return b.toString();
  }

  static ObjectNode body() {
    return new ObjectMapper().createObjectNode();
  }
}
