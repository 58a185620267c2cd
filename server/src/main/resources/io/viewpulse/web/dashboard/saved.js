// Saved views: the dashboard's address (page, metric, range, step, time zone, filters) under a name. They are kept in
// this browser's localStorage, not on the server: another browser or person does not see the list, but a view's link
// opens the same view for anyone who can sign in to this dashboard (the address holds the whole view).
import { escape } from "./format.js";

const KEY = "viewpulse.savedViews";

/** The saved views, oldest first: {name, hash, savedAt}. */
export function list() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(v) ? v.filter((x) => x && typeof x.name === "string" && typeof x.hash === "string") : [];
  } catch (e) {
    return [];
  }
}

function keep(views) {
  localStorage.setItem(KEY, JSON.stringify(views));
}

/** The address of a view with its name, for a link: opening it names the view. */
export function linkOf(v) {
  const [path, query] = v.hash.replace(/^#/, "").split("?");
  const p = new URLSearchParams(query || "");
  p.delete("view");
  p.set("view", v.name);
  return location.origin + location.pathname + "#" + path + "?" + p.toString();
}

/** Saves the address shown now under a name (a view of the same name is replaced). */
export function save(name) {
  const hash = location.hash.replace(/([?&])view=[^&]*&?/, "$1").replace(/[?&]$/, "");
  const views = list().filter((v) => v.name !== name);
  views.push({ name, hash, savedAt: new Date().toISOString() });
  keep(views);
}

export function remove(name) {
  keep(list().filter((v) => v.name !== name));
}

/** The list under the controls: each view opens, shows its link to share, and deletes. */
export function render(box) {
  const views = list();
  box.innerHTML = views.length === 0 ? `<p class="muted" id="noSaved">No saved views yet in this browser.</p>`
    : `<ul class="saved" id="savedList">${views.map((v, i) => `<li data-saved="${escape(v.name)}">
        <a href="${escape(v.hash)}" data-open-saved>${escape(v.name)}</a>
        <label class="share">Link to share <input type="text" readonly value="${escape(linkOf(v))}" id="share-${i}"></label>
        <button type="button" data-delete-saved="${i}" aria-label="Delete saved view ${escape(v.name)}">Delete</button>
      </li>`).join("")}</ul>`;
  box.querySelectorAll("[data-delete-saved]").forEach((b) => b.addEventListener("click", () => {
    remove(views[Number(b.dataset.deleteSaved)].name);
    render(box);
    document.getElementById("savedName").focus();
  }));
  box.querySelectorAll("input[readonly]").forEach((input) => input.addEventListener("focus", () => input.select()));
}
