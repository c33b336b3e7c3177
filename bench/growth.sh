#!/usr/bin/env bash
# Issue 18, growth: does a room page stay as fast with 100,000 live rooms as with 100, and can
# `pomopomo clean-rooms` fold 100,000 expired rooms while people keep using the site?
#
#   BENCH_LISTEN=127.0.0.1:18480 bash bench/growth.sh   (release build, or BENCH_BIN)
#
# It starts its own stack (PostgreSQL, Redis, one responder, nginx) in /tmp/pomopomo-growth.XXXXXX and
# makes a room through HTTP (its host and 4 guests, as bench/run.sh does), then, all in one run:
#   1. bench/live_rooms.sql tops the live rooms up to 100; wrk on the room page: p50 "at 100";
#   2. bench/live_rooms.sql tops them up to BENCH_LIVE_ROOMS (100,000); wrk again: p50 "at 100,000".
#      Target: p50 at 100,000 / p50 at 100 <= 1.2.
#   3. bench/expired_rooms.sql adds a tenth of BENCH_EXPIRED_ROOMS, cleaned alone and timed (how the
#      clean's time grows, from the same run); then it adds BENCH_EXPIRED_ROOMS (100,000) expired rooms; wrk on the room page:
#      p99 "before"; then `pomopomo clean-rooms`, with wrk on the page started together with it: p99
#      "during", the clean's time and its summary line. Targets: the clean within 30 s, and p99 during /
#      p99 before < 2. wrk runs BENCH_DURATION; when the clean ends first, the report says how much of
#      the window it covered.
# The responder's own periodic clean-up is kept out of the way (POMOPOMO_CLEAN_SECONDS=86400, lib.sh).
#
# Knobs: BENCH_LISTEN (127.0.0.1:18480), BENCH_LIVE_ROOMS (100000), BENCH_EXPIRED_ROOMS (100000; empty
# skips step 3), BENCH_DURATION (10s), BENCH_WARMUP (3s), BENCH_WRK ("-t2 -c64"), BENCH_KEEP=1.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/growth.sh
LISTEN=${BENCH_LISTEN:-127.0.0.1:18480}
BASE=http://$LISTEN
LIVE=${BENCH_LIVE_ROOMS:-100000}
EXPIRED=${BENCH_EXPIRED_ROOMS-100000}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t2 -c64}"
use_bench_binary
require_tools wrk curl nginx psql
q() { psql "$POMOPOMO_DATABASE_URL" -X -v ON_ERROR_STOP=1 -qtA "$@"; }
now_ms() { date +%s%3N; }

start_throwaway_stack /tmp/pomopomo-growth "$LISTEN"

CODE=$(make_room "$BASE" "$DIR/host.jar" "Bench Host")
for i in 1 2 3 4; do
  jar=$DIR/guest$i.jar
  curl -sf -c "$jar" -o "$DIR/guest.html" "$BASE/r/$CODE" || die "GET /r/$CODE failed"
  status=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' \
    --data-urlencode "csrf=$(csrf_field <"$DIR/guest.html")" --data-urlencode "display_name=Guest $i" "$BASE/r/$CODE/join")
  [ "$status" = 303 ] || die "join $i answered $status"
done
HOST_COOKIE=$(awk '$6 == "pp_sid" { print $7 }' "$DIR/host.jar" | tail -n 1)
HOST_HEADER="Cookie: pp_sid=$HOST_COOKIE"
PAGE_BYTES=$(curl -sf -H "$HOST_HEADER" -o /dev/null -w '%{size_download}' "$BASE/r/$CODE") || die "GET /r/$CODE failed"
say "room $CODE with 5 participants; the host's page is $PAGE_BYTES bytes"

top_up() { # live rooms wanted: adds bench/live_rooms.sql rooms until there are that many
  local have
  have=$(q -c "SELECT count(*) FROM rooms WHERE expires_at > now()")
  [ "$have" -lt "$1" ] || return 0
  local t
  t=$(now_ms)
  have=$(q -v from="$(q -c "SELECT count(*) FROM rooms WHERE code LIKE 'XV%'")" -v rooms=$(($1 - have)) -f bench/live_rooms.sql | tail -n 1)
  say "$have live rooms (seeded in $(($(now_ms) - t)) ms)"
}

# ------------------------------------------------------------------ 1-2. the same page at 100 and at LIVE rooms

top_up 100
measure at100 "/r/$CODE" "$HOST_HEADER"
top_up "$LIVE"
measure atmany "/r/$CODE" "$HOST_HEADER"

# ------------------------------------------------------------------ 3. clean-rooms while the page is measured

