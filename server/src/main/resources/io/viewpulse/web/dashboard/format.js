// How numbers read on screen.
import { day, clock } from "./state.js";

const UNIQUE = "An estimate (HyperLogLog): exact for small groups, within a few percent beyond, never more than the views.";
const PERCENTILE = "An estimate (t-digest): exact for a handful of views, within about a percent of rank beyond.";

export const METRICS = [
  { key: "viewCount", label: "Views", fmt: count, better: "up" },
  { key: "playtimeMins", label: "Watch time", fmt: minutes, better: "up" },
  { key: "uniqueViewers", label: "Unique viewers", fmt: count, better: "up", estimate: UNIQUE },
  { key: "errorRate", label: "Error rate", fmt: percent, better: "down", rate: true },
  { key: "ttffP50Ms", label: "Time to first frame (p50)", fmt: ms, better: "down", estimate: PERCENTILE },
  { key: "ttffP95Ms", label: "Time to first frame (p95)", fmt: ms, better: "down", estimate: PERCENTILE },
  { key: "rebufferRatio", label: "Rebuffer ratio", fmt: percent, better: "down", rate: true },
  { key: "exitsBeforeStart", label: "Exits before start", fmt: percent, better: "down", rate: true },
];

/** A 0 to 100 score, to a tenth. */
export function score(v) {
  return v === undefined || v === null ? "–" : v.toFixed(1);
}

/** A bitrate in bits per second: "4.00 Mb/s", "850 kb/s". */
export function bitrate(v) {
  if (v === undefined || v === null) return "–";
  return v >= 1e6 ? (v / 1e6).toFixed(2) + " Mb/s" : Math.round(v / 1e3).toLocaleString("en-US") + " kb/s";
}

/** Occurrences per minute of watch time: "3.04 per min". */
export function perMinute(v) {
  return v === undefined || v === null ? "–" : v.toFixed(2) + " per min";
}

// Mux's scores, 0 to 100 (metrics=quality); a change reads in points
export const SCORES = [
  { key: "viewerExperienceScore", label: "Viewer experience", fmt: score, better: "up", score: true },
  { key: "playbackSuccessScore", label: "Playback success", fmt: score, better: "up", score: true },
  { key: "startupTimeScore", label: "Startup time", fmt: score, better: "up", score: true },
  { key: "smoothnessScore", label: "Smoothness", fmt: score, better: "up", score: true },
  { key: "videoQualityScore", label: "Video quality", fmt: score, better: "up", score: true },
];

// the failures split: fatal before the first frame, fatal at any point, gone before the first frame, recovered errors
export const FAILURES = [
  { key: "playbackFailureRate", label: "Playback failures", fmt: percent, better: "down", rate: true },
  { key: "videoStartupFailureRate", label: "Video startup failures", fmt: percent, better: "down", rate: true },
  { key: "exitsBeforeStart", label: "Exits before start", fmt: percent, better: "down", rate: true },
  { key: "nonFatalErrorRate", label: "Non-fatal errors", fmt: percent, better: "down", rate: true },
];

// rebuffering, seeking and the picture shown
export const PLAYBACK = [
  { key: "rebufferRatio", label: "Rebuffer ratio", fmt: percent, better: "down", rate: true },
  { key: "rebufferFrequency", label: "Rebuffer frequency", fmt: perMinute, better: "down" },
  { key: "rebufferDurationMs", label: "Rebuffer time per view", fmt: (v) => ms(v), better: "down" },
  { key: "rebufferCount", label: "Rebuffers", fmt: (v) => count(v), better: "down" },
  { key: "seekLatencyMs", label: "Seek latency", fmt: (v) => ms(v), better: "down" },
  { key: "averageBitrateBps", label: "Average bitrate", fmt: bitrate, better: "up" },
  { key: "renditionSwitchUpCount", label: "Switches up", fmt: (v) => count(v), better: "up" },
  { key: "renditionSwitchDownCount", label: "Switches down", fmt: (v) => count(v), better: "down" },
  { key: "droppedFrameRate", label: "Dropped frames", fmt: percent, better: "down", rate: true },
  { key: "upscalePercentage", label: "Upscaling", fmt: percent, better: "down", rate: true },
  { key: "downscalePercentage", label: "Downscaling", fmt: percent, better: "down", rate: true },
];

/** A metric's name for a heading, marked "≈" (with what kind of estimate, as a tooltip) where the figure is one. */
export function label(m) {
  return escape(m.label) + (m.estimate
    ? ` <abbr class="estimate" data-estimate="${m.key}" title="${escape(m.estimate)}">≈</abbr>` : "");
}

/** The footnote under figures marked "≈". */
export const ESTIMATES = `<p class="muted note" data-estimates>≈ estimated: unique viewers (HyperLogLog: exact for
  small groups, within a few percent beyond, never more than the views) and time-to-first-frame percentiles
  (t-digest). Every other figure is exact.</p>`;

export function count(v) {
  return v === undefined || v === null ? "–" : Math.round(v).toLocaleString("en-US");
}

export function minutes(v) {
  if (v === undefined || v === null) return "–";
  if (v >= 120) return (v / 60).toFixed(1) + " h";
  if (v >= 1) return v.toFixed(1) + " min";
  return Math.round(v * 60) + " s";
}

export function percent(v) {
  return v === undefined || v === null ? "–" : (v * 100).toFixed(v < 0.1 ? 2 : 1) + "%";
}

