package io.viewpulse.sessions;

import io.viewpulse.model.Beacon;
import io.viewpulse.model.Bounded;
import io.viewpulse.model.Dimensions;
import io.viewpulse.model.EventType;
import io.viewpulse.model.Heartbeat;
import io.viewpulse.model.PlayerEvent;
import io.viewpulse.model.VideoSample;
import io.viewpulse.model.ViewQuality;
import io.viewpulse.model.ViewRecord;

/**
 * One playback session and what it amounts to as a view. This class is the single definition of the per-view facts
 * that every metric is computed from.
 *
 * <ul>
 *   <li>Play intent, Livepeer's definition of a view ("the video either played, stalled, or encountered an error"):
 *       a play or first-frame event, playing, stalled or waiting time (or count), or an error. A session that only
 *       mounted is not a view.
 *   <li>Playtime: the players' {@code time_playing_ms}, at most the time the session's events span plus what one
 *       heartbeat may report ({@link Heartbeat#MAX_DURATION_MS}). No player plays longer than that, so a larger sum
 *       comes from many implausible heartbeats (each within bounds on its own), not from viewing. Rebuffer time
 *       likewise.
 *   <li>TTFF: {@code play_to_first_frame_ms}, the first one reported.
 *   <li>Rebuffer: stalled or waiting time after the first frame, the larger of the two in each heartbeat. Livepeer's
 *       player runs a stalled and a waiting timer side by side and stops both when playback resumes; one rebuffer
 *       whose download also stalls runs both, the stall inside the wait, so their sum would count it twice. The
 *       heartbeat that reports the first frame also covers the startup, so its stall/wait time minus the TTFF counts;
 *       heartbeats before it count nothing. When the first frame becomes known late (batches out of order), the
 *       remembered heartbeats are classified again.
 *   <li>Rebuffers (how many): a heartbeat's larger of its stalled and waiting counts, counted as its time is: in full
 *       after the first frame, none before it, and in the heartbeat that reports the first frame all but one (the
 *       startup's own wait, which players count as a wait).
 *   <li>The video shown (heartbeats' {@link VideoSample}s): the video's and player's sizes and the rendition's
 *       bitrate are sent when they change, so the view keeps the last reported (by heartbeat time); a heartbeat's
 *       playing time counts at the bitrate and scaling in effect once it is applied. The scaling factor is the one
 *       that fits the video into the player keeping its aspect ratio, the smaller of the width and height ratios;
 *       above 1 it is upscaling (by the factor less 1), below 1 downscaling (by 1 less the factor). Dropped and
 *       decoded frames and rendition switches up and down are heartbeat counts, upserted as the rest.
 *   <li>Seeks: the {@code seek} events that carry a latency (from seeking to playing again, or to the frame shown when
 *       paused: Viewpulse's collector measures it), their number and their latencies summed.
 *   <li>Errors: the larger of the error events received and the heartbeats' error counts, whose sum saturates
 *       rather than wrap to a negative count. Livepeer's {@code errorRate} counts them all.
 *   <li>Fatal and non-fatal errors (the failures split of CTA-2066 and Mux). An {@code error} event is fatal unless
 *       its category says the player recovered ({@link #RECOVERED_CATEGORIES}: Livepeer's player reports
 *       {@code fallback} when it switches to another source and plays on); {@code warning} events and the
 *       heartbeats' {@code warnings} are non-fatal. Errors the heartbeats count beyond the error events received
 *       (their events were lost) are of unknown kind and taken as fatal. A view failed to start when its earliest
 *       fatal error came before its first frame (by event time) or it never had one, and failed after starting
 *       otherwise. Non-fatal errors: the larger of the warning events and the heartbeats' warning counts, plus the
 *       recovered errors.
 *   <li>Ended: an {@code ended} event, the page's last beacon (sendBeacon), or a timeout; any later event reopens it.
 * </ul>
 *
 * <p>Play states (CMCD, {@link EventType#PLAY_STATE}). A CMCD player reports the state it is in and when, not
 * durations: the time from one state report to the next, in the reports' times, belongs to the earlier state. Time in
 * {@code p} (playing) is playtime; time in {@code r} (rebuffering) after the first frame is rebuffer time (before it,
 * startup), and each entry into {@code r} after the first frame one rebuffer; seeking, paused, waiting and the rest count as neither. One interval counts at most
 * {@link #MAX_STATE_INTERVAL_MS}: no session lives longer than that without a report (the idle timeout), so a longer
 * gap is a clock that jumped. A report older than the state already known is late (reports are separate requests,
 * which may overtake one another): its interval is lost, and nothing of it but a start delay changes the facts, so a
 * re-sent report counts once. {@code s}, {@code p} and {@code r} are play intent. The first {@code p} is the first
 * frame; TTFF is the media start delay ({@code msd}) when the player reports one on or after the first frame (an
 * {@code msd} reported while still starting cannot be one: dash.js 5.2 sends such), else the time from the first
 * {@code s} (or, for players that report none, the first {@code r}) to the first {@code p}. {@code e} (ended) and
 * {@code q} (quit) end the view; {@code s}, {@code p} or {@code r} after them reopen it, as a play event does. The rest
 * of CMCD's mapping (errors, stalls without states, requests of media) is in {@code ingest.CmcdMapping}.
 *
 * <p>Memory. What a session keeps of what its player sent is bounded ({@link Bounded}, applied to every
 * {@link Beacon}): the session id in its key and the viewer id at most {@link Bounded#MAX_ID} characters or a
 * fixed-length hash, the page domain and media host at most {@link Bounded#MAX_HOST}; the other strings are the
 * catalog's (account, playback id, creator) or shared dimensions. So a session's heap has an upper bound. Its parts are
 * kept as small as their values: the remembered heartbeats in one array of ints ({@link HeartbeatSlots}), the facts
 * few sessions have in side objects made at their first ({@link Rare}, {@link Reported}), the event-id hashes in an
 * array that grows.
 *
 * <p>Timeline. What the player reported is also kept event by event ({@link io.viewpulse.model.Timeline.Recorder}, at
 * most {@link io.viewpulse.model.Timeline#MAX_BYTES} encoded, the rest counted as dropped): play and pause events,
 * the first frame (an event, the heartbeat that first reports one, or the first {@code p}), stalls (a heartbeat's
 * rebuffers as counted above, at its time, with their time and number; or a CMCD {@code r} after the first frame,
 * from its start to the next state), seeks, rendition switches (a heartbeat whose bitrate or video size differs from
 * the one known), errors and warnings with their kind, and the end. Duplicates are left out as for the facts.
 *
 * <p>Audience retention. Which percents of an on-demand video's duration the view watched, and how often (replays
 * count), from its heartbeats' playheads or, without them, their playing time ({@link Watched}).
 *
 * <p>Duplicates. Players re-send failed batches with the same event ids, and a heartbeat re-sent under an id already
 * seen carries the cumulative values of the heartbeats merged into it, with a newer timestamp. So heartbeats are
 * upserted: the newest version of an id replaces the older one's contribution, never adds to it. Other events are
 * counted once per id. Both are remembered for a bounded window (the last {@link #HEARTBEAT_SLOTS} heartbeats and the
 * last {@link #EVENT_IDS} other events), which covers the players' re-send patterns at a fixed cost per session.
 */
