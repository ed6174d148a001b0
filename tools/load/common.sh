# Shared helpers of the load scripts (sourced, not run). Linux only: reads /proc.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONFIG="${CONFIG:-Release}"
GATEWAY_BIN="$ROOT/src/Gb28181Gateway/bin/$CONFIG/net10.0/Gb28181Gateway"
GBSIM="$ROOT/src/Gb28181Gateway.Simulator/bin/$CONFIG/net10.0/gbsim"
OUT="${OUT:-$(mktemp -d /tmp/gbload.XXXXXX)}"; mkdir -p "$OUT"
CLK_TCK="$(getconf CLK_TCK)"
PIDS=()

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done
  sleep 2
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

build() {
  if [ "${NO_BUILD:-0}" != 1 ]; then
    log "building ($CONFIG)"
    dotnet build -c "$CONFIG" "$ROOT/src/Gb28181Gateway" -v q -nologo >&2
    dotnet build -c "$CONFIG" "$ROOT/src/Gb28181Gateway.Simulator" -v q -nologo >&2
  fi
}

# free_port: a TCP+UDP port free on 127.0.0.1 now
free_port() {
  python3 - <<'PY'
import socket, random
for _ in range(500):
    p = random.randint(20000, 60000)
    try:
        t = socket.socket(); t.bind(("127.0.0.1", p)); u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", p))
        t.close(); u.close(); print(p); break
    except OSError:
        pass
PY
}

# start_gateway SIP_PORT HTTP_PORT [extra --key=value ...]: the built executable (what `dotnet run -c Release
# --project src/Gb28181Gateway -- ...` runs), so that $GATEWAY_PID is the gateway itself for /proc readings.
start_gateway() {
  local sip="$1" http="$2"; shift 2
  local media; media="$(free_port)"
  "$GATEWAY_BIN" --Gateway:Sip:ListenAddress=127.0.0.1 --Gateway:Sip:Port="$sip" \
    --Gateway:Http:Urls="http://127.0.0.1:$http" --Gateway:Media:ListenAddress=127.0.0.1 \
    --Gateway:Media:PortMin="$media" --Gateway:Media:PortMax="$((media + 499))" \
    --Logging:LogLevel:Default=Warning "$@" >"$OUT/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=("$GATEWAY_PID")
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$http/healthz" >/dev/null 2>&1 && { log "gateway up (pid $GATEWAY_PID, sip $sip, http $http)"; return 0; }
    kill -0 "$GATEWAY_PID" 2>/dev/null || { cat "$OUT/gateway.log" >&2; return 1; }
    sleep 0.5
  done
  log "gateway did not answer /healthz"; return 1
}

# cpu_ticks PID: utime+stime in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# peak_rss_kb PID: VmHWM
peak_rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# metric HTTP_PORT NAME: the value of an unlabelled series on /metrics (empty when absent)
metric() { local text; text="$(curl -sf "http://127.0.0.1:$1/metrics" || true)"; awk -v n="$2" '$1 == n {v = $2} END {print v}' <<<"$text"; }

# metric_sum HTTP_PORT PREFIX: the sum of every series whose name starts with PREFIX (all label sets)
metric_sum() { local text; text="$(curl -sf "http://127.0.0.1:$1/metrics" || true)"; awk -v p="$2" 'index($1, p) == 1 && $1 !~ /^#/ {s += $2} END {print s + 0}' <<<"$text"; }

# now_s: seconds since the epoch with nanoseconds
now_s() { date +%s.%N; }

machine() {
  printf 'machine: %s CPU(s), %s; %s MB RAM; kernel %s; load average now %s\n' "$(nproc)" \
    "$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')" \
    "$(awk '/MemTotal/ {printf "%d", $2/1024}' /proc/meminfo)" "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
