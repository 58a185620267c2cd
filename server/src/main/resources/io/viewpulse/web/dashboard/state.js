// What the viewer chose (range, time step, filters): kept in the address's hash so it survives reloads, links and
// moving between pages.
const RANGES = { "24h": 24 * 3600e3, "7d": 7 * 86400e3, "30d": 30 * 86400e3, "90d": 90 * 86400e3 };

export const state = { range: "7d", step: "auto", filters: [] };

export function readHash() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const p = new URLSearchParams(query || "");
  state.range = RANGES[p.get("range")] ? p.get("range") : state.range;
  state.step = p.get("step") || state.step;
  state.filters = p.getAll("f");
  return (path || "/overview").split("/").filter(Boolean);
}

const RANGE_NAMES = { "24h": "the last 24 hours", "7d": "the last 7 days", "30d": "the last 30 days",
  "90d": "the last 90 days" };

/** The chosen range in words, for a sentence: "the last 7 days". */
export function rangeName() {
  return RANGE_NAMES[state.range];
}

export function link(path) {
  const p = new URLSearchParams();
  p.set("range", state.range);
  p.set("step", state.step);
  state.filters.forEach((f) => p.append("f", f));
  return "#" + path + "?" + p.toString();
}

/** The chosen range ending now, and the one before it, in Unix ms. */
export function span() {
  const to = Date.now();
  const len = RANGES[state.range];
  return { from: to - len, to, prevFrom: to - 2 * len, prevTo: to - len };
}

export function step() {
  if (state.step !== "auto") return state.step;
  return state.range === "24h" ? "hour" : state.range === "90d" ? "week" : "day";
}