final class ViewState {
  static final int HEARTBEAT_SLOTS = 4;
  static final int EVENT_IDS = 16;
  static final long UNSET = Long.MIN_VALUE;
  static final long NO_FIRST_FRAME = -1;
  static final long FRAME_WITHOUT_TTFF = -2;
  /** Error categories of errors the player recovered from: non-fatal. */
  static final java.util.Set<String> RECOVERED_CATEGORIES = java.util.Set.of("fallback");
  /** The most one interval between two play-state reports counts: the default idle timeout. */
  static final long MAX_STATE_INTERVAL_MS = 10 * 60_000L;

  final String key;
  final String accountId;
  final String mediaId;
  final String playbackId;
  final String creatorId;
  final String dStorageUrl;
  String viewerId;
  String domain;
  String sourceHost;
  String region;
  Dimensions dims;
  boolean live;

  long startedAt = UNSET;
  /** Server-clock estimate of the session's start: arrival of its first beacon minus the span of its events. */
  long startServerMs = UNSET;
  /** Playing time the last applied heartbeat added (a re-sent version adds only its growth); for live minutes. */
  long lastPlayingDelta;
  long lastEventAt = UNSET;
  long lastPlayingAt = UNSET;
  long seenAt;
  long firstFrameAt = UNSET;
  long endedAt = UNSET;
  boolean playIntent;
  boolean firstFrame;
  int ttffMs = -1;
  long playingMs;
  long rebufferMs;
  int rebufferCount;
  /** The video's and the player's sizes last reported (0: unknown), and the times of the heartbeats that said so. */
  int videoW;
  int videoH;
  int playerW;
  int playerH;
  long videoSizeAt = UNSET;
  long playerSizeAt = UNSET;
  /**
   * The video facts of {@link ViewQuality} from the sizes; the scalings in thousandths of a millisecond. Those from the
   * bitrate, frames and switches are in {@link Reported}.
   */
  long scaleMs;
  long upscaleUnits;
  long downscaleUnits;
  /** The largest upscaling of a heartbeat with playing time; a re-sent heartbeat does not take it back. */
  double maxUpscale;
  boolean endedByPlayer;
  boolean lastOfPage;
  /** Latest event time of the page's last beacons: only newer events reopen the view. */
  long lastOfPageAt = UNSET;
  boolean timedOut;
  /** The session plays a live stream of the catalog (recomputed after a restart, not stored). */
  boolean onStream;
  /** What happened, event by event, bounded ({@link io.viewpulse.model.Timeline.Recorder}). */
  io.viewpulse.model.Timeline.Recorder timeline = new io.viewpulse.model.Timeline.Recorder();
  /** Which parts of an on-demand video the view watched, and how often ({@link Watched}). */
  Watched watched = new Watched();
  /** Errors, warnings, seeks and CMCD play states, null while the session had none ({@link Rare}). */
  private Rare rare;
  /** {@link #viewId()} once computed (0 before); derived, not stored. */
  private long viewId;

