package io.viewpulse.auth;

import io.viewpulse.model.Account;
import io.viewpulse.model.ApiKey;
import io.viewpulse.model.Sha256;
import io.viewpulse.auth.KeyStore;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accounts and their API keys.
 *
 * <p>A token is {@code vp_<keyId>_<mac>} where mac is derived from the master key and the key id; the store keeps the
 * SHA-256 of the token only. Lookups go through an in-memory index loaded at start and kept in step with every write,
 * so authenticating a request touches no database.
 */
public final class KeyService {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private final KeyStore store;
  private final MasterKey master;
  private final InstantSource clock;
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();
  private final Map<String, ApiKey> keysById = new ConcurrentHashMap<>();
  private final Map<String, String> keyIdByTokenHash = new ConcurrentHashMap<>();

  public KeyService(KeyStore store, MasterKey master, InstantSource clock) {
    this.store = store;
    this.master = master;
    this.clock = clock;
    refresh();
  }

  /**
   * Reads accounts and keys again from the store: what another node (or the command line) changed there is seen
   * here from now on, a revoked key refused. Keys and accounts are never deleted, so the maps only gain entries and
   * change keys' revocation, each update atomic per entry.
   */
  public synchronized void refresh() {
    store.accounts().forEach(a -> accounts.put(a.id(), a));
    for (KeyStore.StoredKey k : store.keys()) {
      keysById.put(k.key().id(), k.key());
      keyIdByTokenHash.put(k.tokenHash(), k.key().id());
    }
  }

  /** A key together with its token, which is shown once and never stored. */
  public record IssuedKey(ApiKey key, String token) {}

  public synchronized Account createAccount(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an account needs a name");
    }
    Account a = new Account(randomHex(16), name.strip(), clock.instant());
    store.insertAccount(a);
    accounts.put(a.id(), a);
    return a;
  }

  /**
   * Issues a key. {@code allowedOrigins} null makes a secret key; a list (of origins such as
   * {@code https://example.com}, or {@code *}) makes a CORS key.
   */
  public synchronized IssuedKey createKey(String accountId, String name, List<String> allowedOrigins) {
    if (!accounts.containsKey(accountId)) {
      throw new IllegalArgumentException("no account " + accountId);
    }
    if (allowedOrigins != null) {
      if (allowedOrigins.isEmpty()) {
        throw new IllegalArgumentException("a CORS key needs at least one allowed origin");
      }
      for (String o : allowedOrigins) {
        Origins.requireValid(o);
      }
    }
    String keyId = randomHex(8);
    ApiKey key = new ApiKey(keyId, accountId, name == null || name.isBlank() ? "key " + keyId : name.strip(),
        allowedOrigins, clock.instant(), null);
    String token = tokenOf(keyId);
    String hash = Sha256.hex(token);
    store.insertKey(key, hash);
    keysById.put(keyId, key);
    keyIdByTokenHash.put(hash, keyId);
    return new IssuedKey(key, token);
  }

  public synchronized boolean revoke(String keyId) {
    ApiKey k = keysById.get(keyId);
    if (k == null || k.isRevoked()) {
      return false;
    }
    var now = clock.instant();
    if (!store.revokeKey(keyId, now)) {
      return false;
    }
    keysById.put(keyId, new ApiKey(k.id(), k.accountId(), k.name(), k.allowedOrigins(), k.createdAt(), now));
    return true;
  }

  public List<Account> accounts() {
    return accounts.values().stream()
        .sorted(java.util.Comparator.comparing(Account::createdAt).thenComparing(Account::id)).toList();
  }

  public Optional<Account> account(String id) {
    return Optional.ofNullable(id == null ? null : accounts.get(id));
  }

  /** Keys of one account, or of all accounts when {@code accountId} is null. */
  public List<ApiKey> keys(String accountId) {
    return keysById.values().stream()
        .filter(k -> accountId == null || k.accountId().equals(accountId))
        .sorted(java.util.Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id)).toList();
  }

  /** The tokens of an account's live secret keys: the secrets that signed requests may be made with. */
  public List<String> secretTokens(String accountId) {
    List<String> out = new ArrayList<>();
    for (ApiKey k : keys(accountId)) {
      if (!k.isCors() && !k.isRevoked()) {
        out.add(tokenOf(k.id()));
      }
    }
    return out;
  }

  /**
   * Who a bearer token belongs to.
   *
   * @throws AuthException 401 when the token is unknown or revoked
   */
  public Principal authenticate(String token) {
    if (token == null || token.isBlank()) {
      throw AuthException.unauthenticated("no API key: send Authorization: Bearer <API key>");
    }
    String keyId = keyIdByTokenHash.get(Sha256.hex(token.strip()));
    ApiKey k = keyId == null ? null : keysById.get(keyId);
    if (k == null) {
      throw AuthException.unauthenticated("invalid API key");
    }
    if (k.isRevoked()) {
      throw AuthException.unauthenticated("this API key has been revoked");
    }
    return new Principal(k.accountId(), k.id(), k.allowedOrigins());
  }

  private String tokenOf(String keyId) {
    byte[] mac = master.derive("api-key:" + keyId);
    return "vp_" + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HEX.formatHex(b);
  }
}
