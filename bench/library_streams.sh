#!/usr/bin/env bash
# Issue 16: 200 listeners pulling a library track through nginx while wrk measures a room page. The
# room page's p99 (and req/s) alone, then with the listeners, in two shapes:
#   real time  each listener fetches the track at 32 KiB/s (twice a 128 kbit/s track's rate, as a
#              browser buffers ahead), over and over: what a room of 200 costs while a track plays;
#   full speed each listener fetches the whole track as fast as loopback goes, over and over: the
#              worst case (everyone's buffer filling at once when a track starts), far beyond a room.
# Every fetch is one GET /music/tracks/{id}/file: a responder looks the file up and nginx sends it
# (X-Accel-Redirect), so the listeners cost the responder one short request each, never a thread
# for a whole song. All 200 transfers run in one curl (--parallel), so the load generator is one
# process, not 200.
#
#   bash bench/library_streams.sh     (release build: BENCH_BIN, .build/release/pomopomo by default)
#
# Knobs: BENCH_LISTEN (127.0.0.1:18395), BENCH_LISTENERS (200), BENCH_TRACK_SECONDS (240: the
# track's length, an MP3 at 128 kbit/s), BENCH_DURATION (15s), BENCH_WARMUP (3s), BENCH_WRK ("-t1 -c8"),
# BENCH_RATE (32k), BENCH_KEEP=1 keeps the throwaway data dir.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/library_streams.sh
LISTEN=${BENCH_LISTEN:-127.0.0.1:18395}
BASE=http://$LISTEN
LISTENERS=${BENCH_LISTENERS:-200}
TRACK_SECONDS=${BENCH_TRACK_SECONDS:-240}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
RATE=${BENCH_RATE:-32k}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t1 -c8}"
use_bench_binary
require_tools wrk curl nginx psql sox ffmpeg

start_throwaway_stack /tmp/pomopomo-library-bench "$LISTEN"
STREAMS_PID=
stop_listeners() {
  [ -n "$STREAMS_PID" ] || return 0
  kill -TERM -- "-$STREAMS_PID" 2>/dev/null || true
  wait "$STREAMS_PID" 2>/dev/null || true
  STREAMS_PID=
}
trap 'stop_listeners; stop_throwaway_stack' EXIT

# ------------------------------------------------------------------ a track and a room

say "making a $TRACK_SECONDS s track (sox, 128 kbit/s MP3) and adding it with pomopomo library add"
sox -q -n -r 44100 -c 2 "$DIR/track.wav" synth "$TRACK_SECONDS" pinknoise vol 0.3 lowpass 2000
ffmpeg -v error -y -i "$DIR/track.wav" -c:a libmp3lame -b:a 128k "$DIR/track.mp3"
rm -f "$DIR/track.wav"
TRACK=$("$POMOPOMO_BIN" library add "$DIR/track.mp3" --title "Bench noise" --artist Bench | awk '/^added/ { sub(":", "", $2); print $2 }')
[ -n "$TRACK" ] || die "pomopomo library add printed no id"
BYTES=$(stat -c %s "$DIR/track.mp3")
FILE_URL=$BASE/music/tracks/$TRACK/file
[ "$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$FILE_URL")" = "200 $BYTES" ] || die "GET $FILE_URL does not send the track"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Range: bytes=1000-1999' "$FILE_URL")" = 206 ] || die "no Range on $FILE_URL"

JAR=$DIR/host.jar
CODE=$(make_room "$BASE" "$JAR" "Bench Host")
COOKIE="Cookie: $(awk '$6 == "pp_sid" { print "pp_sid=" $7 }' "$JAR")"
ROOM_PATH=/r/$CODE
# Read whole before grep: grep -q stops at the first match, and curl writing into the closed pipe
# fails the pipeline (pipefail) once the page is longer than a pipe buffer.
HOST_PAGE=$(curl -sf -H "$COOKIE" "$BASE$ROOM_PATH")
grep -q 'id="timer-controls"' <<<"$HOST_PAGE" || die "the host's room page does not show the host's controls"
say "track $TRACK ($BYTES bytes), room $CODE"

# ------------------------------------------------------------------ the listeners

# LISTENERS transfers of the track in one curl, again and again until stopped; curl's own summary
# of each round (transfers, bytes, HTTP codes) goes to DIR/streams-NAME.log.
start_listeners() { # name [curl options...]
  local name=$1 config=$DIR/streams.cfg
  shift
  : >"$config"
  for _ in $(seq "$LISTENERS"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$FILE_URL" >>"$config"; done
  # Job control on for this one job: it gets a process group of its own, which stop_listeners ends.
  set -m
  (
    trap - EXIT
    while :; do
      curl -s --parallel --parallel-immediate --parallel-max "$LISTENERS" -K "$config" -w '%{http_code} %{size_download}\n' "$@" \
        >>"$DIR/streams-$name.log" || true
    done
  ) </dev/null >/dev/null 2>&1 &
  STREAMS_PID=$!
  set +m
  # Let every transfer start before measuring.
  sleep 2
}

# Fetched bytes and non-2xx answers in a listeners' log.
streams_summary() { # name seconds
  awk -v s="$2" '{ n++; b += $2; if ($1 != 200 && $1 != 206) bad++ } END {
    printf "%d fetches finished, %.1f MB/s, %d not 200/206", n, b / s / 1e6, bad }' "$DIR/streams-$1.log"
}

# ------------------------------------------------------------------ measuring

say "room page alone: wrk ${WRK_FLAGS[*]} -d$DURATION"
measure alone "$ROOM_PATH" "$COOKIE"

say "room page with $LISTENERS listeners at $RATE/s each"
start_listeners realtime --limit-rate "$RATE"
measure realtime "$ROOM_PATH" "$COOKIE"
stop_listeners
# A real-time transfer outlasts the measurement (nothing finishes): say what was held open.
REALTIME_NOTE="$LISTENERS transfers open at $RATE/s each, $(($(numfmt --from=iec "${RATE^^}") * LISTENERS / 1000)) kB/s in all"

say "room page with $LISTENERS listeners at full speed"
start_listeners fullspeed
started=$(date +%s)
measure fullspeed "$ROOM_PATH" "$COOKIE"
fullspeed_seconds=$(($(date +%s) - started))
stop_listeners

RESPONDER_LOOKUPS=$(awk 'END { print NR }' "$DIR/streams-fullspeed.log")

# ------------------------------------------------------------------ summary

echo
echo "== a room page while $LISTENERS listeners pull a library track through nginx =="
echo "machine: $(nproc) cores; $(nginx -v 2>&1); track: $TRACK_SECONDS s MP3 at 128 kbit/s, $BYTES bytes"
echo "wrk ${WRK_FLAGS[*]} -d$DURATION --latency on GET $ROOM_PATH (the host's page)"
printf '  %-28s %10s req/s   p50 %8s   p99 %8s\n' "alone" "${RPS[alone]}" "${P50[alone]}" "${P99[alone]}"
printf '  %-28s %10s req/s   p50 %8s   p99 %8s   (%s)\n' "+ listeners, real time" "${RPS[realtime]}" "${P50[realtime]}" "${P99[realtime]}" \
  "$REALTIME_NOTE"
printf '  %-28s %10s req/s   p50 %8s   p99 %8s   (%s)\n' "+ listeners, full speed" "${RPS[fullspeed]}" "${P50[fullspeed]}" \
  "${P99[fullspeed]}" "$(streams_summary fullspeed "$fullspeed_seconds"): $RESPONDER_LOOKUPS file lookups by the responder"
