package io.viewpulse.store.duckdb;

import io.viewpulse.auth.KeyStore;
import io.viewpulse.catalog.MediaStore;
import io.viewpulse.model.Account;
import io.viewpulse.model.ApiKey;
import io.viewpulse.model.Media;
import io.viewpulse.model.StoreException;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * Accounts, API keys and media (assets and streams) on DuckDB: small tables, written rarely, read once at start-up into
 * the in-memory indexes of the auth and catalog packages. One connection, serialized by this object's monitor.
 */
final class DuckDirectory implements KeyStore, MediaStore, AutoCloseable {
  /** SQL for a TIMESTAMP parameter bound as microseconds since the epoch (UTC, whatever the JVM time zone). */
  static final String TS = "make_timestamp(?::BIGINT)";

  private final DuckDBConnection c;

  DuckDirectory(Database db) {
    this.c = db.connect();
  }

  public synchronized void insertAccount(Account a) {
    update("INSERT INTO accounts VALUES (?, ?, " + TS + ")", a.id(), a.name(), micros(a.createdAt()));
  }

  @Override
  public synchronized List<Account> accounts() {
    return query("SELECT id, name, epoch_ms(created_at) FROM accounts ORDER BY created_at, id",
        rs -> new Account(rs.getString(1), rs.getString(2), instant(rs, 3)));
  }

  @Override
  public synchronized void insertKey(ApiKey k, String tokenHash) {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, " + TS + ", NULL)")) {
      p.setString(1, k.id());
      p.setString(2, k.accountId());
      p.setString(3, k.name());
      p.setString(4, tokenHash);
      if (k.allowedOrigins() == null) {
        p.setNull(5, java.sql.Types.ARRAY);
      } else {
        p.setArray(5, c.createArrayOf("VARCHAR", k.allowedOrigins().toArray()));
      }
      p.setLong(6, micros(k.createdAt()));
      p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store key: " + e.getMessage(), e);
    }
  }

  /** Keys with their token hashes, as pairs. */
  @Override
  public synchronized List<StoredKey> keys() {
    return query("SELECT id, account_id, name, allowed_origins, epoch_ms(created_at), epoch_ms(revoked_at), token_hash"
            + " FROM api_keys"
            + " ORDER BY created_at, id",
        rs -> new StoredKey(new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3), origins(rs.getArray(4)),
            instant(rs, 5), instant(rs, 6)), rs.getString(7)));
  }

  /** Marks a key revoked; returns false when there is no such key or it was revoked already. */
  @Override
  public synchronized boolean revokeKey(String keyId, Instant at) {
    return update("UPDATE api_keys SET revoked_at = " + TS + " WHERE id = ? AND revoked_at IS NULL", micros(at), keyId) == 1;
  }

  @Override
  public synchronized void insertMedia(Media m) {
    update("INSERT INTO media VALUES (?, ?, ?, ?, ?, ?, ?, ?, " + TS + ", NULL)", m.accountId(), m.id(),
        m.kind().wire(), m.name(), m.playbackId(), m.creatorId(), m.dStorageUrl(), m.streamType(),
        micros(m.createdAt()));
  }

  @Override
  public synchronized boolean deleteMedia(String accountId, String id, Instant at) {
    return update("UPDATE media SET deleted_at = " + TS + " WHERE account_id = ? AND id = ? AND deleted_at IS NULL",
        micros(at), accountId, id) == 1;
  }

  @Override
  public synchronized List<Media> media() {
    return media("deleted_at IS NULL");
  }

  @Override
  public synchronized List<Media> deleted() {
    return media("deleted_at IS NOT NULL");
  }

  private List<Media> media(String condition) {
    return query("SELECT id, account_id, kind, name, playback_id, creator_id, d_storage_url, stream_type,"
            + " epoch_ms(created_at) FROM media WHERE " + condition + " ORDER BY created_at, account_id, id",
        rs -> new Media(rs.getString(1), rs.getString(2), Media.Kind.valueOf(rs.getString(3).toUpperCase()),
            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), instant(rs, 9)));
  }

  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, RowMapper<T> mapper) {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(mapper.map(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void insertCustomDimension(io.viewpulse.model.CustomDimension d) {
    update("INSERT INTO custom_dimensions VALUES (?, ?, ?, " + TS + ")", d.accountId(), d.slot(), d.name(),
        micros(d.declaredAt()));
  }

  @Override
  public synchronized List<io.viewpulse.model.CustomDimension> customDimensions() {
    return query("SELECT account_id, slot, name, epoch_ms(declared_at) FROM custom_dimensions"
        + " ORDER BY account_id, slot", rs -> new io.viewpulse.model.CustomDimension(rs.getString(1), rs.getInt(2),
            rs.getString(3), instant(rs, 4)));
  }

  private int update(String sql, Object... args) {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      return p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("update failed: " + e.getMessage(), e);
    }
  }

  private static long micros(Instant i) {
    return i.toEpochMilli() * 1000L;
  }

  private static Instant instant(ResultSet rs, int col) throws SQLException {
    long ms = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
  }

  private static List<String> origins(Array a) throws SQLException {
    if (a == null) {
      return null;
    }
    Object[] arr = (Object[]) a.getArray();
    return Arrays.stream(arr).map(String::valueOf).toList();
  }

  @Override
  public synchronized void close() {
    try {
      c.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close: " + e.getMessage(), e);
    }
  }
}