  /**
   * 32-bit hashes of recent event ids: a collision among 16 ids of one session is a one-in-a-hundred-million event.
   * The array grows to {@link #EVENT_IDS} as ids come: most sessions send few events besides heartbeats.
   */
  int[] eventIds = new int[2];
  int eventIdCount;
  /** The remembered heartbeats with their share of the facts ({@link HeartbeatSlots}). */
  final HeartbeatSlots slots = new HeartbeatSlots();
  /** The bitrate, frames and switches reported, null while none was ({@link Reported}). */
  private Reported reported;

  /** The reported video facts to read: the session's own, or the initial values. */
  Reported rp() {
    return reported == null ? Reported.NONE : reported;
  }

  /** The reported video facts to write, made at the first write. */
  Reported reported() {
    if (reported == null) {
      reported = new Reported();
    }
    return reported;
  }

  /** The session's rare facts to read: its own, or the initial values. */
  Rare r() {
    return rare == null ? Rare.NONE : rare;
  }

  /** The session's rare facts to write, made at the first write. */
  Rare rare() {
    if (rare == null) {
      rare = new Rare();
    }
    return rare;
  }

  /** Drops the rare facts and the reported video facts when they are all initial (after a restore wrote them). */
  void compact() {
    if (rare != null && rare.initial()) {
      rare = null;
    }
    if (reported != null && reported.initial()) {
      reported = null;
    }
  }

  ViewState(String key, Beacon b) {
    this.key = key;
    this.accountId = b.accountId();
    this.mediaId = b.mediaId();
    this.playbackId = b.playbackId();
    this.creatorId = b.creatorId();
    this.dStorageUrl = b.dStorageUrl();
    this.viewerId = b.viewerId();
    this.domain = b.domain();
    this.sourceHost = b.sourceHost();
    this.region = b.region();
    this.dims = b.dims();
    this.live = b.live();
  }

  /**
   * Restores the identity fields; counters are filled in by the codec. The key's session id is bounded as a beacon's
   * is ({@link Bounded#sessionId}): a snapshot written before ids were bounded still meets its session's beacons.
   */
  ViewState(String key, String accountId, String mediaId, String playbackId, String creatorId, String dStorageUrl) {
    int sessionAt = accountId.length() + playbackId.length() + 2;
    this.key = key.length() - sessionAt <= Bounded.MAX_ID || !key.startsWith(accountId + '|' + playbackId + '|') ? key
        : accountId + '|' + playbackId + '|' + Bounded.sessionId(key.substring(sessionAt));
    this.accountId = accountId;
    this.mediaId = mediaId;
    this.playbackId = playbackId;
    this.creatorId = creatorId;
    this.dStorageUrl = dStorageUrl;
  }

  /** The player's session id: the last part of the key (not kept twice). */
  String sessionId() {
    return key.substring(key.lastIndexOf('|') + 1);
  }

  static String keyOf(Beacon b) {
    return b.accountId() + '|' + b.playbackId() + '|' + b.sessionId();
  }

  /** Folds in a beacon's session fields (the latest beacon wins for the ones that can change). */
  void touch(Beacon b) {
    seenAt = Math.max(seenAt, b.receivedAtMs());
    live |= b.live();
    if (b.domain() != null) {
      domain = b.domain();
    }
    if (b.sourceHost() != null) {
      sourceHost = b.sourceHost();
    }
    if (startServerMs == UNSET) {
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (PlayerEvent e : b.events()) {
        min = Math.min(min, e.timestamp());
        max = Math.max(max, e.timestamp());
      }
      startServerMs = b.receivedAtMs() - (b.events().isEmpty() ? 0 : Math.min(max - min, 600_000));
    }
    if (b.dims() != null) {
      // a player may send its custom dimensions with its first beacon only: they stay until it sends others
      dims = b.dims().over(dims);
    }
    if (b.region() != null) {
      region = b.region();
    }
    viewerId = b.viewerId();
  }

