#!/usr/bin/env bash
# `make bench`: throughput of the room page (a small room and a busy one) against two baselines and a peer
# (bench/peer: the same page from Hummingbird 2, swift-mustache and PostgresNIO) behind the same nginx, the cost of parked long-polls, how fast a timer change reaches 1,000 waiting browsers, and
# clean-rooms on 10,000 expired rooms. See bench/README.md for what the numbers mean.
#
# Everything runs in a throwaway data dir (/tmp/pomopomo-bench.XXXXXX) on its own port and is stopped
# and removed on exit, whatever happens. Results: bench/out/results-<timestamp>.txt (also printed).
#
# Knobs (environment):
#   BENCH_LISTEN     nginx address                     (default 127.0.0.1:18180)
#   BENCH_DURATION   wrk duration per measured run     (default 10s)
#   BENCH_WARMUP     wrk warm-up before each run       (default 3s)
#   BENCH_WRK        wrk flags                         (default "-t2 -c64")
#   BENCH_POLLS      parked-poll counts to try, paced  (default "2000 10000")
#   BENCH_REPOLL     counts to try with re-polls after the wake, as browsers do (default "10000")
#   BENCH_BURST      counts to open as one unpaced burst (default: none)
#   BENCH_BUSY       1: seed a busy room (20 people, 200 messages...) and measure its page (default 1; 0 skips,
#                    and skips BENCH_FANOUT too)
#   BENCH_FANOUT     browsers long-polling the busy room while its host pauses/resumes (default 1000; empty skips)
#   BENCH_FANOUT_ROUNDS  rounds of that                (default 5)
#   BENCH_CLEAN_ROOMS  expired rooms for `pomopomo clean-rooms` (default 10000; empty skips)
#   BENCH_STORM      room sizes for the reconnect storm, bench/room_storm.py (default "2000 10000"; empty skips)
#   BENCH_CREDIT_CROWD  people present when a focus segment completes, bench/credit_crowd.sh (default 1000; empty skips)
#   BENCH_GROWTH     live rooms and expired rooms for bench/growth.sh, on its own stack at the next port (default
#                    100000; empty skips)
#   BENCH_STATS      1: seed a person with three years of daily focus and measure their /u/NAME/stats (default 1;
#                    0 skips; skipped too when the binary has no `stats rebuild`)
#   BENCH_TIMER      1: measure one person's running personal timer, GET /timer (default 1; 0 skips)
#   BENCH_ME         1: seed an account with every /me section full (bench/me_dashboard.sql) and measure its /me
#                    (default 1; 0 skips)
#   BENCH_PEER       1: the peer (bench/peer, Hummingbird 2 + swift-mustache + PostgresNIO) serves both room pages
#                    behind the same nginx, rows (p) and (p2) (default 1; 0 skips it and its build)
#   BENCH_PEER_LISTEN  the peer's own HTTP address, nginx's upstream (default 127.0.0.1:18590)
#   BENCH_SKIP_BUILD=1  use the existing .build/release/pomopomo as it is
#   BENCH_BIN        the binary to measure             (default .build/release/pomopomo; implies no build)
#   BENCH_KEEP=1     keep the data dir (for looking at logs afterwards; services are still stopped)
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/run.sh

LISTEN=${BENCH_LISTEN:-127.0.0.1:18180}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t2 -c64}"
POLL_COUNTS=${BENCH_POLLS:-2000 10000}
REPOLL_COUNTS=${BENCH_REPOLL-10000}
BURST_COUNTS=${BENCH_BURST-}
BUSY=${BENCH_BUSY:-1}
FANOUT=${BENCH_FANOUT-1000}
FANOUT_ROUNDS=${BENCH_FANOUT_ROUNDS:-5}
CLEAN_ROOMS=${BENCH_CLEAN_ROOMS-10000}
STORM_COUNTS=${BENCH_STORM-2000 10000}
CREDIT_CROWD=${BENCH_CREDIT_CROWD-1000}
GROWTH=${BENCH_GROWTH-100000}
STATS=${BENCH_STATS:-1}
TIMER=${BENCH_TIMER:-1}
ME=${BENCH_ME:-1}
PEER=${BENCH_PEER:-1}
PEER_LISTEN=${BENCH_PEER_LISTEN:-127.0.0.1:18590}
[ "$BUSY" = 1 ] || FANOUT=
BASE=http://$LISTEN

require_tools wrk curl cc nginx psql /usr/bin/time "$PY"
[ -f /usr/include/fcgiapp.h ] || die "libfcgi headers missing (apt-get install libfcgi-dev)"
if (exec 3<>"/dev/tcp/${LISTEN%:*}/${LISTEN##*:}") 2>/dev/null; then
  die "something already listens on $LISTEN; set BENCH_LISTEN to a free address"
fi

# ------------------------------------------------------------------ throwaway dir, cleanup

DIR=$(mktemp -d /tmp/pomopomo-bench.XXXXXX)
chmod 755 "$DIR"
C_PID=
C_BUSY_PID=
C_SHORT_PID=
C_TIMER_PID=
PEER_PID=
stop_pid() { # pid (may be empty): TERM, up to 5 s to exit, then KILL
  if [ -n "$1" ] && pid_alive "$1"; then
    kill -TERM "$1" 2>/dev/null
    wait_pid_gone "$1" 5 || kill -KILL "$1" 2>/dev/null
  fi
}
cleanup() {
  local rc=$?
  trap '' INT TERM
  set +e
  say "cleaning up $DIR"
  stop_pid "$C_PID"
  stop_pid "$C_BUSY_PID"
  stop_pid "$C_SHORT_PID"
  stop_pid "$C_TIMER_PID"
  stop_pid "$PEER_PID"
  stop_stack "$DIR"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    say "kept $DIR (BENCH_KEEP=1)"
  else
    rm -rf "$DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p bench/out
STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=bench/out/results-$STAMP.txt
# Everything worth keeping goes to the results file as well as to the terminal.
exec > >(tee "$RESULTS") 2>&1

say "data dir $DIR, nginx on $LISTEN"

# ------------------------------------------------------------------ 1. build, services, responder, nginx

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] && [ -z "${BENCH_BIN:-}" ]; then
  say "swift build -c release (no-op when up to date)"
  if ! swift build -c release >"$DIR/build.log" 2>&1; then
    grep -E 'error:' "$DIR/build.log" | head -n 20
    die "swift build -c release failed (someone may be mid-edit in Sources/; BENCH_SKIP_BUILD=1 uses the existing binary)"
  fi
  tail -n 1 "$DIR/build.log"
