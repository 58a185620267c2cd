// Views one by one: the Views page (every view of the account, or one viewer's), the list of views a page at a time
// that it shares with a video's page, and one view opened: its dimensions, its figures and its timeline.
import { get, qs } from "./api.js";
import { escape, count, duration, platformName, placeholders, ms, bitrate, percent } from "./format.js";
import { state, span as range, link, rangeName, day, clock, zoneName, markAddressShown } from "./state.js";
import { DIMENSIONS, customDimensions, dimensionName, valueName, filterName, videoNames, learnVideoNames, nothing }
  from "./views.js";

/** Views a page of a list holds (sessionStorage may lower it, as the tests do). */
export const PAGE = () => Number(sessionStorage.getItem("viewpulse.viewsPageSize")) || 25;

/** A parameter of the address's query ("viewId"), or null. */
function param(name) {
  return new URLSearchParams(location.hash.split("?")[1] || "").get(name);
}

/** The address shown now with the opened view's id set (or removed, with null). */
function withView(id) {
  const [path, query] = location.hash.split("?");
  const p = new URLSearchParams(query || "");
  p.delete("viewId");
  if (id) p.set("viewId", id);
  return path + "?" + p.toString();
}

/** The address of a viewer's views on the Views page, in the range and filters chosen. */
export function viewerLink(viewerId) {
  return link("/views/viewer/" + encodeURIComponent(viewerId));
}

/** How a view went, by its outcome (the quality metrics' definition). */
const OUTCOMES = { played: "Played", failedToStart: "Failed to start", failedAfterStart: "Failed after it started",
  exitedBeforeStart: "Left before it started" };

/** How a view went, in words. */
function outcome(v) {
  return OUTCOMES[v.outcome] ?? v.outcome;
}

const NETWORK_COLUMNS = [["asn", "ASN"], ["isp", "ISP"], ["cdn", "CDN"]];

/**
 * A page of views as a table: when each started (a button opening it), its video (unless the list is one video's),
 * its viewer (a link to their views), where and on what it played, its figures and how it ended; then the network
 * dimensions when a view of the page has one, and the account's custom dimensions by their declared names.
 */
function viewTable(views, withVideo) {
  const network = NETWORK_COLUMNS.filter(([k]) => views.some((v) => v[k] != null));
  const custom = customDimensions.filter(([k]) => views.some((v) => k in v));
  const th = (text) => `<th scope="col">${escape(text)}</th>`;
  return `<table id="views"><thead><tr>${th("Started (" + zoneName() + ")")}${withVideo ? th("Video") : ""}`
    + ["Viewer", "Device", "OS", "Browser", "Country", "Watch time", "Time to first frame", "Rebuffering", "Errors",
      "Outcome"].map(th).join("")
    + network.map(([, name]) => th(name)).join("") + custom.map(([, name]) => th(name)).join("")
    + `</tr></thead><tbody>` + views.map((v) => `<tr>
      <td><button type="button" class="open-view" data-view="${escape(v.viewId)}"
        aria-label="Open the view of ${day(v.startedAt)} ${clock(v.startedAt, true)}">${day(v.startedAt)} ${clock(v.startedAt, true)}</button></td>`
      + (withVideo ? `<td>${escape(videoNames.get(v.playbackId) ?? v.playbackId)}</td>` : "")
      + `<td>${v.viewerId == null ? "–" : `<a href="${escape(viewerLink(v.viewerId))}">${escape(v.viewerId)}</a>`}</td>
      <td>${escape(valueName("deviceType", v.deviceType))}</td><td>${escape(platformName(v.os))}</td>
      <td>${escape(v.browser ?? "Unknown")}</td><td>${escape(v.country ?? "Unknown")}</td>
      <td>${duration(v.playtimeMs / 1000)}</td><td>${v.ttffMs == null ? "–" : count(v.ttffMs) + " ms"}</td>
      <td>${duration(v.rebufferMs / 1000)}</td><td>${count(v.errors)}</td><td>${outcome(v)}</td>`
      + network.map(([k]) => `<td>${escape(valueName(k, v[k]))}</td>`).join("")
      + custom.map(([k]) => `<td>${escape(valueName(k, v[k]))}</td>`).join("") + `</tr>`).join("")
    + `</tbody></table>`;
}

/**
 * A list of views, newest first, a page at a time: Next page follows the list's cursor, Newer views goes back along the
 * cursors already seen; a view's start opens it in the panel (and puts its id in the address). {@code fetchPage}
 * answers the page at a cursor (null: the first); {@code empty} what to show when the first page is empty.
 */
