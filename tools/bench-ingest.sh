#!/usr/bin/env bash
# Ingest benchmark: sustained beacons/s of POST /analytics/log (durable: group-committed fsync) against the no-op
# endpoint POST /bench/noop on the same server, same load generator, same machine, one run.
#
#   tools/bench-ingest.sh [viewers] [connections] [seconds]   (WARMUP=45: seconds of load before measuring;
#   the ingest path needs about that for the JIT compiler to settle)
#
# Needs the jars: mvn -q -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
viewers=${1:-2048}
connections=${2:-256}
seconds=${3:-30}
data=$(mktemp -d /tmp/viewpulse-bench-ingest.XXXXXX)
port=18089
java -Xmx2g -jar server/target/viewpulse.jar serve --data "$data" --host 127.0.0.1 --port $port --bench-endpoints \
  > "$data/server.out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 120); do
  grep -q "secret key" "$data/server.out" && break
  sleep 0.5
done
key=$(grep -o "secret key vp_[^ ]*" "$data/server.out" | awk '{print $3}')
[ -n "$key" ] || { echo "server did not start:"; cat "$data/server.out"; exit 1; }

run() {
  java -jar loadgen/target/viewpulse-loadgen.jar --url "http://127.0.0.1:$port" --viewers "$viewers" \
    --connections "$connections" --duration "$seconds" --warmup "${WARMUP:-45}" --json "$@"
}
echo "no-op endpoint ($viewers viewers, $connections connections, ${seconds}s):"
noop=$(run --path /bench/noop)
echo "$noop" | grep -E '"(beaconsPerSecond|ackP50Ms|ackP99Ms|statuses)"' -A0
echo "ingest endpoint:"
ingest=$(run --key "$key")
echo "$ingest" | grep -E '"(beaconsPerSecond|eventsPerSecond|ackP50Ms|ackP99Ms|statuses)"' -A0
python3 - "$noop" "$ingest" <<'EOF'
import json, sys
noop, ingest = (json.loads(a) for a in sys.argv[1:3])
print("ingest / no-op = %.0f / %.0f beacons/s = %.2f (goal >= 0.6)" % (
    ingest["beaconsPerSecond"], noop["beaconsPerSecond"], ingest["beaconsPerSecond"] / noop["beaconsPerSecond"]))
EOF
