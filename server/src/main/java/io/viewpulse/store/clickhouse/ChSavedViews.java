package io.viewpulse.store.clickhouse;

import com.clickhouse.client.api.insert.InsertSettings;
import io.viewpulse.savedviews.SavedView;
import io.viewpulse.savedviews.SavedViewStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Saved dashboard views on ClickHouse, in {@code saved_views}: a ReplacingMergeTree by account and id, as the
 * directory's tables; a deletion is a new version of the row with {@code deleted} set, read with FINAL (the table is
 * small).
 */
final class ChSavedViews implements SavedViewStore {
  private final ChClient ch;
  private final ChSchema schema;

  ChSavedViews(ChClient ch, ChSchema schema) {
    this.ch = ch;
    this.schema = schema;
  }

  @Override
  public List<SavedView> savedViews(String accountId) {
    return select("account_id = {a:String} ORDER BY created_at, id", Map.of("a", accountId));
  }

  @Override
  public Optional<SavedView> savedView(String accountId, String id) {
    return select("account_id = {a:String} AND id = {i:String}", Map.of("a", accountId, "i", id)).stream()
        .findFirst();
  }

  @Override
  public void insertSavedView(SavedView v) {
    write(v, false, 1);
  }

  @Override
  public synchronized boolean deleteSavedView(String accountId, String id, Instant at) {
    Optional<SavedView> v = savedView(accountId, id);
    v.ifPresent(view -> write(view, true, 2));
    return v.isPresent();
  }

  private void write(SavedView v, boolean deleted, long version) {
    ch.insert(schema.t("saved_views"), new InsertSettings(), w -> {
      w.setValue("account_id", v.accountId());
      w.setValue("id", v.id());
      w.setValue("name", v.name());
      w.setValue("state", v.state());
      w.setValue("created_at", ChSessionStore.utc(v.createdAt().toEpochMilli()));
      w.setValue("key_id", v.keyId());
      w.setValue("deleted", deleted ? 1 : 0);
      w.setValue("version", version);
      w.commitRow();
    });
  }

  private List<SavedView> select(String condition, Map<String, Object> params) {
    return ch.queryList("SELECT account_id, id, name, state, toUnixTimestamp64Milli(created_at), key_id FROM "
        + schema.t("saved_views") + " FINAL WHERE deleted = 0 AND " + condition, params,
        r -> new SavedView(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
            Instant.ofEpochMilli(r.getLong(5)), r.getString(6)));
  }
}
