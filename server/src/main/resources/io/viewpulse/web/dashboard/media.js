// Videos (assets and streams) and the live page of a stream.
import { get, qs } from "./api.js";
import { METRICS, SCORES, FAILURES, ESTIMATES, label, escape, minutes, count, bucketLabel, bucketLabels, buckets, fill, placeholders, duration,
  platformName, percent, ms } from "./format.js";
import { state, span as range, step, link, rangeName, day, clock, zoneName } from "./state.js";
import { startHere, filterName, videoNames } from "./views.js";
import { save } from "./download.js";
import { key } from "./api.js";
import * as charts from "./charts.js";
import { PAGE, viewList, pager, openAddressedView } from "./explorer.js";

// the videos' figures that the list shows and sorts by (for the selected range and filters)
const LISTED = [
  METRICS[0], METRICS[1],
  SCORES[0], FAILURES[0],
  METRICS.find((m) => m.key === "rebufferRatio"), METRICS.find((m) => m.key === "ttffP50Ms"),
];
// each list's order, kept across searches and visits: the most viewed first
const order = { assets: { key: "viewCount", dir: -1 }, streams: { key: "viewCount", dir: -1 } };

/**
 * Videos: assets and live streams with their views, watch time and quality in the selected range and filters,
 * searchable, every column sortable.
 */
export async function videos(main) {
  const w = range();
  main.innerHTML = `<h1>Videos</h1>
    <label>Search <input id="search" type="search" placeholder="name or playback id"></label>
    <p class="muted">Figures for ${escape(rangeName())}${state.filters.length ? ", " + state.filters.map(filterName).map(escape).join(" and ") : ""}; select a column's name to sort by it.</p>
    <h2>Assets</h2><div class="scroll" tabindex="0" id="assets">${placeholders(3)}</div>
    <h2>Live streams</h2><div class="scroll" tabindex="0" id="streams">${placeholders(2)}</div>`;
  const input = document.getElementById("search");
  const figures = new Map((await get("/api/data/views/query" + qs({ from: w.from, to: w.to, "breakdownBy[]": "playbackId",
    metrics: "quality", "filters[]": state.filters }))).map((r) => [r.playbackId, r]));
  let lists = { assets: [], streams: [] };
  const draw = (which, search) => {
    const items = lists[which];
    const box = document.getElementById(which);
    if (items.length === 0) {
      const what = which === "assets" ? "assets" : "streams";
      box.innerHTML = `<p class="empty">${search ? `No ${what} match “${escape(search)}”.` : `No ${what} yet.`}</p>`;
      return;
    }
    box.innerHTML = table(which, items, figures, (m) => link((which === "assets" ? "/asset/" : "/live/") + m.id));
    box.querySelectorAll("[data-sort]").forEach((b) => b.addEventListener("click", () => {
      const k = b.dataset.sort;
      const o = order[which];
      order[which] = { key: k, dir: k === o.key ? -o.dir : k === "name" ? 1 : -1 };
      draw(which, search);
      box.querySelector(`[data-sort="${k}"]`).focus();
    }));
  };
  const render = async () => {
    const search = input.value.trim();
    const [assets, streams] = await Promise.all([get("/api/asset" + qs({ search })), get("/api/stream" + qs({ search }))]);
    lists = { assets, streams };
    draw("assets", search);
    draw("streams", search);
  };
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(render, 200);
  });
  await render();
}

