package io.viewpulse.store.clickhouse;

import com.clickhouse.client.api.insert.InsertSettings;
import io.viewpulse.auth.KeyStore;
import io.viewpulse.catalog.MediaStore;
import io.viewpulse.model.Account;
import io.viewpulse.model.ApiKey;
import io.viewpulse.model.Media;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Accounts, API keys and media on ClickHouse. Each is a ReplacingMergeTree keyed by id: a change (a key revoked, an
 * item deleted) is a new version of the row, read with FINAL (the tables are small). Writes are serialized here; two
 * nodes changing the same row at once keep the higher version.
 */
final class ChDirectory implements KeyStore, MediaStore {
  private final ChClient ch;
  private final ChSchema schema;

  ChDirectory(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
  }

  @Override
  public synchronized void insertAccount(Account a) {
    ch.insert(schema.t("accounts"), new InsertSettings(), w -> {
      w.setValue("id", a.id());
      w.setValue("name", a.name());
      w.setValue("created_at", ChSessionStore.utc(a.createdAt().toEpochMilli()));
      w.commitRow();
    });
  }

  @Override
  public List<Account> accounts() {
    return ch.queryList("SELECT id, name, toUnixTimestamp64Milli(created_at) FROM " + schema.t("accounts")
        + " FINAL ORDER BY created_at, id", Map.of(),
        r -> new Account(r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3))));
  }

  @Override
  public synchronized void insertKey(ApiKey k, String tokenHash) {
    writeKey(k, tokenHash, 1);
  }

  private void writeKey(ApiKey k, String tokenHash, long version) {
    ch.insert(schema.t("api_keys"), new InsertSettings(), w -> {
      w.setValue("id", k.id());
      w.setValue("account_id", k.accountId());
      w.setValue("name", k.name());
      w.setValue("token_hash", tokenHash);
      w.setValue("cors", k.isCors());
      w.setValue("allowed_origins", k.isCors() ? k.allowedOrigins() : List.of());
      w.setValue("created_at", ChSessionStore.utc(k.createdAt().toEpochMilli()));
      w.setValue("revoked_at", k.revokedAt() == null ? null : ChSessionStore.utc(k.revokedAt().toEpochMilli()));
      w.setValue("version", version);
      w.commitRow();
    });
  }

  @Override
  public List<StoredKey> keys() {
    return ch.queryList("SELECT id, account_id, name, if(cors, allowed_origins, NULL), toUnixTimestamp64Milli(created_at),"
        + " toUnixTimestamp64Milli(revoked_at), token_hash FROM " + schema.t("api_keys") + " FINAL"
        + " ORDER BY created_at, id", Map.of(), r -> new StoredKey(new ApiKey(r.getString(1), r.getString(2),
            r.getString(3), r.hasValue(4) ? r.getList(4) : null, Instant.ofEpochMilli(r.getLong(5)),
            r.hasValue(6) ? Instant.ofEpochMilli(r.getLong(6)) : null), r.getString(7)));
  }

  @Override
  public synchronized boolean revokeKey(String keyId, Instant at) {
    for (StoredKey k : keys()) {
      if (k.key().id().equals(keyId)) {
        if (k.key().isRevoked()) {
          return false;
        }
        ApiKey key = k.key();
        writeKey(new ApiKey(key.id(), key.accountId(), key.name(), key.allowedOrigins(), key.createdAt(), at),
            k.tokenHash(), 2);
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized void insertMedia(Media m) {
    writeMedia(m, null, 1);
  }

  private void writeMedia(Media m, Instant deletedAt, long version) {
    ch.insert(schema.t("media"), new InsertSettings(), w -> {
      w.setValue("account_id", m.accountId());
      w.setValue("id", m.id());
      w.setValue("kind", m.kind().wire());
      w.setValue("name", m.name());
      w.setValue("playback_id", m.playbackId());
      w.setValue("creator_id", m.creatorId());
      w.setValue("d_storage_url", m.dStorageUrl());
      w.setValue("stream_type", m.streamType());
      w.setValue("created_at", ChSessionStore.utc(m.createdAt().toEpochMilli()));
      w.setValue("deleted_at", deletedAt == null ? null : ChSessionStore.utc(deletedAt.toEpochMilli()));
      w.setValue("version", version);
      w.commitRow();
    });
  }

  @Override
  public synchronized boolean deleteMedia(String accountId, String id, Instant at) {
    for (Media m : media()) {
      if (m.accountId().equals(accountId) && m.id().equals(id)) {
        writeMedia(m, at, 2);
        return true;
      }
    }
    return false;
  }

  @Override
  public List<Media> media() {
    return media("deleted_at IS NULL");
  }

  @Override
  public List<Media> deleted() {
    return media("deleted_at IS NOT NULL");
  }

  @Override
  public synchronized void insertCustomDimension(io.viewpulse.model.CustomDimension d) {
    ch.insert(schema.t("custom_dimensions"), new InsertSettings(), w -> {
      w.setValue("account_id", d.accountId());
      w.setValue("slot", d.slot());
      w.setValue("name", d.name());
      w.setValue("declared_at", ChSessionStore.utc(d.declaredAt().toEpochMilli()));
      w.commitRow();
    });
  }

  @Override
  public List<io.viewpulse.model.CustomDimension> customDimensions() {
    return ch.queryList("SELECT account_id, slot, name, toUnixTimestamp64Milli(declared_at) FROM "
        + schema.t("custom_dimensions") + " FINAL ORDER BY account_id, slot", Map.of(),
        r -> new io.viewpulse.model.CustomDimension(r.getString(1), (int) r.getLong(2), r.getString(3),
            Instant.ofEpochMilli(r.getLong(4))));
  }

  private List<Media> media(String condition) {
    return ch.queryList("SELECT id, account_id, kind, name, playback_id, creator_id, d_storage_url, stream_type,"
        + " toUnixTimestamp64Milli(created_at) FROM " + schema.t("media") + " FINAL WHERE " + condition
        + " ORDER BY created_at, account_id, id", Map.of(), r -> new Media(r.getString(1), r.getString(2),
            Media.Kind.valueOf(r.getString(3).toUpperCase(java.util.Locale.ROOT)), r.getString(4), r.getString(5),
            r.hasValue(6) ? r.getString(6) : null, r.hasValue(7) ? r.getString(7) : null,
            r.hasValue(8) ? r.getString(8) : null, Instant.ofEpochMilli(r.getLong(9))));
  }
}
