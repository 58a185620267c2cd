// Breakdowns that analyse: any metric by any dimension, every column sortable, and the values ranked by their negative
// impact on the metric (Mux's workflow: which browser, country or video makes rebuffering worst overall).
import { get } from "./api.js";
import { METRICS, SCORES, FAILURES, PLAYBACK, ESTIMATES, label, escape, percent, ms, bucketLabels, buckets, fill,
  placeholders } from "./format.js";
import { state, span as range, step, link, markAddressShown } from "./state.js";
import { allDimensions, NETWORK, dimensionName, valueName, nothing, viewsQuery, learnVideoNames, addFilter } from "./views.js";
import { csv, save } from "./download.js";
import * as charts from "./charts.js";
import * as worldMap from "./map.js";

const GEO = ["country", "subdivision", "continent", "timezone", "geohash"];

/**
 * Whether this server places viewers (a GeoIP database is loaded), from its health answer; null when it cannot say.
 */
async function geolocates() {
  return health("geoip");
}

/**
 * Whether this server finds viewers' networks (an ASN database is loaded), from its health answer; null when it cannot
 * say.
 */
async function findsNetworks() {
  return health("networkDimensions");
}

/** Whether a feature of the health answer is "on" (false for "off" and "off: why"); null when it cannot say. */
async function health(feature) {
  try {
    const r = await fetch("/healthz");
    const body = await r.json();
    return body[feature] === undefined ? null : body[feature] === "on";
  } catch (e) {
    return null;
  }
}

const by = (keys, list) => keys.map((k) => list.find((m) => m.key === k));

/** The metrics a breakdown can analyse: views, then the quality metrics (better up or down). */
export const ANALYSE = [
  METRICS[0],
  ...SCORES,
  ...FAILURES,
  ...by(["errorRate"], METRICS),
  { key: "ttffMs", label: "Time to first frame (mean)", fmt: ms, better: "down" },
  ...by(["ttffP50Ms", "ttffP95Ms"], METRICS),
  ...by(["rebufferRatio", "rebufferFrequency", "rebufferDurationMs", "seekLatencyMs", "averageBitrateBps",
    "droppedFrameRate", "upscalePercentage", "downscalePercentage"], PLAYBACK),
];

/**
 * A value's negative impact on a metric (Mux): (its figure - the overall figure) x its share of views, signed so that
 * above zero it makes the overall figure worse. Undefined where the value or the whole has no figure.
 */
export function impact(m, value, overall, share) {
  if (value === undefined || value === null || overall === undefined || overall === null) return null;
  return (value - overall) * share * (m.better === "up" ? -1 : 1);
}

/** An impact in the metric's unit: rates and scores in points, others as the metric reads. */
function impactText(m, v) {
  if (v === null) return "–";
  const sign = v > 0 ? "+" : v < 0 ? "-" : "";
  const a = Math.abs(v);
  return sign + (m.rate ? (a * 100).toFixed(2) + " pts" : m.score ? a.toFixed(2) + " pts" : m.fmt(a));
}

// the table's order, kept while the viewer stays on the same dimension and metric
let sorted = { page: "", key: null, dir: -1 };

/**
 * The breakdown of a metric by {@code dim}; by country, with {@code place} (a country's code) the country whose
 * subdivisions are shown under the world map.
 */
