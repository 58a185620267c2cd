package io.viewpulse.auth;

import io.viewpulse.model.Account;
import io.viewpulse.model.ApiKey;
import io.viewpulse.model.StoreException;
import java.time.Instant;
import java.util.List;

/**
 * Where accounts and API keys are kept: small, written rarely, read whole at start-up into {@link KeyService}'s
 * indexes (and again when another node may have changed them). Only a token's hash is ever stored. Every write is
 * atomic and durable when it returns; failures throw {@link StoreException}.
 */
public interface KeyStore {
  void insertAccount(Account a);

  /** Every account, oldest first. */
  List<Account> accounts();

  void insertKey(ApiKey k, String tokenHash);

  /** Every key with its token's hash, oldest first. */
  List<StoredKey> keys();

  /** Marks a key revoked; false when there is no such key or it was revoked already. */
  boolean revokeKey(String keyId, Instant at);

  /** A key and the hash of its token. */
  record StoredKey(ApiKey key, String tokenHash) {}
}
