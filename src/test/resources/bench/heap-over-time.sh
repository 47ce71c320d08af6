#!/usr/bin/env bash
# The live heap every 2 minutes and at the end of a long run of keyless beacons at a fixed rate (the load
# generator, open loop), each measured after a full GC (jcmd GC.class_histogram), with the GC log
# summarised. Run from a built checkout (mvn -q -DskipTests package test-compile):
#   bash src/test/resources/bench/heap-over-time.sh RATE MINUTES [java options...]
set -u
repo=$(cd "$(dirname "$0")/../../../.." && pwd)
rate=${1:?beacons a second}; minutes=${2:?minutes}; shift 2
work=$(mktemp -d)
[ -f "$repo/target/cp.txt" ] || (cd "$repo" && mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test)
cp="$repo/target/test-classes:$repo/target/classes:$(cat "$repo/target/cp.txt")"
port=18098
java "$@" -Xlog:gc:file="$work/gc.log" -jar "$repo/target/sightline.jar" --data-dir "$work/data" --port $port \
  --set ingest.keylessRateLimitPerMinute=1000000 --set bootstrap.domain=bench.example > "$work/server.log" 2>&1 &
spid=$!
for i in $(seq 90); do curl -sf localhost:$port/health/ready >/dev/null && break; sleep 1; done
key=$(cat "$work/server.log" "$work/data/first-start-keys.txt" 2>/dev/null | awk '/site key/ && /sl_/{print $NF}' | head -1)
live() { jcmd $spid GC.class_histogram 2>/dev/null | awk '/^Total/{printf "%.1f MB in %d objects", $3/1048576, $2}'; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); java options: ${*:-none}; $rate beacons/s for $minutes min"
java -cp "$cp" io.sightline.bench.LoadGenerator --target http://127.0.0.1:$port --key "$key" --rate "$rate" --seconds $((minutes * 60)) \
  --mode keyless --domain bench.example --connections 256 --warmup 30 > "$work/load.out" 2>&1 &
lg=$!
gauge() { curl -s localhost:$port/metrics | awk -v n="$1" '$1 ~ "^"n"({|$)" {s += $2} END {printf "%.0f", s}'; }
# every 2 minutes: the live heap after a full GC, the rollup dedupe state's entries and its (site, day) drops
for t in $(seq 2 2 "$minutes"); do
  sleep 120
  kill -0 $lg 2>/dev/null || break
  echo "after $t min: live heap $(live); rollup state entries $(gauge sightline_rollup_state_entries); drops $(gauge sightline_rollup_state_drops_total)"
done
wait $lg
echo "live heap at the end:           $(live)"
grep -E "^requests|^latency" "$work/load.out" | sed 's/^/  /'
grep -E "Pause" "$work/gc.log" | grep -oE "[0-9.]+ms$" | tr -d ms | sort -n | awk '{a[NR]=$1; s+=$1}
  END{ if (NR) printf "GC pauses: %d, total %.0f ms, median %.1f ms, p99 %.1f ms, max %.1f ms\n", NR, s, a[int(NR/2)+1], a[int(NR*0.99)+1], a[NR]; else print "GC pauses: none" }'
kill $spid; wait $spid 2>/dev/null
rm -rf "$work"
