#!/usr/bin/env bash
# Issue 12: one conversation's page with 10 million direct messages in the table. Reports the responder's
# own p50/p99 for the newest page and for a keyset page deep in the history (`?before=`), wrk figures
# through nginx, and EXPLAIN (ANALYZE, BUFFERS) of the conversation query for both.
#
#   bash bench/messages.sh            (release build: BENCH_BIN, .build/release/pomopomo by default)
#
# The data stays in BENCH_DIR (/tmp/pomopomo-dm-bench) between runs: seeding 10 M rows takes minutes,
# so it is done once (bench/messages.sql) and skipped when the bench accounts are already there.
# BENCH_RESEED=1 starts from an empty cluster. Messages are interleaved in time across 100,000
# conversations; the measured one (dmb_viewer with dmb_peer) holds every 2,000th message (5,000).
# A small run needs BENCH_MESSAGES / BENCH_EVERY above 150 (the deep page starts 100 messages in), e.g.
# BENCH_MESSAGES=200000 BENCH_CONVERSATIONS=2000 BENCH_EVERY=1000 BENCH_DIR=/tmp/pp-dm-small.
#
# Knobs: BENCH_LISTEN (127.0.0.1:18390), BENCH_MESSAGES (10000000), BENCH_CONVERSATIONS (100000),
# BENCH_EVERY (2000), BENCH_DURATION (10s), BENCH_WRK ("-t2 -c16"), BENCH_DIR, BENCH_RESEED.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/messages.sh
LISTEN=${BENCH_LISTEN:-127.0.0.1:18390}
BASE=http://$LISTEN
MESSAGES=${BENCH_MESSAGES:-10000000}
CONVERSATIONS=${BENCH_CONVERSATIONS:-100000}
EVERY=${BENCH_EVERY:-2000}
DURATION=${BENCH_DURATION:-10s}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t2 -c16}"
use_bench_binary
require_tools wrk curl nginx psql

DIR=${BENCH_DIR:-/tmp/pomopomo-dm-bench}
if [ "${BENCH_RESEED:-0}" = 1 ]; then
  stop_stack "$DIR"
  rm -rf "$DIR"
fi
mkdir -p "$DIR"
chmod 755 "$DIR"
cleanup() {
  set +e
  stop_stack "$DIR"
  say "the data stays in $DIR (BENCH_RESEED=1 starts again; rm -rf it to free the disk)"
}
trap cleanup EXIT

start_services "$DIR"
export_bench_env "$LISTEN"
q() { psql "$POMOPOMO_DATABASE_URL" -X -qtA "$@"; }

# ------------------------------------------------------------------ seed once

if [ "$(q -c "SELECT count(*) FROM users WHERE username = 'dmb_viewer'")" = 1 ] && [ -s "$DIR/viewer_cookie" ]; then
  say "seeded already: $(q -c "SELECT reltuples::bigint FROM pg_class WHERE relname = 'direct_messages'") messages (estimate)"
else
  read -r cookie hash < <(new_session_cookie)
  say "seeding $MESSAGES messages over $CONVERSATIONS conversations (a few minutes)"
  started=$(date +%s)
  q -v messages="$MESSAGES" -v conversations="$CONVERSATIONS" -v every="$EVERY" -v viewer_hash="$hash" \
    -f bench/messages.sql >/dev/null || die "seeding failed"
  printf '%s\n' "$cookie" >"$DIR/viewer_cookie"
  say "seeded in $(($(date +%s) - started)) s"
fi
COOKIE="Cookie: pp_sid=$(cat "$DIR/viewer_cookie"); pp_in=1"
CONV=$(q -c "SELECT conversation_id FROM conversation_members m JOIN users u ON u.id = m.user_id WHERE u.username = 'dmb_viewer'")
COUNT=$(q -c "SELECT count(*) FROM direct_messages WHERE conversation_id = $CONV")
# A cursor 100 messages from the start: the 49th of 50 pages back.
DEEP=$(q -c "SELECT id FROM direct_messages WHERE conversation_id = $CONV ORDER BY id LIMIT 1 OFFSET 100")
SIZE=$(q -c "SELECT pg_size_pretty(pg_total_relation_size('direct_messages'))")
say "conversation $CONV holds $COUNT messages; direct_messages is $SIZE with its indexes"

restart_responder
bash scripts/nginx.sh stop "$DIR" >/dev/null 2>&1 || true
bash scripts/nginx.sh start "$DIR" "$LISTEN" "$DIR/run/$RESPONDER.sock" >/dev/null

NEWEST_PATH=/messages/dmb_peer
DEEP_PATH="/messages/dmb_peer?before=$DEEP"
for path in "$NEWEST_PATH" "$DEEP_PATH"; do
  n=$(curl -sf -H "$COOKIE" "$BASE$path" | grep -c 'class="dm') || die "GET $path failed"
  [ "$n" -ge 50 ] || die "GET $path shows $n messages, not 50"
done

# ------------------------------------------------------------------ the plans

VIEWER_ID=$(q -c "SELECT id FROM users WHERE lower(username) = 'dmb_viewer'")
explain() { # before: the statement MessageStore.page runs
  q -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
        SELECT id, sender_id = '$VIEWER_ID', body,
               extract(epoch FROM sent_at)::float8, deleted_at IS NOT NULL
        FROM direct_messages WHERE conversation_id = $CONV AND id < $1 ORDER BY id DESC LIMIT 51"
}
PLAN_NEWEST=$(explain 9223372036854775807)
PLAN_DEEP=$(explain "$DEEP")

# ------------------------------------------------------------------ wrk through nginx

say "wrk ${WRK_FLAGS[*]} -d$DURATION --latency"
WRK_NEWEST=$(wrk "${WRK_FLAGS[@]}" -d"$DURATION" --latency -H "$COOKIE" "$BASE$NEWEST_PATH")
WRK_DEEP=$(wrk "${WRK_FLAGS[@]}" -d"$DURATION" --latency -H "$COOKIE" "$BASE$DEEP_PATH")
for out in "$WRK_NEWEST" "$WRK_DEEP"; do
  ! grep -q 'Non-2xx' <<<"$out" || die "wrk saw non-2xx answers: $out"
done

# ------------------------------------------------------------------ the responder's own time

own_time_begin
gentle_load "$NEWEST_PATH" "$COOKIE"
gentle_load "$DEEP_PATH" "$COOKIE"
own_time_end
OWN_NEWEST=$(own_time newest "$NEWEST_PATH")
OWN_DEEP=$(own_time deep "$DEEP_PATH")

# ------------------------------------------------------------------ summary

line() { awk '/^Requests\/sec/ { r = $2 } $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 } END { print r " req/s, p50 " p50 ", p99 " p99 }'; }
echo
echo "== one conversation's page with $(q -c "SELECT count(*) FROM direct_messages") messages in the table ($SIZE) =="
echo "conversation of $COUNT messages; newest page $NEWEST_PATH, deep page $DEEP_PATH"
echo "through nginx, wrk ${WRK_FLAGS[*]}: newest $(line <<<"$WRK_NEWEST"); deep $(line <<<"$WRK_DEEP")"
echo "$OWN_NEWEST"
echo "$OWN_DEEP"
echo
echo "-- EXPLAIN (ANALYZE, BUFFERS) newest page"
echo "$PLAN_NEWEST"
echo "-- EXPLAIN (ANALYZE, BUFFERS) deep page (before=$DEEP)"
echo "$PLAN_DEEP"
