// Calls every metrics method of Livepeer's SDK against a Viewpulse server and prints one JSON line per call:
// {"method": ..., "ok": true, "data": ...} or {"method": ..., "ok": false, "status": ..., "error": ...}.
// Usage: node sdk-check.mjs <serverURL> <apiKey> <playbackId> <assetId> <fromMs>
import { Livepeer } from "livepeer";

const [serverURL, apiKey, playbackId, assetId, fromMs] = process.argv.slice(2);
const livepeer = new Livepeer({ apiKey, serverURL });

async function call(method, fn) {
  try {
    const res = await fn();
    const { rawResponse, contentType, statusCode, ...rest } = res;
    console.log(JSON.stringify({ method, ok: true, status: statusCode, data: rest.data ?? rest.usageMetric }));
  } catch (e) {
    console.log(JSON.stringify({ method, ok: false, name: e.name, status: e.statusCode, error: e.body ?? e.message }));
  }
}

await call("getViewership", () => livepeer.metrics.getViewership({
  from: new Date(Number(fromMs)), to: Number(fromMs) + 86_400_000, timeStep: "day",
  breakdownBy: ["country", "browser"],
}));
await call("getCreatorViewership", () => livepeer.metrics.getCreatorViewership({
  assetId, timeStep: "day", breakdownBy: ["timezone"],
}));
await call("getPublicViewership", () => livepeer.metrics.getPublicViewership(playbackId));
await call("getRealtimeViewership", () => livepeer.metrics.getRealtimeViewership(playbackId, undefined, ["playbackId"]));
await call("getUsage", () => livepeer.metrics.getUsage({ from: Number(fromMs), to: Number(fromMs) + 86_400_000 }));
// the seed's examples, in the 3.5.0 SDK's names
await call("seedGetViews", () => livepeer.metrics.getViewership({ breakdownBy: ["device", "browser"] }));
await call("badKey", () => new Livepeer({ apiKey: "vp_wrong", serverURL }).metrics.getPublicViewership(playbackId));
