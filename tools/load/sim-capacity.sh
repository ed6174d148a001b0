#!/usr/bin/env bash
# The simulator's own limits, without the gateway: gbsim devices against gbsim platform (a digest registrar
# answering keepalives), and one simulated NVR with many channels answering a platform's catalog query.
#   COUNT=10000 CHANNELS=2 TRANSPORT=udp CATALOG=10000 tools/load/sim-capacity.sh
source "$(dirname "$0")/common.sh"
COUNT="${COUNT:-10000}"; CHANNELS="${CHANNELS:-2}"; TRANSPORT="${TRANSPORT:-udp}"; CATALOG="${CATALOG:-10000}"; RATE="${RATE:-0}"

build
machine
PORT="$(free_port)"
"$GBSIM" platform --listen "127.0.0.1:$PORT" --server-id 34020000002000000001 --password 12345678 --duration 100000 \
  >"$OUT/platform.log" 2>"$OUT/platform.err" &
PLATFORM_PID=$!; PIDS+=("$PLATFORM_PID")
sleep 2
p0="$(cpu_ticks "$PLATFORM_PID")"; t0="$(now_s)"
"$GBSIM" devices --server "127.0.0.1:$PORT" --server-id 34020000002000000001 --password 12345678 --count "$COUNT" \
  --channels "$CHANNELS" --transport "$TRANSPORT" --rate "$RATE" --exit-when-registered --no-unregister >"$OUT/devices.log" 2>"$OUT/devices.err" &
SIM_PID=$!; PIDS+=("$SIM_PID")
peak=0
while kill -0 "$SIM_PID" 2>/dev/null; do
  s="$(cpu_ticks "$SIM_PID" 2>/dev/null || echo 0)"; [ -n "$s" ] && sim_ticks="$s"
  h="$(peak_rss_kb "$SIM_PID" 2>/dev/null || echo 0)"; [ -n "$h" ] && [ "$h" -gt "$peak" ] && peak="$h"
  sleep 0.2
done
t1="$(now_s)"; p1="$(cpu_ticks "$PLATFORM_PID")"
printf 'registration: %s devices x %s channels over %s, digest, rate %s\n' "$COUNT" "$CHANNELS" "$TRANSPORT" "$RATE"
grep '^summary' "$OUT/devices.log" || tail -3 "$OUT/devices.log"
printf 'gbsim devices CPU %.2f s, peak RSS %.0f MB; gbsim platform CPU %.2f s; wall %.2f s (process start included)\n' \
  "$(echo "${sim_ticks:-0} / $CLK_TCK" | bc -l)" "$(echo "$peak / 1024" | bc -l)" "$(echo "($p1 - $p0) / $CLK_TCK" | bc -l)" "$(echo "$t1 - $t0" | bc -l)"
kill -TERM "$PLATFORM_PID" 2>/dev/null || true
wait "$PLATFORM_PID" 2>/dev/null || true

if [ "$CATALOG" -gt 0 ]; then
  PORT="$(free_port)"
  "$GBSIM" platform --listen "127.0.0.1:$PORT" --server-id 34020000002000000001 --password 12345678 --query-catalog --quiet \
    --query-timeout 600 >"$OUT/catalog-platform.log" 2>"$OUT/catalog-platform.err" &
  CP=$!; PIDS+=("$CP")
  sleep 2
  "$GBSIM" devices --server "127.0.0.1:$PORT" --server-id 34020000002000000001 --password 12345678 --count 1 \
    --channels "$CATALOG" --transport tcp --duration 600 --no-unregister >"$OUT/catalog-devices.log" 2>"$OUT/catalog-devices.err" &
  CD=$!; PIDS+=("$CD")
  wait "$CP" || true
  printf 'catalog: one simulated NVR with %s channels answering over TCP (20 items per MESSAGE)\n' "$CATALOG"
  grep '^catalog ' "$OUT/catalog-platform.log" || cat "$OUT/catalog-platform.log"
fi
printf 'logs: %s\n' "$OUT"
