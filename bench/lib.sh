# What bench/run.sh and bench/hash_flood.sh share: a throwaway stack's services, a room made through HTTP,
# and stopping it all. Source it; do not run it. It moves to the repository root (ROOT), where the bench
# scripts name every path from, and builds on scripts/lib.sh (die, pid_alive, wait_pid_gone).
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
