// Charts with Chart.js (served from its WebJar: no CDN).
const charts = new Map();
// line colours with at least 3:1 against the card they are drawn on, one set per colour scheme
const LIGHT = ["#3b5bdb", "#087f5b", "#d9480f", "#c2255c", "#7048e8", "#0b7285", "#c92a2a", "#5c940d"];
const DARK = ["#91a7ff", "#38d9a9", "#ffa94d", "#f783ac", "#b197fc", "#66d9e8", "#ff8787", "#a9e34b"];
const dark = window.matchMedia("(prefers-color-scheme: dark)");
let PALETTE = LIGHT;
// the system switches between light and dark: draw the page again in the other colours
dark.addEventListener("change", () => window.dispatchEvent(new HashChangeEvent("hashchange")));

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
  const cell = (v) => v === null || v === undefined ? "–" : typeof v === "number" ? v.toLocaleString("en-US") : esc(v);
  box.querySelector(".scroll").innerHTML = `<table><thead><tr><th scope="col">${esc(xName)}</th>`
    + data.datasets.map((d) => `<th scope="col">${esc(d.label)}</th>`).join("") + `</tr></thead><tbody>`
    + data.labels.map((l, i) => `<tr><th scope="row">${esc(l)}</th>`
      + data.datasets.map((d) => `<td>${cell(d.data[i])}</td>`).join("") + `</tr>`).join("") + `</tbody></table>`;
}

export function line(canvas, labels, series, opts = {}) {
  theme();
  return make(canvas, {
    type: "line",
    data: {
      labels,
      datasets: series.map((s, i) => ({ label: s.label, data: s.data, borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length] + "22", fill: !!opts.fill, tension: 0, spanGaps: !!opts.spanGaps,
        pointRadius: opts.points ? 2 : 0 })),
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { display: series.length > 1 || !!opts.legend } },
      scales: opts.spark ? { x: { display: false }, y: { display: false, beginAtZero: true } }
        : { y: { beginAtZero: true, ticks: { precision: opts.decimals ? undefined : 0 } } },
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
