package io.viewpulse.client;

import java.time.Instant;

/**
 * An asset or a stream of the account.
 *
 * @param type {@code channel} or {@code event} for a stream, null for an asset
 */
public record Media(String id, String name, String playbackId, String creatorId, String dStorageUrl, String type,
    Instant createdAt) {}
