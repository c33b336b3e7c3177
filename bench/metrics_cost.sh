#!/usr/bin/env bash
# Issue 17: what counting every request for /metrics costs on the room page. Two binaries, the same
# stack: BENCH_BASELINE_BIN (built without the counters, e.g. from the commit before them) and
# BENCH_BIN (default .build/release/pomopomo), each serving the host's room page (row (c) of
# bench/run.sh) under wrk in turn, BENCH_ROUNDS times (baseline, new, baseline, new, …), so the other
# load on the machine falls on both alike.
#
#   BENCH_BASELINE_BIN=/tmp/pomopomo-before bash bench/metrics_cost.sh
#
# It starts its own stack (PostgreSQL, Redis, one responder, nginx) in /tmp/pomopomo-mc.XXXXXX. At the
# end it prints each binary's median req/s and p50/p99, their ratio, and, for one more run of the new
# binary, what its /metrics counted for GET /r/:code against the requests wrk made (they must agree,
# give or take the requests in flight when wrk stops).
#
# Knobs: BENCH_LISTEN (127.0.0.1:18382), BENCH_ROUNDS (3), BENCH_DURATION (10s), BENCH_WARMUP (3s),
# BENCH_WRK ("-t2 -c64"), BENCH_KEEP=1 (keep the data dir).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/metrics_cost.sh
LISTEN=${BENCH_LISTEN:-127.0.0.1:18382}
BASE=http://$LISTEN
ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t2 -c64}"
use_bench_binary
NEW_BIN=$POMOPOMO_BIN
BASELINE_BIN=${BENCH_BASELINE_BIN:?set BENCH_BASELINE_BIN to a pomopomo binary without the request counters}
[ -x "$BASELINE_BIN" ] || die "no binary at $BASELINE_BIN"
require_tools wrk curl nginx psql

export POMOPOMO_BIN=$BASELINE_BIN
start_throwaway_stack /tmp/pomopomo-mc "$LISTEN"

CODE=$(make_room "$BASE" "$DIR/host.jar" "Bench host")
HOST_COOKIE=$(awk '$6 == "pp_sid" { print $7 }' "$DIR/host.jar")
for i in 1 2 3 4; do
  jar=$DIR/guest$i.jar
  csrf=$(curl -sf -c "$jar" "$BASE/r/$CODE" | csrf_field)
  curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "display_name=Guest $i" "$BASE/r/$CODE/join"
done
HEADER="Cookie: pp_sid=$HOST_COOKIE"
curl -sf -H "$HEADER" -o "$DIR/room.html" "$BASE/r/$CODE" || die "GET /r/$CODE failed"
grep -q 'Guest 4' "$DIR/room.html" || die "the room page does not list its participants"
say "room $CODE, host's page $(stat -c %s "$DIR/room.html") bytes"

# What this responder's /metrics has counted for the room page so far.
room_page_count() {
  curl -sf "$BASE/metrics" | awk '/^pomopomo_http_requests_total\{method="GET",route="\/r\/:code",status="200"\}/ { print $2 }'
}

# wrk's "N requests in …" of a run's output file.
wrk_requests() { awk '/requests in/ { print $1 }' "$1"; }

declare -A BINARY=([before]=$BASELINE_BIN [after]=$NEW_BIN)
counted_by_wrk=0
counted_by_app=0
for round in $(seq "$ROUNDS"); do
  for which in before after; do
    export POMOPOMO_BIN=${BINARY[$which]}
    restart_responder
    say "round $round: $which ($POMOPOMO_BIN)"
    measure "$which-$round" "/r/$CODE" "$HEADER" >/dev/null
    if [ "$which" = after ] && [ "$round" = "$ROUNDS" ]; then
      # One more run, counted by both sides: wrk's completed requests against what /metrics added.
      before_count=$(room_page_count)
      wrk "${WRK_FLAGS[@]}" -d"$WARMUP" -H "$HEADER" "$BASE/r/$CODE" >"$DIR/counted.txt"
      counted_by_wrk=$(wrk_requests "$DIR/counted.txt")
      counted_by_app=$(($(room_page_count) - before_count))
    fi
  done
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
declare -A MEDIAN
echo "GET /r/$CODE with the host's cookie, wrk ${WRK_FLAGS[*]} -d$DURATION, $ROUNDS rounds alternating:"
for which in before after; do
  rps=() p50=() p99=()
  for round in $(seq "$ROUNDS"); do
    rps+=("${RPS[$which-$round]}")
    p50+=("${P50[$which-$round]}")
    p99+=("${P99[$which-$round]}")
  done
  MEDIAN[$which]=$(median "${rps[@]}")
  printf '  %-6s req/s %s (median %s)   p50 %s   p99 %s\n' "$which" "${rps[*]}" "${MEDIAN[$which]}" "${p50[*]}" "${p99[*]}"
done
echo "  after/before = $(ratio "${MEDIAN[after]}" "${MEDIAN[before]}")"
echo "  a counted run on 'after': wrk completed $counted_by_wrk requests, /metrics counted $counted_by_app for GET /r/:code 200"
echo "  (wrk does not count the requests still in flight when it stops, at most one per connection)"