  /**
   * Applies one event.
   *
   * @return false when it was a duplicate and changed nothing
   */
  boolean apply(PlayerEvent e) {
    long id = e.id() == null ? 0 : hash(e.id());
    if (e.type() == EventType.PLAY_STATE) {
      if (!applyState(e)) {
        return false;
      }
    } else if (e.type() == EventType.HEARTBEAT) {
      if (!applyHeartbeat(id, e)) {
        return false;
      }
    } else {
      if (e.id() != null && seen(id)) {
        return false;
      }
      if (e.id() != null) {
        remember(id);
      }
      applyOther(e);
    }
    long ts = e.timestamp();
    startedAt = startedAt == UNSET ? ts : Math.min(startedAt, ts);
    lastEventAt = lastEventAt == UNSET ? ts : Math.max(lastEventAt, ts);
    return true;
  }

  private void applyOther(PlayerEvent e) {
    switch (e.type()) {
      case PLAY -> {
        timeline.play(e.timestamp());
        playIntent = true;
        lastPlayingAt = Math.max(lastPlayingAt, e.timestamp());
        if (endedByPlayer && e.timestamp() > endedAt) {
          endedByPlayer = false;
        }
      }
      case FIRST_FRAME -> {
        timeline.firstFrame(e.timestamp());
        playIntent = true;
        firstFrame = true;
        long before = firstFrameAt;
        firstFrameAt = firstFrameAt == UNSET ? e.timestamp() : Math.min(firstFrameAt, e.timestamp());
        if (firstFrameAt != before) {
          reclassify();
        }
      }
      case ERROR -> {
        playIntent = true;
        Rare r = rare();
        r.errorEvents++;
        if ("access-control".equals(e.category())) {
          r.authFailures++;
        }
        boolean recovered = e.category() != null && RECOVERED_CATEGORIES.contains(e.category());
        timeline.error(e.timestamp(), !recovered, e.category(), e.message());
        if (recovered) {
          r.recoveredErrors = saturated(r.recoveredErrors, 1);
        } else {
          r.firstFatalAt = r.firstFatalAt == UNSET ? e.timestamp() : Math.min(r.firstFatalAt, e.timestamp());
        }
      }
      case WARNING -> {
        timeline.error(e.timestamp(), false, e.category(), e.message());
        rare().warningEvents = saturated(r().warningEvents, 1);
      }
      case PAUSE -> timeline.pause(e.timestamp());
      case SEEK -> {
        timeline.seek(e.timestamp(), e.latencyMs() == null ? -1 : e.latencyMs());
        if (e.latencyMs() != null) {
          Rare r = rare();
          r.seekCount = saturated(r.seekCount, 1);
          r.seekMs = saturated(r.seekMs, e.latencyMs());
        }
      }
      case ENDED -> {
        timeline.end(e.timestamp(), "ended");
        endedByPlayer = true;
        endedAt = Math.max(endedAt, e.timestamp());
      }
      default -> {
        // rate, quality, pip, fullscreen: not part of any view metric nor of the timeline
      }
    }
  }

