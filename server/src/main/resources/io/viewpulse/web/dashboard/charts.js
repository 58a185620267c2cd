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

function make(canvas, config) {
  const old = charts.get(canvas.id);
  if (old) old.destroy();
  const chart = new Chart(canvas, config);
  charts.set(canvas.id, chart);
  canvas.parentElement.classList.remove("is-loading");
  return chart;
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
  });
}

export function bars(canvas, labels, data, label) {
  theme();
  return make(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label, data, backgroundColor: PALETTE[0] }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false, indexAxis: "y",
      plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
  });
}
