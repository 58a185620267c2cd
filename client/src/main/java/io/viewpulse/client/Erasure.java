package io.viewpulse.client;

import java.time.Instant;

/**
 * The record of an erasure of a viewer: the id of the key that asked, when, and how many views went. Nothing of the
 * viewer is kept.
 */
public record Erasure(String keyId, Instant erasedAt, long views) {}
