#!/usr/bin/env bash
# Writes the broker's passwd (hashed) and acl files into this directory from deploy/.env:
#   MQTT_GATEWAY_PASSWORD  account "gateway" (the gateway itself)
#   MQTT_IOT_PASSWORD      account "iot" (IoT systems using the events and the control protocol)
# Runs mosquitto_passwd from the broker image, so nothing needs installing on the host. The files are owned by
# the broker's user (uid 1883) with mode 0600, as Mosquitto 2 expects. Run it again after changing a password,
# then `docker compose restart mosquitto`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
env_file="$here/../.env"
if [ ! -f "$env_file" ]; then
  echo "make-passwd.sh: $env_file not found; copy deploy/env.example to deploy/.env and set the passwords" >&2
  exit 1
fi
# shellcheck disable=SC1090
set -a; . "$env_file"; set +a
for var in MQTT_GATEWAY_PASSWORD MQTT_IOT_PASSWORD; do
  if [ -z "${!var:-}" ]; then
    echo "make-passwd.sh: $var is empty in $env_file" >&2
    exit 1
  fi
done

docker run --rm --network none --user 0 \
  -e MQTT_GATEWAY_PASSWORD -e MQTT_IOT_PASSWORD \
  -v "$here:/work" \
  --entrypoint sh eclipse-mosquitto:2 -c '
    set -e
    umask 077
    rm -f /work/passwd.new
    mosquitto_passwd -c -b /work/passwd.new gateway "$MQTT_GATEWAY_PASSWORD"
    mosquitto_passwd -b /work/passwd.new iot "$MQTT_IOT_PASSWORD"
    cp /work/acl.example /work/acl.new
    chown 1883:1883 /work/passwd.new /work/acl.new
    chmod 0600 /work/passwd.new /work/acl.new
    mv /work/passwd.new /work/passwd
    mv /work/acl.new /work/acl
  '
echo "make-passwd.sh: wrote $here/passwd and $here/acl (accounts: gateway, iot)"
