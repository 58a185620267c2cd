package io.viewpulse.store;

import io.viewpulse.model.DomainException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Which store to open, and its settings.
 *
 * @param dataDir the data directory (the DuckDB file lives there)
 * @param rollupMinViewsPerRow DuckDB: keep a rollup of a grouping only while its rows stand for this many views each
 * @param clickHouse where the ClickHouse store is, for {@link Engine#CLICKHOUSE}; null otherwise
 */
public record StoreConfig(Engine engine, Path dataDir, int rollupMinViewsPerRow, ClickHouse clickHouse) {
  /** The engines Viewpulse can keep its data in. */
  public enum Engine {
    DUCKDB,
    CLICKHOUSE
  }

  /**
   * A ClickHouse server (or cluster) over HTTP.
   *
   * @param endpoint {@code http://host:8123} or {@code https://host:8443}
   * @param cluster the cluster name for {@code ON CLUSTER} DDL with replicated and distributed tables; null for one
   *     server
   */
  public record ClickHouse(String endpoint, String user, String password, String database, String cluster) {
    /** The address without the password, for logs and the banner. */
    @Override
    public String toString() {
      return endpoint + "/" + database + " as " + user + (cluster == null ? "" : " on cluster " + cluster);
    }
  }

  /** Views a rollup row must stand for by default, on DuckDB. */
  public static final int DEFAULT_ROLLUP_MIN_VIEWS_PER_ROW = 200;

  public static StoreConfig duckdb(Path dataDir) {
    return new StoreConfig(Engine.DUCKDB, dataDir, DEFAULT_ROLLUP_MIN_VIEWS_PER_ROW, null);
  }

  public StoreConfig withRollupMinViewsPerRow(int views) {
    return new StoreConfig(engine, dataDir, views, clickHouse);
  }

  /**
   * The store a {@code --store} value names: {@code duckdb} (the default: the file in the data directory), or
   * {@code clickhouse://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?secure=true&cluster=NAME]}. A password given apart
   * ({@code passwordFromFile}, read from a file) takes the place of one in the URI.
   *
   * @throws DomainException {@code INVALID} naming what is wrong, never repeating a password
   */
  public static StoreConfig parse(String spec, Path dataDir, String passwordFromFile) {
    if (spec == null || spec.isBlank() || spec.equals("duckdb")) {
      return duckdb(dataDir);
    }
    if (!spec.startsWith("clickhouse://")) {
      throw DomainException.invalid("--store must be duckdb or clickhouse://USER:PASSWORD@HOST:8123/DATABASE");
    }
    URI u;
    try {
      u = new URI(spec);
    } catch (URISyntaxException e) {
      throw DomainException.invalid("--store is not a valid clickhouse:// URI (" + e.getReason() + ")");
    }
    if (u.getHost() == null) {
      throw DomainException.invalid("--store names no ClickHouse host: clickhouse://USER:PASSWORD@HOST:8123/DATABASE");
    }
    String path = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
    if (!path.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
      throw DomainException.invalid("--store names no database (letters, digits and _): "
          + "clickhouse://USER:PASSWORD@HOST:8123/DATABASE");
    }
    String user = "default";
    String password = "";
    if (u.getRawUserInfo() != null) {
      String info = u.getRawUserInfo();
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? "" : decode(info.substring(colon + 1));
    }
    if (passwordFromFile != null) {
      password = passwordFromFile;
    }
    Map<String, String> options = new HashMap<>();
    if (u.getRawQuery() != null) {
      for (String kv : u.getRawQuery().split("&")) {
        int eq = kv.indexOf('=');
        String name = decode(eq < 0 ? kv : kv.substring(0, eq));
        if (!name.equals("secure") && !name.equals("cluster")) {
          throw DomainException.invalid("unknown --store option '" + name + "' (expected secure, cluster)");
        }
        options.put(name, eq < 0 ? "" : decode(kv.substring(eq + 1)));
      }
    }
    boolean secure = "true".equals(options.get("secure"));
    int port = u.getPort() > 0 ? u.getPort() : secure ? 8443 : 8123;
    String cluster = options.get("cluster");
    if (cluster != null && !cluster.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw DomainException.invalid("cluster must be a ClickHouse cluster name (letters, digits, '_', '.', '-')");
    }
    String endpoint = (secure ? "https://" : "http://") + u.getHost() + ":" + port;
    return new StoreConfig(Engine.CLICKHOUSE, dataDir, DEFAULT_ROLLUP_MIN_VIEWS_PER_ROW,
        new ClickHouse(endpoint, user, password, path, cluster));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
