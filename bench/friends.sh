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
PY=/usr/bin/python3
export POMOPOMO_BIN=${BENCH_BIN:-$ROOT/.build/release/pomopomo}
case $POMOPOMO_BIN in /*) ;; *) POMOPOMO_BIN=$ROOT/$POMOPOMO_BIN ;; esac
[ -x "$POMOPOMO_BIN" ] || die "no binary at $POMOPOMO_BIN (swift build -c release)"
for tool in wrk curl cc nginx psql redis-cli; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || die "$tool is not installed"
done

DIR=$(mktemp -d /tmp/pomopomo-fr.XXXXXX)
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

# ------------------------------------------------------------------ seed

read -r VIEWER_COOKIE viewer_hash < <("$PY" -c 'import base64, hashlib, os
c = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
print(c, hashlib.sha256(c.encode()).hexdigest())')
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

cc -O2 -Wall -o "$DIR/c-responder" bench/c-responder.c -lfcgi -lpthread || die "cannot compile bench/c-responder.c"
setsid "$DIR/c-responder" "$DIR/run/c.sock" "$DIR/first.html" 8 </dev/null >>"$DIR/c-responder.log" 2>&1 &
C_PID=$!
for _ in $(seq 50); do [ -S "$DIR/run/c.sock" ] && break; sleep 0.1; done
CONF=$DIR/nginx/nginx.conf
"$PY" - "$CONF" "$DIR/run/c.sock" <<'PYCONF'
import re, sys
conf, sock = sys.argv[1:3]
text = open(conf).read()
block = f"""
        # Added by bench/friends.sh: the C baseline, with the app's FastCGI settings.
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
  [ "$(curl -s -o /dev/null -w '%{size_download}' "$BASE/bench/c")" = "$(stat -c %s "$DIR/first.html")" ] && break
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
measure first "$FIRST_PATH" "$VIEWER_HEADER"
measure deep "$DEEP_PATH" "$VIEWER_HEADER"
measure C /bench/c

# ------------------------------------------------------------------ the responder's own time

# Every request logged with its own time (us=…), at a concurrency that does not queue. The log is
# read once the responder has stopped (it is written through a buffer).
export POMOPOMO_LOG_LEVEL=debug
start_responder
LOG=$DIR/log/$RESPONDER.log
from=$(wc -l <"$LOG")
wrk -t1 -c4 -d5s -H "$VIEWER_HEADER" "$BASE$FIRST_PATH" >/dev/null
wrk -t1 -c4 -d5s -H "$VIEWER_HEADER" "$BASE$DEEP_PATH" >/dev/null
wrk -t1 -c4 -d5s -H "$VIEWER_HEADER" "$BASE/me" >/dev/null
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
OWN_FIRST=$(own_time first "$FIRST_PATH")
OWN_DEEP=$(own_time deep "$DEEP_PATH")
OWN_ME=$(own_time "me (reference: the same account's /me)" /me)

# ------------------------------------------------------------------ summary

ratio() { "$PY" -c "print(f'{float(\"$1\") / float(\"$2\"):.2f}')"; }
echo
echo "== /friends with $FRIENDS friends =="
printf '%-8s %10s %10s %10s\n' "" "req/s" "p50" "p99"
for name in first deep C; do printf '%-8s %10s %10s %10s\n' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}"; done
echo "first/C $(ratio "${RPS[first]}" "${RPS[C]}"), deep/C $(ratio "${RPS[deep]}" "${RPS[C]}") (req/s, same nginx, same run)"
echo "$OWN_FIRST"
echo "$OWN_DEEP"
echo "$OWN_ME"