export async function breakdown(main, dim, metricKey, place) {
  const w = range();
  const m = ANALYSE.find((a) => a.key === metricKey) || ANALYSE[0];
  const analysing = m.key !== "viewCount";
  const dimOptions = allDimensions().map(([k, l]) =>
    `<option value="${escape(k)}" ${k === dim ? "selected" : ""}>${escape(l)}</option>`).join("");
  const metricOptions = ANALYSE.map((a) => `<option value="${a.key}" ${a === m ? "selected" : ""}>${escape(a.label)}</option>`).join("");
  const what = analysing ? escape(m.label) : "Views";
  main.innerHTML = `<h1>Breakdown by ${escape(dimensionName(dim))}</h1>
    <div class="pickers"><label>Break down by <select id="dimension">${dimOptions}</select></label>
      <label>Metric <select id="metric">${metricOptions}</select></label></div>
    <div class="stale" id="geoipOff" role="note" hidden><strong>GeoIP is off.</strong> This server has no GeoIP
      database loaded, so views get no country, region or time zone and read as Unknown here. Add one (the README's
      GeoIP section says how: <code>--geoip</code> or a file in <code>data/geoip</code>) and restart; views from then
      on are placed.</div>
    <div class="stale" id="networkOff" role="note" hidden><strong>Network dimensions are off.</strong> This server has no
      ASN database loaded, so views get no ASN or ISP and read as Unknown here. Add one (the README's section on network
      dimensions says how: <code>--asn-db</code> or a file in <code>data/asn</code>) and restart; views from then on
      are placed in their networks.</div>
    ${dim === "country" ? `<h2 id="mapTitle">${what} by country</h2><div class="card map" id="map"></div>
      <section id="places" aria-labelledby="placesTitle" hidden></section>` : ""}
    <div class="grid2 mt">
      <div><div class="card chart is-loading"><canvas id="dimChart" role="img" aria-label="${what} by ${escape(dimensionName(dim))}"></canvas></div></div>
      <div><div class="card chart is-loading"><canvas id="dimTime" role="img" aria-label="${what} over time by ${escape(dimensionName(dim))}"></canvas></div></div>
    </div>
    <h2>All values</h2><div class="scroll" tabindex="0" id="table">${placeholders(6)}</div>`;
  const path = (d, k, c) => "/breakdown/" + d + (k && k !== "viewCount" || c ? "/" + k : "") + (c ? "/" + c : "");
  document.getElementById("dimension").addEventListener("change", (e) => { location.hash = link(path(e.target.value, m.key)); });
  const chosen = dim === "country" && /^[A-Z]{2}$/.test(place || "") ? place : null;
  document.getElementById("metric").addEventListener("change", (e) => {
    location.hash = link(path(dim, e.target.value, chosen));
  });
  const s = step();
  const [rows, whole, series, videos, placed, networked] = await Promise.all([
    get(viewsQuery({ from: w.from, to: w.to, "breakdownBy[]": dim, metrics: "quality" })),
    get(viewsQuery({ from: w.from, to: w.to, metrics: "quality" })),
    get(viewsQuery({ from: w.from, to: w.to, timeStep: s, "breakdownBy[]": dim, metrics: "quality" })),
    dim === "playbackId" ? learnVideoNames() : new Map(),
    GEO.includes(dim) ? geolocates() : null,
    NETWORK.includes(dim) ? findsNetworks() : null,
  ]);
  document.getElementById("geoipOff").hidden = placed !== false;
  document.getElementById("networkOff").hidden = networked !== false;
  // videos by their names, not their playback ids (an id no asset or stream has any more stays as it is)
  const nameOf = (v) => videos.has(v) ? videos.get(v) : valueName(dim, v);
  if (rows.length === 0) {
    if (document.getElementById("map")) {
      document.getElementById("map").remove();
      document.getElementById("mapTitle").remove();
    }
    main.querySelector(".grid2").remove();
    main.querySelector("#table").previousElementSibling.remove();
    document.getElementById("table").outerHTML = await nothing();
    return;
  }
  const overall = whole[0] || {};
  const total = overall.viewCount || rows.reduce((n, r) => n + r.viewCount, 0);
  rows.forEach((r) => {
    r.share = r.viewCount / total;
    r.impact = analysing ? impact(m, r[m.key], overall[m.key], r.share) : null;
  });
  // a chart shows a rate in percent
  const shown = (v) => v === undefined || v === null ? null : m.rate ? Number((v * 100).toPrecision(7)) : v;
  const unit = m.rate ? " (%)" : "";
  if (dim === "country") {
    // a country chosen on the map: its subdivisions under it, the choice in the address (Back goes to the one before)
    const choose = async (code, moveFocus) => {
      if (moveFocus) {
        history.pushState(null, "", link(path(dim, m.key, code)));
        markAddressShown();
      }
      worldMap.markChosen(document.getElementById("map"), code);
      try {
        await subdivisions(m, code, w);
      } catch (err) {
        if (!moveFocus) throw err;
        const box = document.getElementById("places");
        box.removeAttribute("aria-busy");
        box.innerHTML = `<h2 id="placesTitle" tabindex="-1">Subdivisions of ${escape(worldMap.countryName(code))}</h2>
          <p class="error" role="alert">Could not load the subdivisions: ${escape(err.message)}.</p>`;
      }
      if (moveFocus) document.getElementById("placesTitle")?.focus();
    };
    await countryMap(m, rows, chosen, (code) => choose(code, true));
    if (chosen) await choose(chosen, false);
  }
  const top = [...rows].sort((a, b) => b.viewCount - a.viewCount).slice(0, 10);
  charts.bars(document.getElementById("dimChart"), top.map((r) => nameOf(r[dim])), top.map((r) => shown(r[m.key])),
    m.label + unit, dimensionName(dim));

  const page = dim + "/" + m.key;
  if (sorted.page !== page) sorted = { page, key: analysing ? "impact" : "viewCount", dir: -1 };
  const cols = [
    { key: "name", label: escape(dimensionName(dim)), value: (r) => nameOf(r[dim]), csv: dim },
    { key: "viewCount", label: "Views", value: (r) => r.viewCount, fmt: METRICS[0].fmt, csv: "viewCount" },
    { key: "share", label: "Share of views", value: (r) => r.share, fmt: percent, csv: "shareOfViews" },
    ...(analysing ? [
      { key: m.key, label: label(m), value: (r) => r[m.key], fmt: m.fmt, csv: m.key },
      { key: "impact", label: "Negative impact", value: (r) => r.impact, fmt: (v) => impactText(m, v), csv: "negativeImpact" },
    ] : []),
    ...METRICS.filter((x) => x.key !== "viewCount" && x.key !== m.key)
      .map((x) => ({ key: x.key, label: label(x), value: (r) => r[x.key], fmt: x.fmt, csv: x.key })),
  ];
  const draw = () => {
    const col = cols.find((c) => c.key === sorted.key) || cols[1];
    const order = [...rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      // missing figures last, whichever the direction
      if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1;
      if (y === undefined || y === null) return -1;
      return (typeof x === "string" ? x.localeCompare(y) : x - y) * sorted.dir;
    });
    document.getElementById("table").innerHTML = `<table id="values"><caption class="muted">
      Select a value to filter every page by it; select a column's name to sort by it.${analysing
        ? ` Negative impact: (the value's ${escape(m.label.toLowerCase())} - the overall ${escape(m.fmt(overall[m.key]))})
          x its share of views; above zero it makes the overall figure worse.` : ""}</caption><thead><tr>` +
      cols.map((c) => `<th scope="col" ${c === col ? `aria-sort="${sorted.dir > 0 ? "ascending" : "descending"}"` : ""}><button type="button" class="sort" data-sort="${c.key}">${c.label}</button></th>`).join("") +
      `</tr></thead><tbody>` + order.map((r) => `<tr>` + cols.map((c, i) => i === 0
        ? `<td>${r[dim] == null ? '<span class="muted">Unknown</span>' : `<button class="row-link"
            data-filter="${escape(dim + ":" + r[dim])}">${escape(nameOf(r[dim]))}</button><button type="button"
            class="exclude" data-exclude="${escape("!" + dim + ":" + r[dim])}"
            aria-label="not ${escape(nameOf(r[dim]))} (exclude it from every page)" title="Exclude: ${escape(dimensionName(dim))} is not
            ${escape(nameOf(r[dim]))}">not</button>`}</td>`
        : `<td data-col="${c.key}">${c.fmt(c.value(r))}</td>`).join("") + `</tr>`).join("") + `</tbody></table>`
      + ESTIMATES + `<p><button type="button" id="csv">Download CSV</button></p>`;
    document.querySelectorAll("#values [data-filter]").forEach((b) => b.addEventListener("click", () => {
      if (!state.filters.includes(b.dataset.filter)) state.filters.push(b.dataset.filter);
      location.hash = link("/overview");
    }));
    // "is not": the value dropped from every page, this one redrawn without it
    document.querySelectorAll("#values [data-exclude]").forEach((b) => b.addEventListener("click",
      () => addFilter(b.dataset.exclude)));
    document.querySelectorAll("#values [data-sort]").forEach((b) => b.addEventListener("click", () => {
      const k = b.dataset.sort;
      // a new column starts with its largest (names: from A), the same column turns around
      sorted = { page, key: k, dir: k === sorted.key ? -sorted.dir : k === "name" ? 1 : -1 };
      draw();
      document.querySelector(`#values [data-sort="${k}"]`).focus();
    }));
    document.getElementById("csv").addEventListener("click", () => save(`breakdown-${dim}${analysing ? "-" + m.key : ""}.csv`,
      csv(cols.map((c) => c.csv), order.map((r) => cols.map((c, i) => i === 0 ? r[dim] : c.value(r))))));
  };
  draw();

  const all = buckets(w.from, w.to, s);
  const names = top.slice(0, 5).map((r) => r[dim]);
  charts.line(document.getElementById("dimTime"), bucketLabels(all, s), names.map((n) => ({
    label: nameOf(n),
    data: fill(series.filter((r) => r[dim] === n), all, m.key, !analysing).map(shown),
  })), { legend: true, spanGaps: analysing, points: true, decimals: analysing });
}

