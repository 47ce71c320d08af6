#!/usr/bin/env bash
# Ingest side by side on one machine, one run: the HTTP+JSON ceiling (Bare http), HTTP+JSON+group-commit
# insert (Bare pg) and Sightline's keyed /api/event, keyless Plausible beacons and realtime polling.
# The shared ceiling script (../shared/bench, CEILING_BENCH to point elsewhere) with three changes: the
# site key is read from the first start's key file (Sightline never writes keys to its log), and each
# bare server is awaited until it answers (a loaded machine starts a JVM in more than 3 s), and the realtime key is
# allowed 10^9 requests a minute (the shared script's 10^6 a minute answers most polls over 16,700 a second with 429).
# usage: run-ceiling.sh JAR_DIR (a built checkout: target/sightline.jar and target/lib) [SECONDS]
set -u
here=$(cd "$(dirname "$0")" && pwd); bench=${CEILING_BENCH:-$(cd "$here/../../../../../shared/bench" && pwd)}
jar_dir=$1; secs=${2:-20}
work=$(mktemp -d); cp=$(ls "$jar_dir"/target/lib/*.jar | tr '\n' ':')
javac -cp "$cp" -d "$work/classes" "$bench/Bare.java" && cp "$bench/logback.xml" "$work/classes/" || exit 1
wrkrun() { # name, then wrk args; prints name req/s p50 p99 non2xx
  name=$1; shift; out=$(wrk "$@" 2>&1); rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}'); p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  bad=$(echo "$out" | awk '/Non-2xx/{print $NF}'); n=$(echo "$out" | awk '/requests in/{print $1}')
  last=${rps:-0}
  printf '%-36s %10s req/s  p50 %8s  p99 %8s  requests %8s  non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "$n" "${bad:-0}"
}
cd "$work"
java -jar "$jar_dir/target/sightline.jar" --data-dir "$work/data" --port 18090 \
  --set ingest.keylessRateLimitPerMinute=1000000 --set auth.defaultRateLimitPerMinute=1000000000 --set auth.rateLimitPerMinute.clickport=1000000000 > server.log 2>&1 &
spid=$!
for i in $(seq 60); do curl -sf localhost:18090/health/ready >/dev/null && break; sleep 1; done
key=$(awk '/site key/{print $NF}' data/first-start-keys.txt)
pgport=$(grep -o '127.0.0.1:[0-9]*' server.log | head -1 | cut -d: -f2)
pgpass=$(grep "^password=" data/embedded-postgres.properties | cut -d= -f2-)
pgurl="postgresql://sightline:$pgpass@127.0.0.1:$pgport/sightline"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t1 -c256 -d${secs}s after a 10 s warm-up each"
java -cp "$work/classes:$cp" Bare http 19001 > bare-http.log 2>&1 & b1=$!; port=19001
for i in $(seq 60); do curl -s -o /dev/null --max-time 2 -d "{}" localhost:$port && break; sleep 0.5; done; wrk -t1 -c256 -d10s -s "$bench/sightline-event.lua" http://127.0.0.1:19001 -- x localhost >/dev/null 2>&1
wrkrun "ceiling: HTTP+JSON only" -t1 -c256 -d${secs}s --latency -s "$bench/sightline-event.lua" http://127.0.0.1:19001 -- x localhost
c_http=$last
kill $b1; wait $b1 2>/dev/null
java -cp "$work/classes:$cp" Bare pg 19002 "$pgurl" > bare-pg.log 2>&1 & b2=$!; port=19002
for i in $(seq 60); do curl -s -o /dev/null --max-time 2 -d "{}" localhost:$port && break; sleep 0.5; done; wrk -t1 -c256 -d10s -s "$bench/sightline-event.lua" http://127.0.0.1:19002 -- x localhost >/dev/null 2>&1
wrkrun "ceiling: +group-commit insert" -t1 -c256 -d${secs}s --latency -s "$bench/sightline-event.lua" http://127.0.0.1:19002 -- x localhost
c_pg=$last
kill $b2; wait $b2 2>/dev/null
before=$(psql "$pgurl" -Atc "select count(*) from events")
wrk -t1 -c256 -d10s -s "$bench/sightline-event.lua" http://127.0.0.1:18090 -- "$key" localhost >/dev/null 2>&1
wrkrun "sightline: keyed /api/event" -t1 -c256 -d${secs}s --latency -s "$bench/sightline-event.lua" http://127.0.0.1:18090 -- "$key" localhost
s_keyed=$last
wrkrun "sightline: keyless Plausible beacon" -t1 -c256 -d${secs}s --latency -s "$bench/plausible-beacon.lua" http://127.0.0.1:18090 -- localhost
s_keyless=$last
cat > rt.lua <<LUA
wrk.headers["x-api-key"] = "$key"
LUA
wrkrun "sightline: GET /api/realtime" -t1 -c64 -d${secs}s --latency -s rt.lua http://127.0.0.1:18090/api/realtime
s_rt=$last
sleep 2; after=$(psql "$pgurl" -Atc "select count(*) from events")
echo "events stored during the Sightline runs: $((after - before))"
curl -s localhost:18090/metrics | grep -E '^sightline_ingest_events_(accepted|dropped)_total' | awk '{s[$1]+=$2} END{for(k in s) print "  " k, s[k]}' | head
awk -v a="$s_keyed" -v b="$s_keyless" -v c="$c_pg" -v r="$s_rt" -v h="$c_http" 'BEGIN{ if (c>0) printf "ratios to the group-commit ceiling: keyed %.2f, keyless %.2f; realtime polls to the HTTP ceiling %.3f\n", a/c, b/c, r/h }'
kill $spid; wait $spid 2>/dev/null
rm -rf "$work"
