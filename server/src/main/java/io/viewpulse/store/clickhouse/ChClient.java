package io.viewpulse.store.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.data_formats.ClickHouseBinaryFormatReader;
import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import io.viewpulse.model.DomainException;
import io.viewpulse.model.StoreException;
import io.viewpulse.store.StoreConfig;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The official ClickHouse client, configured as this store uses it, and every failure it can give turned into a
 * {@link StoreException} (the server refusing, unreachable, slow, or answering something unreadable), so that the
 * rest of the store speaks only of rows. Thread-safe.
 */
final class ChClient implements AutoCloseable {
  /** How long a statement may take before the store counts the server as unavailable. */
  private static final long TIMEOUT_S = 60;
  /** ClickHouse's code for a table that exists already: a DDL race lost to another process, not a failure. */
  static final int TABLE_ALREADY_EXISTS = 57;

  /** Reads one row of a result. */
  interface RowReader<T> {
    T read(ClickHouseBinaryFormatReader r);
  }

  /** Writes the rows of an insert. */
  interface RowWriter {
    void write(RowBinaryFormatWriter w) throws IOException;
  }

  private final Client client;
  private final Map<String, TableSchema> schemas = new ConcurrentHashMap<>();

  ChClient(StoreConfig.ClickHouse c) {
    // the configuration works with any ClickHouse server and with the tests' front end over chDB: uncompressed HTTP
    // (ClickHouse's own response compression is off; responses are small or streamed), basic authentication
    Client.Builder b = new Client.Builder();
    serverSettings(c).forEach(b::serverSetting);
    this.client = b
        .addEndpoint(c.endpoint())
        .setUsername(c.user())
        .setPassword(c.password())
        .compressServerResponse(false)
        .compressClientRequest(false)
        .useHttpCompression(false)
        .setConnectTimeout(5, ChronoUnit.SECONDS)
        .setSocketTimeout(TIMEOUT_S, ChronoUnit.SECONDS)
        .setMaxRetries(0)
        .build();
  }

  /**
   * The server settings every request carries. On a cluster: an insert into a Distributed table returns once the
   * shards have written it (a view moved out of the outbox is in {@code views} before its outbox row is tombstoned),
   * and an insert into a replicated table once a majority of its replicas have it (an acknowledged commit survives
   * the loss of the replica that took it). Replicas read a moment behind are tolerated without settings: a partition's
   * new owner that recovers an older commit replays more of the log and decides the same, into the same keys.
   */
  static Map<String, String> serverSettings(StoreConfig.ClickHouse c) {
    return c.cluster() == null ? Map.of()
        : Map.of("distributed_foreground_insert", "1", "insert_quorum", "auto");
  }

  /**
   * The parameters as the server reads them: it parses a String parameter in its escaped form (as in TSV), in which a
   * backslash starts an escape and a tab or line break ends the value, so those are escaped (a viewer id may hold
   * any of them). The client sends the values as they are. An array's text ({@link #array}) is read as a literal,
   * its strings quoted and escaped already: it goes as it is.
   */
  static Map<String, Object> escaped(Map<String, Object> params) {
    if (params.values().stream().noneMatch(v -> v instanceof String || v instanceof Verbatim)) {
      return params;
    }
    Map<String, Object> out = new java.util.HashMap<>(params);
    out.replaceAll((k, v) -> v instanceof String str ? str.replace("\\", "\\\\").replace("\t", "\\t")
        .replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0")
        : v instanceof Verbatim raw ? raw.text() : v);
    return out;
  }

  /** Runs a statement that answers nothing (DDL, INSERT ... SELECT). */
  void execute(String sql, Map<String, Object> params) {
    try (var response = await(client.execute(sql, escaped(params)), sql)) {
      // nothing to read
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      throw failure(e, sql);
    }
  }

  void execute(String sql) {
    execute(sql, Map.of());
  }

  /** Runs a query, handing each row to {@code reader}'s caller through {@code sink}. */
  <T> void query(String sql, Map<String, Object> params, RowReader<T> reader, java.util.function.Consumer<T> sink) {
    query(sql, params, Map.of(), reader, sink);
  }

  /** {@link #query} with server settings for this query only. */
  <T> void query(String sql, Map<String, Object> params, Map<String, String> settings, RowReader<T> reader,
      java.util.function.Consumer<T> sink) {
    QuerySettings s = new QuerySettings().setFormat(ClickHouseFormat.RowBinaryWithNamesAndTypes);
    settings.forEach(s::serverSetting);
    try (QueryResponse response = await(client.query(sql, escaped(params), s), sql)) {
      ClickHouseBinaryFormatReader r = client.newBinaryFormatReader(response);
      while (r.hasNext()) {
        r.next();
        sink.accept(reader.read(r));
      }
    } catch (DomainException e) {
      // a store failure, or the caller's own refusal (too many rows): as it is
      throw e;
    } catch (Exception e) {
      throw new StoreException("reading a ClickHouse answer failed: " + e.getMessage(), e);
    }
  }

