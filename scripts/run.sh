#!/usr/bin/env bash
# `make run`: builds a release binary and runs the whole stack in the foreground until Ctrl-C:
# PostgreSQL + Redis (scripts/services.sh), one responder, nginx on 127.0.0.1:8080.
#
# POMOPOMO_DATA_DIR  where the database, logs and sockets live (default: .data in the project)
# POMOPOMO_LISTEN    nginx's address (default: 127.0.0.1:8080)
# POMOPOMO_BASE_URL  the public URL the app puts in links (default: http://$POMOPOMO_LISTEN)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$POMOPOMO_ROOT"

DATA_DIR=$(abs_path "${POMOPOMO_DATA_DIR:-$POMOPOMO_ROOT/.data}")
LISTEN=${POMOPOMO_LISTEN:-127.0.0.1:8080}
RESPONDER=web
export POMOPOMO_BIN=$POMOPOMO_ROOT/.build/release/pomopomo
# The app builds absolute links (share URLs) from it.
export POMOPOMO_BASE_URL=${POMOPOMO_BASE_URL:-http://$LISTEN}
# No mail server here: the responder writes each message (sign-in links included) to its log.
[ -n "${POMOPOMO_SMTP_HOST:-}" ] || export POMOPOMO_MAIL_LOG=${POMOPOMO_MAIL_LOG:-1}

# Refuse to start a second copy on the same data dir; its cleanup would stop the first one's services.
if pid=$(read_pid "$DATA_DIR/nginx/nginx.pid") && pid_alive "$pid"; then
  die "nginx for $DATA_DIR is already running (pid $pid); another 'make run'? Stop it with 'make stop'"
fi
if pid=$(read_pid "$DATA_DIR/run/$RESPONDER.pid") && pid_alive "$pid"; then
  die "responder $RESPONDER for $DATA_DIR is already running (pid $pid); another 'make run'? Stop it with 'make stop'"
fi

bash scripts/deps.sh
command -v swift >/dev/null 2>&1 || die "the Swift toolchain (swift) is not on PATH"
say "building (swift build -c release)"
swift build -c release

stopping=0
stop_all() {
  [ "$stopping" = 0 ] || return 0
  stopping=1
  trap '' INT TERM # a second Ctrl-C must not interrupt the orderly stop
  echo
  say "stopping nginx, responder, Redis and PostgreSQL"
  bash scripts/nginx.sh stop "$DATA_DIR" || true
  bash scripts/responder.sh stop "$DATA_DIR" "$RESPONDER" || true
  bash scripts/services.sh stop "$DATA_DIR" || true
  [ "$running" = 0 ] || say "Pomopomo stopped"
}
# Ctrl-C once everything runs is the normal way to stop: exit 0 then, 130/143 before.
running=0
trap stop_all EXIT
trap '[ "$running" = 1 ] && exit 0 || exit 130' INT
trap '[ "$running" = 1 ] && exit 0 || exit 143' TERM

bash scripts/services.sh start "$DATA_DIR"
set -a
# shellcheck source=/dev/null # DATA/env is written by scripts/services.sh when it starts
. "$DATA_DIR/env"
set +a
say "migrating the database"
"$POMOPOMO_BIN" migrate

# Two short tracks made with sox, so a newcomer's room has something to play with no internet and
# no Piped instance (the library: /music/library). Added once: --if-missing skips them next time.
seed_music() {
  local dir=$DATA_DIR/seed-music
  mkdir -p "$dir"
  if [ ! -s "$dir/soft-rain.ogg" ]; then
    sox -q -n -r 44100 -c 2 "$dir/rain.wav" synth 40 brownnoise vol 0.4 lowpass 1500 fade q 3 40 4
    ffmpeg -v error -y -i "$dir/rain.wav" -c:a libvorbis -q:a 3 "$dir/soft-rain.ogg"
  fi
  if [ ! -s "$dir/warm-chord.mp3" ]; then
    sox -q -n -r 44100 -c 1 "$dir/a.wav" synth 36 sine 220 vol 0.25
    sox -q -n -r 44100 -c 1 "$dir/b.wav" synth 36 sine 277.18 vol 0.2
    sox -q -n -r 44100 -c 1 "$dir/c.wav" synth 36 sine 329.63 vol 0.2
    sox -q -m "$dir/a.wav" "$dir/b.wav" "$dir/c.wav" -c 2 "$dir/chord.wav" tremolo 0.25 40 fade q 2 36 4
    ffmpeg -v error -y -i "$dir/chord.wav" -c:a libmp3lame -b:a 128k "$dir/warm-chord.mp3"
  fi
  rm -f "$dir"/*.wav
  "$POMOPOMO_BIN" library add "$dir/soft-rain.ogg" --title "Soft Rain" --artist "Pomopomo" --album "Sounds to focus by" --if-missing
  "$POMOPOMO_BIN" library add "$dir/warm-chord.mp3" --title "Warm Chord" --artist "Pomopomo" --album "Sounds to focus by" --if-missing
}
say "seeding the music library"
seed_music
bash scripts/responder.sh start "$DATA_DIR" "$RESPONDER"
bash scripts/nginx.sh start "$DATA_DIR" "$LISTEN" "$DATA_DIR/run/$RESPONDER.sock"

running=1
echo
echo "Pomopomo is running at http://$LISTEN (Ctrl-C stops it)"
echo "  logs: $DATA_DIR/log/$RESPONDER.log, $DATA_DIR/nginx/error.log"
echo

while :; do
  sleep 2 &
  wait $! || true
  if ! { pid=$(read_pid "$DATA_DIR/run/$RESPONDER.pid") && pid_alive "$pid"; }; then
    show_log_tail "$DATA_DIR/log/$RESPONDER.log" 50
    die "the responder exited (log: $DATA_DIR/log/$RESPONDER.log)"
  fi
  if ! { pid=$(read_pid "$DATA_DIR/nginx/nginx.pid") && pid_alive "$pid"; }; then
    show_log_tail "$DATA_DIR/nginx/error.log" 50
    die "nginx exited (log: $DATA_DIR/nginx/error.log)"
  fi
done
