// The overview page and what other pages share: the viewership API over the chosen range, step and filters.
import { get, qs } from "./api.js";
import { METRICS, ESTIMATES, label, delta, escape, bucketLabel, bucketLabels, count, buckets, fill, placeholders,
  platformName }
  from "./format.js";
import { state, span as range, step, link, rangeName } from "./state.js";
import * as charts from "./charts.js";

export const DIMENSIONS = [
  ["country", "Country"], ["subdivision", "Subdivision"], ["continent", "Continent"], ["timezone", "Time zone"],
  ["browser", "Browser"], ["browserEngine", "Browser engine"], ["os", "OS"], ["deviceType", "Device type"],
  ["device", "Device"], ["cpu", "CPU"], ["playbackId", "Video"], ["creatorId", "Creator"], ["geohash", "Geohash"],
  ["asn", "ASN"], ["isp", "ISP"], ["cdn", "CDN"],
];

/** The network dimensions found in the ASN database (not the CDN, which players and forwarders report). */
export const NETWORK = ["asn", "isp"];

/** The account's custom dimensions as [dimension, name] ("custom.experiment", "experiment"), once learnt. */
export const customDimensions = [];

/**
 * Learns the custom dimensions the account declared (GET /api/custom-dimensions), in their slots' order; keeps the
 * ones known before when the server cannot say.
 */
export async function learnCustomDimensions() {
  try {
    const list = await get("/api/custom-dimensions");
    customDimensions.splice(0, customDimensions.length, ...list.map((d) => [d.dimension, d.name]));
  } catch (e) {
    if (e.status === 401) throw e;
  }
  return customDimensions;
}

/** Every dimension a breakdown or a filter can use: the built-in ones, then the account's custom dimensions. */
export function allDimensions() {
  return [...DIMENSIONS, ...customDimensions];
}

/** A dimension's name for people: "Browser", not "browser"; a custom dimension by its declared name. */
export function dimensionName(dim) {
  const d = allDimensions().find(([k]) => k === dim);
  return d ? d[1] : dim.startsWith("custom.") ? dim.slice("custom.".length) : dim;
}

/** A dimension's value for people: one platform name everywhere, ASNs as "AS64500", "Unknown" where the API has none. */
export function valueName(dim, v) {
  if (v === undefined || v === null || v === "") return "Unknown";
  return dim === "os" ? platformName(v) : dim === "asn" ? "AS" + v : String(v);
}

/** A filter for people: "browser:Chrome" reads "Browser = Chrome", "!browser:Chrome" reads "Browser is not Chrome". */
export function filterName(f) {
  const negated = f.startsWith("!");
  const body = negated ? f.slice(1) : f;
  const i = body.indexOf(":");
  if (i < 0) return f;
  const [dim, v] = [body.slice(0, i), body.slice(i + 1)];
  return dimensionName(dim) + (negated ? " is not " : " = ")
    + (dim === "playbackId" && videoNames.has(v) ? videoNames.get(v) : valueName(dim, v));
}

/**
 * Adds a filter ("dim:value", or "!dim:value" for "is not") to every page, replacing its opposite (a value cannot be
 * both kept and dropped), and redraws the page the viewer is on.
 */
