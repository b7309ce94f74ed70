#!/bin/sh
# Add (or replace) a gateway's MQTT credential in the Mosquitto password file.
#
#   add-gateway.sh <gateway-id> [password-file]
#
# The password is taken from $GRIDBILL_GW_PASSWORD, or generated (32 random bytes,
# base64url) and printed once on stdout: put it in the gateway's config (mqtt.password).
# Default password file: /etc/mosquitto/gridbill.passwd. Reload the broker afterwards:
#   systemctl reload mosquitto      (or: kill -HUP <mosquitto pid>)
set -eu

usage() { echo "usage: $0 <gateway-id> [password-file]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
gateway_id=$1
password_file=${2:-/etc/mosquitto/gridbill.passwd}

# Same rule as gatewayIdSchema in shared/src/sync/primitives.ts.
if ! printf '%s' "$gateway_id" | grep -Eq '^[A-Za-z0-9._-]{1,64}$'; then
  echo "add-gateway: invalid gateway id '$gateway_id': use 1-64 of A-Z a-z 0-9 . _ -" >&2
  exit 2
fi

passwd_bin=${GRIDBILL_MOSQUITTO_PASSWD_BIN:-mosquitto_passwd}
password=${GRIDBILL_GW_PASSWORD:-}
if [ -z "$password" ]; then
  password=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  print_password=1
else
  print_password=0
fi

if [ -f "$password_file" ]; then
  "$passwd_bin" -b "$password_file" "$gateway_id" "$password"
else
  umask 077
  "$passwd_bin" -c -b "$password_file" "$gateway_id" "$password"
fi

# Mosquitto reads the file after dropping root privileges to user 'mosquitto'.
if [ "$(id -u)" = 0 ] && id mosquitto >/dev/null 2>&1; then
  chown mosquitto: "$password_file"
fi

if [ "$print_password" = 1 ]; then
  printf '%s\n' "$password"
fi
echo "add-gateway: credential for '$gateway_id' written to $password_file" >&2
