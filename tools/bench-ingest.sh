#!/usr/bin/env bash
# Ingest benchmark: sustained beacons/s of POST /analytics/log (durable: group-committed fsync) against the no-op
# endpoint POST /bench/noop on the same server, same load generator, same machine.
#
#   tools/bench-ingest.sh [viewers] [connections] [seconds] [pairs]
#
# Each pair starts a fresh server, measures the no-op endpoint and then the ingest endpoint, and prints their ratio;
# the last line is the median ratio over the pairs (run-to-run noise on a small VM is about 10 %, so one pair says
# little). WARMUP (default 45) is the seconds of load before each measurement: the ingest path needs about that for
# the JIT compiler to settle.
#
# Two stores instead of the no-op endpoint: STORES="duckdb clickhouse://USER:PASSWORD@HOST:8123/bench_@RUN@" makes each
# pair measure ingest on a fresh server on the first store, then on a fresh server on the second (same load, the event
# log in a fresh data directory on the local disk each time), and print the second's beacons/s over the first's; @RUN@
# becomes a name of its own for each server (a fresh ClickHouse database).
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

# starts a fresh server on the store $1 (duckdb when empty); sets server, data and key
start() {
  data=$(mktemp -d /tmp/viewpulse-bench-ingest.XXXXXX)
  local store=${1:-duckdb}
  store=${store//@RUN@/$(basename "$data" | tr -c 'a-zA-Z0-9\n' '_')}
  java -Xmx2g -jar server/target/viewpulse.jar serve --data "$data" --host 127.0.0.1 --port $port --bench-endpoints \
    --store "$store" > "$data/server.out" 2>&1 &
  server=$!
  for _ in $(seq 120); do
    grep -q "secret key" "$data/server.out" && break
    sleep 0.5
  done
  key=$(grep -o "secret key vp_[^ ]*" "$data/server.out" | awk '{print $3}')
  [ -n "$key" ] || { echo "server did not start:"; cat "$data/server.out"; exit 1; }
}

read -r -a stores <<< "${STORES:-}"
ratios=()
for pair in $(seq "$pairs"); do
  if [ ${#stores[@]} -eq 2 ]; then
    start "${stores[0]}"
    first=$(run --key "$key")
    cleanup
    start "${stores[1]}"
    second=$(run --key "$key")
    cleanup
    names="${stores[0]%%:*} ${stores[1]%%:*}"
  else
    start ""
    first=$(run --path /bench/noop)
    second=$(run --key "$key")
    cleanup
    names="no-op ingest"
  fi
  ratio=$(python3 - "$first" "$second" "$pair" $names <<'EOF2'
import json, sys
first, second = (json.loads(a) for a in sys.argv[1:3])
r = second["beaconsPerSecond"] / first["beaconsPerSecond"]
print("pair %s: %s %.0f beacons/s (ack p50 %.1f ms, p99 %.1f ms), %s %.0f beacons/s (ack p50 %.1f ms, p99 %.1f ms),"
      " statuses %s, ratio %.2f" % (sys.argv[3], sys.argv[4], first["beaconsPerSecond"], first["ackP50Ms"],
      first["ackP99Ms"], sys.argv[5], second["beaconsPerSecond"], second["ackP50Ms"], second["ackP99Ms"],
      second["statuses"], r), file=sys.stderr)
print("%.4f" % r)
EOF2
)
  ratios+=("$ratio")
done
python3 - "$viewers" "$connections" "${STORES:+${stores[1]%%:*} / ${stores[0]%%:*}}" "${ratios[@]}" <<'EOF2'
import statistics, sys
rs = [float(r) for r in sys.argv[4:]]
what, goal = (sys.argv[3], "0.9") if sys.argv[3] else ("ingest / no-op", "0.6")
print("%s, %s viewers, %s connections: median %.2f of %d pairs (%s) (goal >= %s)" % (
    what, sys.argv[1], sys.argv[2], statistics.median(rs), len(rs), ", ".join("%.2f" % r for r in rs), goal))
EOF2
