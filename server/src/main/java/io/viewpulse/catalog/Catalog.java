package io.viewpulse.catalog;

import io.viewpulse.model.DomainException;
import io.viewpulse.model.Media;
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
 *
 * <p>Invariants:
 * <ul>
 *   <li>Media ids are an account's own: two accounts may use the same id, and nothing an account does tells it
 *       whether another uses an id.
 *   <li>A playback id belongs to at most one live item across all accounts (beacons carry nothing else to find their
 *       owner). Once its item is deleted, it stays reserved to that account: another account that took it over would
 *       receive the old players' views, viewer ids included. The owner may use it again.
 * </ul>
 */
public final class Catalog {
  private static final Pattern PLAYBACK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern CREATOR_ID = Pattern.compile("[^\\p{Cntrl}]{1,128}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MediaStore store;
  private final InstantSource clock;
  /** {@code account|id} to the live item. */
  private final Map<String, Media> byId = new ConcurrentHashMap<>();
  private final Map<String, Media> byPlaybackId = new ConcurrentHashMap<>();
  /** Playback ids of deleted items, to the account they stay reserved to. */
  private final Map<String, String> reserved = new ConcurrentHashMap<>();

  private final CustomDimensions custom;

  public Catalog(MediaStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
    this.custom = new CustomDimensions(store, clock);
    refresh();
  }

  /**
   * Reads the items again from the store: what another node (or the command line) created or deleted there is seen
   * here from now on. Entries are added, replaced and removed one by one, so a lookup meanwhile finds the old or the
   * new state of an item, never none of it.
   */
  public synchronized void refresh() {
    List<Media> deleted = store.deleted();
    List<Media> live = store.media();
    Map<String, Media> ids = new java.util.HashMap<>();
    Map<String, Media> playbackIds = new java.util.HashMap<>();
    for (Media m : live) {
      ids.put(key(m.accountId(), m.id()), m);
      playbackIds.put(m.playbackId(), m);
    }
    byId.putAll(ids);
    byId.keySet().retainAll(ids.keySet());
    byPlaybackId.putAll(playbackIds);
    byPlaybackId.keySet().retainAll(playbackIds.keySet());
    for (Media m : deleted) {
      if (!playbackIds.containsKey(m.playbackId())) {
        reserved.put(m.playbackId(), m.accountId());
      }
    }
    reserved.keySet().removeAll(playbackIds.keySet());
    custom.refresh();
  }

  /**
   * The names of an account's custom dimensions by slot: index 0 is slot 1, null where no name was given
   * ({@link io.viewpulse.model.CustomDimension#MAX} entries).
   */
  public List<String> declaredDimensions(String accountId) {
    return custom.names(accountId);
  }

  /** An account's custom dimensions, by slot. */
  public List<io.viewpulse.model.CustomDimension> customDimensions(String accountId) {
    return custom.list(accountId);
  }

  /**
   * Declares a custom dimension of an account, in its next slot: invalid for a bad name or an eleventh, a conflict
   * for a name declared already.
   */
  public io.viewpulse.model.CustomDimension declareDimension(String accountId, String name) {
    return custom.declare(accountId, name);
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

  /**
   * Creates an asset or stream for {@code accountId}.
   *
   * @throws DomainException {@code INVALID} naming the offending field, {@code CONFLICT} when the account has an
   *     item with this id, or the playback id is taken
   */
  public synchronized Media create(String accountId, NewMedia req) {
    if (req.name() == null || req.name().isBlank()) {
      throw DomainException.invalid("name is required");
    }
    if (req.name().length() > 500) {
      throw DomainException.invalid("name is longer than 500 characters");
    }
    String playbackId = req.playbackId() == null ? newPlaybackId() : req.playbackId();
    if (!PLAYBACK_ID.matcher(playbackId).matches()) {
      throw DomainException.invalid(
          "playbackId must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (req.creatorId() != null && !CREATOR_ID.matcher(req.creatorId()).matches()) {
      throw DomainException.invalid("creatorId must be 1 to 128 printable characters");
    }
    String dStorage = null;
    if (req.dStorageUrl() != null) {
      if (req.kind() != Media.Kind.ASSET) {
        throw DomainException.invalid("dStorageUrl applies to assets only");
      }
      dStorage = DStorage.parse(req.dStorageUrl()).orElseThrow(() -> DomainException.invalid(
          "dStorageUrl must be ipfs://<CID> or ar://<transaction id>, got '" + req.dStorageUrl() + "'"));
    }
    String streamType = null;
    if (req.kind() == Media.Kind.STREAM) {
      streamType = req.streamType() == null ? "channel" : req.streamType();
      if (!streamType.equals("channel") && !streamType.equals("event")) {
        throw DomainException.invalid("type must be 'channel' or 'event', got '" + streamType + "'");
      }
    } else if (req.streamType() != null) {
      throw DomainException.invalid("type applies to streams only");
    }
    String id = req.id() == null ? newId(accountId) : req.id();
    if (!ID.matcher(id).matches()) {
      throw DomainException.invalid("id must be 1 to 64 letters, digits, '_' or '-'");
    }
    if (byId.containsKey(key(accountId, id))) {
      throw DomainException.conflict("id " + id + " is already in use");
    }
    String reservedTo = reserved.get(playbackId);
    if (byPlaybackId.containsKey(playbackId) || reservedTo != null && !reservedTo.equals(accountId)) {
      // the same answer whoever holds it: the playback ids in players' URLs are public, but not who owns one
      throw DomainException.conflict("playbackId " + playbackId + " is already in use");
    }
    Media m = new Media(id, accountId, req.kind(), req.name().strip(), playbackId, req.creatorId(),
        dStorage, streamType, clock.instant());
    store.insertMedia(m);
    byId.put(key(accountId, id), m);
    byPlaybackId.put(m.playbackId(), m);
    reserved.remove(playbackId);
    return m;
  }

  /**
   * Deletes an item of {@code accountId}; false when it has no such item. Views already counted are kept, and the
   * playback id stays reserved to the account.
   */
  public synchronized boolean delete(String accountId, String id) {
    Media m = byId.get(key(accountId, id));
    if (m == null || !store.deleteMedia(accountId, id, clock.instant())) {
      return false;
    }
    byId.remove(key(accountId, id));
    byPlaybackId.remove(m.playbackId());
    reserved.put(m.playbackId(), accountId);
    return true;
  }

  /** The item with this id if it belongs to {@code accountId}. */
  public Optional<Media> get(String accountId, String id) {
    return Optional.ofNullable(id == null || accountId == null ? null : byId.get(key(accountId, id)));
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

  private static String key(String accountId, String id) {
    return accountId + '|' + id;
  }

  private String newId(String accountId) {
    String id;
    do {
      id = UUID.randomUUID().toString();
    } while (byId.containsKey(key(accountId, id)));
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
    } while (byPlaybackId.containsKey(id) || reserved.containsKey(id));
    return id;
  }
}
