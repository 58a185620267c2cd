// Talks to the Viewpulse API with the signed-in key, which lives in sessionStorage only (never in a URL).
const KEY = "viewpulse.key";

export function key() {
  return sessionStorage.getItem(KEY);
}

export function forget() {
  sessionStorage.removeItem(KEY);
}

/** Checks a key against the API and keeps it for this browser session. */
export async function signIn(candidate) {
  const r = await fetch("/api/asset", { headers: { Authorization: "Bearer " + candidate } });
  if (!r.ok) {
    throw new Error(await message(r));
  }
  sessionStorage.setItem(KEY, candidate);
}

async function message(r) {
  try {
    const body = await r.json();
    return (body.errors || []).join("; ") || "HTTP " + r.status;
  } catch (e) {
    return "HTTP " + r.status;
  }
}

// Each page shown starts a navigation. An answer that arrives once the viewer has moved on is dropped: the page
// function waiting for it never resumes, instead of drawing into the newer page's elements of the same id.
let navigation = 0;
const never = () => new Promise(() => {});

/** A new page is being shown: answers to what earlier pages asked are no longer wanted. */
export function navigated() {
  navigation++;
}

/** GET a JSON path of the API; throws an Error with the server's message (and .status). */
export async function get(path) {
  const asked = navigation;
  let r;
  try {
    r = await fetch(path, { headers: { Authorization: "Bearer " + key() } });
  } catch (cause) {
    if (asked !== navigation) return never();
    const e = new Error("the server did not answer");
    e.network = true;
    throw e;
  }
  if (asked !== navigation) return never();
  if (!r.ok) {
    const e = new Error(await message(r));
    e.status = r.status;
    throw e;
  }
  const body = await r.json();
  return asked === navigation ? body : never();
}

/** Builds a query string, repeating array values under the same name. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    (Array.isArray(v) ? v : [v]).forEach((x) => u.append(k, x));
  }
  const s = u.toString();
  return s ? "?" + s : "";
}

/**
 * Sends a request with a JSON body (or none) whatever page is shown, for changes the viewer asked for; answers the
 * JSON body, or null for an answer without one. Throws an Error with the server's message (and .status).
 */
export async function send(method, path, body) {
  const headers = { Authorization: "Bearer " + key() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let r;
  try {
    r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (cause) {
    const e = new Error("the server did not answer");
    e.network = true;
    throw e;
  }
  if (!r.ok) {
    const e = new Error(await message(r));
    e.status = r.status;
    throw e;
  }
  return r.status === 204 ? null : r.json();
}
