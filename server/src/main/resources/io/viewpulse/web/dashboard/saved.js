// Saved views: the dashboard's address (page, metric, range, step, time zone, filters) under a name, kept on the
// server for the account (/api/saved-view): everyone signed in with a key of the account sees the same list, and a
// view's link (#/saved/<id>) opens it for any of them. The address itself still holds the whole view, so a copied
// address opens it too, for anyone who can sign in.
import { send } from "./api.js";
import { escape } from "./format.js";

const API = "/api/saved-view";

/** The address shown now, without a saved view's name. */
function current() {
  return location.hash.replace(/([?&])view=[^&]*&?/, "$1").replace(/[?&]$/, "");
}

/** The address that opens a saved view by its id, for a link. */
export function linkOf(v) {
  return location.origin + location.pathname + "#/saved/" + encodeURIComponent(v.id);
}

/** The address a saved view stands for, with its name (the page then says which saved view it shows). */
export function addressOf(v) {
  const [path, query] = v.state.replace(/^#/, "").split("?");
  const p = new URLSearchParams(query || "");
  p.delete("view");
  p.set("view", v.name);
  return "#" + path + "?" + p.toString();
}

/** The saved view of a shared link: the server's, or an Error (.status 404 when the account has no such view). */
export function fetchOne(id) {
  return send("GET", API + "/" + encodeURIComponent(id));
}

let asked = 0;

/** Saves the address shown now under a name; then the list again. */
export async function save(box, name) {
  try {
    await send("POST", API, { name, state: current() });
  } catch (e) {
    failed(box, "Could not save this view: " + e.message);
    return false;
  }
  await render(box);
  return true;
}

async function remove(box, v) {
  try {
    await send("DELETE", API + "/" + encodeURIComponent(v.id));
  } catch (e) {
    if (e.status !== 404) {
      failed(box, "Could not delete " + v.name + ": " + e.message);
      return;
    }
  }
  await render(box);
}

function failed(box, message) {
  let p = box.querySelector("#savedError");
  if (!p) {
    p = document.createElement("p");
    p.id = "savedError";
    p.className = "error";
    p.setAttribute("role", "alert");
    box.prepend(p);
  }
  p.textContent = message;
}

/** The list under the controls, as the server has it now: each view opens, shows its link to share, and deletes. */
export async function render(box) {
  const mine = ++asked;
  let views;
  try {
    views = await send("GET", API);
  } catch (e) {
    if (mine === asked) box.innerHTML = `<p class="error" role="alert" id="savedError">Could not list the saved views: ${escape(e.message)}</p>`;
    return;
  }
  if (mine !== asked) return;
  box.innerHTML = views.length === 0 ? `<p class="muted" id="noSaved">No saved views yet in this account.</p>`
    : `<ul class="saved" id="savedList">${views.map((v, i) => `<li data-saved="${escape(v.id)}">
        <a href="${escape(addressOf(v))}" data-open-saved>${escape(v.name)}</a>
        <label class="share">Link to share <input type="text" readonly value="${escape(linkOf(v))}" id="share-${i}"></label>
        <button type="button" data-delete-saved="${i}" aria-label="Delete saved view ${escape(v.name)}">Delete</button>
      </li>`).join("")}</ul>`;
  box.querySelectorAll("[data-delete-saved]").forEach((b) => b.addEventListener("click", async () => {
    await remove(box, views[Number(b.dataset.deleteSaved)]);
    document.getElementById("savedName").focus();
  }));
  box.querySelectorAll("input[readonly]").forEach((input) => input.addEventListener("focus", () => input.select()));
}