fi
use_bench_binary
# The peer's release build: only when its binary is missing or older than its sources (the first one
# resolves Hummingbird, swift-mustache and PostgresNIO and takes minutes; see bench/README.md).
PEER_BIN=$ROOT/bench/peer/.build/release/pomopomo-peer
if [ "$PEER" = 1 ]; then
  if [ ! -x "$PEER_BIN" ] || [ -n "$(find -L bench/peer/Package.swift bench/peer/Sources -newer "$PEER_BIN" -print -quit)" ]; then
    say "building the peer: (cd bench/peer && nice -n 10 swift build -c release --product pomopomo-peer)"
    if ! (cd bench/peer && nice -n 10 swift build -c release --product pomopomo-peer) >"$DIR/peer-build.log" 2>&1; then
      grep -E 'error:' "$DIR/peer-build.log" | head -n 20
      say "the peer's build failed ($DIR/peer-build.log): no peer rows in this run"
      PEER=0
    fi
  fi
fi
if [ "$STATS" = 1 ] && [[ $("$POMOPOMO_BIN" stats --help 2>&1 || true) != *rebuild* ]]; then
  say "$POMOPOMO_BIN has no stats rebuild command: skipping the stats page"
  STATS=0
fi
if [ -n "$CLEAN_ROOMS" ] && [[ $("$POMOPOMO_BIN" --help 2>&1 || true) != *clean-rooms* ]]; then
  say "$POMOPOMO_BIN has no clean-rooms command: skipping that measurement"
  CLEAN_ROOMS=
fi

start_services "$DIR"

export POMOPOMO_POLL_HOLD=60
export POMOPOMO_BASE_URL=$BASE
export LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0
# Benchmarks measure serving, not logging.
export POMOPOMO_NGINX_ACCESS_LOG=off
# The responders' own periodic clean-up of expired rooms runs 5-10 s after each start and then once a day,
# so it does not race `pomopomo clean-rooms` in section 7 (which waits until the responder is 15 s old).
export POMOPOMO_CLEAN_SECONDS=86400
# Every parked poll of the bench comes from 127.0.0.1.
export POMOPOMO_POLLS_PER_ADDRESS=1000000
start_responder() { # (again, if it runs): sets RESPONDER_PID and RESPONDER_STARTED
  restart_responder
  RESPONDER_PID=$(cat "$DIR/run/$RESPONDER.pid")
  RESPONDER_STARTED=$SECONDS
}
check_responder() { # what it just lived through
  pid_alive "$RESPONDER_PID" || { tail -n 40 "$DIR/log/$RESPONDER.log"; die "the responder died during $1"; }
}
wait_healthy() {
  for _ in $(seq 100); do curl -s -o /dev/null "$BASE/healthz" && break; sleep 0.1; done
}
start_responder
bash scripts/nginx.sh start "$DIR" "$LISTEN" "$DIR/run/$RESPONDER.sock" >/dev/null
NGINX_PID=$(cat "$DIR/nginx/nginx.pid")

# ------------------------------------------------------------------ 2. a room with participants

cookie_of() { # pp_sid from a curl cookie jar
  awk '$6 == "pp_sid" { print $7 }' "$1" | tail -n 1
}

CODE=$(make_room "$BASE" "$DIR/host.jar" "Bench Host")
HOST_COOKIE=$(cookie_of "$DIR/host.jar")
[ -n "$HOST_COOKIE" ] || die "no pp_sid cookie for the host"

for i in 1 2 3 4; do
  jar=$DIR/guest$i.jar
  curl -sf -c "$jar" -o "$DIR/guest.html" "$BASE/r/$CODE" || die "GET /r/$CODE failed"
  status=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' \
    --data-urlencode "csrf=$(csrf_field <"$DIR/guest.html")" --data-urlencode "display_name=Guest $i" "$BASE/r/$CODE/join")
  [ "$status" = 303 ] || die "join $i answered $status"
done

mkdir -p "$DIR/static"
curl -sf -b "pp_sid=$HOST_COOKIE" -D "$DIR/static/room.dump" -o "$DIR/static/room.html" "$BASE/r/$CODE" ||
  die "GET /r/$CODE (host) failed"
cgi_head_of "$DIR/static/room.dump" "$DIR/static/room.head"
PAGE_BYTES=$(stat -c %s "$DIR/static/room.html")
curl -sf -o "$DIR/guest-view.html" "$BASE/r/$CODE"
GUEST_BYTES=$(stat -c %s "$DIR/guest-view.html")
grep -q 'Guest 4' "$DIR/static/room.html" || die "the room page does not list the participants"
say "room $CODE with 5 participants; host's page $PAGE_BYTES bytes, visitor's page $GUEST_BYTES bytes"

# A busy room, written straight into the database (bench/busy_room.sql): 20 participants, the first the
# host whose cookie we make here (the database keeps sha256 of the cookie string), 12 segments with the
# timer running, 200 chat messages, tasks, proposals.
BUSY_CODE=BEN-CH2
BUSY_SHOWN=
if [ "$BUSY" = 1 ]; then
  read -r BUSY_COOKIE busy_hash < <(new_session_cookie)
  psql "$POMOPOMO_DATABASE_URL" -X -qtA -v code="${BUSY_CODE/-/}" -v host_hash="$busy_hash" -f bench/busy_room.sql |
    sed "s#^#$SCRIPT_NAME: #" || die "seeding the busy room failed"
  curl -sf -b "pp_sid=$BUSY_COOKIE" -D "$DIR/static/busy.dump" -o "$DIR/static/busy.html" "$BASE/r/$BUSY_CODE" ||
    die "GET /r/$BUSY_CODE (host) failed"
  cgi_head_of "$DIR/static/busy.dump" "$DIR/static/busy.head"
  BUSY_BYTES=$(stat -c %s "$DIR/static/busy.html")
  grep -q 'data-viewer-role="host"' "$DIR/static/busy.html" || die "the busy room's page does not show the seeded host as host"
  BUSY_SHOWN=$(grep -c 'class="message"' "$DIR/static/busy.html" || true)
  busy_people=$(grep -c 'class="participant' "$DIR/static/busy.html" || true)
  busy_segments=$(grep -c 'data-segment-id=' "$DIR/static/busy.html" || true)
  busy_proposals=$(grep -c 'data-proposal-id=' "$DIR/static/busy.html" || true)
  say "busy room $BUSY_CODE: host's page $BUSY_BYTES bytes; it shows $BUSY_SHOWN of the 200 chat messages, $busy_people participants, $busy_segments segments, $busy_proposals proposals"