  /**
   * A CMCD play state (see the class comment): the interval since the previous state report goes to that state, then
   * this state's transitions apply.
   *
   * @return false when the report is older than the state already known, and changed nothing
   */
  private boolean applyState(PlayerEvent e) {
    String letter = e.category();
    long ts = e.timestamp();
    lastPlayingDelta = 0;
    if (letter == null || letter.length() != 1) {
      return false;
    }
    if (r().playStateAt != UNSET && ts < r().playStateAt) {
      // overtaken by a later report: its state is history, but a start delay it carries still counts
      return startDelay(e);
    }
    char st = letter.charAt(0);
    Rare r = rare();
    if (r.playStateAt != UNSET) {
      long dt = Math.min(ts - r.playStateAt, MAX_STATE_INTERVAL_MS);
      if (st != 'r' && r.stallSince != UNSET) {
        timeline.stall(r.stallSince, Math.min(ts - r.stallSince, MAX_STATE_INTERVAL_MS), 1);
        r.stallSince = UNSET;
      }
      if (r.playState == 'p') {
        playingMs += dt;
        lastPlayingDelta = dt;
      } else if (r.playState == 'r' && firstFrame) {
        rebufferMs += dt;
      }
    }
    if (st != r.playState) {
      switch (st) {
        case 's' -> timeline.play(ts);
        case 'k' -> timeline.seek(ts, -1);
        case 'a' -> timeline.pause(ts);
        case 'e' -> timeline.end(ts, "ended");
        case 'q' -> timeline.end(ts, "quit");
        default -> {
          // the first p is the first frame (below); r is a stall, recorded with its length when it ends
        }
      }
    }
    switch (st) {
      case 's', 'r' -> {
        playIntent = true;
        if (st == 'r' && firstFrame && r.playState != 'r') {
          r.stallSince = ts;
          rebufferCount = saturated(rebufferCount, 1);
        }
        if (!firstFrame && r.startingAt == UNSET) {
          r.startingAt = ts;
        }
        reopen(ts);
      }
      case 'p' -> {
        playIntent = true;
        lastPlayingAt = Math.max(lastPlayingAt, ts);
        reopen(ts);
        if (!firstFrame) {
          timeline.firstFrame(ts);
          firstFrame = true;
          firstFrameAt = ts;
          if (ttffMs < 0 && r.startingAt != UNSET) {
            ttffMs = (int) Math.min(ts - r.startingAt, Integer.MAX_VALUE);
            r.ttffDerived = true;
          }
          reclassify();
        } else if (firstFrameAt == UNSET) {
          firstFrameAt = ts;
        }
      }
      case 'e', 'q' -> {
        endedByPlayer = true;
        endedAt = Math.max(endedAt, ts);
      }
      case 'f' -> playIntent = true;
      default -> {
        // k seeking, a paused, w waiting, d preloading: no fact of their own
      }
    }
    r.playState = st;
    r.playStateAt = ts;
    startDelay(e);
    return true;
  }

  /**
   * The media start delay a play-state report carries, as TTFF, when reported on or after the first frame and no
   * other start delay came first.
   *
   * @return whether it was taken
   */
  private boolean startDelay(PlayerEvent e) {
    Heartbeat m = e.heartbeat();
    if (m != null && m.playToFirstFrameMs() != null && firstFrame && firstFrameAt != UNSET
        && e.timestamp() >= firstFrameAt && (ttffMs < 0 || r().ttffDerived)) {
      ttffMs = (int) (long) m.playToFirstFrameMs();
      if (rare != null) {
        rare.ttffDerived = false;
      }
      return true;
    }
    return false;
  }

  /** Playing again after the player's end (a replay) reopens the view. */
  private void reopen(long ts) {
    if (endedByPlayer && ts > endedAt) {
      endedByPlayer = false;
    }
  }

