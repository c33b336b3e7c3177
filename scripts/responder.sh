#!/usr/bin/env bash
# One Pomopomo FastCGI responder, named NAME, on DATA_DIR/run/NAME.sock.
#
#   scripts/responder.sh start DATA_DIR NAME   start it in the background, wait until its socket exists
#   scripts/responder.sh stop DATA_DIR NAME    SIGTERM (it drains), SIGKILL after 10 s
#   scripts/responder.sh stop-all DATA_DIR     stop every responder that has a pid file in DATA_DIR/run
#
# The responder gets DATA_DIR/env (written by scripts/services.sh start) plus POMOPOMO_SOCKET,
# POMOPOMO_TEMPLATES, POMOPOMO_PUBLIC and LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0; the rest of its environment
# (POMOPOMO_BASE_URL, POMOPOMO_THREADS...) is inherited from the caller. Binary: $POMOPOMO_BIN, default
# .build/debug/pomopomo. Log: DATA_DIR/log/NAME.log. Pid: DATA_DIR/run/NAME.pid.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
umask 022

usage() {
  echo "usage: $0 start|stop DATA_DIR NAME | stop-all DATA_DIR" >&2
  exit 2
}

[ $# -ge 2 ] || usage
command=$1
DATA_DIR=$(abs_path "$2")
check_data_dir_name "$DATA_DIR"
RUN_DIR=$DATA_DIR/run
LOG_DIR=$DATA_DIR/log
BIN=$(abs_path "${POMOPOMO_BIN:-$POMOPOMO_ROOT/.build/debug/pomopomo}")
START_TIMEOUT=30
STOP_TIMEOUT=10
NOFILE=${POMOPOMO_NOFILE:-20000}

set_name() {
  NAME=$1
  case $NAME in
    redis) die "'redis' is taken by Redis's pid file in $RUN_DIR; choose another responder name" ;;
    '' | *[!A-Za-z0-9_-]*) die "responder name '$NAME' must be letters, digits, '_' or '-'" ;;
  esac
  SOCKET=$RUN_DIR/$NAME.sock
  PIDFILE=$RUN_DIR/$NAME.pid
  LOG=$LOG_DIR/$NAME.log
}

# The live responder's pid, if any (a stale pid file or a recycled pid does not count).
live_pid() {
  local pid
  pid=$(read_pid "$PIDFILE") || return 1
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q ' serve' || return 1
  printf '%s\n' "$pid"
}

start() {
  local pid limit waited=0
  [ -f "$DATA_DIR/env" ] || die "$DATA_DIR/env is missing; run scripts/services.sh start $DATA_DIR first"
  [ -x "$BIN" ] || die "no responder binary at $BIN; build it first (swift build, or swift build -c release and POMOPOMO_BIN=.build/release/pomopomo)"
  check_socket_path "$SOCKET"
  if pid=$(live_pid); then
    say "responder $NAME already running (pid $pid) on $SOCKET"
    return 0
  fi
  # libfcgi silently replaces an existing socket file; with no live owner it is stale anyway.
  rm -f "$SOCKET" "$PIDFILE"
  mkdir -p "$LOG_DIR"

  limit=$NOFILE
  if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$limit" ]; then
    limit=$(ulimit -Hn)
  fi
  ulimit -n "$limit" || die "cannot raise the open-files limit to $limit"

  say "starting responder $NAME ($BIN) on $SOCKET, log $LOG"
  (
    set -a
    # shellcheck source=/dev/null # DATA/env is written by scripts/services.sh when it starts
    . "$DATA_DIR/env"
    set +a
    export POMOPOMO_SOCKET=$SOCKET
    export POMOPOMO_TEMPLATES=$POMOPOMO_ROOT/Templates
    export POMOPOMO_PUBLIC=$POMOPOMO_ROOT/Public
    export LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0
    cd "$POMOPOMO_ROOT"
    # Own session: a Ctrl-C in the terminal must not reach it; the scripts stop it in order.
    # The inner shell writes its pid before exec, so the pid file names the responder itself.
    # shellcheck disable=SC2016 # $$, $0 and $@ are the inner shell's, expanded there
    exec setsid sh -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" "$BIN" serve </dev/null >>"$LOG" 2>&1
  ) &
  disown $! # its fate is reported below, not by bash's job messages

  until [ -S "$SOCKET" ]; do
    pid=$(read_pid "$PIDFILE" || true)
    if [ -n "$pid" ] && ! pid_alive "$pid"; then
      show_log_tail "$LOG" 40
      rm -f "$PIDFILE"
      die "responder $NAME exited during start-up (log: $LOG)"
    fi
    if [ "$waited" -ge $((START_TIMEOUT * 10)) ]; then
      show_log_tail "$LOG" 40
      [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
      rm -f "$PIDFILE"
      die "responder $NAME did not create $SOCKET within ${START_TIMEOUT}s, so it was killed (log: $LOG)"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

stop() {
  local pid
  if ! pid=$(live_pid); then
    say "responder $NAME is not running"
    rm -f "$PIDFILE" "$SOCKET"
    return 0
  fi
  say "stopping responder $NAME (pid $pid)"
  kill -CONT "$pid" 2>/dev/null || true # a drill may have left it stopped
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_pid_gone "$pid" "$STOP_TIMEOUT"; then
    warn "responder $NAME (pid $pid) still running ${STOP_TIMEOUT}s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_pid_gone "$pid" 5 || die "could not stop responder $NAME (pid $pid)"
  fi
  rm -f "$PIDFILE" "$SOCKET"
}

case $command in
  start) [ $# -eq 3 ] || usage; set_name "$3"; start ;;
  stop) [ $# -eq 3 ] || usage; set_name "$3"; stop ;;
  stop-all)
    [ $# -eq 2 ] || usage
    for pidfile in "$RUN_DIR"/*.pid; do
      [ -e "$pidfile" ] || continue
      name=$(basename "$pidfile" .pid)
      [ "$name" != redis ] || continue
      set_name "$name"
      stop
    done
    ;;
  *) usage ;;
esac
