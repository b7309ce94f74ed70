#!/bin/sh
# Run a private Mosquitto with Gridbill's broker config (gridbill.conf + gridbill.acl) for
# development and tests: plain MQTT on 127.0.0.1:<port>, no persistence, logs on stderr.
#
#   dev-broker.sh <dir> <port> <user>=<password>...
#
# <dir> receives mosquitto.conf, gridbill.acl and gridbill.passwd (made with mosquitto_passwd
# through add-gateway.sh; central's account 'central@gridbill' directly). The script then
# execs mosquitto in the foreground, so its pid is the broker's (SIGTERM/SIGKILL reach it).
# Binaries: $GRIDBILL_MOSQUITTO_BIN (default mosquitto), $GRIDBILL_MOSQUITTO_PASSWD_BIN.
set -eu

[ $# -ge 3 ] || { echo "usage: $0 <dir> <port> <user>=<password>..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
port=$2
shift 2
mkdir -p "$dir"
chmod 755 "$dir"
rm -f "$dir/gridbill.passwd"

for pair in "$@"; do
  user=${pair%%=*}
  password=${pair#*=}
  if [ "$user" = "central@gridbill" ]; then
    passwd_bin=${GRIDBILL_MOSQUITTO_PASSWD_BIN:-mosquitto_passwd}
    [ -f "$dir/gridbill.passwd" ] || : > "$dir/gridbill.passwd"
    "$passwd_bin" -b "$dir/gridbill.passwd" "$user" "$password"
  else
    GRIDBILL_GW_PASSWORD=$password "$here/add-gateway.sh" "$user" "$dir/gridbill.passwd" 2>/dev/null
  fi
done
chmod 644 "$dir/gridbill.passwd"

cp "$here/gridbill.acl" "$dir/gridbill.acl"
chmod 644 "$dir/gridbill.acl"

# gridbill.conf with local paths; its first (loopback) listener block moved to <port>, the TLS
# listener block (the last one) left out.
awk -v pw="$dir/gridbill.passwd" -v acl="$dir/gridbill.acl" -v port="$port" '
  /^listener / { listeners++; if (listeners == 1) { print "listener " port " 127.0.0.1"; next } }
  listeners >= 2 { next }
  /^password_file / { print "password_file " pw; next }
  /^acl_file / { print "acl_file " acl; next }
  { print }
' "$here/gridbill.conf" > "$dir/mosquitto.conf"
cat >> "$dir/mosquitto.conf" <<CONF
persistence false
log_dest stderr
log_type error
log_type warning
log_type notice
CONF
chmod 644 "$dir/mosquitto.conf"

exec "${GRIDBILL_MOSQUITTO_BIN:-mosquitto}" -c "$dir/mosquitto.conf"
