package io.viewpulse.savedviews;

import java.time.Instant;

/**
 * A dashboard view an account keeps under a name: {@code state} is the dashboard's state as it wrote it (its address
 * fragment), which the server keeps as it is and never reads; {@code keyId} is the API key that saved it.
 */
public record SavedView(String accountId, String id, String name, String state, Instant createdAt, String keyId) {}
