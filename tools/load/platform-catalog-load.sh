#!/usr/bin/env bash
# Catalog to a superior platform: DEVICES x CHANNELS simulated channels below the gateway (10,000 by default),
# the gateway registered as a virtual NVR to `gbsim platform` over TCP; once every channel is known the
# platform sends Query/Catalog and reports the time from the query to the last item and whether SumNum arrived.
#   DEVICES=5000 CHANNELS=2 ITEMS=20 TRANSPORT=tcp tools/load/platform-catalog-load.sh
source "$(dirname "$0")/common.sh"
DEVICES="${DEVICES:-5000}"; CHANNELS="${CHANNELS:-2}"; ITEMS="${ITEMS:-20}"; TRANSPORT="${TRANSPORT:-tcp}"; TIMEOUT="${TIMEOUT:-900}"
TOTAL=$((DEVICES * CHANNELS))

build
machine
SIP="$(free_port)"; HTTP="$(free_port)"; PLATFORM="$(free_port)"; LOCAL="$(free_port)"
mkfifo "$OUT/query"
"$GBSIM" platform --listen "127.0.0.1:$PLATFORM" --server-id 41010500002000000001 --domain 4101050000 --password 12345678 \
  --query-catalog --quiet --query-on-input --wait "$TIMEOUT" --query-timeout "$TIMEOUT" <"$OUT/query" >"$OUT/platform.log" 2>"$OUT/platform.err" &
PLATFORM_PID=$!; PIDS+=("$PLATFORM_PID")
exec 3>"$OUT/query"   # keeps the FIFO open for the platform until we write the line
start_gateway "$SIP" "$HTTP" \
  --Gateway:Platforms:0:Enabled=true --Gateway:Platforms:0:Host=127.0.0.1 --Gateway:Platforms:0:Port="$PLATFORM" \
  --Gateway:Platforms:0:Transport="$TRANSPORT" --Gateway:Platforms:0:LocalPort="$LOCAL" \
  --Gateway:Platforms:0:ServerId=41010500002000000001 --Gateway:Platforms:0:ServerDomain=4101050000 \
  --Gateway:Platforms:0:Password=12345678 --Gateway:Platforms:0:Catalog:ItemsPerMessage="$ITEMS"
"$GBSIM" devices --server "127.0.0.1:$SIP" --server-id 34020000002000000001 --domain 3402000000 --password 12345678 \
  --count "$DEVICES" --channels "$CHANNELS" --keepalive 60 --status-interval 10 >"$OUT/gbsim.log" 2>"$OUT/gbsim.err" &
SIM_PID=$!; PIDS+=("$SIM_PID")

t0="$(now_s)"
while :; do
  channels="$(metric_sum "$HTTP" gb28181_channels)"
  [ "$channels" -ge "$TOTAL" ] && grep -q '^registered:' "$OUT/platform.log" && break
  if [ "$(echo "$(now_s) - $t0 > $TIMEOUT" | bc)" = 1 ]; then log "timeout: $channels/$TOTAL channels"; break; fi
  sleep 1
done
log "$channels channels known; gateway registered to the platform: querying"
cpu0="$(cpu_ticks "$GATEWAY_PID")"; q0="$(now_s)"
echo go >&3
wait "$PLATFORM_PID" || true
q1="$(now_s)"; cpu1="$(cpu_ticks "$GATEWAY_PID")"

printf 'catalog: %s channels (%s devices x %s) to the platform over %s, %s items per MESSAGE\n' "$TOTAL" "$DEVICES" "$CHANNELS" "$TRANSPORT" "$ITEMS"
grep '^catalog ' "$OUT/platform.log" || echo "no catalog result (see $OUT/platform.log)"
printf 'gateway CPU while answering: %.2f s over %.2f s\n' "$(echo "($cpu1 - $cpu0) / $CLK_TCK" | bc -l)" "$(echo "$q1 - $q0" | bc -l)"
printf 'gateway peak RSS (VmHWM): %.0f MB\n' "$(echo "$(peak_rss_kb "$GATEWAY_PID") / 1024" | bc -l)"
printf 'logs: %s\n' "$OUT"