  private boolean applyHeartbeat(long id, PlayerEvent e) {
    Heartbeat h = e.heartbeat();
    int slot = e.id() != null ? slots.find(id) : -1;
    if (slot >= 0 && e.timestamp() <= slots.get(slot, HeartbeatSlots.HB_TS)) {
      return false;
    }
    boolean reSent = slot >= 0;
    long firstFrameBefore = firstFrameAt;
    long stallMsBefore = rebufferMs;
    int stallsBefore = rebufferCount;
    if (h.playToFirstFrameMs() != null || h.mountToFirstFrameMs() != null) {
      firstFrame = true;
      playIntent |= h.playToFirstFrameMs() != null;
      firstFrameAt = firstFrameAt == UNSET ? e.timestamp() : Math.min(firstFrameAt, e.timestamp());
      if (h.playToFirstFrameMs() != null && ttffMs < 0) {
        ttffMs = (int) (long) h.playToFirstFrameMs();
      }
    }
    lastPlayingDelta = h.timePlayingMs() - (slot >= 0 ? slots.get(slot, HeartbeatSlots.HB_PLAYING) : 0);
    if (slot >= 0) {
      video(slot, -1);
      playingMs -= slots.get(slot, HeartbeatSlots.HB_PLAYING);
      rebufferMs -= low(slots.get(slot, HeartbeatSlots.HB_REBUFFER));
      rebufferCount -= high(slots.get(slot, HeartbeatSlots.HB_REBUFFER));
      if (slots.get(slot, HeartbeatSlots.HB_ERRORS) != 0) {
        Rare r = rare();
        r.heartbeatErrors -= low(slots.get(slot, HeartbeatSlots.HB_ERRORS));
        r.heartbeatWarnings -= high(slots.get(slot, HeartbeatSlots.HB_ERRORS));
      }
    } else {
      slot = slots.claim();
      slots.set(slot, HeartbeatSlots.HB_ID, id);
    }
    slots.set(slot, HeartbeatSlots.HB_TS, e.timestamp());
    slots.set(slot, HeartbeatSlots.HB_PLAYING, h.timePlayingMs());
    slots.set(slot, HeartbeatSlots.HB_ERRORS, pack(h.errors(), h.warnings()));
    slots.set(slot, HeartbeatSlots.HB_STALL_WAIT, pack(Math.max(h.timeStalledMs(), h.timeWaitingMs()),
        Math.max(h.stalledCount(), h.waitingCount())));
    slots.set(slot, HeartbeatSlots.HB_TTFF, h.playToFirstFrameMs() != null ? h.playToFirstFrameMs()
        : h.mountToFirstFrameMs() != null ? FRAME_WITHOUT_TTFF : NO_FIRST_FRAME);
    slots.set(slot, HeartbeatSlots.HB_REBUFFER, rebufferOf(slot));
    playingMs += h.timePlayingMs();
    watched.heartbeat(slot, reSent, h, playingMs, live);
    rebufferMs += low(slots.get(slot, HeartbeatSlots.HB_REBUFFER));
    rebufferCount = saturated(rebufferCount, high(slots.get(slot, HeartbeatSlots.HB_REBUFFER)));
    if (h.errors() != 0 || h.warnings() != 0) {
      Rare r = rare();
      r.heartbeatErrors = saturated(r.heartbeatErrors, h.errors());
      r.heartbeatWarnings = saturated(r.heartbeatWarnings, h.warnings());
    }
    videoShare(slot, e.timestamp(), h.timePlayingMs(), e.video());
    video(slot, 1);
    if (firstFrameAt != firstFrameBefore) {
      reclassify();
      if (firstFrameBefore == UNSET) {
        timeline.firstFrame(firstFrameAt);
      }
    }
    if (rebufferCount > stallsBefore || rebufferMs > stallMsBefore) {
      // the stalls a heartbeat reports since the last: their time and number, at the heartbeat's time
      timeline.stall(e.timestamp(), Math.max(0, rebufferMs - stallMsBefore), Math.max(1, rebufferCount - stallsBefore));
    }
    if (h.timePlayingMs() > 0) {
      playIntent = true;
      lastPlayingAt = Math.max(lastPlayingAt, e.timestamp());
    }
    // the seed's definition of a view: the video "either played, stalled, or encountered an error"
    if (h.timeWaitingMs() > 0 || h.waitingCount() > 0 || h.timeStalledMs() > 0 || h.stalledCount() > 0
        || h.errors() > 0) {
      playIntent = true;
    }
    return true;
  }

  /**
   * A heartbeat's share of the video facts: the sizes and bitrate it reports become the view's unless a later
   * heartbeat reported them already; its playing time counts at the bitrate and scaling in effect after it (the
   * players report a change with the next heartbeat); its frames and switches count as they are.
   */
  private void videoShare(int slot, long ts, long playing, VideoSample v) {
    if (v != null) {
      long bitrateBps = rp().bitrateBps;
      io.viewpulse.model.Timeline.Rendition from = new io.viewpulse.model.Timeline.Rendition(bitrateBps, videoW, videoH);
      if ((v.videoWidthPx() != null || v.videoHeightPx() != null) && ts >= videoSizeAt) {
        videoW = v.videoWidthPx() != null ? v.videoWidthPx() : videoW;
        videoH = v.videoHeightPx() != null ? v.videoHeightPx() : videoH;
        videoSizeAt = ts;
      }
      if ((v.playerWidthPx() != null || v.playerHeightPx() != null) && ts >= playerSizeAt) {
        playerW = v.playerWidthPx() != null ? v.playerWidthPx() : playerW;
        playerH = v.playerHeightPx() != null ? v.playerHeightPx() : playerH;
        playerSizeAt = ts;
      }
      if (v.bitrateBps() != null && ts >= rp().bitrateAt) {
        Reported r = reported();
        r.bitrateBps = v.bitrateBps();
        r.bitrateAt = ts;
        bitrateBps = r.bitrateBps;
      }
      if (from.bitrateBps() != 0 && from.bitrateBps() != bitrateBps
          || from.height() != 0 && (from.width() != videoW || from.height() != videoH)) {
        timeline.rendition(ts, from, new io.viewpulse.model.Timeline.Rendition(bitrateBps, videoW, videoH));
      }
    }
    long rated = rp().bitrateBps > 0 ? playing : 0;
    slots.setVideo(slot, HeartbeatSlots.HBV_BITS, rp().bitrateBps * rated / 1000);
    long scaled = 0;
    long up = 0;
    long down = 0;
    if (videoW > 0 && videoH > 0 && playerW > 0 && playerH > 0) {
      scaled = playing;
      double factor = Math.min((double) playerW / videoW, (double) playerH / videoH);
      up = Math.round(playing * 1000.0 * Math.max(0, factor - 1));
      if (playing > 0) {
        maxUpscale = Math.max(maxUpscale, factor - 1);
      }
      down = Math.round(playing * 1000.0 * Math.max(0, 1 - factor));
    }
    slots.setVideo(slot, HeartbeatSlots.HBV_MS, pack(rated, scaled));
    slots.setVideo(slot, HeartbeatSlots.HBV_UP, up);
    slots.setVideo(slot, HeartbeatSlots.HBV_DOWN, down);
    slots.setVideo(slot, HeartbeatSlots.HBV_FRAMES, v == null ? 0 : pack(v.droppedFrames(), v.totalFrames()));
    slots.setVideo(slot, HeartbeatSlots.HBV_SWITCHES, v == null ? 0 : pack(v.switchesUp(), v.switchesDown()));
  }