if [ -n "$EXPIRED" ]; then
  # A tenth first, cleaned alone: the same run's figure for how the clean's time grows with rooms.
  q -v rooms=$((EXPIRED / 10)) -f bench/expired_rooms.sql 2>&1 | grep -v 'NOTICE' | sed "s#^#$SCRIPT_NAME: #" >&2
  t=$(now_ms)
  SMALL_OUT=$("$POMOPOMO_BIN" clean-rooms 2>&1) || die "clean-rooms failed: $SMALL_OUT"
  SMALL_MS=$(($(now_ms) - t))
  say "clean-rooms on $((EXPIRED / 10)) expired rooms: $SMALL_MS ms"
  t=$(now_ms)
  q -v rooms="$EXPIRED" -f bench/expired_rooms.sql 2>&1 | grep -v 'NOTICE' | sed "s#^#$SCRIPT_NAME: #" >&2
  say "seeding $EXPIRED expired rooms took $(($(now_ms) - t)) ms"
  measure before "/r/$CODE" "$HOST_HEADER"
  # wrk without its warm-up, started with the clean (the page is warm from the run before).
  wrk "${WRK_FLAGS[@]}" -d"$DURATION" --latency -H "$HOST_HEADER" "$BASE/r/$CODE" >"$DIR/wrk-during.txt" &
  WRK_PID=$!
  t=$(now_ms)
  CLEAN_OUT=$("$POMOPOMO_BIN" clean-rooms 2>&1) || die "clean-rooms failed: $CLEAN_OUT"
  CLEAN_MS=$(($(now_ms) - t))
  wait "$WRK_PID"
  cat "$DIR/wrk-during.txt"
  grep -q 'Non-2xx' "$DIR/wrk-during.txt" && die "during: wrk saw non-2xx answers"
  RPS[during]=$(awk '/^Requests\/sec/ { print $2 }' "$DIR/wrk-during.txt")
  P50[during]=$(awk '$1 == "50%" { print $2 }' "$DIR/wrk-during.txt")
  P99[during]=$(awk '$1 == "99%" { print $2 }' "$DIR/wrk-during.txt")
  LEFT=$(q -c "SELECT count(*) FROM rooms WHERE expires_at <= now()")
  LIVE_LEFT=$(q -c "SELECT count(*) FROM rooms WHERE expires_at > now()")
  q -c "DROP TABLE IF EXISTS bench_expected_daily" >/dev/null
fi

# ------------------------------------------------------------------ summary

to_ms() { # wrk latency (123.45us | 1.23ms | 1.20s) -> milliseconds
  awk -v v="$1" 'BEGIN { n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; printf "%.3f", n }'
}
window_ms=$(awk -v d="$DURATION" 'BEGIN { n = d; sub(/[a-z]+$/, "", n); u = d; sub(/^[0-9.]+/, "", u)
  printf "%d", (u == "m" ? n * 60 : n) * 1000 }')
echo
echo "Growth (bench/growth.sh, wrk ${WRK_FLAGS[*]} -d$DURATION on the host's page of room $CODE; load: $(uptime | sed 's/.*load average: //'))"
printf '  at 100 live rooms:      %8s req/s  p50 %s  p99 %s\n' "${RPS[at100]}" "${P50[at100]}" "${P99[at100]}"
printf '  at %s live rooms: %8s req/s  p50 %s  p99 %s\n' "$LIVE" "${RPS[atmany]}" "${P50[atmany]}" "${P99[atmany]}"
echo "  => p50 at $LIVE / at 100 = $(ratio "$(to_ms "${P50[atmany]}")" "$(to_ms "${P50[at100]}")") (target <= 1.2)"
if [ -n "$EXPIRED" ]; then
  printf '  before the clean:       %8s req/s  p50 %s  p99 %s\n' "${RPS[before]}" "${P50[before]}" "${P99[before]}"
  printf '  during the clean:       %8s req/s  p50 %s  p99 %s\n' "${RPS[during]}" "${P50[during]}" "${P99[during]}"
  echo "  clean-rooms on $((EXPIRED / 10)) expired rooms, alone: $SMALL_MS ms: $SMALL_OUT"
  echo "  clean-rooms on $EXPIRED expired rooms: $CLEAN_MS ms (target <= 30000; $(ratio "$CLEAN_MS" "$SMALL_MS")x the tenth): $CLEAN_OUT"
  echo "    expired rooms left: $LEFT; live rooms left: $LIVE_LEFT"
  echo "  => p99 during / before = $(ratio "$(to_ms "${P99[during]}")" "$(to_ms "${P99[before]}")") (target < 2)$(
    [ "$CLEAN_MS" -ge "$window_ms" ] || echo "; the clean covered $((CLEAN_MS * 100 / window_ms))% of wrk's window")"
fi