export function viewList({ first, fetchPage, withVideo, empty }) {
  const cursors = [null];
  let at = 0;
  let next = null;
  const box = document.getElementById("viewList");
  const draw = async (page) => {
    next = page.next;
    box.innerHTML = page.views.length === 0 ? await empty() : viewTable(page.views, withVideo);
    document.getElementById("viewPage").textContent = page.views.length === 0 ? "" : `Page ${at + 1}`;
    document.getElementById("newer").disabled = at === 0;
    document.getElementById("older").disabled = !next || page.views.length === 0;
  };
  const move = async (by) => {
    if (by > 0) cursors[at + 1] = next;
    at += by;
    box.setAttribute("aria-busy", "true");
    try {
      await draw(await fetchPage(cursors[at]));
    } catch (err) {
      at -= by;
      box.querySelector(".page-error")?.remove();
      box.insertAdjacentHTML("afterbegin", `<div class="error page-error" role="alert"><p>Could not load the views:
        ${escape(String(err.message).replace(/\.$/, ""))}.</p><button type="button" class="primary" data-retry>Try again</button></div>`);
      box.querySelector("[data-retry]").addEventListener("click", () => move(by));
    } finally {
      box.removeAttribute("aria-busy");
    }
  };
  box.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-view]");
    if (!b) return;
    history.pushState(null, "", withView(b.dataset.view));
    markAddressShown();
    openView(b.dataset.view).catch(() => {});
  });
  document.getElementById("older").addEventListener("click", () => move(1));
  document.getElementById("newer").addEventListener("click", () => move(-1));
  return draw(first);
}

/** The pager under a list of views: Newer views, the page's number, Next page (and what the page adds after them). */
export function pager(extra) {
  return `<div class="pager"><button type="button" id="newer" disabled>Newer views</button>
    <span class="muted" id="viewPage" aria-live="polite"></span>
    <button type="button" id="older" disabled>Next page</button>${extra || ""}</div>`;
}

/** The view named by the address (viewId), opened in the panel if there is one. */
export function openAddressedView() {
  const id = param("viewId");
  if (id) return openView(id);
  return Promise.resolve();
}

// what each kind of timeline event is called
const EVENT_NAMES = { play: "Play", "first-frame": "First frame", stall: "Stall", seek: "Seek", rendition: "Rendition switch",
  pause: "Pause", error: "Error", end: "End" };

/** A rendition in words: its bitrate and size, as far as known. */
function rendition(r) {
  const parts = [];
  if (r?.bitrateBps != null) parts.push(count(Math.round(r.bitrateBps / 1000)) + " kb/s");
  if (r?.width != null) parts.push(r.width + "×" + r.height);
  return parts.length === 0 ? "unknown" : parts.join(" ");
}

/** What an event carries, in words. */
function eventDetail(e) {
  switch (e.type) {
    case "stall": return count(e.durationMs) + " ms" + (e.count > 1 ? ` (${e.count} stalls)` : "");
    case "seek": return e.latencyMs == null ? "" : `latency ${count(e.latencyMs)} ms`;
    case "rendition": return `${rendition(e.from)} → ${rendition(e.to)}`;
    case "error": return (e.fatal ? "fatal" : "non-fatal") + (e.category ? ` ${e.category}` : "") + (e.message ? `: ${e.message}` : "");
    case "end": return { ended: "the video ended", quit: "the player quit", page: "the page was left", timeout: "no more events" }[e.cause] ?? e.cause;
    default: return "";
  }
}

/** Rows of a two-column table: a name and its value (both text, escaped here). */
function rows(pairs) {
  return pairs.map(([name, value]) => `<tr><th scope="row">${escape(name)}</th><td>${escape(value)}</td></tr>`).join("");
}

/** The view's dimensions, labelled: the built-in ones, the page's domain, live or on demand, then the custom ones. */
function dimensionRows(v) {
  const pairs = [["Video", videoNames.get(v.playbackId) ? `${videoNames.get(v.playbackId)} (${v.playbackId})` : v.playbackId],
    ["Viewer", v.viewerId ?? "Unknown"]];
  for (const [k, name] of DIMENSIONS) {
    if (k === "playbackId") continue;
    pairs.push([name, valueName(k, v[k])]);
  }
  pairs.push(["Page domain", valueName("domain", v.domain)], ["Live or on demand", v.live ? "Live" : "On demand"]);
  if (v.dStorageUrl != null) pairs.push(["dStorage URL", v.dStorageUrl]);
  for (const k of Object.keys(v).filter((x) => x.startsWith("custom."))) pairs.push([dimensionName(k), valueName(k, v[k])]);
  return rows(pairs);
}