export function addFilter(f) {
  const opposite = f.startsWith("!") ? f.slice(1) : "!" + f;
  state.filters = state.filters.filter((x) => x !== opposite);
  if (!state.filters.includes(f)) state.filters.push(f);
  location.hash = link(location.hash.replace(/^#/, "").split("?")[0] || "/overview");
}

/** The names of the account's videos by playback id, as far as pages have learnt them: filters on a video read so. */
export const videoNames = new Map();

/** Learns the names of every asset and stream of the account. */
export async function learnVideoNames() {
  const [assets, streams] = await Promise.all([get("/api/asset"), get("/api/stream")]);
  [...assets, ...streams].forEach((m) => videoNames.set(m.playbackId, m.name));
  return videoNames;
}

/**
 * What to show when the chosen scope has no views, told apart: the filters match nothing, the range is empty but
 * there are views at other times, or the account has no views at all yet.
 */
export async function nothing() {
  if (state.filters.length > 0) {
    return `<div class="empty" id="noMatch"><h2>Nothing matches these filters</h2>
      <p>No views in ${escape(rangeName())} match ${state.filters.map((f) => escape(filterName(f))).join(" and ")}.</p>
      <button type="button" class="primary" data-clear-filters>Clear filters</button></div>`;
  }
  const ever = await get("/api/data/views/query");
  if (ever.length > 0 && ever[0].viewCount > 0) {
    return `<div class="empty" id="noneInRange"><h2>No views in this range</h2>
      <p>There are no views in ${escape(rangeName())}. There are views at other times: choose another range.</p></div>`;
  }
  return startHere();
}

export function viewsQuery(extra) {
  return "/api/data/views/query" + qs({ "filters[]": state.filters, ...extra });
}

/** What to show when there is nothing yet: how to start sending views. */
export function startHere() {
  const origin = location.origin;
  return `<div class="empty" id="empty">
    <h2>No views yet</h2>
    <p>Register a video, then add the collector to your player page. Views show here within a second.</p>
    <p class="muted">Set <code>KEY</code> to a secret key of your account (the one you signed in with; this page never
      shows it).</p>
    <pre class="snippet" tabindex="0">curl -s -X POST ${escape(origin)}/api/asset -H "Authorization: Bearer $KEY" \\
     -d '{"name": "My video", "playbackId": "my-video"}'</pre>
    <pre class="snippet" tabindex="0">&lt;script src="${escape(origin)}/collector.js"&gt;&lt;/script&gt;
&lt;script&gt;
  const video = document.querySelector("video");
  Viewpulse.addMediaMetrics(video, video.src, console.error, { playbackId: "my-video" });
&lt;/script&gt;</pre>
    <p class="muted">Players that use Livepeer's reporter work too: see the README.</p>
  </div>`;
}

/**
 * Number cards: each metric's figure and its change against the previous period, better or worse said in words and
 * with an arrow; with sparks, a canvas for its small chart. With {@code open} (a metric key to address), each card's
 * name is a link that opens that metric's full chart; the one shown is marked current.
 */
export function kpis(list, cur, prev, sparks, open, chosen) {
  return list.map((m) => {
    const d = delta(m, cur[m.key], prev[m.key]);
    const good = d && d.dir !== 0 && ((d.dir > 0) === (m.better === "up"));
    const cls = !d || d.dir === 0 || !m.better ? "flat" : good ? "up" : "down";
    const name = open ? `<a class="open" href="${open(m.key)}" data-open="${m.key}"${m.key === chosen
      ? ' aria-current="true"' : ""}>${escape(m.label)}<span class="visually-hidden">: chart against the previous period</span></a>${m.estimate
      ? ` <abbr class="estimate" data-estimate="${m.key}" title="${escape(m.estimate)}">≈</abbr>` : ""}` : label(m);
    return `<section class="card kpi${open && m.key === chosen ? " chosen" : ""}" aria-label="${m.label}">
      <div class="label">${name}</div>
      <div class="value" data-metric="${m.key}">${m.fmt(cur[m.key])}</div>
      <div class="delta ${cls}">${d ? `<span aria-hidden="true">${d.dir > 0 ? "▲" : d.dir < 0 ? "▼" : "●"}</span> `
        + escape(d.text) + " vs previous period" + (d.dir === 0 ? " (no change)" : !m.better ? "" : good ? " (better)" : " (worse)")
        : "no previous data"}</div>
      ${sparks ? `<canvas id="spark-${m.key}" aria-hidden="true"></canvas>` : ""}</section>`;
  }).join("");
}

/** A metric's figures as a chart draws them: rates in percent (without a float's noise), the rest as they are. */
function plotted(m, v) {
  return v === null || v === undefined ? null : m.rate ? Number((v * 100).toPrecision(7)) : v;
}

/** A metric's series name with its unit: "Error rate (%)", "Watch time (min)". */
function seriesName(m) {
  const unit = m.rate ? "%" : m.key === "playtimeMins" ? "min" : m.key.endsWith("Ms") ? "ms" : "";
  return m.label + (unit ? " (" + unit + ")" : "");
}

/**
 * The overview: every figure against the previous period, and one of them (views unless the address names another)
 * as a full chart with the previous period drawn beside it: the same number of buckets, shifted back by the range's
 * length, each point of the previous line at the bucket of the range it corresponds to.
 */
export async function overview(main, chosenKey) {
  const w = range();
  const s = step();
  const m = METRICS.find((x) => x.key === chosenKey) || METRICS[0];
  const title = m.label + " over time";
  main.innerHTML = `<h1>Overview</h1><div class="kpis" id="kpis">${placeholders(8, "kpi")}</div>
    <h2 id="chartTitle">${escape(title)}</h2>
    <p class="muted" id="chartNote">${escape(rangeName())}, against the period before it of the same length.</p>
    <div class="card chart is-loading"><canvas id="viewsChart" aria-label="${escape(title)}" role="img"></canvas></div>`;
  const [now, before, series, prevSeries, playing] = await Promise.all([
    get(viewsQuery({ from: w.from, to: w.to })),
    get(viewsQuery({ from: w.prevFrom, to: w.prevTo })),
    get(viewsQuery({ from: w.from, to: w.to, timeStep: s })),
    get(viewsQuery({ from: w.prevFrom, to: w.prevTo, timeStep: s })),
    get("/api/data/views/now"),
  ]);
  const cur = now[0] || {};
  const prev = before[0] || {};
  if (!cur.viewCount) {
    main.innerHTML = `<h1>Overview</h1>` + await nothing();
    return;
  }
  const all = buckets(w.from, w.to, s);
  const labels = bucketLabels(all, s);
  // the previous period's buckets, one for one with the range's (as many, in order)
  const prevAll = buckets(w.prevFrom, w.prevTo, s).slice(0, all.length);
  const prevLabels = prevAll.map((b) => bucketLabel(b, s));
  document.getElementById("kpis").insertAdjacentHTML("beforebegin", `<p class="now" id="now"><span class="pulse"
    aria-hidden="true"></span> Watching now: <strong data-now>${count(playing.reduce((n, r) => n + r.viewCount, 0))}</strong>
    <span class="muted">(views with a beacon in the last minute, whatever the range and filters)</span></p>`);
  document.getElementById("kpis").innerHTML = kpis(METRICS, cur, prev, true, (k) => link("/overview/" + k), m.key)
    + ESTIMATES;
  const counts = ["viewCount", "playtimeMins", "uniqueViewers"];
  const zero = counts.includes(m.key);
  METRICS.forEach((x) => charts.line(document.getElementById("spark-" + x.key), labels,
    [{ label: x.label, data: fill(series, all, x.key, counts.includes(x.key)) }], { spark: true, fill: true }));
  const previous = fill(prevSeries, prevAll, m.key, zero).map((v) => plotted(m, v));
  while (previous.length < all.length) previous.push(zero ? 0 : null);
  charts.line(document.getElementById("viewsChart"), labels, [
    { label: seriesName(m), data: fill(series, all, m.key, zero).map((v) => plotted(m, v)) },
    { label: "Previous period", data: previous, dashed: true, finished: true, at: prevLabels },
  ], { fill: true, points: true, legend: true, decimals: !zero, spanGaps: !zero });
}
