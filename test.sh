#!/usr/bin/env bash
# Runs every test of the solution. Installs the real peers the integration tests start
# (sipp, redis-server, mosquitto + clients, promtool) when they are missing; the tests
# themselves start and stop those servers on loopback.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v mosquitto >/dev/null 2>&1 || need+=(mosquitto)
command -v mosquitto_sub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
python3 -c 'import yaml' >/dev/null 2>&1 || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
  # Debian starts these as services when an init system runs; the tests start their own.
  for svc in redis-server mosquitto prometheus; do
    $sudo service "$svc" stop >/dev/null 2>&1 || true
  done
fi

# Build once (in parallel), then run the test assemblies one after the other (-m:1): several of them drive
# real peers (sipp, redis-server, mosquitto) against SIP timers, and on a 2-core machine running them all at
# once only makes those timers race the scheduler.
dotnet build Gb28181Gateway.sln -c Release
dotnet test Gb28181Gateway.sln -c Release --no-build -m:1 "$@"

# deployment files: compose/YAML, Prometheus config and alert rules (promtool + a throwaway prometheus),
# dashboard queries against the metrics contract, systemd unit, sysctl keys, Dockerfile paths
python3 deploy/check/check-deploy.py