  /** Adds ({@code sign} 1) or takes back (-1) a remembered heartbeat's share of the video facts. */
  private void video(int slot, int sign) {
    long ms = slots.getVideo(slot, HeartbeatSlots.HBV_MS);
    long bits = slots.getVideo(slot, HeartbeatSlots.HBV_BITS);
    if (bits != 0 || low(ms) != 0) {
      Reported r = reported();
      r.bitrateBits += sign * bits;
      r.bitrateMs += sign * (long) low(ms);
    }
    scaleMs += sign * (long) high(ms);
    upscaleUnits += sign * slots.getVideo(slot, HeartbeatSlots.HBV_UP);
    downscaleUnits += sign * slots.getVideo(slot, HeartbeatSlots.HBV_DOWN);
    long frames = slots.getVideo(slot, HeartbeatSlots.HBV_FRAMES);
    long switches = slots.getVideo(slot, HeartbeatSlots.HBV_SWITCHES);
    if (frames != 0 || switches != 0) {
      Reported r = reported();
      r.droppedFrames = saturated(r.droppedFrames, sign * (long) low(frames));
      r.totalFrames = saturated(r.totalFrames, sign * (long) high(frames));
      r.switchesUp = saturated(r.switchesUp, sign * (long) low(switches));
      r.switchesDown = saturated(r.switchesDown, sign * (long) high(switches));
    }
  }

  /**
   * The rebuffer share of a remembered heartbeat, its time and its count ({@link #pack}ed). The heartbeat that reports
   * the first frame also covers the startup, so its stall/wait time minus the TTFF counts, and its stalls or waits but
   * the first (the startup's own wait); later heartbeats count in full; earlier ones not at all.
   */
  private long rebufferOf(int slot) {
    long ttff = slots.get(slot, HeartbeatSlots.HB_TTFF);
    long stallWait = low(slots.get(slot, HeartbeatSlots.HB_STALL_WAIT));
    int stalls = high(slots.get(slot, HeartbeatSlots.HB_STALL_WAIT));
    if (ttff >= 0) {
      return pack(Math.max(0, stallWait - ttff), Math.max(0, stalls - 1));
    }
    if (ttff == FRAME_WITHOUT_TTFF) {
      return pack(0, Math.max(0, stalls - 1));
    }
    return firstFrameAt != UNSET && slots.get(slot, HeartbeatSlots.HB_TS) > firstFrameAt ? pack(stallWait, stalls) : 0;
  }

  /** The first frame moved (it arrived after later heartbeats did): recompute the remembered heartbeats' shares. */
  private void reclassify() {
    for (int i = 0; i < slots.count; i++) {
      long now = rebufferOf(i);
      rebufferMs += low(now) - low(slots.get(i, HeartbeatSlots.HB_REBUFFER));
      rebufferCount = saturated(rebufferCount, (long) high(now) - high(slots.get(i, HeartbeatSlots.HB_REBUFFER)));
      slots.set(i, HeartbeatSlots.HB_REBUFFER, now);
    }
  }

  /** Two counts of at most a million, or durations of at most a day, in one long. */
  static long pack(long low, long high) {
    return (high << 32) | (low & 0xffffffffL);
  }

  static int low(long packed) {
    return (int) packed;
  }

  static int high(long packed) {
    return (int) (packed >>> 32);
  }