  /** Reads the raw bytes of an answer. */
  interface BytesReader {
    void read(java.io.InputStream in) throws IOException;
  }

  /**
   * Runs a query whose answer the server writes in {@code format} (Parquet, say), handing its bytes to
   * {@code reader} as they arrive: nothing is held but the client's buffer, and a reader that stops reading stops
   * the server, which waits on the connection. The query is cancelled when the reader fails or the connection
   * closes early.
   *
   * @throws IOException what the reader threw (its destination failed)
   */
  void stream(String sql, Map<String, Object> params, ClickHouseFormat format, Map<String, String> serverSettings,
      BytesReader reader) throws IOException {
    QuerySettings settings = new QuerySettings().setFormat(format)
        .serverSetting("cancel_http_readonly_queries_on_client_close", "1");
    serverSettings.forEach(settings::serverSetting);
    QueryResponse response;
    try {
      response = await(client.query(sql, escaped(params), settings), sql);
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      throw failure(e, sql);
    }
    try (response) {
      reader.read(response.getInputStream());
    } catch (IOException e) {
      throw e;
    } catch (DomainException e) {
      throw e;
    } catch (Exception e) {
      throw new StoreException("reading a ClickHouse answer failed: " + e.getMessage(), e);
    }
  }

  /** The rows of a query, in a list. */
  <T> java.util.List<T> queryList(String sql, Map<String, Object> params, RowReader<T> reader) {
    java.util.List<T> out = new java.util.ArrayList<>();
    query(sql, params, reader, out::add);
    return out;
  }

  /** The text of a parameter the server does not read as a String (an array): sent as it is. */
  record Verbatim(String text) {}

  /** A list of strings as the text of a ClickHouse {@code Array(String)} query parameter. */
  static Verbatim array(java.util.List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (String v : values) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append('\'').append(v.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
    }
    return new Verbatim(b.append(']').toString());
  }

  /**
   * Binary data from a String column, selected as {@code base64Encode(column)}: the client reads String columns as
   * UTF-8 text, which would mangle bytes that are not.
   */
  static byte[] bytes(ClickHouseBinaryFormatReader r, int column) {
    return java.util.Base64.getDecoder().decode(r.getString(column));
  }

  /** Inserts rows in RowBinary, as one request; {@code settings} may carry a deduplication token. */
  void insert(String table, InsertSettings settings, RowWriter rows) {
    TableSchema schema = schemas.computeIfAbsent(table, t -> {
      try {
        return client.getTableSchema(t);
      } catch (RuntimeException e) {
        throw new StoreException("cannot read the columns of " + t + ": " + e.getMessage(), e);
      }
    });
    try (var response = await(client.insert(table, out -> {
      RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, schema, ClickHouseFormat.RowBinaryWithDefaults);
      rows.write(w);
    }, ClickHouseFormat.RowBinaryWithDefaults, settings), "INSERT INTO " + table)) {
      // acknowledged
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      throw failure(e, "INSERT INTO " + table);
    }
  }

  private static <T> T await(Future<T> f, String what) {
    try {
      return f.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for ClickHouse", e);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new StoreException("ClickHouse did not answer in " + TIMEOUT_S + " s: " + brief(what), e);
    } catch (ExecutionException e) {
      throw failure(e.getCause() == null ? e : e.getCause(), what);
    } catch (RuntimeException e) {
      throw failure(e, what);
    }
  }

  /** A server error with its ClickHouse code, or any other failure, as a store failure. */
  static StoreException failure(Throwable t, String what) {
    if (t instanceof ChServerError c) {
      return c;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ServerException s) {
        return new ChServerError(s.getCode(), "ClickHouse refused " + brief(what) + ": " + s.getMessage(), t);
      }
    }
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return new StoreException("ClickHouse is unavailable (" + t.getClass().getSimpleName() + ": " + t.getMessage()
        + (root == t ? "" : "; " + root) + ")", t);
  }

  private static String brief(String sql) {
    String one = sql.replaceAll("\\s+", " ");
    return one.length() <= 80 ? one : one.substring(0, 80) + "...";
  }

  /** A statement ClickHouse refused, with its error code. */
  static final class ChServerError extends StoreException {
    private static final long serialVersionUID = 1L;
    final int code;

    ChServerError(int code, String message, Throwable cause) {
      super(message, cause);
      this.code = code;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
