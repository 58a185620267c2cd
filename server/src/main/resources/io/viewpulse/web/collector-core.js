/*
 * Viewpulse collector: playback beacons from an HTML5 video element, in the wire protocol of Livepeer's player
 * reporter (POST <endpoint> with {session_id, playback_id, ..., events: [...]}).
 *
 * This file is the collector's core; the server wraps it as a classic script (/collector.js, which defines
 * window.Viewpulse.addMediaMetrics) and as an ES module (/collector.mjs, which exports addMediaMetrics).
 *
 * Invariants: nothing here throws into the page (every entry point is guarded and errors go to onError); the buffer
 * of unsent events is bounded; a failed batch is re-sent with the same event ids (the server counts each id once);
 * an unreachable server costs the page a request every interval and nothing else.
 */
function viewpulseCollector(scriptUrl) {
  "use strict";
  var VERSION = "viewpulse-collector@0.1.0";
  var MAX_EVENTS = 1000;
  var BEACON_LIMIT = 60000;
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  function token() {
    var out = "";
    var bytes = new Uint8Array(22);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    for (var i = 0; i < bytes.length; i++) {
      out += ALPHABET.charAt(bytes[i] % ALPHABET.length);
    }
    return out;
  }

  function now() {
    return Date.now();
  }

  function defaultEndpoint() {
    try {
      return new URL("/analytics/log", scriptUrl || window.location.href).href;
    } catch (e) {
      return "/analytics/log";
    }
  }

  /** Livepeer's rule: the segment after webrtc/flv is the id; after hls/recordings, the one before the file. */
  function playbackIdOf(src) {
    try {
      var segs = new URL(src, window.location.href).pathname.split("/").filter(function (s) { return s; });
      var id = null;
      if (segs.indexOf("webrtc") >= 0 || segs.indexOf("flv") >= 0) {
        id = segs[segs.length - 1];
      } else if ((segs.indexOf("hls") >= 0 || segs.indexOf("recordings") >= 0) && segs.length >= 2) {
        id = segs[segs.length - 2];
      }
      if (id && id.indexOf("+") >= 0) {
        id = id.substring(id.indexOf("+") + 1);
      }
      return id || null;
    } catch (e) {
      return null;
    }
  }

  function mimeOf(src) {
    var s = String(src || "").split("?")[0].toLowerCase();
    if (/\.m3u8$/.test(s)) { return "application/vnd.apple.mpegurl"; }
    if (/\.mpd$/.test(s)) { return "application/dash+xml"; }
    if (/\.mp4$|\.m4v$/.test(s)) { return "video/mp4"; }
    if (/\.webm$/.test(s)) { return "video/webm"; }
    if (/\.mov$/.test(s)) { return "video/quicktime"; }
    return undefined;
  }

  /** The page the player is on: inside an iframe, the embedding page (document.referrer). */
  function pageUrl() {
    var inFrame = false;
    try {
      inFrame = window.self !== window.top;
    } catch (e) {
      inFrame = true;
    }
    try {
      return new URL(inFrame && document.referrer ? document.referrer : window.location.href);
    } catch (e) {
      return null;
    }
  }

  /** A stopwatch that adds up the time between start and stop. */
  function Timer() {
    this.total = 0;
    this.since = null;
  }
  Timer.prototype.start = function (t) { if (this.since === null) { this.since = t; } };
  Timer.prototype.stop = function (t) {
    if (this.since !== null) { this.total += Math.max(0, t - this.since); this.since = null; }
  };
  Timer.prototype.read = function (t) { return this.total + (this.since === null ? 0 : Math.max(0, t - this.since)); };
  Timer.prototype.running = function () { return this.since !== null; };

  /** The custom dimensions of options.custom: string, number and boolean values only, or undefined for none. */
  function customOf(custom) {
    if (!custom || typeof custom !== "object") { return undefined; }
    var out = {};
    var any = false;
    for (var k in custom) {
      if (Object.prototype.hasOwnProperty.call(custom, k)) {
        var v = custom[k];
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") { out[k] = v; any = true; }
      }
    }
    return any ? out : undefined;
  }

  function addMediaMetrics(video, sourceUrl, onError, options) {
    var opts = options || {};
    var report = typeof onError === "function" ? onError : function () {};
    function guard(fn) {
      return function () {
        try {
          return fn.apply(this, arguments);
        } catch (e) {
          try { report(e); } catch (ignored) { /* the page's handler failed too */ }
        }
      };
    }
    var noop = { destroy: function () {} };
    try {
      if (!video || typeof video.addEventListener !== "function") {
        report(new Error("addMediaMetrics needs a video or audio element"));
        return noop;
      }
      var src = sourceUrl || video.currentSrc || video.src;
      var playbackId = opts.playbackId || playbackIdOf(src);
      if (!playbackId) {
        report(new Error("no playback id: pass options.playbackId or a source URL like .../hls/<id>/index.m3u8"));
        return noop;
      }
      var endpoint = opts.endpoint || defaultEndpoint();
      var interval = Math.max(1000, opts.heartbeatInterval || 5000);
      var mountedAt = now();
      var page = pageUrl();
      var session = {
        session_id: token(),
        playback_id: playbackId,
        protocol: mimeOf(src),
        domain: page ? page.hostname : undefined,
        path: page ? page.pathname : undefined,
        params: page ? page.search : undefined,
        hash: page ? page.hash : undefined,
        source_url: src ? String(src) : undefined,
        player: "viewpulse",
        version: VERSION,
        user_agent: String(navigator.userAgent || "").replace(/["\\]/g, ""),
        uid: opts.viewerId || undefined,
        live: !!opts.live,
        custom: customOf(opts.custom),
        cdn: typeof opts.cdn === "string" ? opts.cdn : undefined
      };

      var pending = [];
      var inFlight = null;
      var destroyed = false;
      var timers = { playing: new Timer(), waiting: new Timer(), errored: new Timer(), warning: new Timer() };
      var counts = { errors: 0, warnings: 0, waiting: 0, up: 0, down: 0 };
      var last = { playing: 0, waiting: 0, errored: 0, warning: 0, errors: 0, warnings: 0, waitingCount: 0,
        dropped: 0, frames: 0, up: 0, down: 0 };
      /** The bitrate of the rendition playing (hls.js), and the size of the last rendition seen (native playback). */
      var bitrate = null;
      var renditionPx = 0;
      var sent = {};
      var firstPlayAt = null;
      var firstFrameAt = null;
      var firstFrameReported = false;
      var ttffKnown = true;
      var seeking = false;
      /** When the viewer's seek began (the first of a run of seeks), until playback goes on; null otherwise. */
      var seekStartedAt = null;
      var seekTarget = null;
      var leaving = false;

      function push(type, fields) {
        var e = { id: token(), type: type, timestamp: now() };
        for (var k in fields) {
          if (Object.prototype.hasOwnProperty.call(fields, k) && fields[k] !== undefined) { e[k] = fields[k]; }
        }
        pending.push(e);
        if (pending.length > MAX_EVENTS) {
          pending.splice(0, pending.length - MAX_EVENTS);
        }
        return e;
      }

      function onChange(fields, name, value) {
        if (value !== undefined && value !== null && value !== 0 && sent[name] !== value) {
          sent[name] = value;
          fields[name] = value;
        }
      }

      function heartbeat() {
        var t = now();
        var read = {
          playing: Math.round(timers.playing.read(t)),
          waiting: Math.round(timers.waiting.read(t)),
          errored: Math.round(timers.errored.read(t)),
          warning: Math.round(timers.warning.read(t))
        };
        var f = {
          errors: counts.errors - last.errors,
          warnings: counts.warnings - last.warnings,
          stalled_count: 0,
          waiting_count: counts.waiting - last.waitingCount,
          time_errored_ms: read.errored - last.errored,
          time_warning_ms: read.warning - last.warning,
          time_stalled_ms: 0,
          time_playing_ms: read.playing - last.playing,
          time_waiting_ms: read.waiting - last.waiting
        };
        // frames dropped and decoded, and rendition switches, since the previous heartbeat
        var quality = typeof video.getVideoPlaybackQuality === "function" ? video.getVideoPlaybackQuality() : null;
        var dropped = quality ? quality.droppedVideoFrames : 0;
        var frames = quality ? quality.totalVideoFrames : 0;
        if (frames < last.frames || dropped < last.dropped) {
          // a new source starts counting again
          last.frames = 0;
          last.dropped = 0;
        }
        if (frames > last.frames) { f.total_frames = frames - last.frames; }
        if (dropped > last.dropped) { f.dropped_frames = dropped - last.dropped; }
        if (counts.up > last.up) { f.rendition_up_count = counts.up - last.up; }
        if (counts.down > last.down) { f.rendition_down_count = counts.down - last.down; }
        onChange(f, "bitrate_bps", bitrate);
        last = { playing: read.playing, waiting: read.waiting, errored: read.errored, warning: read.warning,
          errors: counts.errors, warnings: counts.warnings, waitingCount: counts.waiting,
          dropped: dropped, frames: frames, up: counts.up, down: counts.down };
        if (!sent.autoplay_status) {
          sent.autoplay_status = true;
          f.autoplay_status = video.autoplay ? "autoplay" : "none";
        }
        if (firstPlayAt !== null && !sent.mount_to_play_ms) {
          sent.mount_to_play_ms = true;
          f.mount_to_play_ms = Math.max(0, firstPlayAt - mountedAt);
        }
        if (firstFrameAt !== null && !firstFrameReported) {
          firstFrameReported = true;
          f.mount_to_first_frame_ms = Math.max(0, firstFrameAt - mountedAt);
          if (firstPlayAt !== null && ttffKnown) {
            f.play_to_first_frame_ms = Math.max(0, firstFrameAt - firstPlayAt);
          }
        }
        var live = session.live || video.duration === Infinity;
        if (!live && isFinite(video.duration)) {
          onChange(f, "duration_ms", Math.floor(video.duration * 1000));
        }
        onChange(f, "video_height_px", video.videoHeight);
        onChange(f, "video_width_px", video.videoWidth);
        onChange(f, "player_height_px", video.clientHeight);
        onChange(f, "player_width_px", video.clientWidth);
        onChange(f, "window_height_px", window.innerHeight);
        onChange(f, "window_width_px", window.innerWidth);
        session.live = live;
        push("heartbeat", f);
      }

      function body(events) {
        var b = {};
        for (var k in session) {
          if (Object.prototype.hasOwnProperty.call(session, k) && session[k] !== undefined) { b[k] = session[k]; }
        }
        b.events = events;
        return JSON.stringify(b);
      }

      function send() {
        if (destroyed || inFlight || pending.length === 0 || typeof fetch !== "function") { return; }
        var batch = pending;
        pending = [];
        var payload = body(batch);
        inFlight = fetch(endpoint, { method: "POST", mode: "cors", body: payload,
          keepalive: payload.length < BEACON_LIMIT, credentials: "omit" })
          .then(function (r) {
            // 4xx other than 408/429: the server refused the batch for good; anything else may pass later
            if (!r.ok && (r.status >= 500 || r.status === 408 || r.status === 429)) { throw new Error("HTTP " + r.status); }
          })
          .catch(function () { pending = batch.concat(pending).slice(-MAX_EVENTS); })
          .then(function () { inFlight = null; });
      }

      /** The page is going away or out of sight: hand what is left to sendBeacon, which outlives the page. */
      function flushOnHide() {
        if (destroyed) { return; }
        heartbeat();
        var batch = pending;
        pending = [];
        var payload = body(batch);
        var ok = false;
        if (navigator.sendBeacon && payload.length < BEACON_LIMIT) {
          try { ok = navigator.sendBeacon(endpoint, payload); } catch (e) { ok = false; }
        }
        if (!ok) { pending = batch.concat(pending).slice(-MAX_EVENTS); }
      }

      var listeners = [];
      function on(target, name, fn) {
        var g = guard(fn);
        target.addEventListener(name, g);
        listeners.push([target, name, g]);
      }

      /** The first frame is on screen: from requestVideoFrameCallback where there is one, else the first progress. */
      function firstFrame(t) {
        if (firstFrameAt === null && firstPlayAt !== null) {
          firstFrameAt = t;
          push("first-frame", {}).timestamp = t;
        }
      }

      on(video, "play", function () {
        var t = now();
        if (firstPlayAt === null) {
          firstPlayAt = t;
          if (typeof video.requestVideoFrameCallback === "function") {
            video.requestVideoFrameCallback(guard(function () { firstFrame(now()); }));
          }
        }
        push("play", {});
      });
      /** A seek is over: its latency is from seeking to playing again (to the new frame, when paused). */
      function seekDone(t) {
        if (seekStartedAt !== null && !seeking) {
          push("seek", { payload: seekTarget, latency_ms: Math.max(0, Math.round(t - seekStartedAt)) }).timestamp = t;
          seekStartedAt = null;
        }
      }

      on(video, "playing", function () {
        var t = now();
        timers.waiting.stop(t);
        timers.errored.stop(t);
        timers.playing.start(t);
        seekDone(t);
      });
      on(video, "pause", function () {
        var t = now();
        timers.playing.stop(t);
        timers.waiting.stop(t);
        push("pause", {});
      });
      on(video, "waiting", function () {
        var t = now();
        timers.playing.stop(t);
        // seeking waits are the viewer's doing, not rebuffering
        if (!seeking && !video.paused && !timers.waiting.running()) {
          counts.waiting++;
          timers.waiting.start(t);
        }
      });
      on(video, "seeking", function () {
        seeking = true;
        if (seekStartedAt === null) { seekStartedAt = now(); }
      });
      on(video, "seeked", function () {
        seeking = false;
        seekTarget = video.currentTime;
        if (video.paused) { seekDone(now()); }
      });
      on(video, "timeupdate", function () {
        if (video.currentTime > 0 && !video.paused) {
          firstFrame(now());
        }
        // progress means playing, whatever events were missed (hls.js nudges the playhead out of a stall)
        if (!video.paused && video.readyState >= 3 && !timers.playing.running()) {
          var t = now();
          timers.waiting.stop(t);
          timers.playing.start(t);
        }
        if (!video.paused && !seeking && seekStartedAt !== null && video.readyState >= 3) {
          seekDone(now());
        }
      });
      on(video, "loadedmetadata", function () { push("can-play", {}); });
      // native adaptive playback: a rendition switch shows as a new video size (hls.js reports its own, below)
      on(video, "resize", function () {
        var px = video.videoWidth * video.videoHeight;
        if (!px || (opts.hls && typeof opts.hls.on === "function")) { return; }
        if (renditionPx && px > renditionPx) { counts.up++; }
        if (renditionPx && px < renditionPx) { counts.down++; }
        renditionPx = px;
      });
      on(video, "ratechange", function () { push("rate", { payload: video.playbackRate }); });
      on(video, "resize", function () {
        if (video.videoHeight) { push("video-quality", { payload: video.videoHeight + "p" }); }
      });
      on(video, "ended", function () {
        var t = now();
        timers.playing.stop(t);
        timers.waiting.stop(t);
        push("ended", {});
      });
      on(video, "error", function () {
        var t = now();
        var err = video.error;
        // the viewer or the page leaving stopped the load: not a playback error
        if (leaving || (err && err.code === 1)) { return; }
        counts.errors++;
        timers.playing.stop(t);
        timers.waiting.stop(t);
        timers.errored.start(t);
        var code = err ? err.code : 0;
        push("error", { category: code === 4 ? "unsupported" : code === 2 ? "network" : code === 3 ? "decode" : "unknown",
          message: (err && err.message) || "media error " + code });
      });
      on(video, "enterpictureinpicture", function () { push("enter-pip", {}); });
      on(video, "leavepictureinpicture", function () { push("exit-pip", {}); });
      on(document, "fullscreenchange", function () {
        push(document.fullscreenElement === video ? "enter-fullscreen" : "exit-fullscreen", {});
      });
      on(document, "visibilitychange", function () {
        if (document.visibilityState === "hidden") { flushOnHide(); }
      });
      on(window, "beforeunload", function () { leaving = true; });
      on(window, "pagehide", function () {
        leaving = true;
        flushOnHide();
      });

      if (opts.hls && typeof opts.hls.on === "function") {
        // a fatal hls.js error stops playback: an error; one hls.js recovers from is a warning (non-fatal)
        var hlsError = guard(function (evt, data) {
          if (!data) { return; }
          var message = "hls.js " + (data.details || data.type || "error");
          if (data.fatal) {
            counts.errors++;
            timers.errored.start(now());
            push("error", { category: "unknown", message: message });
          } else {
            counts.warnings++;
            push("warning", { category: "hls", message: message });
          }
        });
        opts.hls.on("hlsError", hlsError);
        listeners.push([{ removeEventListener: function () { opts.hls.off("hlsError", hlsError); } }, "", null]);
        // the rendition playing: its bitrate, and whether a switch went up or down
        var levelSwitched = guard(function (evt, data) {
          var levels = opts.hls.levels || [];
          var level = data && levels[data.level];
          if (!level || !level.bitrate) { return; }
          if (bitrate !== null && level.bitrate > bitrate) { counts.up++; }
          if (bitrate !== null && level.bitrate < bitrate) { counts.down++; }
          bitrate = level.bitrate;
        });
        opts.hls.on("hlsLevelSwitched", levelSwitched);
        listeners.push([{ removeEventListener: function () { opts.hls.off("hlsLevelSwitched", levelSwitched); } },
          "", null]);
      }
      if (!video.paused && video.currentTime > 0) {
        // already playing when metrics were added: a frame is on screen, but the startup was not seen, so no TTFF
        firstPlayAt = now();
        ttffKnown = false;
        firstFrame(firstPlayAt);
        timers.playing.start(firstPlayAt);
      }

      var tick = setInterval(guard(function () {
        heartbeat();
        send();
      }), interval);

      return {
        sessionId: session.session_id,
        destroy: guard(function () {
          if (destroyed) { return; }
          heartbeat();
          var batch = pending;
          pending = [];
          if (navigator.sendBeacon) { navigator.sendBeacon(endpoint, body(batch)); }
          destroyed = true;
          clearInterval(tick);
          for (var i = 0; i < listeners.length; i++) {
            listeners[i][0].removeEventListener(listeners[i][1], listeners[i][2]);
          }
        })
      };
    } catch (e) {
      try { report(e); } catch (ignored) { /* nothing more to do */ }
      return noop;
    }
  }

  return { addMediaMetrics: addMediaMetrics, playbackIdOf: playbackIdOf, version: VERSION };
}