/** Seconds as a duration: "45 s", "2 min 05 s", "1 h 02 min". */
export function duration(seconds) {
  if (seconds === undefined || seconds === null) return "–";
  const t = Math.round(seconds);
  if (t < 60) return t + " s";
  const two = (n) => String(n).padStart(2, "0");
  if (t < 3600) return Math.floor(t / 60) + " min " + two(t % 60) + " s";
  return Math.floor(t / 3600).toLocaleString("en-US") + " h " + two(Math.floor((t % 3600) / 60)) + " min";
}

// One name per platform on every page: the breakdowns' OS names (from the user agent) and the live page's platform
// keys (lower case, as Uplynk's API gives them) read the same.
const PLATFORMS = { windows: "Windows", mac: "macOS", ios: "iOS", android: "Android", chromeos: "ChromeOS",
  linux: "Linux", tizen: "Tizen", webos: "webOS", unknown: "Unknown" };

/** The display name of an OS or platform value, whichever way the API spells it. */
export function platformName(v) {
  if (v === undefined || v === null) return "Unknown";
  const o = String(v).toLowerCase();
  const k = o.startsWith("windows") ? "windows" : o.startsWith("mac") || o === "os x" ? "mac"
    : o === "ios" || o === "ipados" ? "ios" : o.startsWith("android") || o === "fire os" ? "android"
      : o === "chrome os" || o === "chromeos" ? "chromeos"
        : ["linux", "ubuntu", "debian", "fedora"].includes(o) ? "linux" : o === "web os" ? "webos" : o;
  return PLATFORMS[k] || String(v);
}

export function ms(v) {
  return v === undefined || v === null ? "–" : Math.round(v).toLocaleString("en-US") + " ms";
}

/** Change against the previous period: relative for counts, in points for rates. */
export function delta(metric, now, before) {
  if (now === undefined || now === null || before === undefined || before === null) return null;
  if (metric.score) {
    const pts = now - before;
    return { text: (pts >= 0 ? "+" : "") + pts.toFixed(1) + " pts", dir: Math.sign(pts) };
  }
  if (metric.rate) {
    const pts = (now - before) * 100;
    return { text: (pts >= 0 ? "+" : "") + pts.toFixed(2) + " pts", dir: Math.sign(pts) };
  }
  if (before === 0) return now === 0 ? { text: "±0%", dir: 0 } : { text: "new", dir: 1 };
  const pct = ((now - before) / before) * 100;
  return { text: (pct >= 0 ? "+" : "") + pct.toFixed(1) + "%", dir: Math.sign(pct) };
}

/** Grey blocks in the shape of what is loading (hidden from screen readers: the page says it is busy). */
export function placeholders(n, kind) {
  if (kind === "kpi") {
    return Array.from({ length: n }, () => `<div class="card kpi ph" data-loading aria-hidden="true">
      <div class="ph-line"></div><div class="ph-value"></div></div>`).join("");
  }
  return `<div class="ph-rows" data-loading aria-hidden="true">` + `<div class="ph-line"></div>`.repeat(n) + `</div>`;
}

export function escape(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/**
 * A bucket's label. Hours read in the chosen time zone; the API's days, weeks and months are UTC ones, so they are
 * labelled by their UTC date (the controls say so).
 */
export function bucketLabel(ts, step) {
  const d = new Date(ts);
  if (step === "hour") return day(ts).slice(5) + " " + clock(ts);
  if (step === "month") return d.toISOString().slice(0, 7);
  return d.toISOString().slice(0, 10);
}

/** The start of the bucket after one, UTC (as {@link buckets} steps). */
function after(ts, step) {
  const d = new Date(ts);
  if (step === "hour") d.setUTCHours(d.getUTCHours() + 1);
  else if (step === "day") d.setUTCDate(d.getUTCDate() + 1);
  else if (step === "week") d.setUTCDate(d.getUTCDate() + 7);
  else if (step === "month") d.setUTCMonth(d.getUTCMonth() + 1);
  else d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.getTime();
}

/** Buckets' labels; the last one says "(so far)" while it has not ended: its figures will still change. */
export function bucketLabels(all, step) {
  const out = all.map((b) => bucketLabel(b, step));
  if (all.length > 0 && after(all[all.length - 1], step) > Date.now()) out[out.length - 1] += " (so far)";
  return out;
}

/** Every bucket start of a step in [from, to), UTC, weeks from Sunday: so empty buckets show as zero, not as a gap. */
export function buckets(from, to, step) {
  const out = [];
  const d = new Date(from);
  if (step === "hour") {
    d.setUTCMinutes(0, 0, 0);
  } else {
    d.setUTCHours(0, 0, 0, 0);
    if (step === "week") d.setUTCDate(d.getUTCDate() - d.getUTCDay());
    if (step === "month") d.setUTCDate(1);
    if (step === "year") d.setUTCMonth(0, 1);
  }
  while (d.getTime() < to && out.length < 5000) {
    out.push(d.getTime());
    if (step === "hour") d.setUTCHours(d.getUTCHours() + 1);
    else if (step === "day") d.setUTCDate(d.getUTCDate() + 1);
    else if (step === "week") d.setUTCDate(d.getUTCDate() + 7);
    else if (step === "month") d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCFullYear(d.getUTCFullYear() + 1);
  }
  return out;
}

/** A series on every bucket: counts are 0 where there is no row, averages and rates are missing. */
export function fill(rows, all, key, zero) {
  const byTs = new Map(rows.map((r) => [r.timestamp, r]));
  return all.map((b) => {
    const r = byTs.get(b);
    return r && r[key] !== undefined ? r[key] : zero ? 0 : null;
  });
}
