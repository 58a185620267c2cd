package io.viewpulse.client;

import java.time.Instant;

/**
 * A webhook endpoint of the account: every finished view is posted to its URL, signed.
 *
 * @param secret the signing secret, given only by {@link Viewpulse#createWebhook} (null when listed)
 */
public record Webhook(String id, String url, Instant createdAt, String secret) {}
