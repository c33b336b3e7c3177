#!/usr/bin/env bash
# Issue 12: /friends for an account with 5,000 friends. Target: the page costs the same order as with
# 10 friends (keyset pages by username over friendships_by_name_idx, presence for the 50 shown).
#
#   bash bench/friends.sh        (release build: BENCH_BIN=.build-release/release/pomopomo, or
#                                 .build/release/pomopomo by default)
#
# It starts its own stack (PostgreSQL, Redis, one responder, nginx) in /tmp/pomopomo-fr.XXXXXX, seeds
# one account with BENCH_FRIENDS (5,000) friends, 30 requests for it and 30 from it (bench/friends.sql),
# then measures with wrk through nginx:
#   first     GET /friends as that account (its first 50 friends with presence, the requests, blocks)
#   deep      GET /friends?after=<the name 100 before the end> (a page deep in the list)
#   C         bench/c-responder.c sending the first page's bytes behind the same nginx (the ceiling)
# and then, with the responder logging every request's own time (POMOPOMO_LOG_LEVEL=debug, us=…),
# the responder's p50/p99 for the two pages at a gentle concurrency (the approach of bench/leaderboards.sh),
# beside the same account's /me in the same run for reference (the machine's load shows in every figure).
#
# Knobs: BENCH_LISTEN (127.0.0.1:18381), BENCH_FRIENDS (5000), BENCH_DURATION (10s), BENCH_WARMUP (3s),
# BENCH_WRK ("-t2 -c64"), BENCH_KEEP=1 (keep the data dir).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/friends.sh
LISTEN=${BENCH_LISTEN:-127.0.0.1:18381}
BASE=http://$LISTEN
FRIENDS=${BENCH_FRIENDS:-5000}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t2 -c64}"
use_bench_binary
require_tools wrk curl cc nginx psql redis-cli

start_throwaway_stack /tmp/pomopomo-fr "$LISTEN"

# ------------------------------------------------------------------ seed

read -r VIEWER_COOKIE viewer_hash < <(new_session_cookie)
started=$(date +%s%N)
VIEWER=$(psql "$POMOPOMO_DATABASE_URL" -X -qtA -v friends="$FRIENDS" -v viewer_hash="$viewer_hash" -f bench/friends.sql |
  grep '^fr_' | tail -n 1)
[ -n "$VIEWER" ] || die "seeding failed"
say "seeded $VIEWER with $FRIENDS friends in $((($(date +%s%N) - started) / 1000000)) ms"

FIRST_PATH=/friends
DEEP_PATH="/friends?after=fr_$(printf '%05d' $((FRIENDS > 100 ? FRIENDS - 100 : 1)))"
VIEWER_HEADER="Cookie: pp_sid=$VIEWER_COOKIE; pp_in=1"
curl -sf -H "$VIEWER_HEADER" -o "$DIR/first.html" "$BASE$FIRST_PATH" || die "GET $FIRST_PATH failed"
curl -sf -H "$VIEWER_HEADER" -o "$DIR/deep.html" "$BASE$DEEP_PATH" || die "GET $DEEP_PATH failed"
for page in first deep; do
  rows=$(grep -c 'data-presence=' "$DIR/$page.html" || true)
  # 50 a page; with fewer friends, as many as there are on the first page and some on the other.
  want=50
  if [ "$FRIENDS" -lt 150 ]; then
    if [ "$page" = first ]; then want=$((FRIENDS < 50 ? FRIENDS : 50)); else want=$rows; fi
  fi
  if [ "$rows" -eq 0 ] || [ "$rows" != "$want" ]; then die "the $page page shows $rows friends, not $want"; fi
done
grep -q "Your friends ($FRIENDS)" "$DIR/first.html" || die "the first page does not count $FRIENDS friends"
say "first page $(stat -c %s "$DIR/first.html") bytes; deep page $(stat -c %s "$DIR/deep.html") bytes"

# ------------------------------------------------------------------ the C baseline behind the same nginx

start_c_baseline "$DIR/first.html"

# ------------------------------------------------------------------ wrk through nginx

say "wrk ${WRK_FLAGS[*]} -d$DURATION --latency, after a $WARMUP warm-up"
measure first "$FIRST_PATH" "$VIEWER_HEADER"
measure deep "$DEEP_PATH" "$VIEWER_HEADER"
measure C /bench/c

# ------------------------------------------------------------------ the responder's own time

own_time_begin
gentle_load "$FIRST_PATH" "$VIEWER_HEADER"
gentle_load "$DEEP_PATH" "$VIEWER_HEADER"
gentle_load /me "$VIEWER_HEADER"
own_time_end
OWN_FIRST=$(own_time first "$FIRST_PATH")
OWN_DEEP=$(own_time deep "$DEEP_PATH")
OWN_ME=$(own_time "me (reference: the same account's /me)" /me)

# ------------------------------------------------------------------ summary

echo
echo "== /friends with $FRIENDS friends =="
printf '%-8s %10s %10s %10s\n' "" "req/s" "p50" "p99"
for name in first deep C; do printf '%-8s %10s %10s %10s\n' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}"; done
echo "first/C $(ratio "${RPS[first]}" "${RPS[C]}"), deep/C $(ratio "${RPS[deep]}" "${RPS[C]}") (req/s, same nginx, same run)"
echo "$OWN_FIRST"
echo "$OWN_DEEP"
echo "$OWN_ME"
