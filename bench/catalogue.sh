#!/usr/bin/env bash
# Issue 16: the music catalogue. Targets: a cached search answers at the responder with p50 <= 2 ms; a cold
# search through the fake Piped instance is bounded by the timeout (POMOPOMO_PIPED_TIMEOUT_MS, 3 s by default).
#
#   bash bench/catalogue.sh        (release build: BENCH_BIN=.build-release/release/pomopomo, or
#                                   .build/release/pomopomo by default)
#
# It starts the fake Piped instance (Tests/fakes/piped.py) and its own stack (PostgreSQL, Redis, one
# responder pointed at the fake, nginx) in /tmp/pomopomo-cat.XXXXXX, then measures:
#   cold      BENCH_COLD searches nobody made before, one after another (curl through nginx): each asks the
#             instance, keeps its songs in `tracks` and fills search:{query}; min, p50 and max
#   slow      the instance made slower than the timeout: BENCH_SLOW searches, one after another on a fresh
#             responder (its cool-off would answer the later ones at once): each answers 503 at the timeout
#   cached    wrk through nginx on one cached search (Redis GET, JSON, the page; the instance is not asked)
#   C         bench/c-responder.c sending that page's bytes behind the same nginx (the ceiling)
# and then, with the responder logging every request's own time (POMOPOMO_LOG_LEVEL=debug, us=…), the
# responder's p50/p99 for the cached search at a gentle concurrency, beside the search page without a search
# and the home page (/) for reference.
#
# Knobs: BENCH_LISTEN (127.0.0.1:18390), BENCH_PIPED (127.0.0.1:18398), BENCH_COLD (20), BENCH_SLOW (3),
# BENCH_DURATION (10s), BENCH_WARMUP (3s), BENCH_WRK ("-t2 -c64"), BENCH_KEEP=1 (keep the data dir).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/catalogue.sh
LISTEN=${BENCH_LISTEN:-127.0.0.1:18390}
PIPED=${BENCH_PIPED:-127.0.0.1:18398}
BASE=http://$LISTEN
COLD=${BENCH_COLD:-20}
SLOW=${BENCH_SLOW:-3}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t2 -c64}"
use_bench_binary
require_tools wrk curl cc nginx psql redis-cli ffmpeg

# ------------------------------------------------------------------ the fake instance, then the stack

if (exec 3<>"/dev/tcp/${PIPED%:*}/${PIPED##*:}") 2>/dev/null; then
  die "something already listens on $PIPED; set BENCH_PIPED to a free address"
fi
# The responder only asks the instance when a page needs it, so the stack can start first.
export POMOPOMO_PIPED_URL=http://$PIPED
TIMEOUT_MS=${POMOPOMO_PIPED_TIMEOUT_MS:-3000}
start_throwaway_stack /tmp/pomopomo-cat "$LISTEN"
PIPED_PID=
stop_all() {
  [ -z "$PIPED_PID" ] || kill "$PIPED_PID" 2>/dev/null
  stop_throwaway_stack
}
trap stop_all EXIT
setsid "$PY" Tests/fakes/piped.py "$PIPED" "$DIR/piped" </dev/null >"$DIR/piped.log" 2>&1 &
PIPED_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/${PIPED%:*}/${PIPED##*:}") 2>/dev/null && break; sleep 0.1; done
curl -sf "http://$PIPED/_control/requests" >/dev/null || { cat "$DIR/piped.log"; die "the fake Piped did not start"; }
fault() { curl -sf -X POST -d "$1" "http://$PIPED/_control/fault" >/dev/null; }
asked() { curl -sf "http://$PIPED/_control/requests" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["count"])'; }

# Times of COUNT one-at-a-time searches for "LABEL <n>" (curl's total, through nginx) with the status
# each must have: "min p50 max" in ms.
searches() { # label count status
  local i code took times=()
  for i in $(seq "$2"); do
    read -r code took < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE/music/search?q=$1%20$i%20$RANDOM")
    [ "$code" = "$3" ] || die "search $1 $i answered $code, not $3"
    times+=("$took")
  done
  printf '%s\n' "${times[@]}" | "$PY" -c 'import sys
v = sorted(float(x) * 1000 for x in sys.stdin)
print(f"{v[0]:.1f} {v[len(v) // 2]:.1f} {v[-1]:.1f}")'
}

# ------------------------------------------------------------------ cold and slow searches

before=$(asked)
read -r COLD_MIN COLD_P50 COLD_MAX < <(searches cold "$COLD" 200)
[ "$(($(asked) - before))" = "$COLD" ] || die "the cold searches did not each ask the instance"
say "cold: $COLD searches, min $COLD_MIN ms, p50 $COLD_P50 ms, max $COLD_MAX ms"

fault '{"mode": "slow", "seconds": '"$((TIMEOUT_MS / 1000 + 3))"'}'
SLOW_TIMES=()
for i in $(seq "$SLOW"); do
  restart_responder # a fresh responder: no cool-off from the search before
  for _ in $(seq 50); do curl -sf -o /dev/null "$BASE/healthz" && break; sleep 0.1; done
  SLOW_TIMES+=("$(searches slow 1 503 | cut -d' ' -f1)")
done
fault '{"mode": "ok"}'
restart_responder
for _ in $(seq 50); do curl -sf -o /dev/null "$BASE/healthz" && break; sleep 0.1; done
say "slow: ${SLOW_TIMES[*]} ms (timeout $TIMEOUT_MS ms)"

# ------------------------------------------------------------------ the cached search

CACHED_PATH="/music/search?q=rainy%20day%20piano"
curl -sf -o "$DIR/cached.html" "$BASE$CACHED_PATH" || die "GET $CACHED_PATH failed"
rows=$(grep -c 'class="catalogue-track"' "$DIR/cached.html" || true)
[ "$rows" = 8 ] || die "the cached search shows $rows songs, not 8"
[ -n "$(redis-cli -s "${POMOPOMO_REDIS#unix:}" GET 'search:rainy day piano')" ] || die "search:rainy day piano is not cached"
before=$(asked)

start_c_baseline "$DIR/cached.html"
say "wrk ${WRK_FLAGS[*]} -d$DURATION --latency, after a $WARMUP warm-up"
measure cached "$CACHED_PATH"
measure C /bench/c
[ "$(asked)" = "$before" ] || die "a cached search asked the instance"

own_time_begin
gentle_load "$CACHED_PATH"
gentle_load /music/search
gentle_load /
own_time_end
OWN_CACHED=$(own_time "cached search" "$CACHED_PATH")
OWN_FORM=$(own_time "the search page without a search (reference: the page without the catalogue)" /music/search)
OWN_HOME=$(own_time "home page (reference)" /)

# ------------------------------------------------------------------ summary

echo
echo "== the music catalogue (fake Piped on loopback) =="
echo "cold search (asks the instance, keeps 8 tracks, caches): min $COLD_MIN ms, p50 $COLD_P50 ms, max $COLD_MAX ms over $COLD"
echo "slow instance (sleeps past the timeout): answered 503 after ${SLOW_TIMES[*]} ms; timeout $TIMEOUT_MS ms"
printf '%-8s %10s %10s %10s\n' "" "req/s" "p50" "p99"
for name in cached C; do printf '%-8s %10s %10s %10s\n' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}"; done
echo "cached/C $(ratio "${RPS[cached]}" "${RPS[C]}") (req/s, same nginx, same run)"
echo "$OWN_CACHED"
echo "$OWN_FORM"
echo "$OWN_HOME"
