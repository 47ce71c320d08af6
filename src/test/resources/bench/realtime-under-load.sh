#!/usr/bin/env bash
# Realtime polls against an empty window, then against a full one (the window's cap, 50,000 visitors)
# while keyless beacons arrive open loop at a fixed rate (the load generator: latency from when each
# beacon was due), with the JVM's GC log summarised. One server, one run, so the two poll figures are
# comparable. Run from a built checkout (mvn -q -DskipTests package test-compile):
#   bash src/test/resources/bench/realtime-under-load.sh RATE SECONDS [java options...]
# RATE: beacons a second (half the keyless maximum of the ceiling script's run, for the issue's target).
set -u
repo=$(cd "$(dirname "$0")/../../../.." && pwd)
rate=${1:?beacons a second}; secs=${2:?seconds of load}; shift 2
work=$(mktemp -d)
[ -f "$repo/target/cp.txt" ] || (cd "$repo" && mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test)
cp="$repo/target/test-classes:$repo/target/classes:$(cat "$repo/target/cp.txt")"
port=18097
java "$@" -Xlog:gc:file="$work/gc.log" -jar "$repo/target/sightline.jar" --data-dir "$work/data" --port $port \
  --set ingest.keylessRateLimitPerMinute=1000000 --set auth.defaultRateLimitPerMinute=1000000000 --set auth.rateLimitPerMinute.clickport=1000000000 \
  --set bootstrap.domain=bench.example > "$work/server.log" 2>&1 &
spid=$!
for i in $(seq 90); do curl -sf localhost:$port/health/ready >/dev/null && break; sleep 1; done
key=$(cat "$work/server.log" "$work/data/first-start-keys.txt" 2>/dev/null | awk '/site key/ && /sl_/{print $NF}' | head -1)
printf 'wrk.headers["x-api-key"] = "%s"\n' "$key" > "$work/rt.lua"
count() { curl -s -H "x-api-key: $key" localhost:$port/api/realtime | grep -o '"count":[0-9]*' | cut -d: -f2; }
poll() { # label (the visitor count is read before the polls: they may use up the key's minute)
  n=$(count)
  out=$(wrk -t1 -c64 -d20s --latency -s "$work/rt.lua" http://127.0.0.1:$port/api/realtime 2>&1)
  printf '%-34s %10s req/s  p50 %8s  p99 %8s  non-2xx %s  count %s\n' "$1" "$(echo "$out" | awk '/Requests\/sec/{print $2}')" \
    "$(echo "$out" | awk '$1=="50%"{print $2}')" "$(echo "$out" | awk '$1=="99%"{print $2}')" "$(echo "$out" | awk '/Non-2xx/{print $NF}')" \
    "$n"
}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); java options: ${*:-none}"
wrk -t1 -c64 -d5s -s "$work/rt.lua" http://127.0.0.1:$port/api/realtime >/dev/null 2>&1
poll "realtime, empty window"
java -cp "$cp" io.sightline.bench.LoadGenerator --target http://127.0.0.1:$port --key "$key" --rate "$rate" --seconds "$secs" \
  --mode keyless --domain bench.example --connections 256 --warmup 20 > "$work/load.out" 2>&1 &
lg=$!
sleep 35
poll "realtime, full window, ingesting"
wait $lg
echo "beacons at $rate/s during the run:"; grep -E "^requests|^latency" "$work/load.out" | sed 's/^/  /'
grep -E "Pause" "$work/gc.log" | grep -oE "[0-9.]+ms$" | tr -d ms | sort -n | awk '{a[NR]=$1; s+=$1}
  END{ if (NR) printf "GC pauses: %d, total %.0f ms, median %.1f ms, max %.1f ms\n", NR, s, a[int(NR/2)+1], a[NR]; else print "GC pauses: none" }'
kill $spid; wait $spid 2>/dev/null
rm -rf "$work"
