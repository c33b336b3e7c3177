# What the bench scripts share: a throwaway stack's services, a room made through HTTP, stopping it all,
# and (below) the pieces of the single-responder page benches. Source it; do not run it. It moves to the
# repository root (ROOT), where the bench scripts name every path from, and builds on scripts/lib.sh (die,
# pid_alive, wait_pid_gone).
# shellcheck shell=bash

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ROOT=$POMOPOMO_ROOT
cd "$ROOT" || exit 1

# Progress goes to stderr: the benchmarks' stdout is their report.
say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }

# PostgreSQL and Redis under DIR, their settings exported (DIR/env), the schema migrated.
start_services() { # dir
  bash scripts/services.sh start "$1" >/dev/null
  set -a
  # shellcheck source=/dev/null # written by scripts/services.sh
  . "$1/env"
  set +a
  "$POMOPOMO_BIN" migrate >"$1/migrate.log" 2>&1 || { cat "$1/migrate.log"; die "migrate failed"; }
}

# nginx, every responder and the services under DIR; quiet, and fine when some never started.
stop_stack() { # dir
  bash scripts/nginx.sh stop "$1" >/dev/null 2>&1
  bash scripts/responder.sh stop-all "$1" >/dev/null 2>&1
  bash scripts/services.sh stop "$1" >/dev/null 2>&1
}

# The value of the hidden csrf input in the HTML on stdin.
csrf_field() {
  sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1
}

# Makes a room as a new visitor whose cookies go to JAR (that visitor is its host); prints the room's code.
make_room() { # base jar display-name
  local csrf location
  csrf=$(curl -sf -c "$2" "$1/" | csrf_field) || die "GET / failed"
  [ -n "$csrf" ] || die "no csrf token on the home page"
  location=$(curl -s -b "$2" -c "$2" -o /dev/null -w '%{http_code} %{redirect_url}' \
    --data-urlencode "csrf=$csrf" --data-urlencode "display_name=$3" "$1/rooms")
  case $location in 303\ */r/*) ;; *) die "POST /rooms answered '$location'" ;; esac
  printf '%s\n' "${location##*/r/}"
}

# ------------------------------------------------------------------ the single-responder page benches
# bench/leaderboards.sh, bench/friends.sh and bench/messages.sh (and bits of bench/run.sh): one
# responder behind nginx, wrk through it, the responder's own time from its debug log, and the
# C baseline (bench/c-responder.c) sending the same bytes behind the same nginx as the ceiling.

PY=/usr/bin/python3
# The one responder of these benches (scripts/responder.sh names its socket, pid and log after it).
RESPONDER=web

