package io.viewpulse.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How entries are written to the event log: JSON {@code {"beacon": {...}}} or {@code {"stream_event": {...}}}.
 * Unknown fields are ignored on read, so the format can grow.
 */
public final class LogCodec {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private LogCodec() {}

  public static byte[] encode(LogEntry e) {
    ObjectNode root = JSON.createObjectNode();
    root.set(e instanceof Beacon ? "beacon" : "stream_event", JSON.valueToTree(e));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  public static LogEntry decode(byte[] bytes) {
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root.has("beacon")) {
        return JSON.treeToValue(root.get("beacon"), Beacon.class);
      }
      if (root.has("stream_event")) {
        return JSON.treeToValue(root.get("stream_event"), StreamEvent.class);
      }
      throw new IllegalStateException("unknown entry in the event log: " + root.fieldNames().next());
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt entry in the event log", e);
    }
  }
}
