#!/usr/bin/env bash
# End to end through the gateway: DEVICES x CHANNELS simulated devices below, gbsim platform above; the
# platform reads the catalog, INVITEs CHANNEL through the gateway and counts the RTP relayed to it under the
# SSRC it offered (the device sends its own), for PLAY_SECONDS.
#   DEVICES=2 CHANNELS=2 CHANNEL=34020000001310000001 PLAY_SECONDS=5 tools/load/play-e2e.sh
source "$(dirname "$0")/common.sh"
DEVICES="${DEVICES:-2}"; CHANNELS="${CHANNELS:-2}"; CHANNEL="${CHANNEL:-34020000001310000001}"; PLAY_SECONDS="${PLAY_SECONDS:-5}"
TRANSPORT="${TRANSPORT:-udp}"

build
machine
SIP="$(free_port)"; HTTP="$(free_port)"; PLATFORM="$(free_port)"; LOCAL="$(free_port)"
mkfifo "$OUT/query"
"$GBSIM" platform --listen "127.0.0.1:$PLATFORM" --password 12345678 --query-catalog --query-on-input \
  --play "$CHANNEL" --play-seconds "$PLAY_SECONDS" --wait 300 <"$OUT/query" >"$OUT/platform.log" 2>"$OUT/platform.err" &
PLATFORM_PID=$!; PIDS+=("$PLATFORM_PID")
exec 3>"$OUT/query"
start_gateway "$SIP" "$HTTP" --Gateway:Platforms:0:Enabled=true --Gateway:Platforms:0:Host=127.0.0.1 \
  --Gateway:Platforms:0:Port="$PLATFORM" --Gateway:Platforms:0:Transport="$TRANSPORT" --Gateway:Platforms:0:LocalPort="$LOCAL" \
  --Gateway:Platforms:0:Password=12345678
"$GBSIM" devices --server "127.0.0.1:$SIP" --password 12345678 --count "$DEVICES" --channels "$CHANNELS" \
  --log-level Information >"$OUT/devices.log" 2>"$OUT/devices.err" &
PIDS+=("$!")
for _ in $(seq 1 600); do
  [ "$(metric_sum "$HTTP" gb28181_channels)" -ge $((DEVICES * CHANNELS)) ] && grep -q '^registered:' "$OUT/platform.log" && break
  sleep 0.5
done
echo go >&3
status=0; wait "$PLATFORM_PID" || status=$?
grep -E '^(catalog|play) ' "$OUT/platform.log"
grep -E '\[930[01]\]' "$OUT/devices.err" | sed 's/^/device: /'
printf 'platform exit code %s (0 = catalog complete and RTP received); logs: %s\n' "$status" "$OUT"
exit "$status"
