#!/usr/bin/env bash
# Cluster benchmarks (docs/BENCHMARKS.md, "Cluster"): a Kafka broker, the ClickHouse engine (chDB) and Viewpulse nodes
# as processes on this machine, the load generator in the benchmark's JVM (app/ClusterBench).
#
#   tools/bench-cluster.sh cpu RATE WARMUP SECONDS PAIRS   # server CPU per beacon, Kafka log against file log
#   tools/bench-cluster.sh fresh WARMUP SECONDS RATE       # freshness, beacons to one node, the probe on the other
#   tools/bench-cluster.sh scale WARMUP SECONDS            # beacons/s at full speed, one node against two
#
# Needs chDB (tools/chdb/install.sh) and gcc; builds what it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# one reactor: the server's own modules (client, loadgen) resolve to their builds here, installed or not
mvn -q -B -ntp -pl server -am -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
  -Dmdep.includeScope=test
# the reactor's own modules as just built, ahead of any installed copy
root=$(pwd)
cp="$root/server/target/test-classes:$root/server/target/classes:$root/client/target/classes"
cp="$cp:$root/loadgen/target/classes:$(cat server/target/cp.txt)"
# from the server module, as the tests run (they find tools/ and the front end's build from there)
cd server
exec java -Xmx3g -cp "$cp" io.viewpulse.app.ClusterBench "$@"
