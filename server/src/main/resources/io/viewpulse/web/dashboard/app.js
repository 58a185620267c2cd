// The dashboard's shell: sign-in, the controls, and a hash router over the pages.
import { key, signIn, forget, navigated } from "./api.js";
import { state, readHash, link, span, steps, localZone, day, markAddressShown } from "./state.js";
import { escape, placeholders } from "./format.js";
import * as charts from "./charts.js";
import { overview, filterName, videoNames, learnVideoNames, addFilter, allDimensions, learnCustomDimensions }
  from "./views.js";
import { breakdown } from "./breakdown.js";
import { videos, asset, streams, live, stopRefresh } from "./media.js";
import { quality } from "./quality.js";
import { viewsPage } from "./explorer.js";
import { alerts } from "./alerts.js";
import * as saved from "./saved.js";

const main = document.getElementById("main");
const errorBox = document.getElementById("error");

let shown = 0;

/**
 * A page is on screen: the tab's title names it, and (after the first page) focus moves to its heading, so a screen
 * reader says where the viewer is now and the next Tab starts from the page, not from the link they used.
 */
function arrived(name) {
  const h1 = main.querySelector("h1");
  document.title = (name || (h1 && (h1.dataset.title || h1.textContent.trim())) || "Viewpulse") + " · Viewpulse";
  if (h1 && shown++ > 0) {
    // a view opened by the address has the focus on its panel's heading
    const panel = main.querySelector("#viewTitle");
    if (panel) panel.focus();
    else {
      h1.tabIndex = -1;
      h1.focus();
    }
  }
}

function showSignIn(message) {
  document.getElementById("top").hidden = true;
  document.getElementById("controls").hidden = true;
  main.innerHTML = `<form class="card signin" id="signin">
    <h1>Sign in to Viewpulse</h1>
    <p class="muted">Use a secret API key of your account (the server printed one at first start). It stays in this
      browser tab only.</p>
    <label for="key">API key</label>
    <input id="key" name="key" type="password" autocomplete="off" required placeholder="vp_...">
    ${message ? `<p class="error" role="alert">${escape(message)}</p>` : ""}
    <button class="primary" type="submit">Sign in</button></form>`;
  document.title = "Sign in · Viewpulse";
  document.getElementById("key").focus();
  document.getElementById("signin").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await signIn(document.getElementById("key").value.trim());
      route();
    } catch (err) {
      showSignIn(err.message);
    }
  });
}