function table(which, items, figures, href) {
  const o = order[which];
  const value = (m, k) => k === "name" ? m.name : k === "createdAt" ? m.createdAt
    : (figures.get(m.playbackId) || { viewCount: 0, playtimeMins: 0 })[k];
  // missing figures last whichever the direction, equal ones by name
  const sorted = [...items].sort((a, b) => {
    const x = value(a, o.key);
    const y = value(b, o.key);
    const none = (v) => v === undefined || v === null;
    const c = none(x) || none(y) ? (none(x) ? 1 : 0) - (none(y) ? 1 : 0)
      : (typeof x === "string" ? x.localeCompare(y) : x - y) * o.dir;
    return c || a.name.localeCompare(b.name);
  });
  const th = (k, text) => `<th scope="col"${o.key === k ? ` aria-sort="${o.dir > 0 ? "ascending" : "descending"}"` : ""}><button
    type="button" class="sort" data-sort="${k}">${text}</button></th>`;
  return `<table><thead><tr>${th("name", "Name")}<th scope="col">Playback id</th><th scope="col">Type</th>`
    + th("createdAt", "Created") + LISTED.map((m) => th(m.key, label(m))).join("") + `</tr></thead><tbody>`
    + sorted.map((m) => `<tr>
    <td><a href="${href(m)}">${escape(m.name)}</a></td><td><code>${escape(m.playbackId)}</code></td>
    <td>${m.type ? `<span class="pill">${escape(m.type)}</span>` : "asset"}</td>
    <td>${day(m.createdAt)}</td>` + LISTED.map((f) => `<td data-col="${f.key}">${f.fmt(value(m, f.key))}</td>`).join("")
    + `</tr>`).join("") + `</tbody></table>`;
}

/** The live streams as a list, without figures (the live page of each has them). */
function streamTable(items) {
  return `<table><thead><tr><th scope="col">Name</th><th scope="col">Playback id</th><th scope="col">Type</th>
    <th scope="col">Created</th></tr></thead><tbody>` + items.map((m) => `<tr>
    <td><a href="${link("/live/" + m.id)}">${escape(m.name)}</a></td><td><code>${escape(m.playbackId)}</code></td>
    <td>${m.type ? `<span class="pill">${escape(m.type)}</span>` : "asset"}</td>
    <td>${day(m.createdAt)}</td></tr>`).join("") + `</tbody></table>`;
}

/**
 * A video's page. Its figures and charts all answer for one scope, the selected range and filters, as the overview
 * does; the all-time total (every viewer, no filter) is shown apart and says so.
 */
