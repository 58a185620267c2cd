package io.viewpulse.model;

import java.time.Instant;

/**
 * Something views belong to: an asset (video on demand) or a stream (live; a {@code channel} or an {@code event}).
 * Every playback id belongs to exactly one media item across all accounts.
 */
public record Media(
    String id,
    String accountId,
    Kind kind,
    String name,
    String playbackId,
    String creatorId,
    String dStorageUrl,
    String streamType,
    Instant createdAt) {

  public enum Kind {
    ASSET,
    STREAM;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
