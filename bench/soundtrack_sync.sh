#!/usr/bin/env bash
# Issue 16: the room's soundtrack in step. BENCH_LISTENERS (1,000) listeners long-poll one room whose
# music plays, across two responders behind one nginx; the host seeks, BENCH_ROUNDS (5) times. Every
# listener's computed position (the position its answer carries plus the time since it arrived) must be
# within 250 ms of the host's, p99 (bench/soundtrack_sync.py says how it is measured).
# Each responder has an nginx of its own, so the bench knows where each poll waits and the seek (through
# b) reaches half the crowd through Redis.
#
#   bash bench/soundtrack_sync.sh      (release build: BENCH_BIN, default .build/release/pomopomo)
#
# Its own stack in /tmp/pomopomo-sound.XXXXXX: PostgreSQL, Redis, responders a and b behind
# BENCH_LISTEN_A (127.0.0.1:18580) and BENCH_LISTEN_B (127.0.0.1:18581). BENCH_KEEP=1 keeps it.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/soundtrack_sync.sh
LISTEN_A=${BENCH_LISTEN_A:-127.0.0.1:18580}
LISTEN_B=${BENCH_LISTEN_B:-127.0.0.1:18581}
BASE=http://$LISTEN_A
LISTENERS=${BENCH_LISTENERS:-1000}
ROUNDS=${BENCH_ROUNDS:-5}
export POMOPOMO_BIN=${BENCH_BIN:-$ROOT/.build/release/pomopomo}
case $POMOPOMO_BIN in /*) ;; *) POMOPOMO_BIN=$ROOT/$POMOPOMO_BIN ;; esac
[ -x "$POMOPOMO_BIN" ] || die "no binary at $POMOPOMO_BIN (swift build -c release)"

DIR=$(mktemp -d /tmp/pomopomo-sound.XXXXXX)
chmod 755 "$DIR"
cleanup() {
  set +e
  bash scripts/nginx.sh stop "$DIR/edge-a" >/dev/null 2>&1
  bash scripts/nginx.sh stop "$DIR/edge-b" >/dev/null 2>&1
  stop_stack "$DIR"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

start_services "$DIR"
# Every listener comes from this one machine: the per-address poll cap would stop the crowd.
export POMOPOMO_BASE_URL=$BASE POMOPOMO_NGINX_ACCESS_LOG=off LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0 POMOPOMO_POLLS_PER_ADDRESS=100000
for r in a b; do bash scripts/responder.sh start "$DIR" "$r" >/dev/null; done
mkdir -p "$DIR/edge-a" "$DIR/edge-b"
bash scripts/nginx.sh start "$DIR/edge-a" "$LISTEN_A" "$DIR/run/a.sock" >/dev/null
bash scripts/nginx.sh start "$DIR/edge-b" "$LISTEN_B" "$DIR/run/b.sock" >/dev/null

CODE=$(make_room "$BASE" "$DIR/host.jar" "Bench Host")
HOST_COOKIE=$(awk '$6 == "pp_sid" { print $7 }' "$DIR/host.jar" | tail -n 1)
[ -n "$HOST_COOKIE" ] || die "no pp_sid cookie for the host"
# A half-hour library track (the row alone: nothing is played, only positions are compared).
TRACK=$(psql "$POMOPOMO_DATABASE_URL" -X -At -c "INSERT INTO tracks (source, file, mime, bytes, title, artist, duration_seconds)
  VALUES ('library', md5(random()::text) || '.ogg', 'audio/ogg', 1000, 'Bench Track', 'Bench', 1800) RETURNING id" | head -n 1)
csrf=$(curl -sf -b "pp_sid=$HOST_COOKIE" "$BASE/r/$CODE" | csrf_field) || die "GET /r/$CODE failed"
post() { # path [field=value ...]: the host's form POST, which must answer 303
  local path=$1 status field fields=(--data-urlencode "csrf=$csrf")
  shift
  for field in "$@"; do fields+=(--data-urlencode "$field"); done
  status=$(curl -s -b "pp_sid=$HOST_COOKIE" -o /dev/null -w '%{http_code}' -H "Origin: $BASE" "${fields[@]}" "$BASE$path" || true)
  [ "$status" = 303 ] || die "POST $path answered $status"
}
post "/r/$CODE/soundtrack/queue" "track_id=$TRACK"
post "/r/$CODE/soundtrack/play"
say "room $CODE plays a 30-minute track; $LISTENERS listeners, $ROUNDS seeks"

/usr/bin/python3 bench/soundtrack_sync.py --base "$BASE" --base "http://$LISTEN_B" --code "$CODE" --host-cookie "$HOST_COOKIE" \
  --n "$LISTENERS" --rounds "$ROUNDS" "$@"
