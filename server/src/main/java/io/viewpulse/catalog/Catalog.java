package io.viewpulse.catalog;

import io.viewpulse.model.Media;
import io.viewpulse.store.AdminStore;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The assets and streams of every account, and the index from playback id to owner that ingest consults for every
 * beacon. Reads are lock-free map lookups; writes go to the store first, then to the maps.
 */
public final class Catalog {
  private static final Pattern PLAYBACK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern CREATOR_ID = Pattern.compile("[^\\p{Cntrl}]{1,128}");
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AdminStore store;
  private final InstantSource clock;
  private final Map<String, Media> byId = new ConcurrentHashMap<>();
  private final Map<String, Media> byPlaybackId = new ConcurrentHashMap<>();

  public Catalog(AdminStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
    for (Media m : store.media()) {
      byId.put(m.id(), m);
      byPlaybackId.put(m.playbackId(), m);
    }
  }

  /**
   * What a caller asks to create; null fields take defaults (a generated id and playback id). A given id lets
   * operators keep the ids another system knows the stream by (Uplynk's 32-character ids, say).
   */
  public record NewMedia(Media.Kind kind, String id, String name, String playbackId, String creatorId,
      String dStorageUrl, String streamType) {
    public NewMedia(Media.Kind kind, String name, String playbackId, String creatorId, String dStorageUrl,
        String streamType) {
      this(kind, null, name, playbackId, creatorId, dStorageUrl, streamType);
    }
  }

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  /**
   * Creates an asset or stream for {@code accountId}.
   *
   * @throws IllegalArgumentException naming the offending field
   * @throws ConflictException when the playback id is taken
   */
  public synchronized Media create(String accountId, NewMedia req) {
    if (req.name() == null || req.name().isBlank()) {
      throw new IllegalArgumentException("name is required");
    }
    if (req.name().length() > 500) {
      throw new IllegalArgumentException("name is longer than 500 characters");
    }
    String playbackId = req.playbackId() == null ? newPlaybackId() : req.playbackId();
    if (!PLAYBACK_ID.matcher(playbackId).matches()) {
      throw new IllegalArgumentException(
          "playbackId must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (req.creatorId() != null && !CREATOR_ID.matcher(req.creatorId()).matches()) {
      throw new IllegalArgumentException("creatorId must be 1 to 128 printable characters");
    }
    String dStorage = null;
    if (req.dStorageUrl() != null) {
      if (req.kind() != Media.Kind.ASSET) {
        throw new IllegalArgumentException("dStorageUrl applies to assets only");
      }
      dStorage = DStorage.parse(req.dStorageUrl())
          .orElseThrow(() -> new IllegalArgumentException(
              "dStorageUrl must be ipfs://<CID> or ar://<transaction id>, got '" + req.dStorageUrl() + "'"));
    }
    String streamType = null;
    if (req.kind() == Media.Kind.STREAM) {
      streamType = req.streamType() == null ? "channel" : req.streamType();
      if (!streamType.equals("channel") && !streamType.equals("event")) {
        throw new IllegalArgumentException("type must be 'channel' or 'event', got '" + streamType + "'");
      }
    } else if (req.streamType() != null) {
      throw new IllegalArgumentException("type applies to streams only");
    }
    if (byPlaybackId.containsKey(playbackId)) {
      throw new ConflictException("playbackId " + playbackId + " is already in use");
    }
    String id = req.id() == null ? newId(req.kind()) : req.id();
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must be 1 to 64 letters, digits, '_' or '-'");
    }
    if (byId.containsKey(id)) {
      throw new ConflictException("id " + id + " is already in use");
    }
    Media m = new Media(id, accountId, req.kind(), req.name().strip(), playbackId, req.creatorId(),
        dStorage, streamType, clock.instant());
    store.insertMedia(m);
    byId.put(m.id(), m);
    byPlaybackId.put(m.playbackId(), m);
    return m;
  }

  /** Deletes an item of {@code accountId}; false when it has no such item. Views already counted are kept. */
  public synchronized boolean delete(String accountId, String id) {
    Media m = byId.get(id);
    if (m == null || !m.accountId().equals(accountId)) {
      return false;
    }
    store.deleteMedia(id);
    byId.remove(id);
    byPlaybackId.remove(m.playbackId());
    return true;
  }

  /** The item with this id if it belongs to {@code accountId}. */
  public Optional<Media> get(String accountId, String id) {
    Media m = id == null ? null : byId.get(id);
    return m != null && m.accountId().equals(accountId) ? Optional.of(m) : Optional.empty();
  }

  /** Who owns a playback id, across all accounts. */
  public Optional<Media> byPlaybackId(String playbackId) {
    return Optional.ofNullable(playbackId == null ? null : byPlaybackId.get(playbackId));
  }

  /** An account's items of one kind (all kinds when null), oldest first. */
  public List<Media> list(String accountId, Media.Kind kind) {
    return byId.values().stream()
        .filter(m -> m.accountId().equals(accountId) && (kind == null || m.kind() == kind))
        .sorted(Comparator.comparing(Media::createdAt).thenComparing(Media::id))
        .toList();
  }

  private String newId(Media.Kind kind) {
    String id;
    do {
      id = UUID.randomUUID().toString();
    } while (byId.containsKey(id));
    return id;
  }

  private String newPlaybackId() {
    String id;
    do {
      char[] c = new char[16];
      for (int i = 0; i < c.length; i++) {
        c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
      }
      id = new String(c);
    } while (byPlaybackId.containsKey(id));
    return id;
  }
}