  /** A count plus more, saturating rather than wrapping to a negative count. */
  private static int saturated(int count, long more) {
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, (long) count + more));
  }


  /**
   * An id's 64-bit hash in 32 bits, as {@link #eventIds} and the heartbeat slots keep it; a 32-bit hash (zero-extended)
   * is itself.
   */
  static int fold(long hash) {
    return (int) (hash ^ (hash >>> 32));
  }


  private boolean seen(long hash) {
    int id = fold(hash);
    int n = Math.min(eventIdCount, EVENT_IDS);
    for (int i = 0; i < n; i++) {
      if (eventIds[i] == id) {
        return true;
      }
    }
    return false;
  }

  private void remember(long hash) {
    int at = eventIdCount % EVENT_IDS;
    if (at >= eventIds.length) {
      eventIds = java.util.Arrays.copyOf(eventIds, Math.min(EVENT_IDS, eventIds.length * 2));
    }
    eventIds[at] = fold(hash);
    eventIdCount++;
  }

  /**
   * Records the end of a beacon: the page's last beacon ends the view; a later regular beacon with newer events
   * (the tab came back) reopens it. Comparing event times, not arrival order, keeps a slow in-flight request from
   * reopening a view its page already left.
   */
  void afterBeacon(boolean lastOfPageBeacon, long newestEventAt) {
    if (lastOfPageBeacon) {
      lastOfPage = true;
      lastOfPageAt = Math.max(lastOfPageAt, newestEventAt);
    } else if (lastOfPage && newestEventAt != UNSET && newestEventAt > lastOfPageAt) {
      lastOfPage = false;
    }
  }

  int errors() {
    return Math.max(r().heartbeatErrors, r().errorEvents);
  }

  /** {@link ViewQuality#NO_FAILURE}, {@link ViewQuality#FAILED_TO_START} or {@link ViewQuality#FAILED_AFTER_START}. */
  int fatal() {
    // errors the heartbeats counted whose events never arrived: of unknown kind, taken as fatal
    Rare r = r();
    boolean unreported = r.heartbeatErrors > r.errorEvents;
    if (r.firstFatalAt == UNSET && !unreported) {
      return ViewQuality.NO_FAILURE;
    }
    boolean beforeStart = !firstFrame || (r.firstFatalAt != UNSET && r.firstFatalAt < firstFrameAt);
    return beforeStart ? ViewQuality.FAILED_TO_START : ViewQuality.FAILED_AFTER_START;
  }

  int nonFatalErrors() {
    Rare r = r();
    return saturated(Math.max(r.heartbeatWarnings, r.warningEvents), r.recoveredErrors);
  }

  boolean ended() {
    return endedByPlayer || lastOfPage || timedOut;
  }

  /**
   * The stored form of the view's timeline: its events, and how it ended when not by the player's own end event
   * (the page's last beacon, or the timeout) at its last event.
   */
  byte[] timelineBytes() {
    String cause = endedByPlayer ? null : lastOfPage ? "page" : timedOut ? "timeout" : null;
    return timeline.toBytes(cause, lastEventAt == UNSET ? seenAt : lastEventAt);
  }

  /** The stored form of what the view watched ({@link Watched#toBytes}), or null. */
  byte[] watchedBytes() {
    return watched.toBytes();
  }

  ViewRecord toView() {
    boolean ended = ended();
    long most = (startedAt == UNSET ? 0 : lastEventAt - startedAt) + Heartbeat.MAX_DURATION_MS;
    return new ViewRecord(viewId(), accountId, playbackId, creatorId, dStorageUrl, viewerId,
        startedAt == UNSET ? seenAt : startedAt, ended && lastEventAt != UNSET ? lastEventAt : null,
        dims == null ? Dimensions.UNKNOWN : dims, domain, live, Math.min(playingMs, most), ttffMs < 0 ? null : ttffMs,
        Math.min(rebufferMs, most),
        errors(), firstFrame, ended, new ViewQuality(fatal(), nonFatalErrors(), rebufferCount, r().seekCount, r().seekMs,
            rp().bitrateMs, rp().bitrateBits, scaleMs, upscaleUnits / 1000.0, downscaleUnits / 1000.0,
            rp().droppedFrames, rp().totalFrames, rp().switchesUp, rp().switchesDown, maxUpscale));
  }

  /**
   * The view's id: the first 8 bytes of SHA-256 over the session key and the server's estimate of its start, which
   * a replay of the log decides the same way. A session key is reused only after its session closed and was
   * forgotten, an hour at least, so its views differ by start.
   */
  long viewId() {
    if (viewId == 0) {
      byte[] d = io.viewpulse.model.Sha256.digest(key + '\n' + startServerMs);
      long id = 0;
      for (int i = 0; i < 8; i++) {
        id = id << 8 | (d[i] & 0xff);
      }
      viewId = id == 0 ? 1 : id;
    }
    return viewId;
  }

  /** 64-bit FNV-1a of an event id: collisions within one session's window are vanishingly unlikely. */
  static long hash(String s) {
    return SessionStore.keyHash(s);
  }
}