export async function asset(main, id) {
  const a = await get("/api/asset/" + encodeURIComponent(id));
  const w = range();
  const s = step();
  const scope = { assetId: a.id, from: w.from, to: w.to, "filters[]": state.filters };
  const [total, figures, series, countries, firstViews] = await Promise.all([
    get("/api/data/views/query/total/" + encodeURIComponent(a.playbackId)),
    get("/api/data/views/query" + qs(scope)),
    get("/api/data/views/query" + qs({ ...scope, timeStep: s })),
    get("/api/data/views/query" + qs({ ...scope, "breakdownBy[]": "country" })),
    get("/api/data/views" + qs({ ...scope, limit: PAGE() })),
  ]);
  const cur = figures[0] || {};
  const scopeText = [rangeName().replace(/^the /, ""), ...state.filters.map(filterName)].join(" · ");
  main.innerHTML = `<h1>${escape(a.name)}</h1>
    <p class="muted">Playback id <code>${escape(a.playbackId)}</code>${a.dStorageUrl ? ` · ${escape(a.dStorageUrl)}` : ""}</p>
    ${state.filters.includes("playbackId:" + a.playbackId) ? ""
      : `<p><button type="button" id="filterByVideo">Filter every page by this video</button></p>`}
    <p class="muted" id="allTime">All time, every viewer (no range or filter): <span id="allTimeViews">${count(total.viewCount)}</span>
      views, <span id="allTimeWatch">${minutes(total.playtimeMins)}</span> watched.</p>
    <h2>In the selected range <span class="muted" id="scope">(${escape(scopeText)})</span></h2>
    <div class="kpis" id="assetKpis">` + METRICS.map((m) => `<section class="card kpi" aria-label="${m.label}">
      <div class="label">${label(m)}</div><div class="value" data-metric="${m.key}">${m.fmt(cur[m.key])}</div></section>`).join("") +
    ESTIMATES + `</div>
    <div class="grid2 mt"><div><div class="card chart is-loading"><canvas id="assetViews" role="img" aria-label="Views over time"></canvas></div></div>
      <div><div class="card chart is-loading"><canvas id="assetQuality" role="img" aria-label="Time to first frame over time"></canvas></div></div></div>
    <h2>Where it was watched</h2><div class="scroll" tabindex="0" id="countries"></div>
    <h2 id="retentionHeading">Audience retention</h2>
    <p class="muted" id="retentionSummary" aria-live="polite">Loading…</p>
    <div class="card chart" id="retentionBox" hidden><canvas id="retention" role="img" aria-label="Share of views still watching at each percent of the video"></canvas></div>
    <h2 id="viewsHeading">Views, newest first</h2>
    <p class="muted">Finished views one by one (a view shows once it has ended), in the selected range and filters.</p>
    <div class="scroll" tabindex="0" id="viewList">${placeholders(4)}</div>
    ${pager(`<button type="button" class="primary" id="exportViews">Export these views as CSV</button>`)}
    <section id="viewPanel" class="view-panel" hidden></section>`;
  if (series.length === 0) {
    main.querySelector(".grid2").outerHTML = state.filters.length > 0
      ? `<div class="empty" id="noMatch">No views of this video in ${escape(rangeName())} match
          ${state.filters.map((f) => escape(filterName(f))).join(" and ")}.
          <button type="button" class="primary" data-clear-filters>Clear filters</button></div>`
      : total.viewCount > 0 ? `<div class="empty" id="noneInRange">No views of this video in ${escape(rangeName())}.
          Its views are at other times: choose another range.</div>` : startHere();
  } else {
    const all = buckets(w.from, w.to, s);
    const labels = bucketLabels(all, s);
    charts.line(document.getElementById("assetViews"), labels, [{ label: "Views", data: fill(series, all, "viewCount", true) }], { fill: true, points: true });
    charts.line(document.getElementById("assetQuality"), labels, [
      { label: "TTFF p50 (ms)", data: fill(series, all, "ttffP50Ms", false) },
      { label: "TTFF p95 (ms)", data: fill(series, all, "ttffP95Ms", false) }], { legend: true, spanGaps: true, points: true });
  }
  const fetchPage = (cursor) => get("/api/data/views" + qs({ ...scope, limit: PAGE(), cursor }));
  // the first page came with the page's other figures; the others are asked for as the viewer moves
  await viewList({ first: firstViews, fetchPage, withVideo: false,
    empty: async () => `<p class="muted empty-list">No finished views in this scope.</p>` });
  exportViews(a, scope);
  retention(a, w);
  videoNames.set(a.playbackId, a.name);
  document.getElementById("filterByVideo")?.addEventListener("click", () => {
    state.filters.push("playbackId:" + a.playbackId);
    location.hash = link("/overview");
  });
  document.getElementById("countries").innerHTML = countries.length === 0 ? "" : `<table><thead><tr><th scope="col">Country</th>` +
    METRICS.map((m) => `<th scope="col">${label(m)}</th>`).join("") + `</tr></thead><tbody>` + countries.map((r) =>
      `<tr><td>${escape(r.country ?? "Unknown")}</td>` + METRICS.map((m) => `<td>${m.fmt(r[m.key])}</td>`).join("") + `</tr>`).join("") +
    `</tbody></table>` + ESTIMATES;
  await openAddressedView();
}

export async function streams(main) {
  const list = await get("/api/stream");
  main.innerHTML = `<h1>Live</h1>` + (list.length === 0
    ? `<div class="empty">No live streams yet. Register one with <code>POST /api/stream</code> ({"name": "...", "type": "channel"}).</div>`
    : streamTable(list));
}

let refresh = null;

export function stopRefresh() {
  if (refresh) clearInterval(refresh);
  refresh = null;
  document.getElementById("main").classList.remove("is-stale");
}

