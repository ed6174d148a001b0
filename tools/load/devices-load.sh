#!/usr/bin/env bash
# Registration load on the gateway: COUNT simulated devices x CHANNELS, digest auth, keepalive 60 s.
# Reports registrations/s, time until all online (gauge gb28181_devices_online on /metrics), gateway CPU
# during the registration phase and during HOLD seconds of keepalive steady state, and peak RSS (VmHWM).
#   COUNT=10000 CHANNELS=2 RATE=0 TRANSPORT=udp HOLD=120 tools/load/devices-load.sh
source "$(dirname "$0")/common.sh"
COUNT="${COUNT:-10000}"; CHANNELS="${CHANNELS:-2}"; RATE="${RATE:-0}"; TRANSPORT="${TRANSPORT:-udp}"
HOLD="${HOLD:-120}"; KEEPALIVE="${KEEPALIVE:-60}"; TIMEOUT="${TIMEOUT:-900}"; PER_PORT="${PER_PORT:-1000}"

build
machine
SIP="$(free_port)"; HTTP="$(free_port)"
start_gateway "$SIP" "$HTTP"
cpu0="$(cpu_ticks "$GATEWAY_PID")"; t0="$(now_s)"
"$GBSIM" devices --server "127.0.0.1:$SIP" --server-id 34020000002000000001 --domain 3402000000 --password 12345678 \
  --count "$COUNT" --channels "$CHANNELS" --transport "$TRANSPORT" --keepalive "$KEEPALIVE" --rate "$RATE" \
  --devices-per-port "$PER_PORT" --status-interval 10 >"$OUT/gbsim.log" 2>"$OUT/gbsim.err" &
SIM_PID=$!; PIDS+=("$SIM_PID")
log "gbsim devices started (pid $SIM_PID): $COUNT x $CHANNELS over $TRANSPORT, rate $RATE/s"

online=0
while :; do
  online="$(metric "$HTTP" gb28181_devices_online)"; online="${online:-0}"
  [ "${online%.*}" -ge "$COUNT" ] && break
  elapsed="$(echo "$(now_s) - $t0" | bc)"
  if [ "$(echo "$elapsed > $TIMEOUT" | bc)" = 1 ]; then log "timeout: $online/$COUNT online"; break; fi
  sleep 0.5
done
t1="$(now_s)"; cpu1="$(cpu_ticks "$GATEWAY_PID")"
all="$(echo "$t1 - $t0" | bc)"
log "online $online/$COUNT after ${all}s; holding ${HOLD}s of keepalives"
sleep "$HOLD"
t2="$(now_s)"; cpu2="$(cpu_ticks "$GATEWAY_PID")"; hwm="$(peak_rss_kb "$GATEWAY_PID")"
channels="$(metric_sum "$HTTP" gb28181_channels)"

printf 'devices: %s x %s channels over %s, rate %s/s (0 = unlimited), keepalive %s s\n' "$COUNT" "$CHANNELS" "$TRANSPORT" "$RATE" "$KEEPALIVE"
printf 'online: %s/%s after %.2f s -> %.0f registrations/s (digest: 2 REGISTERs each)\n' "$online" "$COUNT" "$all" "$(echo "$online / $all" | bc -l)"
printf 'channels known to the gateway: %s\n' "$channels"
printf 'gateway CPU during registration: %.2f s (%.0f%% of one core)\n' "$(echo "($cpu1 - $cpu0) / $CLK_TCK" | bc -l)" "$(echo "100 * ($cpu1 - $cpu0) / $CLK_TCK / $all" | bc -l)"
printf 'gateway CPU in steady state: %.1f%% of one core over %s s (%s keepalives/s expected)\n' "$(echo "100 * ($cpu2 - $cpu1) / $CLK_TCK / ($t2 - $t1)" | bc -l)" "$HOLD" "$(echo "$COUNT / $KEEPALIVE" | bc)"
printf 'gateway peak RSS (VmHWM): %.0f MB\n' "$(echo "$hwm / 1024" | bc -l)"
printf 'gbsim: %s\n' "$(tail -1 "$OUT/gbsim.log")"
printf 'logs: %s\n' "$OUT"
