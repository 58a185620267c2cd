// The alerts page: the account's rules, whether each is firing, and its incidents, open ones first.
import { get } from "./api.js";
import { escape } from "./format.js";

/** "> 0.05", "> 2 × mean of 4 weeks", "> mean + 3 sd of 4 weeks". */
function condition(r) {
  if (r.threshold !== undefined) return r.comparison + " " + r.threshold;
  const a = r.anomaly;
  const of = " of " + a.weeks + " weeks";
  if (a.factor !== undefined) return r.comparison + " " + a.factor + " × mean" + of;
  return r.comparison + " mean " + (r.comparison.startsWith(">") ? "+ " : "− ") + a.stddevs + " sd" + of;
}

const when = (ms) => ms === null ? "" : new Date(ms).toISOString().replace("T", " ").replace(/:00\.000Z$/, " UTC");
const value = (v) => Number(v.toPrecision(4));

export async function alerts(main) {
  const [{ rules }, { incidents }] = await Promise.all([get("/api/alerts/rules"),
    get("/api/alerts/incidents?limit=200")]);
  const firing = new Set(incidents.filter((i) => i.open).map((i) => i.ruleId));
  const ordered = [...incidents.filter((i) => i.open), ...incidents.filter((i) => !i.open)];
  main.innerHTML = `<h1>Alerts</h1>
    <p class="muted">Rules are evaluated every minute; an incident opens after the condition held at "open after"
      evaluations in a row and resolves after "resolve after" clear ones. Create rules with the API or
      <code>viewpulse alert create</code>.</p>
    <h2>Rules</h2>
    ${rules.length === 0 ? `<p class="empty" id="noRules">No alert rules yet.</p>` : `<div class="scroll"><table id="rules">
      <thead><tr><th scope="col">Rule</th><th scope="col">Metric</th><th scope="col">Condition</th>
        <th scope="col">Filters</th><th scope="col">Min. views</th><th scope="col">Window</th>
        <th scope="col">State</th></tr></thead><tbody>${rules.map((r) => `<tr data-rule="${escape(r.id)}">
        <td>${escape(r.name)}</td><td>${escape(r.metric)}</td><td>${escape(condition(r))}</td>
        <td>${escape(r.filters.join(" "))}</td><td>${r.minViews}</td><td>${r.windowMinutes} min</td>
        <td>${firing.has(r.id) ? "Firing" : "OK"}</td></tr>`).join("")}</tbody></table></div>`}
    <h2>Incidents</h2>
    ${ordered.length === 0 ? `<p class="empty" id="noIncidents">No incidents.</p>` : `<div class="scroll"><table id="incidents">
      <thead><tr><th scope="col">Rule</th><th scope="col">Metric</th><th scope="col">Opened</th>
        <th scope="col">Resolved</th><th scope="col">Value</th><th scope="col">Bound</th></tr></thead>
      <tbody>${ordered.map((i) => `<tr data-incident="${escape(i.id)}"><td>${escape(i.ruleName)}</td>
        <td>${escape(i.metric)}</td><td>${when(i.openedAt)}</td><td>${i.open ? "Open" : when(i.resolvedAt)}</td>
        <td>${value(i.value)}</td><td>${value(i.bound)}</td></tr>`).join("")}</tbody></table></div>`}`;
}