/** A figure the player may not report: "Not reported" when the view has none. */
function reported(v, format) {
  return v === undefined || v === null ? "Not reported" : format(v);
}

/**
 * The view's figures, all its own (the row's: the quality metrics over this one view): watch time, startup,
 * rebuffering, errors, how it ended, seeks, bitrate, rendition switches, dropped frames, scaling.
 */
function metricRows(v) {
  const pairs = [["Watch time", duration(v.playtimeMs / 1000) + (v.playtimeMs % 1000 ? ` (${count(v.playtimeMs)} ms)` : "")],
    ["Time to first frame", v.ttffMs == null ? "No first frame" : ms(v.ttffMs)],
    ["Rebuffering time", ms(v.rebufferMs)],
    ["Rebuffers", count(v.rebufferCount)],
    ["Errors", count(v.errors)],
    ["Non-fatal errors", count(v.nonFatalErrors)],
    ["Outcome", outcome(v)],
    ["Seeks", count(v.seekCount) + (v.seekLatencyMs == null ? "" : `, ${ms(v.seekLatencyMs)} to play again on average`)],
    ["Average bitrate", reported(v.averageBitrateBps, bitrate)],
    ["Rendition switches", `${count(v.switchesUp)} up, ${count(v.switchesDown)} down`],
    ["Dropped frames", reported(v.droppedFrameRate, (r) => `${count(v.droppedFrames)} of ${count(v.totalFrames)} (${percent(r)})`)],
    ["Upscaling", reported(v.upscalePercentage, (u) => `${percent(u)} on average, ${percent(v.maxUpscalePercentage)} at most`)],
    ["Downscaling", reported(v.downscalePercentage, percent)]];
  return rows(pairs);
}

/**
 * Opens one view in the panel: its dimensions by their labels (custom ones by their declared names), its figures and
 * its timeline; focus moves to the panel's heading.
 */
export async function openView(id) {
  const box = document.getElementById("viewPanel");
  box.hidden = false;
  box.setAttribute("aria-labelledby", "viewTitle");
  box.setAttribute("aria-busy", "true");
  box.innerHTML = `<h2 id="viewTitle" tabindex="-1">Opening the view…</h2>${placeholders(6)}`;
  try {
    const [v] = await Promise.all([get("/api/data/views/" + encodeURIComponent(id)),
      videoNames.size ? null : learnVideoNames().catch(() => null)]);
    const view = v.view;
    const who = view.viewerId == null ? "" : ` by ${escape(view.viewerId)}`;
    const events = v.timeline.events;
    box.innerHTML = `<h2 id="viewTitle" tabindex="-1">View of ${day(view.startedAt)} ${clock(view.startedAt, true)}${who}</h2>
      <p class="muted">View id <code>${escape(view.viewId)}</code>; times are ${escape(zoneName())}.
        <button type="button" id="closeView">Close this view</button></p>
      <div class="grid2"><div><h3>Dimensions</h3><div class="scroll" tabindex="0"><table id="viewDims"><tbody>${dimensionRows(view)}</tbody></table></div></div>
      <div><h3>Figures</h3><div class="scroll" tabindex="0"><table id="viewMetrics"><tbody>${metricRows(view)}</tbody></table></div>
      <p class="muted note">The experience scores are figures of groups of views (the Quality page); one view does not
        carry them.</p></div></div>
      <h3>Timeline</h3>`
      + (events.length === 0 ? `<p class="muted" id="noTimeline">No timeline: the view is older than the timelines kept, or was stored before them.</p>`
        : `<div class="scroll" tabindex="0"><table id="events"><thead><tr><th scope="col">At</th><th scope="col">Event</th><th scope="col">Detail</th></tr></thead><tbody>`
        + events.map((e) => `<tr class="event-${escape(e.type)}"><td>+${(e.offsetMs / 1000).toFixed(1)} s</td>`
          + `<td>${escape(EVENT_NAMES[e.type] ?? e.type)}</td><td>${escape(eventDetail(e))}</td></tr>`).join("")
        + `</tbody></table></div>`)
      + (v.timeline.dropped > 0 ? `<p class="muted">${count(v.timeline.dropped)} more events did not fit in the session's bound.</p>` : "");
    document.getElementById("closeView").addEventListener("click", () => {
      history.pushState(null, "", withView(null));
      markAddressShown();
      box.innerHTML = "";
      box.hidden = true;
      const h1 = document.querySelector("main h1");
      h1.tabIndex = -1;
      h1.focus();
    });
  } catch (err) {
    if (err.status === 401) throw err;
    const why = err.status === 404 ? "this account has no view with this id"
      : String(err.message || "something went wrong").replace(/\.$/, "");
    box.innerHTML = `<h2 id="viewTitle" tabindex="-1">Could not open the view</h2>
      <div class="error panel-error" role="alert"><p>Could not open the view: ${escape(why)}.</p>
      ${err.status === 404 ? "" : `<button type="button" class="primary" id="retryView">Try again</button>`}</div>`;
    document.getElementById("retryView")?.addEventListener("click", () => openView(id));
  } finally {
    box.removeAttribute("aria-busy");
  }
  document.getElementById("viewTitle").focus();
}

