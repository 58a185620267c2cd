// The world map: a metric by country as a choropleth, drawn in SVG from world-atlas's country shapes (vendored, served
// by Viewpulse with its licence; decoded by the vendored topojson-client), and the same figures as a table. A country
// whose subdivisions' shapes are vendored too (the US states, from us-atlas) gets a map of its own by subdivision.
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
        d: path(f.geometry, xy, true) }));
  }
  return world;
}

const usStates = { file: "vendor/us-atlas-3.0.1/states-albers-10m.json", object: "states", loaded: null };

/**
 * The countries whose subdivisions have shapes served by Viewpulse: us-atlas's states, already projected (Albers USA,
 * Alaska and Hawaii moved beside the rest), named as GeoIP databases name them ("California").
 */
const SUBDIVISION_SHAPES = { US: usStates };

/** Whether a country's subdivisions can be drawn on a map (else they are listed only). */
export function hasSubdivisionMap(country) {
  return Object.prototype.hasOwnProperty.call(SUBDIVISION_SHAPES, country);
}

/** A country's subdivisions' shapes and the box they fill, fetched once from this server. */
async function subdivisionShapes(country) {
  const atlas = SUBDIVISION_SHAPES[country];
  if (!atlas.loaded) {
    const r = await fetch(atlas.file);
    if (!r.ok) throw new Error("the map's shapes did not load (HTTP " + r.status + ")");
    const topo = await r.json();
    const [x0, y0, x1, y1] = topo.bbox;
    atlas.loaded = {
      box: [Math.floor(x0), Math.floor(y0), Math.ceil(x1 - Math.floor(x0)), Math.ceil(y1 - Math.floor(y0))],
      shapes: topojson.feature(topo, topo.objects[atlas.object]).features
        .map((f) => ({ name: f.properties.name, d: path(f.geometry, planar, false) })),
    };
  }
  return atlas.loaded;
}

/** A name as compared between GeoIP databases and map shapes: lower case, without accents or punctuation. */
export function nameKey(s) {
  return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

// an equirectangular projection of latitudes 84 N to 58 S: the map is 960 wide
const K = 960 / 360;
const TOP = 84;
export const HEIGHT = Math.round((TOP + 58) * K);
const xy = ([lon, lat]) => ((lon + 180) * K).toFixed(1) + "," + ((TOP - lat) * K).toFixed(1);
// shapes already projected to the map's plane
const planar = ([x, y]) => x.toFixed(1) + "," + y.toFixed(1);

/**
 * A ring that crosses the antimeridian (Russia's east, Fiji) jumps from 180 to -180: drawn as it is, it would streak
 * across the map. Its western longitudes are moved past 180 instead, off the map's right edge, where the map clips.
 */
function unwrapped(ring) {
  const crosses = ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
  return crosses ? ring.map(([lon, lat]) => [lon < 0 ? lon + 360 : lon, lat]) : ring;
}

function path(g, project, lonLat) {
  const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
  return polygons.map((rings) => rings.map((ring) => "M" + (lonLat ? unwrapped(ring) : ring).map(project).join("L")
    + "Z").join("")).join("");
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

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
  "'": "&#39;" })[c]);
const known = (v) => v !== null && v !== undefined;

function legendHtml(id, values, max, fmt) {
  return `<ol class="legend" id="${id}" aria-label="Shades">${legend(values, max, fmt).map(([s, text]) =>
    `<li><span class="swatch shade-${s}" aria-hidden="true"></span>${esc(text)}</li>`).join("")}</ol>`;
}

/**
 * Draws the map into {@code box}: each country shaded by its figure ({@code values}: ISO code -> number), a legend of
 * the shades with the figures they stand for, each country's name and figure as its tooltip. {@code fmt} writes a
 * figure. A country with a figure is a button (click, or Tab to it and Enter or Space) that calls {@code onPick} with
 * its code; {@code chosen} is the code of the one picked, marked as pressed.
 */
export async function draw(box, values, fmt, what, onPick, chosen) {
  const countries = await shapes();
  const max = Math.max(0, ...Object.values(values).filter(known));
  const shown = countries.filter((c) => c.code && known(values[c.code])).length;
  box.innerHTML = `<svg id="worldMap" viewBox="0 0 960 ${HEIGHT}" role="group"
      aria-label="${esc(what)} by country on a world map: ${shown} ${shown === 1 ? "country" : "countries"} with views (the table below has every figure); choose one to see its subdivisions">
    ${countries.map((c) => {
    const v = c.code ? values[c.code] : undefined;
    const s = shade(v, max);
    const name = c.code ? countryName(c.code) : c.name;
    const text = `${name}: ${known(v) ? fmt(v) : "no views"}`;
    return known(v)
      ? `<path d="${c.d}" class="shade-${s}" data-country="${c.code}" data-value="${v}" tabindex="0" role="button"
          aria-label="${esc(text)}" aria-pressed="${c.code === chosen}"><title>${esc(text)}</title></path>`
      : `<path d="${c.d}" class="shade-${s}"${c.code ? ` data-country="${c.code}"` : ""} aria-hidden="true"><title>${
        esc(text)}</title></path>`;
  }).join("")}</svg>
    ${legendHtml("worldLegend", values, max, fmt)}`;
  if (onPick) {
    const svg = box.querySelector("svg");
    const pick = (e) => {
      const c = e.target.closest("[data-country]");
      if (c && known(values[c.dataset.country])) onPick(c.dataset.country);
    };
    svg.addEventListener("click", pick);
    svg.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      pick(e);
    });
  }
}

/** Marks a country as the one picked on the world map (and no other). */
export function markChosen(box, code) {
  box.querySelectorAll("[aria-pressed]").forEach((p) => p.setAttribute("aria-pressed", String(p.dataset.country === code)));
}

/**
 * Draws a country's subdivisions into {@code box}, shaded by their figures ({@code values}: subdivision name as the
 * API gives it -> number) with a legend, as {@link draw} does for countries. Answers the names of {@code values} that
 * match no shape (a region the map has not, or spelt otherwise), which only the table shows.
 */
export async function drawSubdivisions(box, country, values, fmt, what) {
  const { box: [x, y, w, h], shapes: list } = await subdivisionShapes(country);
  const byKey = new Map(Object.entries(values).map(([name, v]) => [nameKey(name), v]));
  const max = Math.max(0, ...Object.values(values).filter(known));
  const matched = new Set(list.map((sh) => nameKey(sh.name)).filter((k) => byKey.has(k)));
  const shown = list.filter((sh) => known(byKey.get(nameKey(sh.name)))).length;
  box.innerHTML = `<svg id="placeMap" viewBox="${x} ${y} ${w} ${h}" role="img"
      aria-label="${esc(what)} by subdivision of ${esc(countryName(country))} on a map: ${shown} ${shown === 1
    ? "subdivision" : "subdivisions"} with views (the table below has every figure)">
    ${list.map((sh) => {
    const v = byKey.get(nameKey(sh.name));
    return `<path d="${sh.d}" class="shade-${shade(v, max)}" data-subdivision="${esc(sh.name)}"${known(v)
      ? ` data-value="${v}"` : ""}><title>${esc(sh.name)}: ${known(v) ? esc(fmt(v)) : "no views"}</title></path>`;
  }).join("")}</svg>
    ${legendHtml("placeLegend", values, max, fmt)}`;
  return Object.keys(values).filter((name) => !matched.has(nameKey(name)));
}
