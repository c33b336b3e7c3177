# Shared helpers for the scripts in this directory. Source it; do not run it.
# shellcheck shell=bash

# shellcheck disable=SC2034 # used by the scripts that source this file
POMOPOMO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPT_NAME=$(basename "$0")

say() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '%s: warning: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# Absolute form of a path that may not exist yet (relative to the caller's directory).
abs_path() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac | sed -e 's#/\./#/#g' -e 's#//*#/#g' -e 's#\(.\)/$#\1#'
}

# The data dir ends up in config files, conninfo strings and FastCGI socket paths, where quotes, blanks
# and ':' (libfcgi reads "a:b" as host:port) would break things. Refuse such paths up front.
check_data_dir_name() {
  case "$1" in
    *[!A-Za-z0-9._/+@-]*) die "data dir '$1' contains characters other than letters, digits and ._/+@- (blanks, quotes and ':' break the generated configs); pick another, e.g. POMOPOMO_DATA_DIR=/tmp/pomopomo-data" ;;
  esac
}

# Unix socket paths are limited to 107 bytes by the kernel; keep a margin.
check_socket_path() {
  local path=$1
  if [ "${#path}" -ge 100 ]; then
    die "socket path '$path' is ${#path} characters long; unix socket paths must stay under 100. Use a shorter data dir, e.g. POMOPOMO_DATA_DIR=/tmp/pomopomo-data"
  fi
}

# True when PID names a live process (zombies count as gone).
pid_alive() {
  local pid=$1 state
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
  [ "$state" != Z ]
}

# The pid stored in FILE, if the file exists and holds a number.
read_pid() {
  local file=$1 pid
  [ -f "$file" ] || return 1
  pid=$(tr -dc 0-9 <"$file")
  [ -n "$pid" ] || return 1
  printf '%s\n' "$pid"
}

# Waits until PID is gone, up to SECONDS (fractions allowed as tenths). Returns 1 on timeout.
wait_pid_gone() {
  local pid=$1 tenths=$(( $2 * 10 ))
  while pid_alive "$pid"; do
    [ "$tenths" -gt 0 ] || return 1
    sleep 0.1
    tenths=$((tenths - 1))
  done
}

# Prints the last lines of a log file under a header, if it exists.
show_log_tail() {
  local file=$1 lines=${2:-30}
  if [ -f "$file" ]; then
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2 || true
    printf -- '----- end of %s -----\n' "$file" >&2
  else
    printf -- '----- %s does not exist -----\n' "$file" >&2
  fi
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run '$*' but sudo is not installed; run this as root"
  fi
}