fi

# A person with three years of daily focus (bench/stats_user.sql), their tally rebuilt from the ledger the
# way `pomopomo stats rebuild` does it; their stats page is public and measured as a visitor sees it.
STATS_NAME=bench_stats
if [ "$STATS" = 1 ]; then
  stats_id=$(psql "$POMOPOMO_DATABASE_URL" -X -qtA -v username="$STATS_NAME" -f bench/stats_user.sql | tail -n 1)
  "$POMOPOMO_BIN" stats rebuild --user "$stats_id" >"$DIR/stats-rebuild.log" 2>&1 ||
    { cat "$DIR/stats-rebuild.log"; die "pomopomo stats rebuild failed"; }
  stats_rows=$(psql "$POMOPOMO_DATABASE_URL" -X -qtA -c "SELECT count(*) || ' ledger rows over ' || count(DISTINCT local_day) || ' days' FROM focus_credits")
  curl -sf -o "$DIR/stats.html" "$BASE/u/$STATS_NAME/stats" || die "GET /u/$STATS_NAME/stats failed"
  STATS_BYTES=$(stat -c %s "$DIR/stats.html")
  grep -q 'id="hours-table"' "$DIR/stats.html" || die "the stats page has no hours table"
  say "stats page of $STATS_NAME ($stats_rows, $(cat "$DIR/stats-rebuild.log")): $STATS_BYTES bytes"
fi

# A guest's personal timer, started through its own form and running while it is measured (the issue's
# "/timer page: the same class as the room page").
if [ "$TIMER" = 1 ]; then
  read -r TIMER_COOKIE _ < <(new_session_cookie)
  timer_csrf=$(curl -sf -b "pp_sid=$TIMER_COOKIE" "$BASE/timer" | csrf_field) || die "GET /timer failed"
  status=$(curl -s -b "pp_sid=$TIMER_COOKIE" -o /dev/null -w '%{http_code}' \
    --data-urlencode "csrf=$timer_csrf" --data-urlencode "version=1" "$BASE/timer/start")
  [ "$status" = 303 ] || die "POST /timer/start answered $status"
  curl -sf -b "pp_sid=$TIMER_COOKIE" -o "$DIR/static/timer.html" "$BASE/timer" || die "GET /timer failed"
  grep -q 'data-status="running"' "$DIR/static/timer.html" || die "the timer page does not show a running timer"
  TIMER_BYTES=$(stat -c %s "$DIR/static/timer.html")
  say "personal timer page (a guest's, running): $TIMER_BYTES bytes"
fi
# An account with every /me section full (bench/me_dashboard.sql: a vault at its cap, open tasks at the
# limit, a whiteboard at its limits, friends, favorite rooms), signed in on a seeded session; its dashboard is measured as its owner sees it.
if [ "$ME" = 1 ]; then
  read -r ME_COOKIE me_hash < <(new_session_cookie)
  me_name=$(psql "$POMOPOMO_DATABASE_URL" -X -qtA -v viewer_hash="$me_hash" -f bench/me_dashboard.sql | tail -n 1)
  curl -sf -b "pp_sid=$ME_COOKIE" -o "$DIR/me.html" "$BASE/me" || die "GET /me (as $me_name) failed"
  ME_BYTES=$(stat -c %s "$DIR/me.html")
  grep -q 'id="me-quote"' "$DIR/me.html" || die "the seeded /me shows no vault quote"
  say "/me of $me_name (2,000 quotes, 1,000 open tasks, a full whiteboard, 50 friends, 20 favorite rooms): $ME_BYTES bytes"
fi

# ------------------------------------------------------------------ 3. C baseline and the static copy

build_c_responder
C_SOCK=$DIR/run/c.sock
start_c_responder "$C_SOCK" "$DIR/static/room.html" C_PID "$DIR/static/room.head"
# The same body after a four-line head (Status, Content-Type, Cache-Control, Content-Length), as (b)
# was before issue 18: what the app's eight further header lines cost nginx.
C_SHORT_SOCK=$DIR/run/c-short.sock
start_c_responder "$C_SHORT_SOCK" "$DIR/static/room.html" C_SHORT_PID
# The same C responder with the busy room's page, for comparison at that size.
C_BUSY_SOCK=$DIR/run/c-busy.sock
if [ "$BUSY" = 1 ]; then
  start_c_responder "$C_BUSY_SOCK" "$DIR/static/busy.html" C_BUSY_PID "$DIR/static/busy.head"
fi
# And with the timer page's bytes.
C_TIMER_SOCK=$DIR/run/c-timer.sock
if [ "$TIMER" = 1 ]; then
  start_c_responder "$C_TIMER_SOCK" "$DIR/static/timer.html" C_TIMER_PID
fi

# The peer: its own HTTP server, reading the same PostgreSQL (POMOPOMO_DATABASE_URL from start_services).
CONF=$DIR/nginx/nginx.conf
PEER_LOCATION=
if [ "$PEER" = 1 ]; then
  PEER_ASSET_VERSION=$(sed -n 's/.*app\.css?v=\([^"]*\)".*/\1/p' "$DIR/static/room.html" | head -n 1)
  PEER_LISTEN=$PEER_LISTEN PEER_TEMPLATES=$ROOT/Templates PEER_BASE_URL=$BASE PEER_ASSET_VERSION=$PEER_ASSET_VERSION \
    setsid "$PEER_BIN" </dev/null >>"$DIR/log/peer.log" 2>&1 &
  PEER_PID=$!
  # As one deploys an HTTP app behind nginx: an upstream with idle keep-alive connections (in the http
  # block, before the server block), HTTP/1.1 and no Connection header towards it.
  "$PY" - "$CONF" "$PEER_LISTEN" <<'PYPEER' || die "cannot add the peer's upstream to $CONF"
import sys
conf, listen = sys.argv[1:3]
text = open(conf).read()
block = f"    # Added by bench/run.sh: the peer (bench/peer).\n    upstream pomopomo_peer {{\n        server {listen};\n        keepalive 32;\n    }}\n\n    server {{"
if text.count("\n    server {") != 1:
    sys.exit("cannot find the server block in " + conf)
open(conf, "w").write(text.replace("\n    server {", "\n" + block, 1))
PYPEER
  PEER_LOCATION="        location ^~ /bench/peer/ {
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host \$host;
            proxy_pass http://pomopomo_peer/;
        }"
