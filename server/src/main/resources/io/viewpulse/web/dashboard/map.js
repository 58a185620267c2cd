// The world map: a metric by country as a choropleth, drawn in SVG from world-atlas's country shapes (vendored, served
// by Viewpulse with its licence; decoded by the vendored topojson-client), and the same figures as a table.
import { ALPHA2 } from "./countries.js";

let world = null;

/** The countries' shapes, fetched once from this server. */
async function shapes() {
  if (!world) {
    const r = await fetch("vendor/world-atlas-2.0.2/countries-110m.json");
    if (!r.ok) throw new Error("the world map's shapes did not load (HTTP " + r.status + ")");
    const topo = await r.json();
    world = topojson.feature(topo, topo.objects.countries).features
      // Antarctica has no viewers to speak of and would take a fifth of the map; three shapes have no ISO code
      .filter((f) => f.id !== "010")
      .map((f) => ({ code: f.id ? ALPHA2[f.id] : f.properties.name === "Kosovo" ? "XK" : null, name: f.properties.name,
        d: path(f.geometry) }));
  }
  return world;
}

// an equirectangular projection of latitudes 84 N to 58 S: the map is 960 wide
const K = 960 / 360;
const TOP = 84;
export const HEIGHT = Math.round((TOP + 58) * K);
const xy = ([lon, lat]) => ((lon + 180) * K).toFixed(1) + "," + ((TOP - lat) * K).toFixed(1);

/**
 * A ring that crosses the antimeridian (Russia's east, Fiji) jumps from 180 to -180: drawn as it is, it would streak
 * across the map. Its western longitudes are moved past 180 instead, off the map's right edge, where the map clips.
 */
function unwrapped(ring) {
  const crosses = ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
  return crosses ? ring.map(([lon, lat]) => [lon < 0 ? lon + 360 : lon, lat]) : ring;
}

function path(g) {
  const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
  return polygons.map((rings) => rings.map((ring) => "M" + unwrapped(ring).map(xy).join("L") + "Z").join(""))
    .join("");
}

/** A country's name in English from its ISO code ("DE" -> "Germany"), the code itself where the browser has none. */
export function countryName(code) {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) || code;
  } catch (e) {
    return code;
  }
}

/** How many shades the map uses, from the smallest figure's to the largest's. */
export const SHADES = 5;

/** A figure's shade, 1 to SHADES, on a scale from 0 to the largest figure. */
export function shade(v, max) {
  if (v === null || v === undefined) return 0;
  if (max <= 0) return 1;
  return Math.max(1, Math.min(SHADES, Math.ceil((v / max) * SHADES)));
}

/** The legend: "no views", then each shade in use with the figures it stands for ("2", or "1.2%–3.4%"). */
function legend(values, max, fmt) {
  const byShade = new Map();
  Object.values(values).filter((v) => v !== null && v !== undefined).forEach((v) => {
    const s = shade(v, max);
    const [lo, hi] = byShade.get(s) || [v, v];
    byShade.set(s, [Math.min(lo, v), Math.max(hi, v)]);
  });
  return [[0, "no views"], ...[...byShade.entries()].sort((a, b) => a[0] - b[0])
    .map(([s, [lo, hi]]) => [s, fmt(lo) === fmt(hi) ? fmt(lo) : fmt(lo) + "–" + fmt(hi)])];
}

/**
 * Draws the map into {@code box}: each country shaded by its figure ({@code values}: ISO code -> number), a legend of
 * the shades with the figures they stand for, each country's name and figure as its tooltip. {@code fmt} writes a
 * figure, {@code onPick} is called with a country's code when it is clicked.
 */
export async function draw(box, values, fmt, what, onPick) {
  const countries = await shapes();
  const max = Math.max(0, ...Object.values(values).filter((v) => v !== null && v !== undefined));
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
    "'": "&#39;" })[c]);
  const shown = countries.filter((c) => c.code && values[c.code] !== undefined && values[c.code] !== null).length;
  box.innerHTML = `<svg id="worldMap" viewBox="0 0 960 ${HEIGHT}" role="img"
      aria-label="${esc(what)} by country on a world map: ${shown} ${shown === 1 ? "country" : "countries"} with views (the table below has every figure)">
    ${countries.map((c) => {
    const v = c.code ? values[c.code] : undefined;
    const s = shade(v, max);
    return `<path d="${c.d}" class="shade-${s}"${c.code ? ` data-country="${c.code}"` : ""}${v !== undefined
      && v !== null ? ` data-value="${v}"` : ""}><title>${esc(c.code ? countryName(c.code) : c.name)}: ${v === undefined
      || v === null ? "no views" : esc(fmt(v))}</title></path>`;
  }).join("")}</svg>
    <ol class="legend" aria-label="Shades">${legend(values, max, fmt).map(([s, text]) =>
    `<li><span class="swatch shade-${s}" aria-hidden="true"></span>${esc(text)}</li>`).join("")}</ol>`;
  if (onPick) {
    box.querySelector("svg").addEventListener("click", (e) => {
      const c = e.target.closest("[data-country]");
      if (c && values[c.dataset.country] !== undefined) onPick(c.dataset.country);
    });
  }
}
