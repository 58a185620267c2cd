package io.viewpulse.client;

/**
 * What to create: only {@code name} is required. {@code dStorageUrl} is for assets, {@code type} (channel or event)
 * for streams.
 */
public record NewMedia(String id, String name, String playbackId, String creatorId, String dStorageUrl, String type) {
  public static NewMedia named(String name) {
    return new NewMedia(null, name, null, null, null, null);
  }

  public NewMedia withPlaybackId(String v) {
    return new NewMedia(id, name, v, creatorId, dStorageUrl, type);
  }

  public NewMedia withId(String v) {
    return new NewMedia(v, name, playbackId, creatorId, dStorageUrl, type);
  }

  public NewMedia withCreatorId(String v) {
    return new NewMedia(id, name, playbackId, v, dStorageUrl, type);
  }

  public NewMedia withDStorageUrl(String v) {
    return new NewMedia(id, name, playbackId, creatorId, v, type);
  }

  public NewMedia withType(String v) {
    return new NewMedia(id, name, playbackId, creatorId, dStorageUrl, v);
  }
}
