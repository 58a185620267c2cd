package io.viewpulse.savedviews;

import io.viewpulse.model.DomainException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;

/**
 * The saved views of the accounts' dashboards: a name (at most {@link #MAX_NAME} characters, not blank) for a
 * dashboard state (at most {@link #MAX_STATE} characters, kept as the dashboard wrote it), listed to every key of the
 * account, at most {@link #MAX_PER_ACCOUNT} an account. Creations are serialized in this process, so that the cap
 * holds; nodes sharing a store may together pass it by the creations they make at the same moment.
 */
public final class SavedViews {
  public static final int MAX_NAME = 100;
  public static final int MAX_STATE = 4096;
  public static final int MAX_PER_ACCOUNT = 200;

  private final SavedViewStore store;
  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();

  public SavedViews(SavedViewStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  public List<SavedView> list(String accountId) {
    return store.savedViews(accountId);
  }

  public SavedView get(String accountId, String id) {
    return store.savedView(accountId, id).orElseThrow(() -> DomainException.notFound("saved view not found"));
  }

  /** Saves a new view by key {@code keyId}; refuses a bad name or state, and a view past the account's cap. */
  public synchronized SavedView create(String accountId, String keyId, String name, String state) {
    String n = checked("name", name == null ? null : name.strip(), MAX_NAME);
    String s = checked("state", state, MAX_STATE);
    if (store.savedViews(accountId).size() >= MAX_PER_ACCOUNT) {
      throw DomainException.conflict("the account has " + MAX_PER_ACCOUNT + " saved views, the most it may keep:"
          + " delete one first");
    }
    byte[] id = new byte[8];
    random.nextBytes(id);
    SavedView v = new SavedView(accountId, HexFormat.of().formatHex(id), n, s, clock.instant(), keyId);
    store.insertSavedView(v);
    return v;
  }

  public void delete(String accountId, String id) {
    if (!store.deleteSavedView(accountId, id, clock.instant())) {
      throw DomainException.notFound("saved view not found");
    }
  }

  private static String checked(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      throw DomainException.invalid(field + " is required and may not be blank");
    }
    if (value.length() > max) {
      throw DomainException.invalid(field + " is longer than " + max + " characters");
    }
    if (value.chars().anyMatch(ch -> Character.isISOControl(ch))) {
      throw DomainException.invalid(field + " may not contain control characters");
    }
    return value;
  }
}
