// Charts with Chart.js (served from its WebJar: no CDN).
const charts = new Map();
const PALETTE = ["#3b5bdb", "#12b886", "#f59f00", "#e64980", "#7048e8", "#15aabf", "#fa5252", "#82c91e"];

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
  return make(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label, data, backgroundColor: PALETTE[0] }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false, indexAxis: "y",
      plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
  });
}
