// Overview and breakdown pages: the viewership API over the chosen range, step and filters.
import { get, qs } from "./api.js";
import { METRICS, ESTIMATES, label, delta, escape, bucketLabel, count, buckets, fill } from "./format.js";
import { state, span as range, step, link } from "./state.js";
import * as charts from "./charts.js";

export const DIMENSIONS = [
  ["country", "Country"], ["subdivision", "Subdivision"], ["continent", "Continent"], ["timezone", "Time zone"],
  ["browser", "Browser"], ["browserEngine", "Browser engine"], ["os", "OS"], ["deviceType", "Device type"],
  ["device", "Device"], ["cpu", "CPU"], ["playbackId", "Video"], ["creatorId", "Creator"], ["geohash", "Geohash"],
];

function viewsQuery(extra) {
  return "/api/data/views/query" + qs({ "filters[]": state.filters, ...extra });
}

/** What to show when there is nothing yet: how to start sending views. */
export function startHere() {
  const origin = location.origin;
  return `<div class="empty" id="empty">
    <h2>No views in this range yet</h2>
    <p>Register a video, then add the collector to your player page. Views show here within a second.</p>
    <p class="muted">Set <code>KEY</code> to a secret key of your account (the one you signed in with; this page never
      shows it).</p>
    <pre class="snippet">curl -s -X POST ${escape(origin)}/api/asset -H "Authorization: Bearer $KEY" \\
     -d '{"name": "My video", "playbackId": "my-video"}'</pre>
    <pre class="snippet">&lt;script src="${escape(origin)}/collector.js"&gt;&lt;/script&gt;
&lt;script&gt;
  const video = document.querySelector("video");
  Viewpulse.addMediaMetrics(video, video.src, console.error, { playbackId: "my-video" });
&lt;/script&gt;</pre>
    <p class="muted">Players that use Livepeer's reporter work too: see the README.</p>
  </div>`;
}

export async function overview(main) {
  const w = range();
  const s = step();
  main.innerHTML = `<h1>Overview</h1><div class="kpis" id="kpis"><p class="loading">Loading…</p></div>
    <h2>Views over time</h2><div class="card chart"><canvas id="viewsChart" aria-label="Views over time" role="img"></canvas></div>`;
  const [now, before, series] = await Promise.all([
    get(viewsQuery({ from: w.from, to: w.to })),
    get(viewsQuery({ from: w.prevFrom, to: w.prevTo })),
    get(viewsQuery({ from: w.from, to: w.to, timeStep: s })),
  ]);
  const cur = now[0] || {};
  const prev = before[0] || {};
  if (!cur.viewCount) {
    main.innerHTML = `<h1>Overview</h1>` + startHere();
    return;
  }
  const all = buckets(w.from, w.to, s);
  const labels = all.map((b) => bucketLabel(b, s));
  document.getElementById("kpis").innerHTML = METRICS.map((m) => {
    const d = delta(m, cur[m.key], prev[m.key]);
    const good = d && d.dir !== 0 && ((d.dir > 0) === (m.better === "up"));
    const cls = !d || d.dir === 0 ? "flat" : good ? "up" : "down";
    return `<section class="card kpi" aria-label="${m.label}">
      <div class="label">${label(m)}</div>
      <div class="value" data-metric="${m.key}">${m.fmt(cur[m.key])}</div>
      <div class="delta ${cls}">${d ? escape(d.text) + " vs previous period" : "no previous data"}</div>
      <canvas id="spark-${m.key}" aria-hidden="true"></canvas></section>`;
  }).join("") + ESTIMATES;
  const counts = ["viewCount", "playtimeMins", "uniqueViewers"];
  METRICS.forEach((m) => charts.line(document.getElementById("spark-" + m.key), labels,
    [{ label: m.label, data: fill(series, all, m.key, counts.includes(m.key)) }], { spark: true, fill: true }));
  charts.line(document.getElementById("viewsChart"), labels,
    [{ label: "Views", data: fill(series, all, "viewCount", true) }], { fill: true, points: true });
}

export async function breakdown(main, dim) {
  const w = range();
  const options = DIMENSIONS.map(([k, label]) => `<option value="${k}" ${k === dim ? "selected" : ""}>${label}</option>`).join("");
  main.innerHTML = `<h1>Breakdown</h1>
    <label>Break down by <select id="dimension">${options}</select></label>
    <div class="grid2 mt">
      <div class="card chart"><canvas id="dimChart" role="img" aria-label="Views by ${escape(dim)}"></canvas></div>
      <div class="card chart"><canvas id="dimTime" role="img" aria-label="Views over time by ${escape(dim)}"></canvas></div>
    </div>
    <h2>All values</h2><div class="scroll" id="table"><p class="loading">Loading…</p></div>`;
  document.getElementById("dimension").addEventListener("change", (e) => {
    location.hash = link("/breakdown/" + e.target.value);
  });
  const rows = await get(viewsQuery({ from: w.from, to: w.to, "breakdownBy[]": dim }));
  if (rows.length === 0) {
    main.querySelector(".grid2").remove();
    document.getElementById("table").outerHTML = startHere();
    return;
  }
  const top = rows.slice(0, 10);
  charts.bars(document.getElementById("dimChart"), top.map((r) => r[dim] ?? "unknown"), top.map((r) => r.viewCount), "Views");
  const s = step();
  const series = await get(viewsQuery({ from: w.from, to: w.to, timeStep: s, "breakdownBy[]": dim }));
  const all = buckets(w.from, w.to, s);
  const names = top.slice(0, 5).map((r) => r[dim]);
  charts.line(document.getElementById("dimTime"), all.map((b) => bucketLabel(b, s)), names.map((n) => ({
    label: n ?? "unknown",
    data: fill(series.filter((r) => r[dim] === n), all, "viewCount", true),
  })), { legend: true });
  document.getElementById("table").innerHTML = `<table><caption class="muted">
    Select a value to filter every page by it.</caption><thead><tr><th scope="col">${escape(dim)}</th>` +
    METRICS.map((m) => `<th scope="col">${label(m)}</th>`).join("") + `</tr></thead><tbody>` +
    rows.map((r) => `<tr><td>${r[dim] == null ? '<span class="muted">unknown</span>'
      : `<button class="row-link" data-filter="${escape(dim + ":" + r[dim])}">${escape(r[dim])}</button>`}</td>` +
      METRICS.map((m) => `<td>${m.fmt(r[m.key])}</td>`).join("") + `</tr>`).join("") + `</tbody></table>` + ESTIMATES;
  document.querySelectorAll("[data-filter]").forEach((b) => b.addEventListener("click", () => {
    if (!state.filters.includes(b.dataset.filter)) state.filters.push(b.dataset.filter);
    location.hash = link("/overview");
  }));
  return count(rows.length);
}
