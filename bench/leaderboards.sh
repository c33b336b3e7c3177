#!/usr/bin/env bash
# Issue 11: /leaderboards with 100,000 ranked people. Target: p50 under 5 ms at the responder, and the
# viewer's place read in O(log n) (ZREVRANK and ZREVRANGE around it, never a scan).
#
#   bash bench/leaderboards.sh        (release build: BENCH_BIN=.build-release/release/pomopomo, or
#                                      .build/release/pomopomo by default)
#
# It starts its own stack (PostgreSQL, Redis, one responder, nginx) in /tmp/pomopomo-lb.XXXXXX, seeds
# BENCH_PEOPLE (100,000) accounts with focus this week, last week and all time, and streaks
# (bench/leaderboards.sql), times `pomopomo leaderboards rebuild` (which fills the sorted sets with
# bulk ZADDs), then measures with wrk through nginx:
#   guest     GET /leaderboards (this week's first page, last week's top 10)
#   viewer    GET /leaderboards?board=weekly&page=1000 as the signed-in account in the middle of the board
#             (its place, the people around it, a page deep in the board; page BENCH_PEOPLE / 100)
#   C         bench/c-responder.c sending the guest page's bytes behind the same nginx (the ceiling)
# and then, with the responder logging every request's own time (POMOPOMO_LOG_LEVEL=debug, us=…),
# the responder's p50/p99 for the two pages at a gentle concurrency.
#
# Knobs: BENCH_LISTEN (127.0.0.1:18380), BENCH_PEOPLE (100000), BENCH_DURATION (10s), BENCH_WARMUP (3s),
# BENCH_WRK ("-t2 -c64"), BENCH_KEEP=1 (keep the data dir).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/leaderboards.sh
LISTEN=${BENCH_LISTEN:-127.0.0.1:18380}
BASE=http://$LISTEN
PEOPLE=${BENCH_PEOPLE:-100000}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t2 -c64}"
use_bench_binary
require_tools wrk curl cc nginx psql redis-cli

start_throwaway_stack /tmp/pomopomo-lb "$LISTEN"

# ------------------------------------------------------------------ seed and rebuild

read -r VIEWER_COOKIE viewer_hash < <(new_session_cookie)
started=$(date +%s%N)
VIEWER=$(psql "$POMOPOMO_DATABASE_URL" -X -qtA -v people="$PEOPLE" -v viewer_hash="$viewer_hash" -f bench/leaderboards.sql |
  grep '^bench_' | tail -n 1)
[ -n "$VIEWER" ] || die "seeding failed"
say "seeded $PEOPLE accounts in $((($(date +%s%N) - started) / 1000000)) ms; the viewer is $VIEWER"
REBUILD=$("$POMOPOMO_BIN" leaderboards rebuild) || die "pomopomo leaderboards rebuild failed"
say "pomopomo leaderboards rebuild: $REBUILD"
redis() { redis-cli -s "${POMOPOMO_REDIS#unix:}" "$@"; }
week=$(date -u +%G-W%V)
ranked=$(redis ZCARD "leaderboard:weekly:$week")
[ "$ranked" = "$PEOPLE" ] || die "leaderboard:weekly:$week holds $ranked people, not $PEOPLE"
say "Redis: weekly $ranked, all-time $(redis ZCARD leaderboard:alltime), consistency $(redis ZCARD leaderboard:consistency); used_memory $(redis INFO memory | sed -n 's/^used_memory_human:\(.*\)\r$/\1/p')"

GUEST_PATH=/leaderboards
# A page as deep into the board as the viewer is (page 1000 of 2000 at 100,000 people).
VIEWER_PATH="/leaderboards?board=weekly&page=$((PEOPLE >= 100 ? PEOPLE / 100 : 1))"
VIEWER_HEADER="Cookie: pp_sid=$VIEWER_COOKIE; pp_in=1"
curl -sf -o "$DIR/guest.html" "$BASE$GUEST_PATH" || die "GET $GUEST_PATH failed"
curl -sf -H "$VIEWER_HEADER" -o "$DIR/viewer.html" "$BASE$VIEWER_PATH" || die "GET $VIEWER_PATH failed"
grep -q 'id="rank-summary"' "$DIR/viewer.html" || die "the viewer's page does not show their place"
grep -q 'id="last-week-board"' "$DIR/guest.html" || die "the guest's page does not show last week"
say "guest page $(stat -c %s "$DIR/guest.html") bytes; viewer page $(stat -c %s "$DIR/viewer.html") bytes: \
$(sed -n 's/.*<p id="rank-summary">\(.*\)<\/p>.*/\1/p' "$DIR/viewer.html" | sed 's/<[^>]*>//g' | cut -c1-60)"

# ------------------------------------------------------------------ the C baseline behind the same nginx

start_c_baseline "$DIR/guest.html"

# ------------------------------------------------------------------ wrk through nginx

say "wrk ${WRK_FLAGS[*]} -d$DURATION --latency, after a $WARMUP warm-up"
measure guest "$GUEST_PATH"
measure viewer "$VIEWER_PATH" "$VIEWER_HEADER"
measure C /bench/c

# ------------------------------------------------------------------ the responder's own time

own_time_begin
gentle_load "$GUEST_PATH"
gentle_load "$VIEWER_PATH" "$VIEWER_HEADER"
own_time_end
OWN_GUEST=$(own_time guest "$GUEST_PATH")
OWN_VIEWER=$(own_time viewer "$VIEWER_PATH")

# ------------------------------------------------------------------ summary

echo
echo "== /leaderboards with $PEOPLE ranked people =="
echo "rebuild: $REBUILD"
printf '%-8s %10s %10s %10s\n' "" "req/s" "p50" "p99"
for name in guest viewer C; do printf '%-8s %10s %10s %10s\n' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}"; done
echo "guest/C $(ratio "${RPS[guest]}" "${RPS[C]}"), viewer/C $(ratio "${RPS[viewer]}" "${RPS[C]}") (req/s, same nginx, same run)"
echo "$OWN_GUEST"
echo "$OWN_VIEWER"
echo "target: responder p50 under 5 ms"
