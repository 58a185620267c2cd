package io.viewpulse.model;

/**
 * An event a server-side system (packager, SSAI, origin) reports about a live stream: slate it served to a session, or
 * an authentication failure.
 *
 * @param playbackId the stream's playback id
 * @param sessionId the player session it concerns (players send it to media servers as the {@code tkn} query
 *     parameter); optional for auth failures
 * @param slateKind for slate: {@code ad_slate} or {@code mcs} (missing-content slate); else null
 * @param reason for slate: the numeric reason code, as a string; else null
 * @param seconds for slate: seconds of slate served; else 0
 * @param timestamp when it happened, Unix ms
 */
public record StreamEvent(
    Type type,
    String accountId,
    String streamId,
    String playbackId,
    String sessionId,
    String slateKind,
    String reason,
    double seconds,
    long timestamp,
    long receivedAtMs) implements LogEntry {

  /** The session id bounded as a beacon's is ({@link Bounded#sessionId}), so that it finds the same session. */
  public StreamEvent {
    sessionId = Bounded.sessionId(sessionId);
  }

  /** The kinds of stream event. */
  public enum Type {
    SLATE,
    AUTH_FAILURE
  }

  @Override
  public String partitionKey() {
    return sessionId == null ? accountId + '|' + streamId : accountId + '|' + playbackId + '|' + sessionId;
  }
}
