package io.viewpulse.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewpulse.model.Timeline;
import io.viewpulse.viewership.ViewExplorer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One view opened ({@code GET /api/data/views/{viewId}}): {@code view}, its fields as the explorer lists them, and
 * {@code timeline}: {@code events} in time order, each with its {@code type}, {@code at} (ISO 8601, UTC),
 * {@code offsetMs} (from the view's start as stored, whole seconds) and what its type carries, and {@code dropped}
 * (the events the session's bound left out).
 */
final class ViewTimelineJson {
  private ViewTimelineJson() {}

  /** The view opened, with the account's custom dimensions ({@code customNames} by slot, null where none). */
  static ObjectNode of(ViewExplorer.Opened o, java.util.List<String> customNames) {
    ObjectNode out = Json.object();
    ByteArrayOutputStream row = new ByteArrayOutputStream();
    try (var g = Json.MAPPER.getFactory().createGenerator(row)) {
      ViewRowsJson.write(g, o.row(), customNames, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      out.set("view", Json.MAPPER.readTree(row.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode timeline = out.putObject("timeline");
    var events = timeline.putArray("events");
    for (Timeline.Event e : o.timeline().events()) {
      ObjectNode j = events.addObject();
      j.put("type", e.kind().apiName());
      j.put("at", Instant.ofEpochMilli(e.atMs()).toString());
      j.put("offsetMs", e.atMs() - o.row().startedAtMs());
      switch (e.kind()) {
        case STALL -> j.put("durationMs", e.durationMs()).put("count", e.count());
        case SEEK -> {
          if (e.durationMs() < 0) {
            j.putNull("latencyMs");
          } else {
            j.put("latencyMs", e.durationMs());
          }
        }
        case RENDITION -> {
          rendition(j.putObject("from"), e.from());
          rendition(j.putObject("to"), e.to());
        }
        case ERROR -> j.put("fatal", e.fatal()).put("category", e.category()).put("message", e.message());
        case END -> j.put("cause", e.category());
        default -> {
          // play, first frame, pause: the time is all
        }
      }
    }
    timeline.put("dropped", o.timeline().dropped());
    return out;
  }

  /** A rendition: an unknown bitrate or size is null. */
  private static void rendition(ObjectNode j, Timeline.Rendition r) {
    if (r.bitrateBps() > 0) {
      j.put("bitrateBps", r.bitrateBps());
    } else {
      j.putNull("bitrateBps");
    }
    if (r.width() > 0 && r.height() > 0) {
      j.put("width", r.width()).put("height", r.height());
    } else {
      j.putNull("width").putNull("height");
    }
  }
}