# Exports POMOPOMO_BIN: BENCH_BIN, else the release build, made absolute (the responder runs from
# elsewhere); dies when it is not executable.
use_bench_binary() {
  export POMOPOMO_BIN=${BENCH_BIN:-$ROOT/.build/release/pomopomo}
  case $POMOPOMO_BIN in /*) ;; *) POMOPOMO_BIN=$ROOT/$POMOPOMO_BIN ;; esac
  [ -x "$POMOPOMO_BIN" ] || die "no binary at $POMOPOMO_BIN (swift build -c release)"
}

# Dies naming the first TOOL that is neither on PATH, nor an executable path, nor in /usr/sbin (nginx).
require_tools() { # tool...
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] || [ -x "/usr/sbin/$tool" ] || die "$tool is not installed"
  done
}

# The responders' environment for a bench behind nginx at LISTEN: no access log (serving is measured,
# not logging), libfcgi closes without its poll, and the daily clean-up of expired rooms out of the way.
export_bench_env() { # listen
  export POMOPOMO_BASE_URL=http://$1 POMOPOMO_NGINX_ACCESS_LOG=off LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0 POMOPOMO_CLEAN_SECONDS=86400
}

# (Re)starts the responder in DIR with the environment as it is now (e.g. after a new log level).
restart_responder() {
  bash scripts/responder.sh stop "$DIR" "$RESPONDER" >/dev/null
  bash scripts/responder.sh start "$DIR" "$RESPONDER" >/dev/null
}

# A throwaway stack in a new DIR (mktemp -d PREFIX.XXXXXX): PostgreSQL, Redis, the schema, the
# responder and nginx at LISTEN in front of it. On exit the C baseline (C_PID, if started) and the
# stack stop and DIR is removed (BENCH_KEEP=1 keeps it).
start_throwaway_stack() { # prefix listen
  DIR=$(mktemp -d "$1.XXXXXX")
  chmod 755 "$DIR"
  C_PID=
  trap stop_throwaway_stack EXIT
  start_services "$DIR"
  export_bench_env "$2"
  restart_responder
  bash scripts/nginx.sh start "$DIR" "$2" "$DIR/run/$RESPONDER.sock" >/dev/null
}
stop_throwaway_stack() {
  set +e
  [ -z "$C_PID" ] || kill "$C_PID" 2>/dev/null
  stop_stack "$DIR"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $DIR"; else rm -rf "$DIR"; fi
}

# A new session cookie and the sha256 (hex) of it that the sessions table keeps: "COOKIE HASH".
new_session_cookie() {
  "$PY" -c 'import base64, hashlib, os
c = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
print(c, hashlib.sha256(c.encode()).hexdigest())'
}

# ------------------------------------------------------------------ the C baseline behind the same nginx

# Compiles bench/c-responder.c into DIR.
build_c_responder() {
  cc -O2 -Wall -o "$DIR/c-responder" bench/c-responder.c -lfcgi -lpthread || die "cannot compile bench/c-responder.c"
}

# The CGI header lines the app sent, from curl's dump (-D) of its answer through nginx: the status
# line back to `Status:`, without what nginx adds or works out itself (Server, Date, Connection,
# Content-Length, Transfer-Encoding), CRLF-ended, for the C responder's HEAD_FILE.
cgi_head_of() { # curl-dump out
  tr -d '\r' <"$1" | awk '
    NR == 1 { sub(/^HTTP\/[0-9.]+ /, ""); printf "Status: %s\r\n", $0; next }
    /^$/ { exit }
    tolower($0) ~ /^(server|date|connection|content-length|transfer-encoding|keep-alive):/ { next }
    { printf "%s\r\n", $0 }' >"$2"
}

# Starts the C responder (8 threads sending PAGE's bytes, after HEAD's header lines when given) on
# SOCKET; stores its pid in the variable named PID_VAR and waits for the socket.
start_c_responder() { # socket page pid-var [head]
  setsid "$DIR/c-responder" "$1" "$2" 8 ${4:+"$4"} </dev/null >>"$DIR/c-responder.log" 2>&1 &
  printf -v "$3" '%s' "$!"
  for _ in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
  [ -S "$1" ] || { cat "$DIR/c-responder.log"; die "the C responder for $2 did not start"; }
}

# An nginx location passing the exact PATH to the FastCGI responder at SOCKET with the app's FastCGI
# settings (fastcgi_params, keep_conn off), plus any further DIRECTIVEs; for add_nginx_locations.
c_location() { # path socket [directive...]
  local path=$1 socket=$2 directive
  shift 2
  printf '        location = %s {\n' "$path"
  printf '            %s\n' 'include fastcgi_params;' 'fastcgi_param HTTP_PROXY "";' 'fastcgi_keep_conn off;'
  for directive in "$@"; do printf '            %s;\n' "$directive"; done
  printf '            fastcgi_pass unix:%s;\n        }\n' "$socket"
}

# Puts LOCATIONS (nginx text) into the server block of DIR's nginx, under a comment "Added by
# SCRIPT_NAME: WHAT", right after the app's include of pomopomo.conf; checks the config, reloads nginx
# and waits until its old workers (which do not know the new locations) are gone.
add_nginx_locations() { # what locations
  local conf=$DIR/nginx/nginx.conf pid old_workers alive w
  "$PY" - "$conf" "# Added by $SCRIPT_NAME: $1" "$2" <<'PYCONF' || die "cannot add the bench locations to $conf"
import re, sys
conf, comment, locations = sys.argv[1:4]
text = open(conf).read()
block = f"\n        {comment}\n{locations.rstrip()}\n"
new, n = re.subn(r"(\n[ \t]*include [^\n]*/pomopomo\.conf;)", lambda m: m.group(1) + block, text, count=1)
if n != 1:
    sys.exit("cannot find the pomopomo.conf include in " + conf)