fi
# Exact locations in the same server block of the same nginx (add_nginx_locations reloads it): the
# static copy, the C responders with the same FastCGI settings as the app's `location /`, and the peer.
add_nginx_locations "the two baselines and the peer." "$PEER_LOCATION
        location = /bench/room.html {
            alias $DIR/static/room.html;
            default_type text/html;
            access_log off;
        }
$(c_location /bench/c "$C_SOCK" 'fastcgi_connect_timeout 5s')
$(c_location /bench/c-short "$C_SHORT_SOCK" 'fastcgi_connect_timeout 5s')
$(c_location /bench/c-busy "$C_BUSY_SOCK" 'fastcgi_connect_timeout 5s')
$(c_location /bench/c-timer "$C_TIMER_SOCK" 'fastcgi_connect_timeout 5s')"
for path in /bench/room.html /bench/c /bench/c-short; do
  size=$(curl -sf -o /dev/null -w '%{size_download}' "$BASE$path") || die "GET $path failed"
  [ "$size" = "$PAGE_BYTES" ] || die "GET $path gave $size bytes, expected $PAGE_BYTES"
done
if [ "$BUSY" = 1 ]; then
  size=$(curl -sf -o /dev/null -w '%{size_download}' "$BASE/bench/c-busy") || die "GET /bench/c-busy failed"
  [ "$size" = "$BUSY_BYTES" ] || die "GET /bench/c-busy gave $size bytes, expected $BUSY_BYTES"
fi
if [ "$TIMER" = 1 ]; then
  size=$(curl -sf -o /dev/null -w '%{size_download}' "$BASE/bench/c-timer") || die "GET /bench/c-timer failed"
  [ "$size" = "$TIMER_BYTES" ] || die "GET /bench/c-timer gave $size bytes, expected $TIMER_BYTES"
fi

# The peer's pages against the app's, fetched side by side with the same cookie: byte sizes, and a diff
# after masking what differs by design (CSRF tokens: the peer has no sessions; epoch milliseconds and the
# countdown, read at different moments).
peer_compare() { # label app-path peer-path cookie
  local app=$DIR/compare-$1-app.html peer=$DIR/compare-$1-peer.html lines
  curl -sf -b "pp_sid=$4" -o "$app" "$BASE$2" || die "GET $2 failed"
  curl -sf -b "pp_sid=$4" -o "$peer" "$BASE$3" || die "GET $3 (the peer) failed; see $DIR/log/peer.log"
  for f in "$app" "$peer"; do
    sed -E 's/(name="csrf" value=|data-csrf=)"[^"]*"/\1"TOKEN"/g; s/[0-9]{13}/EPOCHMS/g; s/data-remaining-ms="[0-9]*"/data-remaining-ms="MS"/g;
      s/[0-9]{2}:[0-9]{2}:[0-9]{2} UTC/HH:MM:SS UTC/g; s/>[0-9]{1,2}:[0-9]{2}</>MM:SS</g; s/<title>[0-9]{1,2}:[0-9]{2} /<title>MM:SS /;
      s/content="[0-9]+"/content="S"/' "$f" >"$f.masked"
  done
  lines=$(diff "$app.masked" "$peer.masked" | grep -c '^[<>]' || true)
  # swift-mustache indents a standalone partial's lines differently inside sections (bench/README.md).
  text_lines=$(diff -b "$app.masked" "$peer.masked" | grep -c '^[<>]' || true)
  PEER_SAME[$1]="app $(stat -c %s "$app") bytes, peer $(stat -c %s "$peer") bytes; masked diff: $lines lines differ, $text_lines ignoring whitespace"
  say "peer vs app, $1 room: ${PEER_SAME[$1]}"
  diff -b "$app.masked" "$peer.masked" | head -n 20 | sed 's/^/    /' | cut -c1-220 >&2 || true
}
declare -A PEER_SAME
if [ "$PEER" = 1 ]; then
  for _ in $(seq 100); do curl -s -o /dev/null "http://$PEER_LISTEN/r/$CODE" && break; sleep 0.1; done
  pid_alive "$PEER_PID" || { tail -n 20 "$DIR/log/peer.log"; die "the peer did not start"; }
  peer_compare small "/r/$CODE" "/bench/peer/r/$CODE" "$HOST_COOKIE"
  [ "$BUSY" != 1 ] || peer_compare busy "/r/$BUSY_CODE" "/bench/peer/r/$BUSY_CODE" "$BUSY_COOKIE"
fi

# ------------------------------------------------------------------ 4. wrk

