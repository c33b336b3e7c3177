#!/usr/bin/env bash
# Issue 12: each person's live channel, across two responders.
#   presence  one account with BENCH_FRIENDS (1,000) friends sits down in a room, starts focusing, pauses…;
#             every friend's channel poll is parked (half on each responder) and must wake: p99 <= 200 ms.
#   messages  BENCH_PAIRS (1,000) pairs of friends: each recipient's channel poll is parked on responder a
#             and the sender's message is posted through responder b: p99 <= 100 ms from send to answer.
#
#   bash bench/social_live.sh      (release build: BENCH_BIN, default .build/release/pomopomo)
#
# Its own stack in /tmp/pomopomo-live.XXXXXX: PostgreSQL, Redis, responders a and b, and one nginx per
# responder (BENCH_LISTEN_A 127.0.0.1:18480 -> a, BENCH_LISTEN_B 127.0.0.1:18481 -> b), so which responder
# a request reaches is chosen, not left to round-robin. Seeds bench/social_live.sql; the clients are
# bench/social_live.py. Knobs: BENCH_ROUNDS (5), BENCH_KEEP=1.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/social_live.sh
LISTEN_A=${BENCH_LISTEN_A:-127.0.0.1:18480}
LISTEN_B=${BENCH_LISTEN_B:-127.0.0.1:18481}
FRIENDS=${BENCH_FRIENDS:-1000}
PAIRS=${BENCH_PAIRS:-1000}
ROUNDS=${BENCH_ROUNDS:-5}
PY=/usr/bin/python3
export POMOPOMO_BIN=${BENCH_BIN:-$ROOT/.build/release/pomopomo}
case $POMOPOMO_BIN in /*) ;; *) POMOPOMO_BIN=$ROOT/$POMOPOMO_BIN ;; esac
[ -x "$POMOPOMO_BIN" ] || die "no binary at $POMOPOMO_BIN (swift build -c release)"

DIR=$(mktemp -d /tmp/pomopomo-live.XXXXXX)
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
# Polls from one address: the bench is one machine standing in for thousands of browsers.
export POMOPOMO_BASE_URL=http://$LISTEN_A POMOPOMO_NGINX_ACCESS_LOG=off LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0 \
  POMOPOMO_POLLS_PER_ADDRESS=100000
for r in a b; do bash scripts/responder.sh start "$DIR" "$r" >/dev/null; done
mkdir -p "$DIR/edge-a" "$DIR/edge-b"
bash scripts/nginx.sh start "$DIR/edge-a" "$LISTEN_A" "$DIR/run/a.sock" >/dev/null
bash scripts/nginx.sh start "$DIR/edge-b" "$LISTEN_B" "$DIR/run/b.sock" >/dev/null

started=$(date +%s%N)
psql "$POMOPOMO_DATABASE_URL" -X -q -v friends="$FRIENDS" -v pairs="$PAIRS" -f bench/social_live.sql >/dev/null ||
  die "seeding failed"
say "seeded 1 + $FRIENDS + 2 x $PAIRS accounts in $((($(date +%s%N) - started) / 1000000)) ms"

"$PY" bench/social_live.py --a "http://$LISTEN_A" --b "http://$LISTEN_B" --friends "$FRIENDS" --pairs "$PAIRS" \
  --rounds "$ROUNDS" --database "$POMOPOMO_DATABASE_URL" --redis "${POMOPOMO_REDIS#unix:}" "$@"
