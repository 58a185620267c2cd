package io.viewpulse.ingest;

import io.viewpulse.model.EventType;
import io.viewpulse.model.Heartbeat;
import io.viewpulse.model.PlayerEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * What one CMCD report says in the events of the beacon model, so that CMCD sessions become views by the rules every
 * beacon follows ({@code sessions.ViewState}, which also says what a play state does to a view). This is the whole
 * mapping; the README's table is its summary.
 *
 * <ul>
 *   <li>{@code sta}: a {@link EventType#PLAY_STATE} event at the report's time, carrying {@code msd} when the report
 *       has one. Not from a response-received report ({@code e=rr}): its {@code ts} is when the request started, not
 *       when the player was in that state.
 *   <li>{@code ec}: an {@code error} event per code, with the code as its id, so a code that players repeat on every
 *       later report (the key persists) counts once; else {@code sta=f} (fatal): one {@code error} event; else an
 *       error event ({@code e=e}) without a code: one {@code error} event.
 *   <li>Without {@code sta} (CMCD v1, or a player that leaves the key out): {@code bsd} is a heartbeat with that much
 *       stalled time, {@code bs} a heartbeat with one stall and no known duration (with {@code sta}, the
 *       {@code r} intervals are the stalls, and these would count them twice). In request mode, a request for media
 *       ({@code ot} a, v or av; without {@code ot}, one with a bitrate or duration) with {@code su} is a play event
 *       (the player is starting, seeking or recovering); one without {@code su} is a first frame without a known
 *       TTFF: CTA-5004 says the media "SHOULD not be rendering" when {@code su} is sent, so media requested without
 *       it is for playback under way.
 * </ul>
 *
 * <p>Everything else is validated and kept in the {@link CmcdReport} only: no stored metric uses it yet. A report
 * without {@code ts} (request mode) is placed at its arrival.
 */
final class CmcdMapping {
  private CmcdMapping() {}

  /**
   * @param arrivedAtMs server time of the request that carried it
   * @param requestMode carried by a media request (forwarded), not POSTed by the player
   */
  static List<PlayerEvent> events(CmcdReport r, long arrivedAtMs, boolean requestMode) {
    long ts = r.ts() != null ? r.ts() : arrivedAtMs;
    boolean response = "rr".equals(r.event());
    List<PlayerEvent> out = new ArrayList<>(2);
    if (r.state() != 0 && !response) {
      Heartbeat msd = r.startDelayMs() == null ? null
          : new Heartbeat(0, 0, 0, 0, 0, 0, 0, 0, 0, r.startDelayMs(), null, null);
      out.add(new PlayerEvent(null, EventType.PLAY_STATE, ts, msd, String.valueOf(r.state()), null));
    }
    if (!r.errorCodes().isEmpty()) {
      for (String code : r.errorCodes()) {
        out.add(new PlayerEvent(errorId(code), EventType.ERROR, ts, null, null, code));
      }
    } else if (r.state() == 'f' && !response) {
      out.add(new PlayerEvent("cmcd-fatal", EventType.ERROR, ts, null, null, "fatal"));
    } else if ("e".equals(r.event())) {
      out.add(new PlayerEvent(null, EventType.ERROR, ts, null, null, null));
    }
    if (r.state() == 0 && !response) {
      if (r.starvationMs() != null && r.starvationMs() > 0) {
        out.add(new PlayerEvent(null, EventType.HEARTBEAT, ts,
            new Heartbeat(0, 0, 1, 0, 0, 0, r.starvationMs(), 0, 0, null, null, null), null, null));
      } else if (r.bufferStarved()) {
        out.add(new PlayerEvent(null, EventType.HEARTBEAT, ts,
            new Heartbeat(0, 0, 1, 0, 0, 0, 0, 0, 0, null, null, null), null, null));
      }
      if (requestMode && r.mediaObject()) {
        out.add(new PlayerEvent(null, r.startup() ? EventType.PLAY : EventType.FIRST_FRAME, ts, null, null, null));
      }
    }
    return out;
  }

  /** An error code's event id: bounded like any event id (1 to 128 printable ASCII without spaces). */
  private static String errorId(String code) {
    StringBuilder b = new StringBuilder("cmcd-ec:");
    for (int i = 0; i < code.length() && b.length() < 128; i++) {
      char c = code.charAt(i);
      b.append(c > 0x20 && c < 0x7f ? c : '_');
    }
    return b.toString();
  }
}