declare -A RPS P99 ERRS CPU
PG_PID=$(head -n 1 "$DIR/pg/postmaster.pid")
REDIS_PID=$(cat "$DIR/run/redis.pid")
# CPU seconds (user+system) used so far by each process group: the responders (c = all C responders),
# nginx's workers, PostgreSQL's processes, Redis. Children are looked up at each call (a reload replaces nginx's workers).
cpu_snapshot() {
  $PY - "$RESPONDER_PID" "$C_PID" "$NGINX_PID" "$PG_PID" "$REDIS_PID" "${C_BUSY_PID:-0}" "${C_TIMER_PID:-0}" "${PEER_PID:-0}" "${C_SHORT_PID:-0}" <<'PYCPU'
import os, sys
tck = os.sysconf("SC_CLK_TCK")
resp, c, nginx, pg, redis, c_busy, c_timer, peer, c_short = (int(x) for x in sys.argv[1:10])
kids = {}
for e in os.listdir("/proc"):
    if e.isdigit():
        try:
            f = open(f"/proc/{e}/stat").read().rsplit(")", 1)[1].split()
            kids.setdefault(int(f[1]), []).append((int(e), (int(f[11]) + int(f[12])) / tck))
        except (OSError, IndexError):
            pass
def own(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / tck
    except OSError:
        return 0.0
tree = lambda pid: own(pid) + sum(t for _, t in kids.get(pid, []))
# all CPU time the machine spent (user, nice, system, irq, softirq, steal), to see what others used
f = open("/proc/stat").readline().split()[1:]
busy = sum(int(f[i]) for i in (0, 1, 2, 5, 6, 7)) / tck
print(f"app={own(resp):.2f} peer={own(peer) if peer else 0:.2f} c={own(c) + sum(own(p) for p in (c_busy, c_timer, c_short) if p):.2f} nginx={tree(nginx):.2f} pg={tree(pg):.2f} redis={own(redis):.2f} busy={busy:.2f} t={__import__('time').time():.3f}")
PYCPU
}
cpu_delta() { # "before" "after" requests wrk-cpu-seconds -> "app=123 c=0 nginx=45 pg=300 redis=1 wrk=50 other=3"
  # (ms of CPU per 1000 requests; other = everything else on the machine: other jobs disturb the run)
  $PY - "$1" "$2" "$3" "$4" <<'PYDELTA'
import sys
a = dict(kv.split("=") for kv in sys.argv[1].split())
b = dict(kv.split("=") for kv in sys.argv[2].split())
n = max(1, int(sys.argv[3]))
d = {k: float(b[k]) - float(a[k]) for k in a}
wall = d.pop("t")
d["wrk"] = float(sys.argv[4])
d["other"] = max(0.0, d.pop("busy") - sum(d.values()))
share = 100 * d["other"] / (wall * __import__("os").cpu_count())
print(" ".join(f"{k}={v * 1e6 / n:.0f}" for k, v in d.items()) + f" (other = {share:.0f}% of the machine)")
PYDELTA
}
to_ms() { # wrk latency (123.45us | 1.23ms | 1.20s | 2.00m) -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}
run_wrk() { # name url [extra wrk args...]
  local name=$1 url=$2 out=$DIR/wrk-$1.txt
  shift 2
  wrk "${WRK_FLAGS[@]}" -d"$WARMUP" "$@" "$url" >/dev/null 2>&1 || true
  say "wrk ${WRK_FLAGS[*]} -d$DURATION --latency $* $url"
  local before after requests
  before=$(cpu_snapshot)
  /usr/bin/time -f '%U %S' -o "$out.cpu" wrk "${WRK_FLAGS[@]}" -d"$DURATION" --latency "$@" "$url" >"$out" 2>&1 ||
    { cat "$out"; die "wrk failed for $name"; }
  after=$(cpu_snapshot)
  sed 's/^/    /' "$out"
  requests=$(awk '/requests in/ { print $1 }' "$out")
  CPU[$name]=$(cpu_delta "$before" "$after" "$requests" "$(awk '{ print $1 + $2 }' "$out.cpu")")
  say "CPU ms per 1000 requests: ${CPU[$name]}"
  RPS[$name]=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  P99[$name]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  local non2xx sock
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  sock=$(sed -n 's/.*Socket errors: //p' "$out")
  ERRS[$name]=${non2xx:-0}${sock:+; $sock}
}

run_wrk static "$BASE/bench/room.html"
run_wrk c "$BASE/bench/c"
run_wrk c_short "$BASE/bench/c-short"
run_wrk room "$BASE/r/$CODE" -H "Cookie: pp_sid=$HOST_COOKIE"
run_wrk room_guest "$BASE/r/$CODE"
[ "$PEER" != 1 ] || run_wrk peer "$BASE/bench/peer/r/$CODE" -H "Cookie: pp_sid=$HOST_COOKIE"
if [ "$BUSY" = 1 ]; then
  run_wrk c_busy "$BASE/bench/c-busy"
  run_wrk room_busy "$BASE/r/$BUSY_CODE" -H "Cookie: pp_sid=$BUSY_COOKIE"
  [ "$PEER" != 1 ] || run_wrk peer_busy "$BASE/bench/peer/r/$BUSY_CODE" -H "Cookie: pp_sid=$BUSY_COOKIE"
fi
if [ "$PEER" = 1 ]; then
  pid_alive "$PEER_PID" || { tail -n 20 "$DIR/log/peer.log"; die "the peer died during its wrk runs"; }
  PEER_RSS=$(awk '/^VmHWM/ { print $2 " " $3 }' "/proc/$PEER_PID/status")
fi
if [ "$STATS" = 1 ]; then
  run_wrk stats "$BASE/u/$STATS_NAME/stats"
fi
if [ "$TIMER" = 1 ]; then
  run_wrk c_timer "$BASE/bench/c-timer"
  run_wrk timer "$BASE/timer" -H "Cookie: pp_sid=$TIMER_COOKIE"
fi
if [ "$ME" = 1 ]; then
  run_wrk me "$BASE/me" -H "Cookie: pp_sid=$ME_COOKIE"
fi

# ------------------------------------------------------------------ 4b. timer fan-out in the busy room

# Right after the busy room's wrk run, so its host has been seen lately (hosts absent for 3 minutes are
# replaced). The responder is not restarted: its heap does not matter here.
FANOUT_JSON=
if [ -n "$FANOUT" ]; then
  ulimit -n "$(ulimit -Hn)"
  FANOUT_JSON=$DIR/fanout.json
  say "timer fan-out: $FANOUT browsers long-polling $BUSY_CODE, $FANOUT_ROUNDS rounds of pause/resume"
  rc=0
  timeout $((FANOUT_ROUNDS * 60 + 30)) "$PY" bench/timer_fanout.py --base "$BASE" --code "$BUSY_CODE" \
    --host-cookie "$BUSY_COOKIE" --n "$FANOUT" --rounds "$FANOUT_ROUNDS" --json "$FANOUT_JSON" || rc=$?
  [ "$rc" = 0 ] || say "timer_fanout.py: exit $rc (1: the target was missed; other: it failed)"
  [ -s "$FANOUT_JSON" ] || FANOUT_JSON=
  check_responder "the fan-out"
fi

# ------------------------------------------------------------------ 5. parked polls

declare -a POLL_JSON=()
ulimit -n "$(ulimit -Hn)"
for spec in $POLL_COUNTS $(for b in $REPOLL_COUNTS; do echo "$b:repoll"; done) \
    $(for b in $BURST_COUNTS; do echo "$b:burst"; done); do
  n=${spec%%:*}
  pacing=()
  case $spec in
    *:repoll) pacing=(--repoll) ;;
    *:burst) pacing=(--max-pending 0) ;;
  esac
  # A fresh responder for each round: glibc keeps the heap a previous round grew, which would hide
  # the cost of the next one. A short warm-up opens its database connections first.
  start_responder
  # nginx too (same rendered config), so its workers' memory also starts from scratch
  bash scripts/nginx.sh stop "$DIR" >/dev/null
  nginx -p "$DIR/nginx/" -e "$DIR/nginx/error.log" -c "$CONF" || die "nginx did not restart"
  wait_healthy
  NGINX_PID=$(cat "$DIR/nginx/nginx.pid")
  wrk -t2 -c16 -d1s "$BASE/r/$CODE/state.json" >/dev/null 2>&1 || true
  # The room's five people look at it, so none of them turns "away" during the round (a minute after
  # their last view, which bumps the room's version and would answer every parked poll before the join);
  # anyone coming back from away moves the room in the presence batch a second later, before the polls.
  for jar in "$DIR/host.jar" "$DIR"/guest[1-4].jar; do curl -s -b "$jar" -o /dev/null "$BASE/r/$CODE"; done
  sleep 2.5
  say "parked polls: N=$n ${pacing[*]:-(paced)}"
  json=$DIR/polls-${spec/:/-}.json
  if timeout 60 "$PY" bench/parked_polls.py --base "$BASE" --code "$CODE" --n "$n" --pid "$RESPONDER_PID" \
      --nginx-pid "$NGINX_PID" --json "$json" --time-limit 38 "${pacing[@]}" >/dev/null; then
    POLL_JSON+=("$json")
  else
    say "parked_polls.py failed for N=$n (exit $?)"
  fi
  check_responder "N=$n"