/**
 * The Views page: every finished view of the account in the range and filters, newest first, a page at a time; or,
 * with a viewer id (#/views/viewer/<id>), that viewer's. A view's start opens it below the list.
 */
export async function viewsPage(main, viewerId) {
  const w = range();
  const scope = { from: w.from, to: w.to, "filters[]": state.filters };
  const source = viewerId == null ? "/api/data/views" : "/api/data/viewers/" + encodeURIComponent(viewerId) + "/views";
  const scopeText = [rangeName(), ...state.filters.map(filterName)].join(", ");
  main.innerHTML = `<h1 data-title="${viewerId == null ? "Views" : "Views of viewer " + escape(viewerId)}">Views${viewerId == null ? ""
    : ` of viewer <code>${escape(viewerId)}</code>`}</h1>
    <form id="viewerSearch" class="search" role="search" aria-label="A viewer's views">
      <label>Viewer id <input id="viewerId" type="search" required maxlength="512" autocomplete="off"
        value="${escape(viewerId ?? "")}" placeholder="the uid the player sent"></label>
      <button type="submit">Show this viewer's views</button>
      ${viewerId == null ? "" : `<a id="everyViewer" href="${escape(link("/views"))}">Every viewer's views</a>`}
    </form>
    <p class="muted" id="viewsScope">Finished views one by one (a view shows once it has ended), newest first:
      ${escape(scopeText)}. Select a view's start to open it.</p>
    <div class="scroll" tabindex="0" id="viewList">${placeholders(6)}</div>
    ${pager()}
    <section id="viewPanel" class="view-panel" hidden></section>`;
  document.getElementById("viewerSearch").addEventListener("submit", (e) => {
    e.preventDefault();
    const id = document.getElementById("viewerId").value.trim();
    if (id) location.hash = viewerLink(id);
  });
  const fetchPage = (cursor) => get(source + qs({ ...scope, limit: PAGE(), cursor }));
  const [first] = await Promise.all([fetchPage(null), learnVideoNames()]);
  await viewList({ first, fetchPage, withVideo: true, empty: () => viewerId == null ? nothing() : noViewerViews(viewerId) });
  await openAddressedView();
}

/**
 * A viewer without views in the range and filters: told apart whether the account has no view of that viewer at all
 * (an unknown or mistyped id) or only none here.
 */
async function noViewerViews(viewerId) {
  const ever = await get("/api/data/viewers/" + encodeURIComponent(viewerId) + "/views" + qs({ limit: 1 }));
  if (ever.views.length === 0) {
    return `<div class="empty" id="noViewer"><h2>No views for this viewer</h2>
      <p>No view of this account has the viewer id “${escape(viewerId)}”, at any time. Check the id: it is the
        <code>uid</code> the player sent (or the id Viewpulse derived, as the list of views shows it).</p></div>`;
  }
  return `<div class="empty" id="viewerNoneHere"><h2>No views of this viewer here</h2>
    <p>This viewer has views, but none in ${escape(rangeName())}${state.filters.length
      ? " that match " + state.filters.map((f) => escape(filterName(f))).join(" and ") : ""}:
      ${state.filters.length ? "clear the filters or choose another range." : "choose another range."}</p>
    ${state.filters.length ? `<button type="button" class="primary" data-clear-filters>Clear filters</button>` : ""}</div>`;
}