function renderControls(page) {
  document.getElementById("top").hidden = false;
  document.getElementById("controls").hidden = page === "live";
  document.getElementById("range").value = state.range;
  const custom = state.range === "custom";
  document.getElementById("fromLabel").hidden = !custom;
  document.getElementById("toLabel").hidden = !custom;
  document.getElementById("from").value = state.from || "";
  document.getElementById("to").value = state.to || "";
  // only the steps that make sense for the range can be chosen; one that does not falls back to Auto
  const w = span();
  const ok = steps(w.to - w.from);
  document.querySelectorAll("#step option").forEach((o) => { o.disabled = o.value !== "auto" && !ok.includes(o.value); });
  if (state.step !== "auto" && !ok.includes(state.step)) state.step = "auto";
  document.getElementById("step").value = state.step;
  document.getElementById("tz").value = state.tz;
  document.getElementById("tzLocal").textContent = "This browser's (" + localZone() + ")";
  document.getElementById("tzNote").textContent = state.tz === "utc" ? "Times are UTC."
    : "Times are " + localZone() + "; days, weeks and months are UTC days.";
  document.querySelectorAll("[data-nav]").forEach((a) => {
    const base = a.getAttribute("href").split("?")[0];
    a.href = link(base.replace(/^#/, ""));
    if (a.dataset.nav === page) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
  chips();
  // a saved view's link names it
  const viewName = new URLSearchParams(location.hash.split("?")[1] || "").get("view");
  document.getElementById("viewName").hidden = !viewName;
  document.getElementById("viewName").textContent = viewName ? "Saved view: " + viewName : "";
  // the account's saved views are listed while their panel is open (they change on other people's screens too)
  if (document.getElementById("savedViews").open) saved.render(document.getElementById("savedBox"));
  // a filter on a video reads as its name: learn the names once if the page does not
  if (state.filters.some((f) => f.startsWith("playbackId:") && !videoNames.has(f.slice("playbackId:".length)))) {
    learnVideoNames().then(chips, () => {});
  }
}

function chips() {
  document.getElementById("filters").innerHTML = state.filters.map((f, i) =>
    `<span class="chip">${escape(filterName(f))}<button type="button" data-unfilter="${i}"
      aria-label="Remove filter ${escape(filterName(f))}">×</button></span>`).join("");
  document.querySelectorAll("[data-unfilter]").forEach((b) => b.addEventListener("click", () => {
    state.filters.splice(Number(b.dataset.unfilter), 1);
    location.hash = link(location.hash.replace(/^#/, "").split("?")[0]);
  }));
}

async function route() {
  navigated();
  stopRefresh();
  charts.clear();
  errorBox.hidden = true;
  if (!key()) {
    showSignIn();
    markAddressShown();
    return;
  }
  // a saved view's link: its address, from the server, in place of the link's in the history
  const shared = location.hash.match(/^#\/saved\/([^/?]+)$/);
  if (shared) {
    try {
      const v = await saved.fetchOne(decodeURIComponent(shared[1]));
      location.replace(saved.addressOf(v));
    } catch (err) {
      if (err.status === 401) {
        forget();
        showSignIn(err.message);
        return;
      }
      document.getElementById("top").hidden = false;
      main.innerHTML = "";
      showError(err.status === 404 ? new Error("this account has no such saved view (it may have been deleted)")
        : err);
      markAddressShown();
    }
    return;
  }
  const [page, arg, arg2, arg3] = readHash();
  renderControls(page);
  main.innerHTML = placeholders(4);
  main.setAttribute("aria-busy", "true");
  markAddressShown();
  try {
    // the account's custom dimensions, for the breakdowns, the filter builder and the filters' names
    await learnCustomDimensions();
    fillBuilder();
    chips();
    if (page === "breakdown") await breakdown(main, arg || "country", arg2, arg3);
    else if (page === "quality") await quality(main);
    else if (page === "alerts") await alerts(main);
    else if (page === "videos") await videos(main);
    else if (page === "asset") await asset(main, arg);
    else if (page === "views") await viewsPage(main, arg === "viewer" && arg2 ? decodeURIComponent(arg2) : null);
    else if (page === "live" && arg) await live(main, arg);
    else if (page === "live") await streams(main);
    else await overview(main, arg);
    arrived();
  } catch (err) {
    if (err.status === 401) {
      forget();
      showSignIn(err.message);
      return;
    }
    if (!err.status && !err.network) console.error(err);
    showError(err);
    main.innerHTML = "";
  } finally {
    main.removeAttribute("aria-busy");
  }
}

/** A page could not load: what went wrong, in words, and a way to try again without losing the page's state. */
function showError(err) {
  const why = String(err.message || "something went wrong").replace(/\.$/, "");
  errorBox.innerHTML = `<p id="errorText">Could not load this page: ${escape(why)}.</p>
    <button type="button" class="primary" id="retry">Try again</button>`;
  errorBox.hidden = false;
  document.title = "Could not load · Viewpulse";
  document.getElementById("retry").addEventListener("click", route);
}

// "Clear filters" in an empty state: the same page, every filter gone
main.addEventListener("click", (e) => {
  if (!e.target.closest("[data-clear-filters]")) return;
  state.filters = [];
  location.hash = link(location.hash.replace(/^#/, "").split("?")[0] || "/overview");
});

document.getElementById("range").addEventListener("change", (e) => {
  state.range = e.target.value;
  if (state.range === "custom" && !(state.from && state.to)) {
    state.to = day(Date.now());
    state.from = day(Date.now() - 6 * 86400e3);
  }
  location.hash = link(location.hash.replace(/^#/, "").split("?")[0] || "/overview");
});
document.getElementById("tz").addEventListener("change", (e) => {
  state.tz = e.target.value;
  location.hash = link(location.hash.replace(/^#/, "").split("?")[0] || "/overview");
});
for (const id of ["from", "to"]) {
  document.getElementById(id).addEventListener("change", () => {
    const from = document.getElementById("from").value;
    const to = document.getElementById("to").value;
    if (!from || !to) return;
    // the days in order, whichever was picked first
    [state.from, state.to] = from <= to ? [from, to] : [to, from];
    location.hash = link(location.hash.replace(/^#/, "").split("?")[0] || "/overview");
  });
}
document.getElementById("step").addEventListener("change", (e) => {
  state.step = e.target.value;
  location.hash = link(location.hash.replace(/^#/, "").split("?")[0] || "/overview");
});
document.getElementById("signout").addEventListener("click", () => {
  forget();
  location.hash = "";
  showSignIn();
});
// the filter builder: any dimension of the breakdowns (the account's custom ones too), "is" or "is not", a value as
// the API writes it
function fillBuilder() {
  const select = document.getElementById("filterDim");
  const chosen = select.value;
  select.innerHTML = allDimensions().map(([k, name]) => `<option value="${escape(k)}">${escape(name)}</option>`).join("");
  if (allDimensions().some(([k]) => k === chosen)) select.value = chosen;
}
fillBuilder();
document.getElementById("addFilter").addEventListener("submit", (e) => {
  e.preventDefault();
  const value = document.getElementById("filterValue").value.trim();
  if (!value) return;
  document.getElementById("filterValue").value = "";
  document.getElementById("builder").open = false;
  addFilter(document.getElementById("filterOp").value + document.getElementById("filterDim").value + ":" + value);
});
document.getElementById("saveView").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = document.getElementById("savedName").value.trim();
  if (!name) return;
  saved.save(document.getElementById("savedBox"), name).then((ok) => {
    if (ok) document.getElementById("savedName").value = "";
  });
});
document.getElementById("savedViews").addEventListener("toggle", (e) => {
  if (e.target.open) saved.render(document.getElementById("savedBox"));
});
window.addEventListener("hashchange", route);
route();
