package io.viewpulse.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.auth.KeyService;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.model.Account;
import io.viewpulse.model.ApiKey;
import io.viewpulse.model.DomainException;
import io.viewpulse.model.Media;
import io.viewpulse.retention.Retention;
import java.time.InstantSource;
import java.util.List;

/**
 * Operator actions on accounts, keys, assets and streams, answering JSON. The command line runs them directly on the
 * store when no server is running, and through the server's {@code /admin} routes when one is (DuckDB lets one
 * process open the file), so both paths give the same answers.
 */
public final class Admin {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyService keys;
  private final Catalog catalog;
  private final Retention retention;
  private final InstantSource clock;

  public Admin(KeyService keys, Catalog catalog, Retention retention, InstantSource clock) {
    this.keys = keys;
    this.catalog = catalog;
    this.retention = retention;
    this.clock = clock;
  }

  public JsonNode createAccount(String name) {
    return account(keys.createAccount(name));
  }

  public JsonNode accounts() {
    ArrayNode out = JSON.createArrayNode();
    keys.accounts().forEach(a -> out.add(account(a)));
    return out;
  }

  /** How long an account keeps its views and their timelines. */
  public JsonNode retention(String account) {
    String id = accountId(account);
    return retentionJson(id, retention.policy(id));
  }

  /**
   * Sets how long an account keeps its views ({@code viewDays}: whole days before today, UTC; null: every view) and
   * their timelines ({@code timelineDays}; null: as long as the server keeps them), from a request body: a field left
   * out keeps its value. What is older goes within the hour.
   */
  public JsonNode setRetention(JsonNode body) {
    if (body != null) {
      for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!RETENTION_FIELDS.contains(f)) {
          throw DomainException.invalid("unknown field '" + f + "' (expected account, viewDays, timelineDays)");
        }
      }
      if (body.hasNonNull("account") && !body.get("account").isTextual()) {
        throw DomainException.invalid("account must be a string (an account's id)");
      }
    }
    String id = accountId(body == null || !body.hasNonNull("account") ? null : body.get("account").asText());
    if (body == null || !body.has("viewDays") && !body.has("timelineDays")) {
      throw DomainException.invalid("give viewDays or timelineDays (a number of days, or null for the default)");
    }
    io.viewpulse.retention.RetentionStore.Policy was = retention.policy(id);
    Integer views = body.has("viewDays") ? days(body, "viewDays", Retention.MAX_DAYS) : was.viewDays();
    Integer timelines = body.has("timelineDays") ? days(body, "timelineDays", retention.maxTimelineDays())
        : was.timelineDays();
    return retentionJson(id, retention.set(id, views, timelines));
  }

  private static final java.util.Set<String> RETENTION_FIELDS = java.util.Set.of("account", "viewDays",
      "timelineDays");

  /** A number of days from a request body: a whole number from 1 to {@code max}, or null. */
  private static Integer days(JsonNode body, String field, int max) {
    JsonNode v = body.get(field);
    if (v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1 || v.intValue() > max) {
      throw DomainException.invalid(field + " must be a whole number of days from 1 to " + max
          + ", or null for the default");
    }
    return v.intValue();
  }

  private ObjectNode retentionJson(String accountId, io.viewpulse.retention.RetentionStore.Policy p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("accountId", accountId);
    if (p.viewDays() == null) {
      o.putNull("viewDays");
      o.putNull("keepsViewsFrom");
    } else {
      o.put("viewDays", p.viewDays());
      o.put("keepsViewsFrom", Retention.cutoff(clock.instant(), p.viewDays()).toString());
    }
    if (p.timelineDays() == null) {
      o.putNull("timelineDays");
    } else {
      o.put("timelineDays", p.timelineDays());
    }
    o.put("serverTimelineDays", retention.maxTimelineDays());
    return o;
  }

  /** @param origins null for a secret key, else the CORS key's allowed origins */
  public JsonNode createKey(String account, String name, List<String> origins) {
    KeyService.IssuedKey k = keys.createKey(accountId(account), name, origins);
    ObjectNode o = key(k.key());
    o.put("token", k.token());
    return o;
  }

  public JsonNode keys(String account) {
    ArrayNode out = JSON.createArrayNode();
    keys.keys(account == null ? null : accountId(account)).forEach(k -> out.add(key(k)));
    return out;
  }

  public JsonNode revokeKey(String keyId) {
    if (!keys.revoke(keyId)) {
      throw DomainException.notFound("no live key " + keyId);
    }
    return keys.keys(null).stream().filter(k -> k.id().equals(keyId)).findFirst().map(Admin::key).orElseThrow();
  }

  public JsonNode createMedia(String account, Catalog.NewMedia req) {
    return media(catalog.create(accountId(account), req));
  }

  public JsonNode media(String account, Media.Kind kind) {
    ArrayNode out = JSON.createArrayNode();
    catalog.list(accountId(account), kind).forEach(m -> out.add(media(m)));
    return out;
  }

  public JsonNode getMedia(String account, Media.Kind kind, String id) {
    return catalog.get(accountId(account), id).filter(m -> m.kind() == kind).map(Admin::media)
        .orElseThrow(() -> DomainException.notFound("no " + kind.wire() + " " + id));
  }

  public JsonNode deleteMedia(String account, Media.Kind kind, String id) {
    JsonNode m = getMedia(account, kind, id);
    catalog.delete(accountId(account), id);
    return m;
  }

  /** The account named, or the only one when none is named. */
  private String accountId(String account) {
    if (account != null) {
      if (keys.account(account).isEmpty()) {
        throw DomainException.notFound("no account " + account);
      }
      return account;
    }
    List<Account> all = keys.accounts();
    if (all.size() != 1) {
      throw new IllegalArgumentException("there are " + all.size() + " accounts: name one with --account");
    }
    return all.get(0).id();
  }

  static ObjectNode account(Account a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", a.id());
    o.put("name", a.name());
    o.put("createdAt", a.createdAt().toString());
    return o;
  }

  static ObjectNode key(ApiKey k) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", k.id());
    o.put("accountId", k.accountId());
    o.put("name", k.name());
    o.put("kind", k.kind());
    if (k.isCors()) {
      ArrayNode origins = o.putArray("allowedOrigins");
      k.allowedOrigins().forEach(origins::add);
    }
    o.put("createdAt", k.createdAt().toString());
    if (k.revokedAt() != null) {
      o.put("revokedAt", k.revokedAt().toString());
    }
    return o;
  }

  static ObjectNode media(Media m) {
    ObjectNode o = mediaJson(m);
    o.put("accountId", m.accountId());
    o.put("kind", m.kind().wire());
    o.put("createdAt", m.createdAt().toString());
    return o;
  }

  /** An asset or stream as the API shows it to its account: {@code createdAt} in Unix milliseconds. */
  public static ObjectNode mediaJson(Media m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", m.id());
    o.put("name", m.name());
    o.put("playbackId", m.playbackId());
    if (m.creatorId() != null) {
      o.put("creatorId", m.creatorId());
    }
    if (m.dStorageUrl() != null) {
      o.put("dStorageUrl", m.dStorageUrl());
    }
    if (m.streamType() != null) {
      o.put("type", m.streamType());
    }
    o.put("createdAt", m.createdAt().toEpochMilli());
    return o;
  }

}