// how far back the live page looks: the live minutes API gives at most 24 hours a call
const WINDOWS = { "1h": [1, "the last hour"], "6h": [6, "the last 6 hours"], "24h": [24, "the last 24 hours"] };

export async function live(main, id) {
  const s = await get("/api/stream/" + encodeURIComponent(id));
  const asked = new URLSearchParams(location.hash.split("?")[1] || "").get("window");
  const win = WINDOWS[asked] ? asked : "1h";
  const [hours, winName] = WINDOWS[win];
  const analytics = "#/overview?range=24h&step=hour&f=" + encodeURIComponent("playbackId:" + s.playbackId);
  main.innerHTML = `<h1 data-title="${escape(s.name)} (live)">${escape(s.name)} <span class="pill">${escape(s.type)}</span></h1>
    <p class="muted">Per minute, on the server's clock, about a minute behind; times are ${escape(zoneName())}. Updates on its own.</p>
    <p><a id="streamAnalytics" href="${escape(analytics)}">Viewing analytics of this stream</a>
      <span class="muted">(every metric and breakdown of its views, filtered by its playback id)</span></p>
    <div class="stale" id="stale" role="status" hidden></div>
    <div class="kpis" id="liveKpis"></div>
    <h2 id="nowTitle">Playing now</h2>
    <p class="muted" id="nowNote">The sessions open now (a beacon in the last 60 s, not ended), over what their players
      have reported so far: errors, rebuffering and startup of the viewers watching, before their views end.</p>
    <div class="kpis" id="nowKpis"></div>
    <div class="pickers mt"><label>History <select id="liveWindow">${Object.entries(WINDOWS).map(([k, [, name]]) =>
      `<option value="${k}" ${k === win ? "selected" : ""}>${name[0].toUpperCase() + name.slice(1)}</option>`).join("")}</select></label></div>
    <h2 id="windowTitle">Over ${winName}</h2>
    <p class="muted" id="windowNote">Peak: the most sessions watching in one minute, concurrent and new. Errors, rebuffering and startup
      here: the stream's views that started in the window, ended or still open (the views query); Playing now above
      has the open sessions alone.</p>
    <div class="kpis" id="windowKpis"></div>
    <h2>Sessions per minute (${winName})</h2><div class="card chart"><canvas id="liveChart" role="img" aria-label="Sessions per minute"></canvas></div>
    <div class="grid2"><div><h2>Locations</h2><div class="scroll" tabindex="0" id="locations"></div></div>
      <div><h2>Platforms</h2><div class="scroll" tabindex="0" id="platforms"></div></div></div>
    <h2>Domains</h2><div class="scroll" tabindex="0" id="domains"></div>
    <h2>Slate</h2><div class="scroll" tabindex="0" id="slate"></div>`;
  document.getElementById("liveWindow").addEventListener("change", (e) => {
    location.hash = "#/live/" + encodeURIComponent(id) + "?window=" + e.target.value;
  });
  const update = async () => {
    const to = Date.now();
    const from = to - hours * 3600e3;
    const [latest, series, views, now] = await Promise.all([
      get("/api/v4/monitoring/stream_stats_enhanced/" + encodeURIComponent(id)),
      get("/api/v4/monitoring/stream_stats_enhanced/" + encodeURIComponent(id) + "/series" + qs({ from, to })),
      get("/api/data/views/query" + qs({ "filters[]": "playbackId:" + s.playbackId, from, to, metrics: "quality" })),
      get("/api/data/views/now" + qs({ "filters[]": "playbackId:" + s.playbackId, metrics: "quality" }))]);
    const open = now[0] || {};
    const playing = open.viewCount || 0;
    document.getElementById("nowKpis").innerHTML = [
      ["Sessions playing now", count(playing), "viewCount", "open sessions"],
      ["Error rate (playing now)", playing ? percent(open.errorRate) : "–", "errorRate",
        playing ? "of " + count(playing) + (playing === 1 ? " open session" : " open sessions") : "no open sessions"],
      ["Rebuffer ratio (playing now)", playing ? percent(open.rebufferRatio) : "–", "rebufferRatio",
        "of their watch time so far"],
      ["Time to first frame (p50, playing now)", playing ? ms(open.ttffP50Ms) : "–", "ttffP50Ms",
        "median startup of those started"]].map(([label, v, k, note]) =>
      `<section class="card kpi"><div class="label">${label}</div><div class="value" data-now="${k}">${v}</div>
       <div class="delta flat">${note}</div></section>`).join("");
    const st = latest.stats;
    // every session watching in the minute: Uplynk's concurrent ones (a minute or more) and its new ones
    const watching = (i) => i.stats.concurrent.sessions + i.stats.new.sessions;
    const peak = series.items.reduce((best, i) => !best || watching(i) > watching(best) ? i : best, null);
    const q = views[0] || {};
    document.getElementById("windowKpis").innerHTML = [
      ["Peak sessions in a minute", peak ? count(watching(peak)) : "–", "peak",
        peak ? "minute to " + clock(peak.ts) + " " + escape(zoneName()) : "no minutes with viewers"],
      ["Error rate", percent(q.errorRate), "errorRate", views.length ? count(q.viewCount) + " views" : "no ended views"],
      ["Rebuffer ratio", percent(q.rebufferRatio), "rebufferRatio", "of watch time"],
      ["Time to first frame (p50)", ms(q.ttffP50Ms), "ttffP50Ms", "median startup"]].map(([label, v, k, note]) =>
      `<section class="card kpi"><div class="label">${label}</div><div class="value" data-window="${k}">${v}</div>
       <div class="delta flat">${note}</div></section>`).join("");
    document.getElementById("liveKpis").innerHTML = !st ? `<div class="empty">No viewers in the last 24 hours.</div>` : [
      ["Concurrent sessions", count(st.concurrent.sessions), "concurrent"],
      ["New sessions", count(st.new.sessions), "new"],
      ["Time served", duration(st.concurrent.total_time + st.new.total_time), "served"],
      ["Auth failures", count(st.auth_failures), "auth"]].map(([label, v, k]) =>
      `<section class="card kpi"><div class="label">${label}</div><div class="value" data-live="${k}">${v}</div>
       <div class="delta flat">minute to ${clock(latest.ts)} ${escape(zoneName())}</div></section>`).join("");
    const items = series.items;
    charts.line(document.getElementById("liveChart"), items.map((i) => bucketLabel(i.ts - 60000, "hour")), [
      { label: "Concurrent", data: items.map((i) => i.stats.concurrent.sessions) },
      { label: "New", data: items.map((i) => i.stats.new.sessions) }], { legend: true, points: true, xName: "Minute" });
    for (const [el, list, k, name] of [["locations", st?.locations, "location", "Location"],
      ["platforms", st?.platforms, "platform", "Platform"], ["domains", st?.domains, "domain", "Domain"]]) {
      document.getElementById(el).innerHTML = !list || list.length === 0 ? `<p class="muted">None in the last minute.</p>`
        : `<table><thead><tr><th scope="col">${name}</th><th scope="col">Sessions</th><th scope="col">Missing-content slate</th><th scope="col">Ad slate</th></tr></thead><tbody>` +
          list.map((r) => `<tr><td>${escape(k === "platform" ? platformName(r[k]) : r[k])}</td><td>${count(r.sessions)}</td>
            <td>${count(r.mcs)}</td><td>${count(r.ad_slate)}</td></tr>`).join("") + `</tbody></table>`;
    }
    const slate = [];
    for (const g of ["concurrent", "new"]) for (const kind of ["ad_slate", "mcs"]) {
      for (const [reason, v] of Object.entries(st?.[g]?.[kind] || {})) slate.push([g, kind, reason, v.time, v.sessions]);
    }
    document.getElementById("slate").innerHTML = slate.length === 0 ? `<p class="muted">No slate in the last minute.</p>`
      : `<table><thead><tr><th scope="col">Sessions</th><th scope="col">Kind</th><th scope="col">Reason</th><th scope="col">Time</th><th scope="col">Sessions served</th></tr></thead><tbody>` +
        slate.map((r) => `<tr><td>${r[0] === "new" ? "New" : "Concurrent"}</td><td>${r[1] === "mcs" ? "missing content" : "ad"}</td><td>${escape(r[2])}</td><td>${duration(r[3])}</td><td>${r[4]}</td></tr>`).join("") + `</tbody></table>`;
  };
  await update();
  // a failed refresh leaves the last numbers on screen: say so, and how old they are, until a refresh succeeds
  const every = Number(sessionStorage.getItem("viewpulse.refreshMs")) || 15000;
  const stale = document.getElementById("stale");
  let updatedAt = new Date();
  const refreshOnce = async () => {
    try {
      await update();
      updatedAt = new Date();
      stale.hidden = true;
      main.classList.remove("is-stale");
    } catch (err) {
      const why = err.status ? err.message : "the server did not answer";
      stale.textContent = `Not updated since ${clock(updatedAt.getTime(), true)} ${zoneName()}: ${why}. `
        + `The numbers below are from then. Retrying every ${Math.max(1, Math.round(every / 1000))} s…`;
      stale.hidden = false;
      main.classList.add("is-stale");
    }
  };
  stopRefresh();
  refresh = setInterval(refreshOnce, every);
}

