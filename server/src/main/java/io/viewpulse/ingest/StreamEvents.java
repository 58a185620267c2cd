package io.viewpulse.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.viewpulse.catalog.Catalog;
import io.viewpulse.eventlog.EventLog;
import io.viewpulse.eventlog.LogUnavailableException;
import io.viewpulse.live.LiveStats;
import io.viewpulse.model.LogCodec;
import io.viewpulse.model.Media;
import io.viewpulse.model.StreamEvent;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Events that server-side systems report about an account's live streams: slate served (ad slate, missing-content
 * slate) and authentication failures. Checked whole (one bad event refuses the batch, with its index), then each
 * appended to the event log; the answer waits until all are durable. An event for a minute already closed (its end
 * plus the live grace is past) is valid but would count nowhere: it is not kept, and the answer says how many.
 */
public final class StreamEvents {
  static final int MAX_EVENTS = 1_000;
  private static final Pattern REASON = Pattern.compile("[0-9]{1,9}");
  private static final Pattern SESSION = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private final Catalog catalog;
  private final EventLog log;
  private final InstantSource clock;
  private final long liveGraceMs;
  private final Counter minuteClosed;

  /** @param liveGraceMs how long after its end a minute of live statistics still takes data */
  public StreamEvents(Catalog catalog, EventLog log, InstantSource clock, long liveGraceMs, MeterRegistry metrics) {
    this.catalog = catalog;
    this.log = log;
    this.clock = clock;
    this.liveGraceMs = liveGraceMs;
    this.minuteClosed = Counter.builder("viewpulse_live_events_dropped_total").tag("reason", "minute_closed")
        .description("server-reported live events not kept: their minute of statistics was already closed")
        .register(metrics);
  }

  /**
   * What became of a batch.
   *
   * @param accepted events that are durable and will count
   * @param minuteClosed events whose minute was already closed: they would count nowhere, so they are not kept
   */
  public record Accepted(int accepted, int minuteClosed) {}

  /**
   * Validates and appends a batch {@code {"events": [...]}} for {@code accountId}.
   *
   * @return completes once every accepted event is durable
   * @throws IllegalArgumentException naming the offending event and field
   */
  public CompletableFuture<Accepted> accept(String accountId, JsonNode body) {
    JsonNode events = body == null ? null : body.get("events");
    if (events == null || !events.isArray()) {
      throw new IllegalArgumentException("body must be {\"events\": [...]}");
    }
    if (events.size() > MAX_EVENTS) {
      throw new IllegalArgumentException("at most " + MAX_EVENTS + " events per request, got " + events.size());
    }
    long now = clock.millis();
    List<StreamEvent> parsed = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      parsed.add(parse(accountId, events.get(i), "events[" + i + "]", now));
    }
    List<CompletableFuture<Long>> appends = new ArrayList<>();
    int late = 0;
    for (StreamEvent e : parsed) {
      // slate ends at its timestamp: when that minute is closed, so are all the minutes it covers
      if (LiveStats.minuteClosed(e.timestamp(), now, liveGraceMs)) {
        late++;
      } else {
        appends.add(log.append(e.partitionKey(), LogCodec.encode(e)));
      }
    }
    int minuteClosed = late;
    this.minuteClosed.increment(late);
    return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).handle((v, err) -> {
      if (err != null) {
        Throwable cause = Ingest.cause(err);
        boolean overload = cause instanceof LogUnavailableException lu && lu.isOverload();
        throw new Rejection(overload ? Reason.OVERLOADED : Reason.STORE_UNAVAILABLE,
            overload ? "Viewpulse is overloaded; retry in a few seconds" : "Viewpulse cannot store events right now");
      }
      return new Accepted(parsed.size() - minuteClosed, minuteClosed);
    });
  }

  private StreamEvent parse(String accountId, JsonNode n, String at, long now) {
    if (!n.isObject()) {
      throw new IllegalArgumentException(at + " must be an object");
    }
    String type = text(n, "type", at, true);
    String streamId = text(n, "stream_id", at, true);
    Media stream = catalog.get(accountId, streamId).filter(m -> m.kind() == Media.Kind.STREAM)
        .orElseThrow(() -> new IllegalArgumentException(at + ".stream_id: no stream " + streamId + " in this account"));
    String session = text(n, "session_id", at, false);
    if (session != null && !SESSION.matcher(session).matches()) {
      throw new IllegalArgumentException(at + ".session_id must be 1 to 128 printable ASCII characters");
    }
    long ts = now;
    JsonNode t = n.get("timestamp");
    if (t != null && !t.isNull()) {
      if (!t.canConvertToLong() || !t.isIntegralNumber()) {
        throw new IllegalArgumentException(at + ".timestamp must be Unix milliseconds");
      }
      ts = t.asLong();
      if (ts > now + EventChecks.MAX_FUTURE_MS || ts < now - 24 * 3_600_000L) {
        throw new IllegalArgumentException(at + ".timestamp must be within the last 24 hours");
      }
    }
    switch (type) {
      case "auth_failure" -> {
        return new StreamEvent(StreamEvent.Type.AUTH_FAILURE, accountId, streamId, stream.playbackId(), session,
            null, null, 0, ts, now);
      }
      case "slate" -> {
        if (session == null) {
          throw new IllegalArgumentException(at + ".session_id is required for slate");
        }
        String kind = text(n, "kind", at, true).toLowerCase(Locale.ROOT);
        if (!kind.equals("ad_slate") && !kind.equals("mcs")) {
          throw new IllegalArgumentException(at + ".kind must be ad_slate or mcs, got '" + kind + "'");
        }
        JsonNode r = n.get("reason");
        String reason = r == null || r.isNull() ? null : r.isIntegralNumber() ? r.asText() : r.isTextual()
            ? r.asText() : null;
        if (reason == null || !REASON.matcher(reason).matches()) {
          throw new IllegalArgumentException(at + ".reason must be a numeric reason code");
        }
        JsonNode sec = n.get("seconds");
        if (sec == null || !sec.isNumber() || !(sec.asDouble() > 0) || sec.asDouble() > 3600) {
          throw new IllegalArgumentException(at + ".seconds must be a number of seconds above 0 and at most 3600");
        }
        return new StreamEvent(StreamEvent.Type.SLATE, accountId, streamId, stream.playbackId(), session, kind,
            reason, sec.asDouble(), ts, now);
      }
      default -> throw new IllegalArgumentException(at + ".type must be slate or auth_failure, got '" + type + "'");
    }
  }

  private static String text(JsonNode n, String field, String at, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException(at + "." + field + " is required");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().isEmpty() || v.asText().length() > 128) {
      throw new IllegalArgumentException(at + "." + field + " must be a string of 1 to 128 characters");
    }
    return v.asText();
  }
}