/** The map of a metric by country, and its figures as a table under it (country, code, figure; largest first). */
async function countryMap(m, rows, chosen, onPick) {
  const values = {};
  rows.filter((r) => r.country).forEach((r) => { values[r.country] = r[m.key]; });
  const box = document.getElementById("map");
  const what = m.key === "viewCount" ? "Views" : m.label;
  await worldMap.draw(box, values, m.fmt, what, onPick, chosen);
  const listed = rows.filter((r) => r.country && r[m.key] !== null && r[m.key] !== undefined)
    .sort((a, b) => b[m.key] - a[m.key] || a.country.localeCompare(b.country));
  const unknown = rows.filter((r) => !r.country).reduce((n, r) => n + r.viewCount, 0);
  box.insertAdjacentHTML("afterend", `<details class="numbers" id="mapNumbers"><summary>${escape(what)} by country:
      the numbers</summary><div class="scroll" tabindex="0"><table id="mapTable"><thead><tr><th scope="col">Country</th>
      <th scope="col">Code</th><th scope="col">${escape(what)}</th></tr></thead><tbody>${listed.map((r) =>
    `<tr><th scope="row"><button type="button" class="row-link" data-place="${escape(r.country)}"
      title="Show its subdivisions">${escape(worldMap.countryName(r.country))}</button></th><td>${escape(r.country)}</td>
      <td>${escape(m.fmt(r[m.key]))}</td></tr>`).join("")}</tbody></table></div>
      ${unknown ? `<p class="muted" id="mapUnknown">${unknown.toLocaleString("en-US")} ${unknown === 1 ? "view" : "views"}
        without a known country ${unknown === 1 ? "is" : "are"} not on the map.</p>` : ""}</details>`);
  document.querySelectorAll("#mapTable [data-place]").forEach((b) => b.addEventListener("click",
    () => onPick(b.dataset.place)));
}