/**
 * The video's audience retention in the selected range and filters: per percent of its duration, the share of its
 * views that watched it and how many times it was watched (replays count).
 */
async function retention(a, w) {
  const summary = document.getElementById("retentionSummary");
  const r = await get("/api/data/views/query/retention/" + encodeURIComponent(a.playbackId)
    + qs({ from: w.from, to: w.to, "filters[]": state.filters }));
  if (!summary.isConnected) {
    return;
  }
  if (r.views === 0) {
    summary.textContent = "No finished view of this video in the selected range reported what it watched "
      + "(a live stream, or players that did not send the video's duration).";
    return;
  }
  let most = 0;
  r.watches.forEach((n, i) => { if (n > r.watches[most]) { most = i; } });
  summary.textContent = `Of ${count(r.views)} views: ${percent(r.share[0])} watched the start, `
    + `${percent(r.share[50])} the middle, ${percent(r.share[99])} the end; the most watched part is ${most}% `
    + `to ${most + 1}% (${count(r.watches[most])} watches, replays counted).`;
  document.getElementById("retentionBox").hidden = false;
  const labels = r.share.map((_, i) => i + "%");
  charts.line(document.getElementById("retention"), labels, [
    { label: "Views still watching (%)", data: r.share.map((x) => Math.round(x * 1000) / 10) },
    { label: "Watches per view (replays count)", data: r.watches.map((n) => Math.round(n / r.views * 100) / 100) }],
  { legend: true, decimals: true, xName: "Part of the video" });
}

/** The export of every view of the scope as CSV (the server's export, oldest first). */
function exportViews(a, scope) {
  const box = document.getElementById("viewList");
  document.getElementById("exportViews").addEventListener("click", async (e) => {
    const button = e.target;
    button.disabled = true;
    try {
      const r = await fetch("/api/data/views/export" + qs({ ...scope, format: "csv" }),
        { headers: { Authorization: "Bearer " + key() } });
      if (!r.ok) throw new Error((await r.json().catch(() => ({}))).errors?.join("; ") || "HTTP " + r.status);
      save(`views-${a.playbackId}-${day(scope.from)}-to-${day(scope.to - 1)}.csv`, await r.blob());
    } catch (err) {
      box.insertAdjacentHTML("afterbegin", `<p class="error" role="alert">Could not export the views: ${escape(err.message)}.</p>`);
    } finally {
      button.disabled = false;
    }
  });
}
