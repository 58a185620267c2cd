#!/usr/bin/env bash
# CMCD ingest benchmark: sustained requests/s of POST /analytics/cmcd (CMCD v2 event mode: a player's reports of
# 5 s, one a line) against POST /analytics/log (beacons of the same simulated sessions) on the same server, same load
# generator, same machine. Both are durable (group-committed fsync) before the answer.
#
#   tools/bench-cmcd.sh [viewers] [connections] [seconds] [pairs]
#
# Each pair starts a fresh server and measures both endpoints, beacons first in odd pairs and CMCD first in even ones
# (the second run of a pair meets a store already holding the first's sessions); it prints their ratio. The last
# line is the median ratio over the pairs. WARMUP (default 45) is the seconds of load before each measurement.
#
# Needs the jars: mvn -q -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
viewers=${1:-2048}
connections=${2:-256}
seconds=${3:-30}
pairs=${4:-3}
port=18089
data=""
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$data" ]; then rm -rf "$data"; fi
  server=""
  data=""
}
trap cleanup EXIT

run() {
  java -jar loadgen/target/viewpulse-loadgen.jar --url "http://127.0.0.1:$port" --viewers "$viewers" \
    --connections "$connections" --duration "$seconds" --warmup "${WARMUP:-45}" --json "$@"
}

ratios=()
for pair in $(seq "$pairs"); do
  data=$(mktemp -d /tmp/viewpulse-bench-cmcd.XXXXXX)
  java -Xmx2g -jar server/target/viewpulse.jar serve --data "$data" --host 127.0.0.1 --port $port \
    > "$data/server.out" 2>&1 &
  server=$!
  for _ in $(seq 120); do
    grep -q "secret key" "$data/server.out" && break
    sleep 0.5
  done
  key=$(grep -o "secret key vp_[^ ]*" "$data/server.out" | awk '{print $3}')
  [ -n "$key" ] || { echo "server did not start:"; cat "$data/server.out"; exit 1; }
  if [ $((pair % 2)) -eq 1 ]; then
    beacons=$(run --key "$key" --seed 1)
    cmcd=$(run --key "$key" --seed 2 --cmcd)
  else
    cmcd=$(run --key "$key" --seed 2 --cmcd)
    beacons=$(run --key "$key" --seed 1)
  fi
  cleanup
  ratio=$(python3 - "$beacons" "$cmcd" "$pair" <<'PY'
import json, sys
beacons, cmcd = (json.loads(a) for a in sys.argv[1:3])
r = cmcd["beaconsPerSecond"] / beacons["beaconsPerSecond"]
print("pair %s: beacons %.0f/s (%.0f events/s, ack p50 %.1f ms, p99 %.1f ms, statuses %s), CMCD %.0f requests/s"
      " (%.0f events/s, ack p50 %.1f ms, p99 %.1f ms, statuses %s), ratio %.2f" % (sys.argv[3],
      beacons["beaconsPerSecond"], beacons["eventsPerSecond"], beacons["ackP50Ms"], beacons["ackP99Ms"],
      beacons["statuses"], cmcd["beaconsPerSecond"], cmcd["eventsPerSecond"], cmcd["ackP50Ms"], cmcd["ackP99Ms"],
      cmcd["statuses"], r), file=sys.stderr)
print("%.4f" % r)
PY
)
  ratios+=("$ratio")
done
python3 - "$viewers" "$connections" "${ratios[@]}" <<'PY'
import statistics, sys
rs = [float(r) for r in sys.argv[3:]]
print("CMCD / beacons, %s viewers, %s connections: median %.2f of %d pairs (%s) (goal >= 0.9)" % (
    sys.argv[1], sys.argv[2], statistics.median(rs), len(rs), ", ".join("%.2f" % r for r in rs)))
PY