open(conf, "w").write(new)
PYCONF
  nginx -t -q -p "$DIR/nginx/" -e "$DIR/nginx/error.log" -c "$conf" || die "nginx rejects the bench config"
  pid=$(cat "$DIR/nginx/nginx.pid")
  old_workers=$(ps -o pid= --ppid "$pid" | tr -d ' ')
  kill -HUP "$pid"
  for _ in $(seq 100); do
    alive=0
    for w in $old_workers; do kill -0 "$w" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  [ "$alive" = 0 ] || die "nginx's old workers did not exit after the reload"
}

# The C baseline of one page: the C responder sending PAGE's bytes at BASE/bench/c, behind the same
# nginx (C_PID, stopped on exit); waits until nginx serves those bytes there.
start_c_baseline() { # page
  build_c_responder
  start_c_responder "$DIR/run/c.sock" "$1" C_PID
  add_nginx_locations "the C baseline, with the app's FastCGI settings." "$(c_location /bench/c "$DIR/run/c.sock")"
  for _ in $(seq 50); do
    [ "$(curl -s -o /dev/null -w '%{size_download}' "$BASE/bench/c")" = "$(stat -c %s "$1")" ] && break
    sleep 0.1
  done
}

# ------------------------------------------------------------------ measuring

# measure's figures by run name: req/s and wrk's p50 and p99 (as wrk prints them, e.g. 1.23ms).
declare -A RPS P50 P99
# wrk WRK_FLAGS through nginx on BASE/PATH: a WARMUP run, then DURATION with --latency, its output
# printed and kept in DIR/wrk-NAME.txt; fills RPS, P50 and P99 [NAME]; dies on non-2xx answers.
# shellcheck disable=SC2034 # the scripts' summaries read RPS, P50 and P99
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

# The responder's own time per request (us=… in its debug log), at a concurrency that does not queue:
# own_time_begin restarts it logging every request, gentle_load sends each page's load, own_time_end
# stops it (the log is written through a buffer), then own_time NAME URI reports one page.
own_time_begin() {
  export POMOPOMO_LOG_LEVEL=debug
  restart_responder
  OWN_TIME_LOG=$DIR/log/$RESPONDER.log
  OWN_TIME_FROM=$(wc -l <"$OWN_TIME_LOG")
}
gentle_load() { # path [header]: wrk -t1 -c4 for 5 s
  local extra=()
  [ -z "${2:-}" ] || extra=(-H "$2")
  wrk -t1 -c4 -d5s "${extra[@]}" "$BASE$1" >/dev/null
}
own_time_end() {
  bash scripts/responder.sh stop "$DIR" "$RESPONDER" >/dev/null
}
# "NAME: N requests at wrk -t1 -c4, responder p50 X ms, p99 Y ms" for the requests of URI (as logged)
# since own_time_begin; fails when there are none.
own_time() { # name uri-as-logged
  tail -n +"$((OWN_TIME_FROM + 1))" "$OWN_TIME_LOG" | grep 'msg=request' | grep -F -e " uri=$2 " -e " uri=\"$2\" " |
    sed -n 's/.* us=\([0-9]*\).*/\1/p' | "$PY" -c 'import sys
v = sorted(int(x) for x in sys.stdin)
if not v:
    sys.exit(f"{sys.argv[1]}: no requests logged")
p = lambda q: v[min(len(v) - 1, int(q * len(v)))] / 1000
print(f"{sys.argv[1]}: {len(v)} requests at wrk -t1 -c4, responder p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms")' "$1"
}

# A / B to two decimals ("n/a" when B is 0 or missing).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
