package io.viewpulse.model;

/**
 * One view as the store keeps it: the facts of a playback session, with every metric already reduced to a per-view
 * value. How those values are derived from player events is defined once, in the sessions package; how they are
 * aggregated into API metrics is defined once, in the store's query builder.
 *
 * @param viewId identifies the view for good: derived from its session and start, so that deciding the same view again
 *     (a replay of the event log) gives the same id
 * @param startedAtMs time of the session's first event (engagement is counted by view start)
 * @param endedAtMs time of the last event when the view has ended, else null
 * @param ttffMs play-to-first-frame of the view, null when no first frame was reported
 * @param rebufferMs stalled plus waiting time after the first frame
 * @param ended the view is over (ended event, the page's last beacon, or the inactivity timeout)
 * @param quality the playback-quality facts beyond Livepeer's
 */
public record ViewRecord(
    long viewId,
    String accountId,
    String playbackId,
    String creatorId,
    String dStorageUrl,
    String viewerId,
    long startedAtMs,
    Long endedAtMs,
    Dimensions dims,
    String domain,
    boolean live,
    long playtimeMs,
    Integer ttffMs,
    long rebufferMs,
    int errors,
    boolean firstFrame,
    boolean ended,
    ViewQuality quality) {

  /** A view with Livepeer's facts only: its errors taken as fatal ({@link ViewQuality#ofErrors}). */
  public ViewRecord(long viewId, String accountId, String playbackId, String creatorId, String dStorageUrl,
      String viewerId, long startedAtMs, Long endedAtMs, Dimensions dims, String domain, boolean live, long playtimeMs,
      Integer ttffMs, long rebufferMs, int errors, boolean firstFrame, boolean ended) {
    this(viewId, accountId, playbackId, creatorId, dStorageUrl, viewerId, startedAtMs, endedAtMs, dims, domain, live,
        playtimeMs, ttffMs, rebufferMs, errors, firstFrame, ended, ViewQuality.ofErrors(errors, firstFrame));
  }
}
