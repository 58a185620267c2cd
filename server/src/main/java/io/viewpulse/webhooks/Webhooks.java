package io.viewpulse.webhooks;

import io.viewpulse.auth.MasterKey;
import io.viewpulse.model.DomainException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The streaming export's endpoints, per account: every finished view of the account is posted to each of its
 * endpoints ({@link WebhookDeliveries}), signed with the endpoint's secret. The secret is shown once, when the
 * endpoint is created, and never stored: it is derived from the master key and the endpoint's id (as API tokens are),
 * so the server can sign with it and a copy of the store reveals nothing. Creations are serialized in this process, so
 * that the cap of endpoints holds.
 */
public final class Webhooks {
  /** Endpoints an account may have. */
  public static final int MAX_PER_ACCOUNT = 10;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final WebhookStore store;
  private final WebhookGuard guard;
  private final MasterKey master;
  private final InstantSource clock;

  public Webhooks(WebhookStore store, WebhookGuard guard, MasterKey master, InstantSource clock) {
    this.store = store;
    this.guard = guard;
    this.master = master;
    this.clock = clock;
  }

  /** An endpoint just created, with its secret: the only time the secret is given out. */
  public record Created(WebhookStore.Endpoint endpoint, String secret) {}

  /**
   * Creates an endpoint of an account: its URL's form is checked now (an address literal the guard refuses too), the
   * addresses its host resolves to at every delivery. It receives the views finished from now on.
   */
  public synchronized Created create(String accountId, String url) {
    if (url == null || url.isBlank()) {
      throw DomainException.invalid("url: required (the https URL to post finished views to)");
    }
    if (url.length() > 2048) {
      throw DomainException.invalid("url: at most 2048 characters");
    }
    guard.parse(url);
    if (store.endpoints(accountId).size() >= MAX_PER_ACCOUNT) {
      throw DomainException.conflict("an account has at most " + MAX_PER_ACCOUNT + " webhook endpoints: delete one");
    }
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    WebhookStore.Endpoint e = new WebhookStore.Endpoint(HexFormat.of().formatHex(id), accountId, url.strip(),
        clock.instant());
    store.create(e);
    return new Created(e, secret(e.id()));
  }

  public List<WebhookStore.Endpoint> list(String accountId) {
    return store.endpoints(accountId);
  }

  public void delete(String accountId, String endpointId) {
    if (!store.delete(accountId, endpointId)) {
      throw DomainException.notFound("webhook not found");
    }
  }

  /** The secret of an endpoint: {@code whsec_} and the master key's HMAC of its id, the HMAC key of its signatures. */
  String secret(String endpointId) {
    return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(master.derive("webhook:" + endpointId));
  }

  byte[] signingKey(String endpointId) {
    return secret(endpointId).getBytes(StandardCharsets.US_ASCII);
  }

  WebhookStore store() {
    return store;
  }
}
