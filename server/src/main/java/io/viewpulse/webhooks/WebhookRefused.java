package io.viewpulse.webhooks;

import io.viewpulse.model.DomainException;

/** A webhook URL the server will not fetch, and why (its message names the address and what it is). */
public final class WebhookRefused extends DomainException {
  private static final long serialVersionUID = 1L;

  WebhookRefused(String reason) {
    super(Kind.INVALID, reason);
  }
}
