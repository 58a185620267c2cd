// The quality page: Mux's viewer experience score and its components, the failures split, rebuffering and the picture
// shown, as numbers (against the previous period) and over time, from the views query's metrics=quality.
import { get, qs } from "./api.js";
import { SCORES, FAILURES, PLAYBACK, bucketLabels, buckets, fill, placeholders } from "./format.js";
import { state, span as range, step } from "./state.js";
import { kpis, nothing } from "./views.js";
import * as charts from "./charts.js";

function query(extra) {
  return "/api/data/views/query" + qs({ metrics: "quality", "filters[]": state.filters, ...extra });
}

/** A fraction as a percentage for a chart, without a float's noise (0.375 -> 37.5). */
const pct = (v) => v === null ? null : Number((v * 100).toPrecision(7));

export async function quality(main) {
  const w = range();
  const s = step();
  main.innerHTML = `<h1>Quality</h1>
    <h2>Viewer experience</h2>
    <p class="muted">Scores from 0 to 100, averaged over the views (Mux's formulas; the README says how each is made).</p>
    <div class="kpis" id="scores">${placeholders(5, "kpi")}</div>
    <div class="card chart is-loading mt"><canvas id="scoreChart" role="img" aria-label="Scores over time"></canvas></div>
    <h2>Failures</h2>
    <p class="muted">Shares of views: a fatal error at any point, a fatal error before the first frame, left before
      the first frame without one, and an error the player recovered from.</p>
    <div class="kpis" id="failures">${placeholders(4, "kpi")}</div>
    <div class="card chart is-loading mt"><canvas id="failureChart" role="img" aria-label="Failures over time"></canvas></div>
    <h2>Rebuffering, seeking and picture</h2>
    <div class="kpis" id="playback">${placeholders(PLAYBACK.length, "kpi")}</div>`;
  const [now, before, series] = await Promise.all([
    get(query({ from: w.from, to: w.to })),
    get(query({ from: w.prevFrom, to: w.prevTo })),
    get(query({ from: w.from, to: w.to, timeStep: s })),
  ]);
  const cur = now[0] || {};
  const prev = before[0] || {};
  if (!cur.viewCount) {
    main.innerHTML = `<h1>Quality</h1>` + await nothing();
    return;
  }
  document.getElementById("scores").innerHTML = kpis(SCORES, cur, prev);
  document.getElementById("failures").innerHTML = kpis(FAILURES, cur, prev);
  document.getElementById("playback").innerHTML = kpis(PLAYBACK, cur, prev);
  const all = buckets(w.from, w.to, s);
  const labels = bucketLabels(all, s);
  charts.line(document.getElementById("scoreChart"), labels,
    SCORES.map((m) => ({ label: m.label, data: fill(series, all, m.key, false) })),
    { legend: true, spanGaps: true, points: true, decimals: true, max: 100 });
  charts.line(document.getElementById("failureChart"), labels,
    FAILURES.map((m) => ({ label: m.label + " (%)", data: fill(series, all, m.key, false).map(pct) })),
    { legend: true, spanGaps: true, points: true, decimals: true });
}
