// Charts with Chart.js (served from its WebJar: no CDN).
import { key } from "./api.js";
import { csv, save } from "./download.js";

const charts = new Map();
// line colours with at least 3:1 against the card they are drawn on, one set per colour scheme
const LIGHT = ["#3b5bdb", "#087f5b", "#d9480f", "#c2255c", "#7048e8", "#0b7285", "#c92a2a", "#5c940d"];
const DARK = ["#91a7ff", "#38d9a9", "#ffa94d", "#f783ac", "#b197fc", "#66d9e8", "#ff8787", "#a9e34b"];
const dark = window.matchMedia("(prefers-color-scheme: dark)");
let PALETTE = LIGHT;
// the system switches between light and dark: draw the page again in the other colours (signed out there is no chart,
// and drawing the sign-in form again would wipe a key being typed and the last refusal's message)
dark.addEventListener("change", () => {
  if (key()) window.dispatchEvent(new HashChangeEvent("hashchange"));
});

/** Chart.js's own text and grid colours from the page's (so they follow dark mode). */
function theme() {
  const css = getComputedStyle(document.documentElement);
  PALETTE = dark.matches ? DARK : LIGHT;
  Chart.defaults.color = css.getPropertyValue("--muted").trim();
  Chart.defaults.borderColor = css.getPropertyValue("--line").trim();
}

export function clear() {
  charts.forEach((c) => c.destroy());
  charts.clear();
}

function make(canvas, config, xName) {
  const old = charts.get(canvas.id);
  if (old) old.destroy();
  const chart = new Chart(canvas, config);
  charts.set(canvas.id, chart);
  canvas.parentElement.classList.remove("is-loading");
  if (xName) numbers(canvas, config.data, xName);
  return chart;
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
  "'": "&#39;" })[c]);

/**
 * The chart's numbers as a table, under a disclosure right after its card: what the chart shows, for people who do
 * not see it (and anyone who wants the figures). Kept open across redraws (the live page's).
 */
function numbers(canvas, data, xName) {
  const card = canvas.parentElement;
  let box = card.nextElementSibling;
  if (!box || box.dataset.for !== canvas.id) {
    box = document.createElement("details");
    box.className = "numbers";
    box.dataset.for = canvas.id;
    box.innerHTML = `<summary>${esc(canvas.getAttribute("aria-label") || "Chart")}: the numbers</summary>
      <div class="scroll" tabindex="0"></div>`;
    card.after(box);
  }
  exports(canvas, box);
  const cell = (v) => v === null || v === undefined ? "–" : typeof v === "number" ? v.toLocaleString("en-US") : esc(v);
  box.querySelector(".scroll").innerHTML = `<table><thead><tr><th scope="col">${esc(xName)}</th>`
    + data.datasets.map((d) => (d.at ? `<th scope="col">${esc(d.label)}: time</th>` : "")
      + `<th scope="col">${esc(d.label)}</th>`).join("") + `</tr></thead><tbody>`
    + data.labels.map((l, i) => `<tr><th scope="row">${esc(l)}</th>`
      + data.datasets.map((d) => (d.at ? `<td>${cell(d.at[i])}</td>` : "") + `<td>${cell(d.data[i])}</td>`).join("")
      + `</tr>`).join("") + `</tbody></table>`;
}

export function line(canvas, labels, series, opts = {}) {
  theme();
  const unfinished = labels.length > 0 && String(labels[labels.length - 1]).endsWith("(so far)");
  return make(canvas, {
    type: "line",
    data: {
      labels,
      datasets: series.map((s, i) => ({ label: s.label, data: s.data, borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length] + "22", fill: !!opts.fill && !s.dashed, tension: 0,
        spanGaps: !!opts.spanGaps, borderDash: s.dashed ? [2, 3] : undefined, at: s.at,
        // the line into an unfinished bucket is dashed (its label says "so far"); a finished series (the previous
        // period) has none
        segment: { borderDash: (c) => c.p1DataIndex === labels.length - 1 && unfinished && !s.finished ? [6, 4]
          : s.dashed ? [2, 3] : undefined },
        pointStyle: s.dashed ? "rectRot" : "circle",
        pointRadius: opts.points ? 2 : 0 })),
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: {
        legend: { display: series.length > 1 || !!opts.legend },
        // a series with times of its own (the previous period) names its time in the tooltip
        tooltip: { callbacks: { label: (c) => c.dataset.label + (c.dataset.at ? " (" + c.dataset.at[c.dataIndex] + ")"
          : "") + ": " + (c.parsed.y === null ? "–" : c.parsed.y.toLocaleString("en-US")) } },
      },
      // the tooltip shows every series at the hovered time
      interaction: { mode: "index", intersect: false },
      scales: opts.spark ? { x: { display: false }, y: { display: false, beginAtZero: true } }
        : { y: { beginAtZero: true, max: opts.max, ticks: { precision: opts.decimals ? undefined : 0 } } },
    },
  }, opts.spark ? null : opts.xName || "Time");
}

export function bars(canvas, labels, data, label, xName) {
  theme();
  return make(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label, data, backgroundColor: PALETTE[0] }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false, indexAxis: "y",
      plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
  }, xName || "Value");
}

/** A file name from a chart's label: "Scores over time" -> "scores-over-time". */
const fileName = (canvas) => (canvas.getAttribute("aria-label") || canvas.id).toLowerCase().replace(/[^a-z0-9]+/g, "-")
  .replace(/^-|-$/g, "");

/**
 * Download buttons after a chart's numbers: the chart as a PNG (on its card's colour, so it reads outside the page
 * too) and its numbers as CSV. They act on the chart drawn when clicked (the live page redraws).
 */
function exports(canvas, box) {
  if (box.nextElementSibling && box.nextElementSibling.dataset.exportsFor === canvas.id) return;
  const bar = document.createElement("div");
  bar.className = "exports";
  bar.dataset.exportsFor = canvas.id;
  const name = esc(canvas.getAttribute("aria-label") || "Chart");
  bar.innerHTML = `<button type="button" data-png aria-label="Download ${name} as PNG">PNG</button>
    <button type="button" data-csv aria-label="Download ${name} as CSV">CSV</button>`;
  box.after(bar);
  bar.querySelector("[data-png]").addEventListener("click", () => {
    const chart = charts.get(canvas.id);
    if (!chart) return;
    const out = document.createElement("canvas");
    out.width = chart.canvas.width;
    out.height = chart.canvas.height;
    const g = out.getContext("2d");
    g.fillStyle = getComputedStyle(document.documentElement).getPropertyValue("--card").trim() || "#fff";
    g.fillRect(0, 0, out.width, out.height);
    g.drawImage(chart.canvas, 0, 0);
    out.toBlob((png) => save(fileName(canvas) + ".png", png));
  });
  bar.querySelector("[data-csv]").addEventListener("click", () => {
    const chart = charts.get(canvas.id);
    if (!chart) return;
    const data = chart.data;
    const head = box.querySelector("thead th");
    save(fileName(canvas) + ".csv", csv([head ? head.textContent : "Time",
      ...data.datasets.flatMap((d) => d.at ? [d.label + ": time", d.label] : [d.label])],
      data.labels.map((l, i) => [l, ...data.datasets.flatMap((d) => d.at ? [d.at[i], d.data[i]] : [d.data[i]])])));
  });
}
