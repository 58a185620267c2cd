#!/usr/bin/env python3
"""Freshness: time from a beacon's acknowledgement until the API shows it.

One client, one beacon at a time (a new session each), polling /api/data/views/query/total and /api/data/views/now
until both count it. Needs a running Viewpulse and a secret key; registers playback id 'freshness-probe'.
Usage: python3 tools/freshness.py http://localhost:8080 <secret key> [beacons]
"""
import json
import sys
import time

import requests


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def main():
    base, key = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    s = requests.Session()
    auth = {"Authorization": "Bearer " + key}
    s.post(base + "/api/asset", headers=auth, data=json.dumps({"name": "freshness probe", "playbackId": "freshness-probe"}))
    start_total = s.get(base + "/api/data/views/query/total/freshness-probe", headers=auth).json()["viewCount"]
    to_query, to_now = [], []
    for i in range(n):
        now_ms = int(time.time() * 1000)
        body = {"session_id": "probe-%d-%d" % (now_ms, i), "playback_id": "freshness-probe",
                "user_agent": "freshness-probe", "events": [{"id": "p", "type": "play", "timestamp": now_ms}]}
        r = s.post(base + "/analytics/log", data=json.dumps(body))
        r.raise_for_status()
        acked = time.perf_counter()
        seen_query = seen_now = None
        while seen_query is None or seen_now is None:
            total = s.get(base + "/api/data/views/query/total/freshness-probe", headers=auth).json()["viewCount"]
            t = time.perf_counter() - acked
            if seen_query is None and total >= start_total + i + 1:
                seen_query = t
            rows = s.get(base + "/api/data/views/now?playbackId=freshness-probe", headers=auth).json()
            t = time.perf_counter() - acked
            # sessions stay "now" for 60 s, so within a short run every probe so far is counted
            if seen_now is None and rows and rows[0]["viewCount"] >= i + 1:
                seen_now = t
        to_query.append(seen_query)
        to_now.append(seen_now)
    for name, v in (("views/query/total", to_query), ("views/now", to_now)):
        print("%-18s p50 %4.0f ms  p99 %4.0f ms  max %4.0f ms  (%d beacons)" % (
            name, pct(v, 50) * 1000, pct(v, 99) * 1000, max(v) * 1000, len(v)))


if __name__ == "__main__":
    main()
