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
PY=/usr/bin/python3
export POMOPOMO_BIN=${BENCH_BIN:-$ROOT/.build/release/pomopomo}
case $POMOPOMO_BIN in /*) ;; *) POMOPOMO_BIN=$ROOT/$POMOPOMO_BIN ;; esac
[ -x "$POMOPOMO_BIN" ] || die "no binary at $POMOPOMO_BIN (swift build -c release)"
for tool in wrk curl cc nginx psql redis-cli; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || die "$tool is not installed"
done

DIR=$(mktemp -d /tmp/pomopomo-lb.XXXXXX)
chmod 755 "$DIR"
C_PID=
cleanup() {
  set +e
  [ -z "$C_PID" ] || kill "$C_PID" 2>/dev/null
  stop_stack "$DIR"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

start_services "$DIR"
export POMOPOMO_BASE_URL=$BASE POMOPOMO_NGINX_ACCESS_LOG=off LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0 POMOPOMO_CLEAN_SECONDS=86400
RESPONDER=web
start_responder() { # restarts the responder (with the environment as it is now)
  bash scripts/responder.sh stop "$DIR" "$RESPONDER" >/dev/null
  bash scripts/responder.sh start "$DIR" "$RESPONDER" >/dev/null
}
start_responder
bash scripts/nginx.sh start "$DIR" "$LISTEN" "$DIR/run/$RESPONDER.sock" >/dev/null

# ------------------------------------------------------------------ seed and rebuild

read -r VIEWER_COOKIE viewer_hash < <("$PY" -c 'import base64, hashlib, os
c = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
print(c, hashlib.sha256(c.encode()).hexdigest())')
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

cc -O2 -Wall -o "$DIR/c-responder" bench/c-responder.c -lfcgi -lpthread || die "cannot compile bench/c-responder.c"
setsid "$DIR/c-responder" "$DIR/run/c.sock" "$DIR/guest.html" 8 </dev/null >>"$DIR/c-responder.log" 2>&1 &
C_PID=$!
for _ in $(seq 50); do [ -S "$DIR/run/c.sock" ] && break; sleep 0.1; done
CONF=$DIR/nginx/nginx.conf
"$PY" - "$CONF" "$DIR/run/c.sock" <<'PYCONF'
import re, sys
conf, sock = sys.argv[1:3]
text = open(conf).read()
block = f"""
        # Added by bench/leaderboards.sh: the C baseline, with the app's FastCGI settings.
        location = /bench/c {{
            include fastcgi_params;
            fastcgi_param HTTP_PROXY "";
            fastcgi_keep_conn off;
            fastcgi_pass unix:{sock};
        }}
"""
new, n = re.subn(r"(\n[ \t]*include [^\n]*/pomopomo\.conf;)", lambda m: m.group(1) + block, text, count=1)
if n != 1:
    sys.exit("cannot find the pomopomo.conf include in " + conf)
open(conf, "w").write(new)
PYCONF
nginx -t -q -p "$DIR/nginx/" -e "$DIR/nginx/error.log" -c "$CONF" || die "nginx rejects the bench config"
kill -HUP "$(cat "$DIR/nginx/nginx.pid")"
for _ in $(seq 50); do
  [ "$(curl -s -o /dev/null -w '%{size_download}' "$BASE/bench/c")" = "$(stat -c %s "$DIR/guest.html")" ] && break
  sleep 0.1
done

# ------------------------------------------------------------------ wrk through nginx

declare -A RPS P50 P99
measure() { # name path [header]
  local name=$1 path=$2 out=$DIR/wrk-$1.txt
  local extra=()
  [ -z "${3:-}" ] || extra=(-H "$3")
  wrk "${WRK_FLAGS[@]}" -d"$WARMUP" "${extra[@]}" "$BASE$path" >/dev/null
  wrk "${WRK_FLAGS[@]}" -d"$DURATION" --latency "${extra[@]}" "$BASE$path" >"$out"
  cat "$out"
  RPS[$name]=$(awk '/^Requests\/sec/ { print $2 }' "$out")
  P50[$name]=$(awk '$1 == "50%" { print $2 }' "$out")
  P99[$name]=$(awk '$1 == "99%" { print $2 }' "$out")
  grep -q 'Non-2xx' "$out" && die "$name: wrk saw non-2xx answers"
  return 0
}
say "wrk ${WRK_FLAGS[*]} -d$DURATION --latency, after a $WARMUP warm-up"
measure guest "$GUEST_PATH"
measure viewer "$VIEWER_PATH" "$VIEWER_HEADER"
measure C /bench/c

# ------------------------------------------------------------------ the responder's own time

# Every request logged with its own time (us=…), at a concurrency that does not queue. The log is
# read once the responder has stopped (it is written through a buffer).
export POMOPOMO_LOG_LEVEL=debug
start_responder
LOG=$DIR/log/$RESPONDER.log
from=$(wc -l <"$LOG")
wrk -t1 -c4 -d5s "$BASE$GUEST_PATH" >/dev/null
wrk -t1 -c4 -d5s -H "$VIEWER_HEADER" "$BASE$VIEWER_PATH" >/dev/null
bash scripts/responder.sh stop "$DIR" "$RESPONDER" >/dev/null
own_time() { # name uri-as-logged
  tail -n +"$((from + 1))" "$LOG" | grep 'msg=request' | grep -F -e " uri=$2 " -e " uri=\"$2\" " | sed -n 's/.* us=\([0-9]*\).*/\1/p' |
    "$PY" -c 'import sys
v = sorted(int(x) for x in sys.stdin)
if not v:
    sys.exit(f"{sys.argv[1]}: no requests logged")
p = lambda q: v[min(len(v) - 1, int(q * len(v)))] / 1000
print(f"{sys.argv[1]}: {len(v)} requests at wrk -t1 -c4, responder p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms")' "$1"
}
OWN_GUEST=$(own_time guest "$GUEST_PATH")
OWN_VIEWER=$(own_time viewer "$VIEWER_PATH")

# ------------------------------------------------------------------ summary

ratio() { "$PY" -c "print(f'{float(\"$1\") / float(\"$2\"):.2f}')"; }
echo
echo "== /leaderboards with $PEOPLE ranked people =="
echo "rebuild: $REBUILD"
printf '%-8s %10s %10s %10s\n' "" "req/s" "p50" "p99"
for name in guest viewer C; do printf '%-8s %10s %10s %10s\n' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}"; done
echo "guest/C $(ratio "${RPS[guest]}" "${RPS[C]}"), viewer/C $(ratio "${RPS[viewer]}" "${RPS[C]}") (req/s, same nginx, same run)"
echo "$OWN_GUEST"
echo "$OWN_VIEWER"
echo "target: responder p50 under 5 ms"
