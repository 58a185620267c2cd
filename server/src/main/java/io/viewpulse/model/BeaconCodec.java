package io.viewpulse.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** How beacons are written to the event log. Unknown fields are ignored on read, so the format can grow. */
public final class BeaconCodec {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private BeaconCodec() {}

  public static byte[] encode(Beacon b) {
    try {
      return JSON.writeValueAsBytes(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Beacon decode(byte[] bytes) {
    try {
      return JSON.readValue(bytes, Beacon.class);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt beacon in the event log", e);
    }
  }
}
