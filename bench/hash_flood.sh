#!/usr/bin/env bash
# Issue 9 §2: a flood of password work (sign-ups and bad resets, from 400 loopback addresses, at
# BENCH_FLOOD_RATE req/s) while wrk measures the home page and a room page, which never hash.
# Prints their p99 quiet and under the flood, and what the flood got back (see hash_flood.py).
#
#   bash bench/hash_flood.sh          (release build; BENCH_BIN=path to measure another binary)
#
# Knobs: BENCH_LISTEN (127.0.0.1:18280), BENCH_FLOOD_SECONDS (10), BENCH_FLOOD_RATE (400),
# BENCH_RESPONDERS (2), BENCH_FLOOD_KIND (both, reset or signup).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
LISTEN=${BENCH_LISTEN:-127.0.0.1:18280}
BASE=http://$LISTEN
SECONDS_EACH=${BENCH_FLOOD_SECONDS:-10}
RATE=${BENCH_FLOOD_RATE:-400}
COUNT=${BENCH_RESPONDERS:-2}
export POMOPOMO_BIN=${BENCH_BIN:-$ROOT/.build/release/pomopomo}
[ -x "$POMOPOMO_BIN" ] || die "no binary at $POMOPOMO_BIN (swift build -c release)"
command -v wrk >/dev/null || die "wrk is not installed"

DIR=$(mktemp -d /tmp/pomopomo-flood.XXXXXX)
chmod 755 "$DIR"
cleanup() {
  set +e
  stop_stack "$DIR"
  rm -rf "$DIR"
}
trap cleanup EXIT

start_services "$DIR"
export POMOPOMO_BASE_URL=$BASE POMOPOMO_NGINX_ACCESS_LOG=off LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0 POMOPOMO_CLEAN_SECONDS=86400
sockets=()
for i in $(seq "$COUNT"); do
  bash scripts/responder.sh start "$DIR" "r$i" >/dev/null
  sockets+=("$DIR/run/r$i.sock")
done
bash scripts/nginx.sh start "$DIR" "$LISTEN" "${sockets[@]}" >/dev/null

code=$(make_room "$BASE" "$DIR/jar" "Bench Host")
say "$COUNT responder(s), room $code; flood $RATE req/s for ${SECONDS_EACH}s x2"
/usr/bin/python3 bench/hash_flood.py "$BASE" "$code" "$SECONDS_EACH" "$RATE" "${BENCH_FLOOD_KIND:-both}"