done
say "nginx error log, by kind:"
grep -E '\[(emerg|alert|crit|error)\]' "$DIR/nginx/error.log" |
  sed -E 's/^[0-9/: ]+\[([a-z]+)\] [0-9#]+: (\*[0-9]+ )?/[\1] /; s/, client: .*//; s#/tmp/pomopomo-bench\.[A-Za-z0-9]+#DIR#g' |
  sort | uniq -c | sort -rn | head -n 10 || true

# ------------------------------------------------------------------ 5b. a reconnect storm in a big room

# N guests whose presence lapsed all long-poll one room at once while a probe loads other pages
# (bench/room_storm.py). A fresh responder for each size, as above.
declare -a STORM_OUT=()
for n in $STORM_COUNTS; do
  start_responder
  wait_healthy
  say "room storm: N=$n"
  out=$DIR/storm-$n.txt
  timeout 120 "$PY" bench/room_storm.py --base "$BASE" --n "$n" --pid "$RESPONDER_PID" --json "$DIR/storm-$n.json" >"$out" ||
    say "room_storm.py: exit $? for N=$n (1: a target was missed)"
  cat "$out" >&2
  STORM_OUT+=("$out")
  check_responder "the storm N=$n"
done

# ------------------------------------------------------------------ 6. clean-rooms on many expired rooms

CLEAN_SUMMARY=
if [ -n "$CLEAN_ROOMS" ]; then
  # The responder cleans once 5-10 s after its start (POMOPOMO_CLEAN_SECONDS=86400 above): let that pass.
  while [ $((SECONDS - RESPONDER_STARTED)) -lt 15 ]; do sleep 1; done
  CLEAN_SUMMARY=$DIR/clean.summary
  say "clean-rooms: $CLEAN_ROOMS expired rooms (bench/clean_rooms.sh)"
  bash bench/clean_rooms.sh "$CLEAN_ROOMS" "$CLEAN_SUMMARY" || { say "bench/clean_rooms.sh failed"; CLEAN_SUMMARY=; }
  if grep -q 'clean-rooms' "$DIR/log/$RESPONDER.log" 2>/dev/null; then
    say "warning: the responder logged a clean-up of its own meanwhile:"
    grep 'clean-rooms' "$DIR/log/$RESPONDER.log" | tail -n 3
  fi
fi

# ------------------------------------------------------------------ 6b. crediting a crowd

CROWD_SUMMARY=
if [ -n "$CREDIT_CROWD" ]; then
  CROWD_SUMMARY=$DIR/crowd.summary
  say "crediting: $CREDIT_CROWD people present when a focus segment completes (bench/credit_crowd.sh)"
  bash bench/credit_crowd.sh "$DIR/log/$RESPONDER.log" "$CREDIT_CROWD" 5 "$CROWD_SUMMARY" ||
    { say "bench/credit_crowd.sh failed"; CROWD_SUMMARY=; }
fi

