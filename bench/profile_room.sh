#!/usr/bin/env bash
# Where the responder's CPU goes while it serves the room page: perf samples the one responder (with
# call graphs) while wrk loads the small room page of bench/run.sh's row (c), then the busy room of
# row (d), and prints the top frames of each (self time, then with children) and the CPU split per
# 1000 requests between the responder, nginx and wrk. A throwaway stack, stopped and removed on exit.
#
# Knobs: BENCH_LISTEN (127.0.0.1:18182), BENCH_DURATION (8s), BENCH_WRK ("-t2 -c64"), BENCH_TOP (25),
# BENCH_BIN (default .build/release/pomopomo), BENCH_KEEP=1 (keep the data dir and perf.data files).
# Needs perf (Debian's linux-perf), wrk, curl, nginx, psql.
set -euo pipefail
SCRIPT_NAME=bench/profile_room.sh
. "$(dirname "$0")/lib.sh"

LISTEN=${BENCH_LISTEN:-127.0.0.1:18182}
DURATION=${BENCH_DURATION:-8s}
TOP=${BENCH_TOP:-25}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t2 -c64}"
BASE=http://$LISTEN
use_bench_binary
require_tools perf wrk curl nginx psql

start_throwaway_stack /tmp/pomopomo-prof "$LISTEN"
JAR=$DIR/host.jar
CODE=$(make_room "$BASE" "$JAR" "Host")
for i in 1 2 3 4; do curl -s -o /dev/null "$BASE/r/$CODE" -c "$DIR/g$i.jar" -b "$DIR/g$i.jar"; done
HOST_COOKIE=$(awk '$6 == "pp_sid" { print $7 }' "$JAR")
read -r BUSY_COOKIE busy_hash < <(new_session_cookie)
psql "$POMOPOMO_DATABASE_URL" -X -qtA -v code=BENCH2 -v host_hash="$busy_hash" -f bench/busy_room.sql >/dev/null

responder_pid() { cat "$DIR/run/$RESPONDER.pid"; }
nginx_workers() { ps -o pid= --ppid "$(cat "$DIR/nginx/nginx.pid")" | tr -d ' ' | paste -sd,; }
# Jiffies (user + system) of the given pids, summed.
cpu_ticks() { # pid[,pid...]
  local total=0 p
  for p in ${1//,/ }; do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
  done
  echo "$total"
}

profile() { # name path cookie
  local name=$1 path=$2 cookie=$3 pid workers app0 ngx0 app1 ngx1 requests hz
  pid=$(responder_pid)
  workers=$(nginx_workers)
  wrk "${WRK_FLAGS[@]}" -d3s -H "Cookie: pp_sid=$cookie" "$BASE$path" >/dev/null
  app0=$(cpu_ticks "$pid")
  ngx0=$(cpu_ticks "$workers")
  perf record -F 999 -g -p "$pid" -o "$DIR/perf-$name.data" -- sleep "${DURATION%s}" >/dev/null 2>&1 &
  local perf_pid=$!
  wrk "${WRK_FLAGS[@]}" -d"$DURATION" -H "Cookie: pp_sid=$cookie" "$BASE$path" >"$DIR/wrk-$name.txt"
  wait "$perf_pid" || true
  app1=$(cpu_ticks "$pid")
  ngx1=$(cpu_ticks "$workers")
  requests=$(awk '/requests in/ { print $1 }' "$DIR/wrk-$name.txt")
  hz=$(getconf CLK_TCK)
  echo "===== $name: GET $path, $(awk '/^Requests\/sec/ { print $2 }' "$DIR/wrk-$name.txt") req/s"
  awk -v a=$((app1 - app0)) -v n=$((ngx1 - ngx0)) -v r="$requests" -v hz="$hz" \
    'BEGIN { printf "CPU per 1000 requests: responder %.0f ms, nginx %.0f ms\n", a * 1e6 / hz / r, n * 1e6 / hz / r }'
  echo "--- top $TOP frames by self time (perf report --no-children)"
  report "$name" --no-children --percent-limit 0.5
  echo "--- top $TOP frames with their children (perf report --children)"
  report "$name" --children --percent-limit 2
}

# perf's report of run NAME, TOP lines, Swift names demangled and shortened (head closing the pipe early
# is expected).
report() { # name perf-report-flags...
  local name=$1
  shift
  { perf report -i "$DIR/perf-$name.data" "$@" --stdio -g none --sort symbol 2>/dev/null || true; } |
    grep -v -e '^#' -e '^$' | sed 's/ *- *- *$//' | demangle | cut -c1-160 | head -n "$TOP" || true
}
demangle() { if command -v swift >/dev/null 2>&1; then swift demangle --simplified; else cat; fi; }

profile small "/r/$CODE" "$HOST_COOKIE"
profile busy "/r/BEN-CH2" "$BUSY_COOKIE"
