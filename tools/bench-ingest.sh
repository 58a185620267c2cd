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
  data=$(mktemp -d /tmp/viewpulse-bench-ingest.XXXXXX)
  java -Xmx2g -jar server/target/viewpulse.jar serve --data "$data" --host 127.0.0.1 --port $port --bench-endpoints \
    > "$data/server.out" 2>&1 &
  server=$!
  for _ in $(seq 120); do
    grep -q "secret key" "$data/server.out" && break
    sleep 0.5
  done
  key=$(grep -o "secret key vp_[^ ]*" "$data/server.out" | awk '{print $3}')
  [ -n "$key" ] || { echo "server did not start:"; cat "$data/server.out"; exit 1; }
  noop=$(run --path /bench/noop)
  ingest=$(run --key "$key")
  cleanup
  ratio=$(python3 - "$noop" "$ingest" "$pair" <<'EOF'
import json, sys
noop, ingest = (json.loads(a) for a in sys.argv[1:3])
r = ingest["beaconsPerSecond"] / noop["beaconsPerSecond"]
print("pair %s: no-op %.0f beacons/s (ack p50 %.1f ms, p99 %.1f ms), ingest %.0f beacons/s (ack p50 %.1f ms, p99 %.1f ms),"
      " statuses %s, ratio %.2f" % (sys.argv[3], noop["beaconsPerSecond"], noop["ackP50Ms"], noop["ackP99Ms"],
      ingest["beaconsPerSecond"], ingest["ackP50Ms"], ingest["ackP99Ms"], ingest["statuses"], r), file=sys.stderr)
print("%.4f" % r)
EOF
)
  ratios+=("$ratio")
done
python3 - "$viewers" "$connections" "${ratios[@]}" <<'EOF'
import statistics, sys
rs = [float(r) for r in sys.argv[3:]]
print("ingest / no-op, %s viewers, %s connections: median %.2f of %d pairs (%s) (goal >= 0.6)" % (
    sys.argv[1], sys.argv[2], statistics.median(rs), len(rs), ", ".join("%.2f" % r for r in rs)))
EOF