# Growth (issue 18): a stack of its own on the next port, 100 vs 100,000 live rooms and clean-rooms on
# 100,000 expired ones under load (bench/growth.sh); its summary goes into the report below.
GROWTH_SUMMARY=
if [ -n "$GROWTH" ]; then
  GROWTH_SUMMARY=$DIR/growth.summary
  say "growth: $GROWTH live rooms, clean-rooms on $GROWTH expired rooms (bench/growth.sh)"
  BENCH_BIN=$POMOPOMO_BIN BENCH_LISTEN=${LISTEN%:*}:$((${LISTEN##*:} + 1)) BENCH_LIVE_ROOMS=$GROWTH BENCH_EXPIRED_ROOMS=$GROWTH \
    bash bench/growth.sh >"$DIR/growth.out" || say "bench/growth.sh failed (see $DIR/growth.out)"
  sed -n '/^Growth (/,$p' "$DIR/growth.out" >"$GROWTH_SUMMARY"
fi

# ------------------------------------------------------------------ 7. report

at_least() { awk -v r="$1" -v t="$2" 'BEGIN { print (r + 0 >= t) ? "meets" : "MISSES" }'; }
row() { printf '%-44s %12s %10s  %s\n' "$@"; }
wrk_row() { row "$1" "${RPS[$2]}" "${P99[$2]}" "${ERRS[$2]}"; } # label run-name
{
  echo
  echo "===== Pomopomo benchmark $STAMP ====="
  echo "machine: $(nproc) cores, $(uname -r); $(nginx -v 2>&1); $(wrk --version 2>&1 | head -n 1 | cut -c1-40)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo ' (work tree has changes)')"
  echo "wrk ${WRK_FLAGS[*]} -d$DURATION --latency (after a $WARMUP warm-up), one nginx (2 workers), room $CODE with 5 participants"
  echo "body: $PAGE_BYTES bytes (the host's room page; the visitor's page is $GUEST_BYTES bytes)"
  echo
  row "what" "req/s" "p99 ms" "non-2xx; socket errors"
  wrk_row "(a) nginx static file, same bytes" static
  wrk_row "(b) C libfcgi responder, 8 threads" c
  wrk_row "(b0) the same, a four-line head" c_short
  wrk_row "(c) Pomopomo GET /r/CODE, host's cookie" room
  wrk_row "(c') Pomopomo GET /r/CODE, no cookie" room_guest
  echo
  echo "CPU per 1000 requests, in ms (app = Pomopomo responder, peer = the peer (bench/peer), c = C responder, pg = all PostgreSQL processes,"
  echo "other = every other process on the machine; more than a few % means other jobs disturbed that row):"
  printf '  %-5s %s\n' "(a)" "${CPU[static]}" "(b)" "${CPU[c]}" "(b0)" "${CPU[c_short]}" "(c)" "${CPU[room]}" \
    "(c')" "${CPU[room_guest]}"
  echo
  c_b=$(ratio "${RPS[room]}" "${RPS[c]}")
  echo "c/b  = $c_b   (target >= 0.7: $(at_least "$c_b" 0.7))"
  echo "c/b0 = $(ratio "${RPS[room]}" "${RPS[c_short]}")   (against the four-line head, as c/b was measured before issue 18)"
  echo "c/a  = $(ratio "${RPS[room]}" "${RPS[static]}")"
  echo "c'/b = $(ratio "${RPS[room_guest]}" "${RPS[c]}")"
  echo
  if [ "$BUSY" = 1 ]; then
    echo "Busy room $BUSY_CODE (20 participants, 12 segments, 200 messages, 14 tasks, 6 proposals; seeded with SQL):"
    echo "host's page $BUSY_BYTES bytes, showing $BUSY_SHOWN of the 200 messages"
    wrk_row "(b2) C libfcgi responder, the busy page" c_busy
    wrk_row "(d) Pomopomo GET /r/BUSY, host's cookie" room_busy
    printf '  %-5s %s\n' "(b2)" "${CPU[c_busy]}" "(d)" "${CPU[room_busy]}"
    d_b=$(ratio "${RPS[room_busy]}" "${RPS[c]}")
    echo "d/b  = $d_b   (target >= 0.4: $(at_least "$d_b" 0.4))"
    d_b2=$(ratio "${RPS[room_busy]}" "${RPS[c_busy]}")
    echo "d/b2 = $d_b2   (against C sending the same $BUSY_BYTES bytes; target >= 0.7: $(at_least "$d_b2" 0.7))"
    echo
  fi
  if [ "$PEER" = 1 ]; then
    echo "The peer (bench/peer: Hummingbird 2, swift-mustache, PostgresNIO; the same templates, rows and PostgreSQL, behind"
    echo "the same nginx as an HTTP upstream with keep-alive; see bench/README.md for what it does not do):"
    wrk_row "(p) peer GET /r/CODE, host's cookie" peer
    [ "$BUSY" != 1 ] || wrk_row "(p2) peer GET /r/BUSY, host's cookie" peer_busy
    printf '  %-5s %s\n' "(p)" "${CPU[peer]}"
    [ "$BUSY" != 1 ] || printf '  %-5s %s\n' "(p2)" "${CPU[peer_busy]}"
    echo "  (peer = the peer's process; its peak RSS $PEER_RSS)"
    echo "  same page? small: ${PEER_SAME[small]}"
    [ "$BUSY" != 1 ] || echo "  same page? busy:  ${PEER_SAME[busy]}"
    c_peer=$(ratio "${RPS[room]}" "${RPS[peer]}")
    echo "c/peer = ${c_peer}x   (Pomopomo req/s / peer req/s, small room; goal >= 4: $(at_least "$c_peer" 4))"
    if [ "$BUSY" = 1 ]; then
      d_peer=$(ratio "${RPS[room_busy]}" "${RPS[peer_busy]}")
      echo "d/peer = ${d_peer}x   (busy room; goal >= 4: $(at_least "$d_peer" 4))"
    fi
    echo
  fi
  if [ "$STATS" = 1 ]; then
    echo "Personal stats page of a person with three years of daily focus (bench/stats_user.sql; $STATS_BYTES bytes, as a visitor):"
    wrk_row "(s) Pomopomo GET /u/NAME/stats" stats
    printf '  %-5s %s\n' "(s)" "${CPU[stats]}"
    echo "s/b  = $(ratio "${RPS[stats]}" "${RPS[c]}")   (against the small room page's C baseline (b))"
    echo
  fi
  if [ "$TIMER" = 1 ]; then
    echo "Personal timer page (a guest's running timer; $TIMER_BYTES bytes):"
    wrk_row "(b3) C libfcgi responder, the timer page" c_timer
    wrk_row "(t) Pomopomo GET /timer, the guest's cookie" timer
    printf '  %-5s %s\n' "(b3)" "${CPU[c_timer]}" "(t)" "${CPU[timer]}"
    t_b=$(ratio "${RPS[timer]}" "${RPS[c]}")
    echo "t/b  = $t_b   (the room page's class: c/b target >= 0.5: $(at_least "$t_b" 0.5))"
    echo "t/b3 = $(ratio "${RPS[timer]}" "${RPS[c_timer]}")   (against C sending the same $TIMER_BYTES bytes)"
    echo
  fi
  if [ "$ME" = 1 ]; then
    echo "The /me dashboard of an account with every section full (bench/me_dashboard.sql; $ME_BYTES bytes, its owner):"
    wrk_row "(m) Pomopomo GET /me, owner's cookie" me
    printf '  %-5s %s\n' "(m)" "${CPU[me]}"
    echo "m/b  = $(ratio "${RPS[me]}" "${RPS[c]}")   (against the small room page's C baseline (b))"
    echo
  fi
  if [ -n "$FANOUT_JSON" ]; then
    echo "Timer fan-out: $FANOUT browsers (distinct cookies) long-poll the busy room; the host pauses/resumes;"
    echo "ms from sending POST /timer until each poll's whole answer arrived:"
    "$PY" - "$FANOUT_JSON" <<'PYFAN'
import json, sys
r = json.load(open(sys.argv[1]))
for x in r["rounds"]:
    print(f"  round {x['round']}: {x['action']:>6} -> {x['post_status']} in {x['post_ms']} ms; 200s {x['answered_200']}/{r['n']}; "
          f"p50 {x.get('p50_ms')} p95 {x.get('p95_ms')} p99 {x.get('p99_ms')} max {x.get('max_ms')} "
          f"(seen by the client: p99 {x.get('seen_p99_ms')}); {x['parked']} parked in {x['park_seconds']} s"
          + (f"; parked again {x['retried']}x after the room moved on its own" if x.get("retried") else ""))
    for p in x["problems"]:
        print(f"           problem: {p}")
print(f"  all rounds: {r['answered_200']}/{r['expected']} answered 200; p50 {r['p50_ms']} p95 {r['p95_ms']} p99 {r['p99_ms']} "
      f"max {r['max_ms']} ms; worst round p99 {r['worst_round_p99_ms']} ms "
      f"(target p99 <= {r['target_ms']:g} ms: {'meets' if r['ok'] else 'MISSES'})")
PYFAN
    echo
  elif [ -n "$FANOUT" ]; then
    echo "Timer fan-out: no result (see the log above)"
    echo
  fi
  if [ "${#STORM_OUT[@]}" -gt 0 ]; then
    echo "Reconnect storm (bench/room_storm.py; one responder, restarted per size): N guests whose presence"
    echo "lapsed long-poll one room at once; probes load / and a second room's page meanwhile (target: no 5xx,"
    echo "probe p99 < 100 ms, all polls parked again within 5 s, constant responder threads):"
    cat "${STORM_OUT[@]}"
    echo
  fi
  if [ -n "$CLEAN_SUMMARY" ]; then
    # shellcheck disable=SC2154 # the clean_* variables come from the summary file bench/clean_rooms.sh wrote
    (
      # shellcheck source=/dev/null
      . "$CLEAN_SUMMARY"
      echo "clean-rooms on $clean_rooms expired rooms (bench/expired_rooms.sql; $clean_days days of statistics):"
      echo "  first run:  $clean_first_ms ms (exit $clean_first_rc): $clean_first_out"
      echo "  expected:   $clean_expected; summary line matches: $clean_reported_ok"
      echo "  daily_statistics: $clean_stats; expired rooms left: $clean_expired_left; live rooms untouched: $clean_live_ok"
      echo "  second run: $clean_second_ms ms (exit $clean_second_rc): $clean_second_out; statistics $clean_second"
      echo "  => $clean_verdict"
    )
    echo
  elif [ -n "$CLEAN_ROOMS" ]; then
    echo "clean-rooms: no result (see the log above)"
    echo
  fi
  if [ -n "$CROWD_SUMMARY" ]; then
    # shellcheck disable=SC2154 # the crowd_* variables come from the summary file bench/credit_crowd.sh wrote
    (
      # shellcheck source=/dev/null
      . "$CROWD_SUMMARY"
      echo "crediting $crowd_people people present at a focus segment's end (bench/credit_crowd.sh, $crowd_rounds rounds):"
      echo "  room lock held: median $crowd_median_ms ms, worst $crowd_worst_ms ms; every person credited once: $crowd_verdict"
    )
    echo
  fi
  echo "Parked long-polls (one responder; it and nginx restarted before each round; POMOPOMO_POLL_HOLD=60,"
  echo "LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0; one join wakes all; ms from sending the join until each whole answer was in"
  echo "the client's socket):"
  if [ "${#POLL_JSON[@]}" -gt 0 ]; then
    "$PY" - "${POLL_JSON[@]}" <<'PYREPORT'
import json, sys
rows = [json.load(open(p)) for p in sys.argv[1:]]
def lab(r):
    return f"{r['n']} burst" if r.get("max_pending") == 0 else f"{r['n']} re-poll" if r.get("repoll") else str(r["n"])
def g(r, k, fmt="{}"):
    v = r.get(k)
    return "-" if v is None else fmt.format(v)
head = f"{'N':>12} {'parked':>7} {'RSS before':>11} {'RSS parked':>11} {'kB/poll':>8} {'nginx kB/poll':>13} " \
       f"{'threads':>11} {'join ms':>8} {'200s':>6} {'p50 ms':>7} {'p99 ms':>7} {'last ms':>8}"
print(head)
for r in rows:
    threads = f"{g(r,'threads_before')}->{g(r,'threads_parked')}->{g(r,'threads_after')}"
    label = lab(r)
    print(f"{label:>12} {g(r,'parked_reported'):>7} {g(r,'rss_before_kb'):>8} kB {g(r,'rss_parked_kb'):>8} kB "
          f"{g(r,'kb_per_poll'):>8} {g(r,'nginx_kb_per_poll'):>13} {threads:>11} {g(r,'join_ms'):>8} "
          f"{g(r,'answered_200'):>6} {g(r,'wake_p50_ms'):>7} {g(r,'wake_p99_ms'):>7} {g(r,'wake_last_ms'):>8}")
print()
for r in rows:
    t = [f"kB/poll {r.get('kb_per_poll')} (target <= 8): {'meets' if (r.get('kb_per_poll') or 1e9) <= 8 else 'MISSES'}",
         f"wake-up p99 {r.get('wake_p99_ms')} ms (target <= 250): {'meets' if (r.get('wake_p99_ms') or 1e9) <= 250 else 'MISSES'}",
         f"threads constant: {'yes' if r.get('threads_before') == r.get('threads_parked') else 'NO'}",
         f"all {r['n']} answered 200 within 1 s{' (while the re-polls arrive)' if r.get('repoll') else ''}: "
         f"{'yes' if r.get('answered_200') == r['n'] and (r.get('wake_last_ms') or 1e9) <= 1000 else 'NO'}"]
    label = lab(r)
    print(f"N={label}: " + "; ".join(t))
    pacing = "sent as one burst" if r.get("max_pending") == 0 else f"at most {r.get('max_pending')} un-parked at a time"
    print(f"       {pacing}: sent in {r.get('open_seconds')} s, all parked {r.get('parked_seconds')} s later "
          f"({r.get('park_rate_per_s')} parked/s); "
          f"answers carry version {r.get('answer_versions') or r.get('answer_version')} (was {r.get('version_before')}); statuses {r.get('statuses')}; "
          f"open-files limit {r.get('nofile')}")
    if r.get("seen_p99_ms") is not None:
        print(f"       times above: each answer's last bytes in the client's socket (kernel receive timestamp, "
              f"{r.get('kernel_timestamps')} of them); read by the client: p50 {g(r, 'seen_p50_ms')} p99 {g(r, 'seen_p99_ms')} "
              f"last {g(r, 'seen_last_ms')} ms")
    print(f"       CPU from the join to the last answer: responder {g(r, 'wake_cpu_ms')} ms, nginx {g(r, 'wake_nginx_cpu_ms')} ms, "
          f"the client {g(r, 'wake_client_cpu_ms')} ms (bench/poll_crowd.c and its driver; on 2 cores their sum bounds the wake-up's wall time)")
    if r.get("repoll"):
        print(f"       re-polls (sent within 1 s of each 200, as live.js spreads them): {r.get('repoll_sent')} sent, "
              f"{r.get('repoll_parked')} parked again ({r.get('repoll_parked_ms')} ms after the change), "
              f"answered at once instead: {r.get('repoll_statuses') or 'none'}")
    for p in r.get("problems", []):
        print(f"       problem: {p}")
PYREPORT
  else
    echo "  (no parked-poll run produced results)"
  fi
  echo
  if [ -s "${GROWTH_SUMMARY:-/dev/null}" ]; then
    cat "$GROWTH_SUMMARY"
    echo
  fi
  echo "results: $RESULTS"
}
