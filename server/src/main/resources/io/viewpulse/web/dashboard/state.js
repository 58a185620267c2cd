// What the viewer chose (range, time step, time zone, filters): kept in the address's hash so it survives reloads,
// links and moving between pages.
const HOUR = 3600e3;
const DAY = 24 * HOUR;
const LAST = { "24h": DAY, "7d": 7 * DAY, "30d": 30 * DAY, "90d": 90 * DAY };
const RANGES = ["today", "yesterday", "24h", "7d", "30d", "90d", "custom"];
const STEPS = ["hour", "day", "week", "month"];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const state = { range: "7d", step: "auto", tz: "utc", from: null, to: null, filters: [] };

export function readHash() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const p = new URLSearchParams(query || "");
  state.range = RANGES.includes(p.get("range")) ? p.get("range") : state.range;
  state.step = STEPS.includes(p.get("step")) ? p.get("step") : p.get("step") === "auto" ? "auto" : state.step;
  state.tz = p.get("tz") === "local" ? "local" : p.get("tz") === "utc" ? "utc" : state.tz;
  state.from = DATE.test(p.get("from") || "") ? p.get("from") : state.from;
  state.to = DATE.test(p.get("to") || "") ? p.get("to") : state.to;
  if (state.range === "custom" && (!state.from || !state.to || state.from > state.to)) {
    // a custom range without valid days reads as the last 7 days, whole days
    state.to = day(Date.now());
    state.from = day(Date.now() - 6 * DAY);
  }
  state.filters = p.getAll("f");
  return (path || "/overview").split("/").filter(Boolean);
}

export function link(path) {
  const p = new URLSearchParams();
  p.set("range", state.range);
  if (state.range === "custom") {
    p.set("from", state.from);
    p.set("to", state.to);
  }
  p.set("step", state.step);
  if (state.tz !== "utc") p.set("tz", state.tz);
  state.filters.forEach((f) => p.append("f", f));
  return "#" + path + "?" + p.toString();
}

/** The browser's own time zone, e.g. "Europe/Berlin". */
export function localZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
}

/** The zone times are shown in, for a label: "UTC" or the browser's zone name. */
export function zoneName() {
  return state.tz === "local" ? localZone() : "UTC";
}

/** The calendar fields of an instant in the chosen zone. */
export function fields(ts) {
  const d = new Date(ts);
  return state.tz === "local"
    ? { y: d.getFullYear(), mo: d.getMonth(), d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() }
    : { y: d.getUTCFullYear(), mo: d.getUTCMonth(), d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(),
      s: d.getUTCSeconds() };
}

const two = (n) => String(n).padStart(2, "0");

/** An instant's day in the chosen zone, "2026-12-04". */
export function day(ts) {
  const f = fields(ts);
  return f.y + "-" + two(f.mo + 1) + "-" + two(f.d);
}

/** An instant's time of day in the chosen zone, "13:05" (or "13:05:09" with seconds). */
export function clock(ts, seconds) {
  const f = fields(ts);
  return two(f.h) + ":" + two(f.mi) + (seconds ? ":" + two(f.s) : "");
}

/** The start of a day ("2026-12-04") in the chosen zone, in Unix ms. */
function startOf(date) {
  const [y, m, d] = date.split("-").map(Number);
  return state.tz === "local" ? new Date(y, m - 1, d).getTime() : Date.UTC(y, m - 1, d);
}

/** The start of the day after a day, in the chosen zone (days are not always 24 hours long in a local zone). */
function dayAfter(date) {
  const [y, m, d] = date.split("-").map(Number);
  return state.tz === "local" ? new Date(y, m - 1, d + 1).getTime() : Date.UTC(y, m - 1, d + 1);
}

/** The chosen range in words, for a sentence: "the last 7 days", "today", "2026-12-01 to 2026-12-03". */
export function rangeName() {
  if (state.range === "today" || state.range === "yesterday") return state.range;
  if (state.range === "custom") return state.from === state.to ? state.from : state.from + " to " + state.to;
  return "the last " + { "24h": "24 hours", "7d": "7 days", "30d": "30 days", "90d": "90 days" }[state.range];
}

/** The chosen range, and the one before it of the same length, in Unix ms. */
export function span() {
  const now = Date.now();
  if (LAST[state.range]) {
    const len = LAST[state.range];
    return { from: now - len, to: now, prevFrom: now - 2 * len, prevTo: now - len };
  }
  const today = startOf(day(now));
  if (state.range === "today") {
    // so far today, against yesterday up to the same time of day
    const yesterday = startOf(day(today - HOUR));
    return { from: today, to: now, prevFrom: yesterday, prevTo: yesterday + (now - today) };
  }
  if (state.range === "yesterday") {
    const yesterday = startOf(day(today - HOUR));
    const before = startOf(day(yesterday - HOUR));
    return { from: yesterday, to: today, prevFrom: before, prevTo: yesterday };
  }
  const from = startOf(state.from);
  const to = dayAfter(state.to);
  return { from, to, prevFrom: from - (to - from), prevTo: from };
}

/**
 * The time steps that make sense for a range's length: enough buckets to draw a line, few enough to read (no 90 days
 * by hour, no 24 hours by month).
 */
export function steps(len) {
  const ok = [];
  if (len <= 8 * DAY) ok.push("hour");
  if (len >= 3 * DAY && len <= 400 * DAY) ok.push("day");
  if (len >= 21 * DAY) ok.push("week");
  if (len >= 60 * DAY) ok.push("month");
  return ok;
}

/** The step charts use: the chosen one when it makes sense for the range, else the automatic one. */
export function step() {
  const w = span();
  const len = w.to - w.from;
  if (state.step !== "auto" && steps(len).includes(state.step)) return state.step;
  return len <= 2 * DAY ? "hour" : len <= 31 * DAY ? "day" : len <= 366 * DAY ? "week" : "month";
}

/**
 * Marks the address the page now answers for (the busy mark says whether it has finished drawing it), so that whoever
 * waits for a page to settle knows it is this address's page and not the one before it.
 */
export function markAddressShown() {
  document.getElementById("main").dataset.shown = location.hash;
}