/**
 * A country's subdivisions (the views by subdivision, filtered by the country as well as by the page's filters),
 * ranked by the metric in a table with a bar for each figure, and on a map of their own where Viewpulse serves the
 * country's subdivision shapes.
 */
let placesAsked = 0;

async function subdivisions(m, code, w) {
  const box = document.getElementById("places");
  const what = m.key === "viewCount" ? "Views" : m.label;
  const name = worldMap.countryName(code);
  const analysing = m.key !== "viewCount";
  box.hidden = false;
  box.setAttribute("aria-busy", "true");
  box.innerHTML = `<h2 id="placesTitle" tabindex="-1">${escape(what)} in ${escape(name)} by subdivision</h2>
    ${placeholders(3)}`;
  const asked = ++placesAsked;
  const rows = await get(viewsQuery({ from: w.from, to: w.to, "breakdownBy[]": "subdivision", metrics: "quality",
    "filters[]": [...state.filters, "country:" + code] }));
  // a later choice (or another page) took over while this one loaded
  if (asked !== placesAsked || !box.isConnected) return;
  const placed = rows.filter((r) => r.subdivision);
  const unknown = rows.filter((r) => !r.subdivision).reduce((n, r) => n + r.viewCount, 0);
  const value = (r) => r[m.key] === undefined ? null : r[m.key];
  // ranked by the metric, largest first (missing figures last), then by views
  const ranked = [...placed].sort((a, b) => (value(a) === null) - (value(b) === null) || (value(b) ?? 0) - (value(a) ?? 0)
    || b.viewCount - a.viewCount || a.subdivision.localeCompare(b.subdivision));
  const max = Math.max(0, ...ranked.map(value).filter((v) => v !== null));
  const views = (n) => n.toLocaleString("en-US") + (n === 1 ? " view" : " views");
  box.innerHTML = `<h2 id="placesTitle" tabindex="-1">${escape(what)} in ${escape(name)} by subdivision</h2>
    <div class="pickers place-actions"><button type="button" id="placeFilter">Filter every page by ${escape(name)}</button>
      <button type="button" id="placeClose">Back to every country</button></div>
    ${worldMap.hasSubdivisionMap(code) && placed.length > 0 ? `<div class="card map mt" id="placeMapBox"></div>` : ""}
    ${placed.length === 0 ? `<p class="muted" id="placesNone">No view in ${escape(name)} has a known subdivision in
      this range.</p>` : `<div class="scroll mt" tabindex="0"><table id="placesTable"><caption class="muted">The
      subdivisions of ${escape(name)} ranked by ${escape(what.toLowerCase())}, largest first; the bar is each one's figure
      against the largest.</caption><thead><tr><th scope="col">Rank</th><th scope="col">Subdivision</th>
      <th scope="col">${escape(what)}</th>${analysing ? `<th scope="col">Views</th>` : ""}</tr></thead><tbody>${ranked
      .map((r, i) => `<tr><td>${i + 1}</td><th scope="row">${escape(r.subdivision)}</th><td class="bar-cell"><span class="track"
        aria-hidden="true"><span class="bar" data-share="${value(r) === null || max <= 0 ? 0 : value(r) / max}"></span></span>${
        escape(value(r) === null ? "–" : m.fmt(value(r)))}</td>${analysing ? `<td>${r.viewCount.toLocaleString("en-US")}</td>`
        : ""}</tr>`).join("")}</tbody></table></div>`}
    ${unknown ? `<p class="muted" id="placesUnknown">${views(unknown)} in ${escape(name)} without a known subdivision
      ${unknown === 1 ? "is" : "are"} not listed.</p>` : ""}`;
  // the bars' lengths (set here: the page's policy allows no inline styles)
  box.querySelectorAll(".bar").forEach((b) => { b.style.width = (Number(b.dataset.share) * 100).toFixed(1) + "%"; });
  document.getElementById("placeFilter").addEventListener("click", () => addFilter("country:" + code));
  document.getElementById("placeClose").addEventListener("click", () => {
    location.hash = link("/breakdown/country" + (analysing ? "/" + m.key : ""));
  });
  const mapBox = document.getElementById("placeMapBox");
  if (mapBox) {
    const values = {};
    placed.forEach((r) => { values[r.subdivision] = value(r); });
    await worldMap.drawSubdivisions(mapBox, code, values, m.fmt, what);
  }
  box.removeAttribute("aria-busy");
}
