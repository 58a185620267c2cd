package io.viewpulse.viewership;

import io.viewpulse.model.DomainException;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.live.LiveStats;
import io.viewpulse.live.MinuteRow;
import io.viewpulse.live.MinuteStats;
import io.viewpulse.model.Media;
import io.viewpulse.query.LiveMinuteReader;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Live statistics of an account's streams, as Uplynk serves them: the last closed minute with data, if it is less than
 * 24 hours old. Ids that are not the account's streams answer like streams without data, so another account's ids
 * reveal nothing.
 */
public final class StreamStats {
  /** Statistics stay available this long after the last minute with viewers. */
  public static final Duration AVAILABLE_FOR = Duration.ofHours(24);
  /** A series may span at most this much per call. */
  public static final Duration MAX_SERIES = Duration.ofHours(24);
  public static final int MAX_IDS = 1_000;

  private final Catalog catalog;
  private final LiveMinuteReader store;
  private final InstantSource clock;

  public StreamStats(Catalog catalog, LiveMinuteReader store, InstantSource clock) {
    this.catalog = catalog;
    this.store = store;
    this.clock = clock;
  }

  /**
   * One stream's latest minute.
   *
   * @param type the stream's type (channel or event), null when the id is not the account's stream
   * @param minuteEnd end of the minute the stats cover (Uplynk's {@code ts}), null without data
   * @param stats what happened in the minute, null without data
   */
  public record Item(String id, String type, Long minuteEnd, MinuteStats stats) {}

  public List<Item> latest(String accountId, List<String> ids) {
    if (ids.size() > MAX_IDS) {
      throw DomainException.invalid("at most " + MAX_IDS + " stream ids per request, got " + ids.size());
    }
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(ids));
    List<String> mine = unique.stream().filter(id -> stream(accountId, id) != null).toList();
    long since = clock.millis() - AVAILABLE_FOR.toMillis() - LiveStats.MINUTE;
    Map<String, MinuteRow> rows = store.latest(accountId, mine, since);
    List<Item> out = new ArrayList<>();
    for (String id : ids) {
      Media m = stream(accountId, id);
      MinuteRow r = rows.get(id);
      out.add(new Item(id, m == null ? null : m.streamType(), r == null ? null : r.minuteStart() + LiveStats.MINUTE,
          r == null ? null : r.stats()));
    }
    return out;
  }

  /** A stream's minutes ending in {@code [from, to)}, oldest first (default: the last hour). */
  public List<Item> series(String accountId, String id, Instant from, Instant to) {
    Instant end = to == null ? clock.instant() : to;
    Instant start = from == null ? end.minus(Duration.ofHours(1)) : from;
    if (!start.isBefore(end)) {
      throw DomainException.invalid("from must be before to");
    }
    if (Duration.between(start, end).compareTo(MAX_SERIES) > 0) {
      throw DomainException.invalid("a series spans at most 24 hours per call");
    }
    Media m = stream(accountId, id);
    if (m == null) {
      throw DomainException.notFound("stream not found");
    }
    List<Item> out = new ArrayList<>();
    for (MinuteRow r : store.series(accountId, id, start.toEpochMilli() - LiveStats.MINUTE,
        end.toEpochMilli() - LiveStats.MINUTE)) {
      out.add(new Item(id, m.streamType(), r.minuteStart() + LiveStats.MINUTE, r.stats()));
    }
    return out;
  }

  private Media stream(String accountId, String id) {
    return catalog.get(accountId, id).filter(m -> m.kind() == Media.Kind.STREAM).orElse(null);
  }
}
